<?php

namespace App\Modern\Services;

use App\Events\EnrollmentCancelled;
use App\Events\EnrollmentCreated;
use App\Events\EnrollmentExpired;
use App\Events\EnrollmentReactivated;
use App\Lms\Outcome;
use App\Lms\Recorder;
use App\Lms\Snapshots;
use App\Models\Course;
use App\Models\Enrollment;
use App\Models\LessonCompletion;
use App\Models\User;
use App\Modern\Contracts\EnrollmentService;
use App\Modern\StateMachines\CourseStateMachine;
use App\Modern\StateMachines\EnrollmentStateMachine;
use App\Modern\StateMachines\TransitionRefused;
use App\Modern\Support\PendingEvents;

/** One enrollment per user and course; seats count active enrollments only. */
final class EnrollmentManager implements EnrollmentService
{
    public function __construct(private EnrollmentStateMachine $machine, private PendingEvents $events,
                                private Recorder $recorder)
    {
    }

    public function enroll(int $userId, int $courseId): Outcome
    {
        $course = Course::find($courseId);
        if ($course === null) {
            return Outcome::rejected('not_found', "course {$courseId}");
        }
        if ($course->status !== CourseStateMachine::PUBLISHED) {
            return Outcome::rejected('course_not_open', "course {$courseId} is {$course->status}");
        }
        $existing = Enrollment::latestFor($userId, $courseId);
        if ($existing !== null && in_array($existing->status,
                [EnrollmentStateMachine::ACTIVE, EnrollmentStateMachine::COMPLETED], true)) {
            return Outcome::rejected('already_enrolled', "user {$userId} is {$existing->status} in {$courseId}");
        }
        if ($course->capacity !== null && $this->activeSeats($courseId) >= $course->capacity) {
            return Outcome::rejected('course_full', "course {$courseId} has {$course->capacity} seats taken");
        }
        User::query()->insertOrIgnore(['id' => $userId]);
        if ($existing !== null) {
            // A cancelled or expired enrollment is replaced by a fresh one: progress starts over.
            LessonCompletion::query()->where('enrollment_id', $existing->id)->delete();
            $existing->status = EnrollmentStateMachine::ACTIVE;
            $existing->progress_percent = 0;
            $existing->save();
            $enrollment = $existing;
        } else {
            $enrollment = Enrollment::create(['user_id' => $userId, 'course_id' => $courseId,
                'status' => EnrollmentStateMachine::ACTIVE, 'progress_percent' => 0]);
        }
        $this->events->raise(new EnrollmentCreated(['courseId' => $courseId, 'userId' => $userId]));
        return Outcome::accepted(['percent' => 0, 'status' => EnrollmentStateMachine::ACTIVE],
            [Snapshots::enrollment($enrollment)]);
    }

    public function cancel(int $userId, int $courseId): Outcome
    {
        return $this->move($userId, $courseId, EnrollmentStateMachine::CANCELLED, EnrollmentCancelled::class);
    }

    public function expire(int $userId, int $courseId): Outcome
    {
        return $this->move($userId, $courseId, EnrollmentStateMachine::EXPIRED, EnrollmentExpired::class);
    }

    public function reactivate(int $userId, int $courseId): Outcome
    {
        return $this->move($userId, $courseId, EnrollmentStateMachine::ACTIVE, EnrollmentReactivated::class);
    }

    private function move(int $userId, int $courseId, string $target, string $event): Outcome
    {
        $enrollment = Enrollment::latestFor($userId, $courseId);
        if ($enrollment === null) {
            return Outcome::rejected('not_enrolled', "user {$userId} has no enrollment in course {$courseId}");
        }
        $id = Snapshots::key('enrollment', $userId, $courseId);
        try {
            $this->machine->assertCanMove($id, $enrollment->status, $target);
        } catch (TransitionRefused $refused) {
            return $refused->outcome();
        }
        $from = $enrollment->status;
        if ($target === EnrollmentStateMachine::ACTIVE) {
            // Deliberately not a documented fix: modern resets progress on reactivation while legacy keeps
            // it (the built-in modern does the same). Shadow runs surface it as an unexpected divergence.
            $enrollment->progress_percent = 0;
        }
        $enrollment->status = $target;
        $enrollment->save();
        $this->recorder->transition('enrollment', $id, $from, $target);
        $this->events->raise(new $event(['courseId' => $courseId, 'userId' => $userId]));
        return Outcome::accepted(['percent' => $enrollment->progress_percent, 'status' => $target],
            [Snapshots::enrollment($enrollment)]);
    }

    private function activeSeats(int $courseId): int
    {
        return Enrollment::query()->where('course_id', $courseId)
            ->where('status', EnrollmentStateMachine::ACTIVE)->count();
    }
}
