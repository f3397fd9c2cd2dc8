<?php

namespace App\Modern\Contracts;

use App\Lms\Outcome;

/** Course catalogue and lifecycle through the course state machine. */
interface CourseService
{
    public function create(int $courseId, string $title, ?int $instructorId, ?int $capacity, ?string $certificateTemplate): Outcome;

    public function addLesson(int $courseId, int $lessonId, string $title): Outcome;

    public function addQuiz(int $courseId, int $quizId, int $maxAttempts, ?int $timeLimitMinutes, float $passingScore,
                            string $strategy, array $weights): Outcome;

    public function publish(int $courseId): Outcome;

    public function unpublish(int $courseId): Outcome;

    public function archive(int $courseId): Outcome;

    public function restore(int $courseId): Outcome;
}
