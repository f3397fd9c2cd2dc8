<?php

namespace App\Models;

use Illuminate\Database\Eloquent\Model;
use Illuminate\Database\Eloquent\Relations\BelongsTo;

class Lesson extends Model
{
    protected $guarded = [];
    public $incrementing = false;
    protected $casts = ['course_id' => 'integer', 'position' => 'integer'];

    public function course(): BelongsTo
    {
        return $this->belongsTo(Course::class);
    }
}
