<?php

namespace App\Models;

use Illuminate\Database\Eloquent\Model;
use Illuminate\Database\Eloquent\Relations\BelongsTo;

class Quiz extends Model
{
    protected $guarded = [];
    public $incrementing = false;
    protected $casts = [
        'course_id' => 'integer',
        'position' => 'integer',
        'max_attempts' => 'integer',
        'time_limit_minutes' => 'integer',
        'passing_score' => 'float',
        'weights' => 'array',
    ];

    public function course(): BelongsTo
    {
        return $this->belongsTo(Course::class);
    }
}
