<?php

namespace App\Modern\Services;

use App\Events\CourseArchived;
use App\Events\CourseCreated;
use App\Events\CoursePublished;
use App\Events\CourseRestored;
use App\Events\CourseUnpublished;
use App\Lms\Outcome;
use App\Lms\Recorder;
use App\Lms\Snapshots;
use App\Models\Course;
use App\Models\Lesson;
use App\Models\Quiz;
use App\Modern\Contracts\CourseService;
use App\Modern\StateMachines\CourseStateMachine;
use App\Modern\StateMachines\TransitionRefused;
use App\Modern\Support\PendingEvents;

final class CourseCatalog implements CourseService
{
    public function __construct(private CourseStateMachine $machine, private PendingEvents $events,
                                private Recorder $recorder)
    {
    }

    public function create(int $courseId, string $title, ?int $instructorId, ?int $capacity, ?string $certificateTemplate): Outcome
    {
        if (Course::query()->whereKey($courseId)->exists()) {
            return Outcome::rejected('duplicate_id', "course {$courseId} exists");
        }
        if ($capacity !== null && $capacity <= 0) {
            return Outcome::rejected('invalid_input', 'capacity must be positive');
        }
        $course = Course::create([
            'id' => $courseId, 'title' => $title, 'instructor_id' => $instructorId, 'capacity' => $capacity,
            'certificate_template' => $certificateTemplate, 'status' => CourseStateMachine::DRAFT,
        ]);
        $this->events->raise(new CourseCreated(['courseId' => $courseId]));
        return Outcome::accepted(['status' => $course->status], [Snapshots::course($course)]);
    }

    public function addLesson(int $courseId, int $lessonId, string $title): Outcome
    {
        $course = Course::find($courseId);
        if ($course === null) {
            return Outcome::rejected('not_found', "course {$courseId}");
        }
        if (Lesson::query()->whereKey($lessonId)->exists()) {
            return Outcome::rejected('duplicate_id', "lesson {$lessonId} exists");
        }
        if ($course->status === CourseStateMachine::ARCHIVED) {
            return Outcome::rejected('course_not_open', "course {$courseId} is archived");
        }
        $course->lessons()->create(['id' => $lessonId, 'title' => $title,
                                    'position' => $course->lessons()->count() + 1]);
        return Outcome::accepted(null, [Snapshots::course($course)]);
    }

    public function addQuiz(int $courseId, int $quizId, int $maxAttempts, ?int $timeLimitMinutes, float $passingScore,
                            string $strategy, array $weights): Outcome
    {
        $course = Course::find($courseId);
        if ($course === null) {
            return Outcome::rejected('not_found', "course {$courseId}");
        }
        if (Quiz::query()->whereKey($quizId)->exists()) {
            return Outcome::rejected('duplicate_id', "quiz {$quizId} exists");
        }
        if ($course->status === CourseStateMachine::ARCHIVED) {
            return Outcome::rejected('course_not_open', "course {$courseId} is archived");
        }
        if ($maxAttempts <= 0 || $passingScore < 0 || $passingScore > 100) {
            return Outcome::rejected('invalid_input', 'maxAttempts must be positive and passingScore within 0...100');
        }
        $course->quizzes()->create([
            'id' => $quizId, 'position' => $course->quizzes()->count() + 1, 'max_attempts' => $maxAttempts,
            'time_limit_minutes' => $timeLimitMinutes, 'passing_score' => $passingScore,
            'grading_strategy' => $strategy, 'weights' => $weights,
        ]);
        return Outcome::accepted(null, [Snapshots::course($course)]);
    }

    public function publish(int $courseId): Outcome
    {
        return $this->move($courseId, CourseStateMachine::PUBLISHED, CoursePublished::class);
    }

    public function unpublish(int $courseId): Outcome
    {
        return $this->move($courseId, CourseStateMachine::DRAFT, CourseUnpublished::class);
    }

    public function archive(int $courseId): Outcome
    {
        return $this->move($courseId, CourseStateMachine::ARCHIVED, CourseArchived::class);
    }

    public function restore(int $courseId): Outcome
    {
        $status = Course::query()->whereKey($courseId)->value('status');
        if ($status !== null && $status !== CourseStateMachine::ARCHIVED) {
            // Restore means archived → draft; from any other state it is a refused transition.
            return (new TransitionRefused('course', Snapshots::key('course', $courseId), $status,
                                          CourseStateMachine::DRAFT))->outcome();
        }
        return $this->move($courseId, CourseStateMachine::DRAFT, CourseRestored::class);
    }

    private function move(int $courseId, string $target, string $event): Outcome
    {
        $course = Course::find($courseId);
        if ($course === null) {
            return Outcome::rejected('not_found', "course {$courseId}");
        }
        if ($target === CourseStateMachine::PUBLISHED && $course->status === CourseStateMachine::DRAFT
            && !$course->lessons()->exists()) {
            return Outcome::rejected('course_has_no_lessons', "course {$courseId} has no lessons to publish");
        }
        $id = Snapshots::key('course', $courseId);
        try {
            $this->machine->assertCanMove($id, $course->status, $target);
        } catch (TransitionRefused $refused) {
            return $refused->outcome();
        }
        $from = $course->status;
        $course->status = $target;
        $course->save();
        $this->recorder->transition('course', $id, $from, $target);
        $this->events->raise(new $event(['courseId' => $courseId]));
        return Outcome::accepted(['status' => $target], [Snapshots::course($course)]);
    }
}
