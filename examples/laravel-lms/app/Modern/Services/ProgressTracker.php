<?php

namespace App\Modern\Services;

use App\Events\CourseCompleted;
use App\Events\LessonCompleted;
use App\Events\ProgressUpdated;
use App\Lms\Outcome;
use App\Lms\Recorder;
use App\Lms\Snapshots;
use App\Models\Course;
use App\Models\Enrollment;
use App\Models\Lesson;
use App\Models\LessonCompletion;
use App\Modern\Contracts\ProgressService;
use App\Modern\Grading\FixedPointScore;
use App\Modern\StateMachines\EnrollmentStateMachine;
use App\Modern\Support\PendingEvents;
use Illuminate\Support\Carbon;

final class ProgressTracker implements ProgressService
{
    public function __construct(private EnrollmentStateMachine $machine, private PendingEvents $events,
                                private Recorder $recorder)
    {
    }

    public function completeLesson(int $userId, int $lessonId): Outcome
    {
        $lesson = Lesson::find($lessonId);
        $course = $lesson === null ? null : Course::find($lesson->course_id);
        if ($course === null) {
            return Outcome::rejected('not_found', "lesson {$lessonId}");
        }
        $enrollment = Enrollment::latestFor($userId, $course->id);
        if ($enrollment === null || $enrollment->status !== EnrollmentStateMachine::ACTIVE) {
            return Outcome::rejected('not_enrolled', "user {$userId} is not actively enrolled in course {$course->id}");
        }
        $completions = LessonCompletion::query()->where('enrollment_id', $enrollment->id);
        if ((clone $completions)->where('lesson_id', $lessonId)->exists()) {
            // Completing a lesson twice changes nothing.
            return Outcome::accepted(['percent' => $enrollment->progress_percent], [Snapshots::enrollment($enrollment)]);
        }
        LessonCompletion::create([
            'enrollment_id' => $enrollment->id, 'user_id' => $userId, 'course_id' => $course->id,
            'lesson_id' => $lessonId, 'completed_at' => Carbon::now(),
        ]);
        $done = $completions->count();
        $lessons = $course->lessons()->count();
        $enrollment->progress_percent = FixedPointScore::divideRoundingHalfUp($done * 100, max(1, $lessons));
        $this->events->raise(new LessonCompleted(['courseId' => $course->id, 'userId' => $userId, 'lessonId' => $lessonId]));
        $this->events->raise(new ProgressUpdated(['courseId' => $course->id, 'userId' => $userId,
                                                  'percent' => $enrollment->progress_percent]));
        if ($done >= $lessons) {
            $id = Snapshots::key('enrollment', $userId, $course->id);
            if ($this->machine->canMove(EnrollmentStateMachine::ACTIVE, EnrollmentStateMachine::COMPLETED)) {
                $enrollment->status = EnrollmentStateMachine::COMPLETED;
                $this->recorder->transition('enrollment', $id, EnrollmentStateMachine::ACTIVE,
                    EnrollmentStateMachine::COMPLETED);
                $this->events->raise(new CourseCompleted(['courseId' => $course->id, 'userId' => $userId]));
            }
        }
        $enrollment->save();
        return Outcome::accepted(['percent' => $enrollment->progress_percent], [Snapshots::enrollment($enrollment)]);
    }
}
