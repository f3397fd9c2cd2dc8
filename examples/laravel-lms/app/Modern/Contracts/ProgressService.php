<?php

namespace App\Modern\Contracts;

use App\Lms\Outcome;

/** Lesson completion and progress: idempotent per lesson, percent rounded half up, completes at 100%. */
interface ProgressService
{
    public function completeLesson(int $userId, int $lessonId): Outcome;
}
