<?php

namespace App\Legacy\Controllers;

use App\Events\EnrollmentCancelled;
use App\Events\EnrollmentCreated;
use App\Events\EnrollmentExpired;
use App\Events\EnrollmentReactivated;
use App\Lms\Outcome;
use App\Lms\Snapshots;
use App\Models\Course;
use App\Models\Enrollment;
use App\Models\User;

class EnrollmentController extends LegacyController
{
    public function store(int $userId, int $courseId): Outcome
    {
        $course = Course::find($courseId);
        if (!$course) {
            return Outcome::rejected('not_found');
        }
        // Quirk legacy.enroll_unopened_course: the course status is never checked.
        if (!$this->quirk('legacy.enroll_unopened_course') && $course->status != 'published') {
            return Outcome::rejected('course_not_open');
        }
        // Quirk legacy.reenroll_after_completion: only an *active* enrollment counts as a duplicate.
        $existing = Enrollment::latestFor($userId, $courseId);
        if ($existing && $existing->status == 'active') {
            return Outcome::rejected('already_enrolled');
        }
        if (!$this->quirk('legacy.reenroll_after_completion') && $existing && $existing->status == 'completed') {
            return Outcome::rejected('already_enrolled');
        }
        // Quirk legacy.capacity_counts_cancelled: every enrollment row ever made takes a seat. Switched off,
        // only active enrollments do (an older row of a user is never active: only the latest is ever changed).
        if ($course->capacity !== null) {
            $seats = Enrollment::where('course_id', $courseId);
            if (!$this->quirk('legacy.capacity_counts_cancelled')) {
                $seats->where('status', 'active');
            }
            if ($seats->count() >= $course->capacity) {
                return Outcome::rejected('course_full');
            }
        }
        User::query()->insertOrIgnore(['id' => $userId]);
        $enrollment = Enrollment::create([
            'user_id' => $userId, 'course_id' => $courseId, 'status' => 'active', 'progress_percent' => 0,
        ]);
        event(new EnrollmentCreated(['courseId' => $courseId, 'userId' => $userId]));
        return Outcome::accepted(['percent' => 0, 'status' => 'active'], [Snapshots::enrollment($enrollment)]);
    }

    public function cancel(int $userId, int $courseId): Outcome
    {
        $enrollment = Enrollment::latestFor($userId, $courseId);
        if (!$enrollment) {
            return Outcome::rejected('not_enrolled');
        }
        if ($enrollment->status != 'active') {
            return Outcome::rejected('invalid_transition');
        }
        // Quirk legacy.no_event_on_cancel_or_expire: the controller never fired an event here.
        return $this->setStatus($enrollment, 'cancelled',
            $this->quirk('legacy.no_event_on_cancel_or_expire') ? null : EnrollmentCancelled::class);
    }

    public function expire(int $userId, int $courseId): Outcome
    {
        $enrollment = Enrollment::latestFor($userId, $courseId);
        if (!$enrollment) {
            return Outcome::rejected('not_enrolled');
        }
        // Quirk legacy.expire_any_status: the nightly expiry job overwrote whatever status it found.
        if (!$this->quirk('legacy.expire_any_status') && $enrollment->status != 'active') {
            return Outcome::rejected('invalid_transition');
        }
        // Quirk legacy.no_event_on_cancel_or_expire.
        return $this->setStatus($enrollment, 'expired',
            $this->quirk('legacy.no_event_on_cancel_or_expire') ? null : EnrollmentExpired::class);
    }

    public function reactivate(int $userId, int $courseId): Outcome
    {
        $enrollment = Enrollment::latestFor($userId, $courseId);
        if (!$enrollment) {
            return Outcome::rejected('not_enrolled');
        }
        // Quirk legacy.reactivate_completed: any non-active enrollment comes back, completed ones too.
        if ($enrollment->status == 'active') {
            return Outcome::rejected('invalid_transition');
        }
        if (!$this->quirk('legacy.reactivate_completed') && $enrollment->status == 'completed') {
            return Outcome::rejected('invalid_transition');
        }
        return $this->setStatus($enrollment, 'active', EnrollmentReactivated::class);
    }

    private function setStatus(Enrollment $enrollment, string $status, ?string $event): Outcome
    {
        $from = $enrollment->status;
        $enrollment->status = $status;
        $enrollment->save();
        $this->logTransition('enrollment', Snapshots::key('enrollment', $enrollment->user_id, $enrollment->course_id),
            $from, $status);
        if ($event !== null) {
            event(new $event(['courseId' => $enrollment->course_id, 'userId' => $enrollment->user_id]));
        }
        return Outcome::accepted(['percent' => $enrollment->progress_percent, 'status' => $status],
            [Snapshots::enrollment($enrollment)]);
    }
}
