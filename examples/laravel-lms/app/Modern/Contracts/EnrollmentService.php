<?php

namespace App\Modern\Contracts;

use App\Lms\Outcome;

/** Enrollment creation and lifecycle through the enrollment state machine. */
interface EnrollmentService
{
    public function enroll(int $userId, int $courseId): Outcome;

    public function cancel(int $userId, int $courseId): Outcome;

    public function expire(int $userId, int $courseId): Outcome;

    public function reactivate(int $userId, int $courseId): Outcome;
}
