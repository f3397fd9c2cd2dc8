<?php

namespace App\Modern\Contracts;

use App\Lms\Outcome;

/** Scoring of one attempt in exact fixed point, and the course grade through each quiz's strategy. */
interface GradingService
{
    public function grade(int $attemptId): Outcome;

    public function finalGrade(int $userId, int $courseId): Outcome;
}
