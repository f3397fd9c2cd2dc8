<?php

namespace App\Models;

use Illuminate\Database\Eloquent\Model;
use Illuminate\Database\Eloquent\Relations\HasMany;

class Enrollment extends Model
{
    protected $guarded = [];
    protected $casts = ['user_id' => 'integer', 'course_id' => 'integer', 'progress_percent' => 'integer'];

    public function completions(): HasMany
    {
        return $this->hasMany(LessonCompletion::class);
    }

    /** The latest enrollment row of a user in a course (legacy keeps older rows; modern has one). */
    public static function latestFor(int $userId, int $courseId): ?self
    {
        return static::query()->where('user_id', $userId)->where('course_id', $courseId)
            ->orderByDesc('id')->first();
    }
}
