<?php

namespace App\Models;

use Illuminate\Database\Eloquent\Model;

class LessonCompletion extends Model
{
    protected $guarded = [];
    public $timestamps = false;
    protected $dateFormat = 'Y-m-d H:i:s.v';
    protected $casts = ['completed_at' => 'datetime'];
}
