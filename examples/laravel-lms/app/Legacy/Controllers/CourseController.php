<?php

namespace App\Legacy\Controllers;

use App\Events\CourseArchived;
use App\Events\CourseCreated;
use App\Events\CoursePublished;
use App\Events\CourseRestored;
use App\Events\CourseUnpublished;
use App\Lms\Outcome;
use App\Lms\Snapshots;
use App\Models\Course;
use App\Models\Lesson;
use App\Models\Quiz;

class CourseController extends LegacyController
{
    public function store(int $courseId, string $title, ?int $instructorId, ?int $capacity, ?string $template): Outcome
    {
        if (Course::find($courseId)) {
            return Outcome::rejected('duplicate_id');
        }
        if ($capacity !== null && $capacity <= 0) {
            return Outcome::rejected('invalid_input');
        }
        $course = Course::create([
            'id' => $courseId, 'title' => $title, 'instructor_id' => $instructorId, 'capacity' => $capacity,
            'certificate_template' => $template, 'status' => 'draft',
        ]);
        event(new CourseCreated(['courseId' => $courseId]));
        return Outcome::accepted(['status' => 'draft'], [Snapshots::course($course)]);
    }

    public function addLesson(int $courseId, int $lessonId, string $title): Outcome
    {
        $course = Course::find($courseId);
        if (!$course) {
            return Outcome::rejected('not_found');
        }
        if (Lesson::find($lessonId)) {
            return Outcome::rejected('duplicate_id');
        }
        if ($course->status == 'archived') {
            return Outcome::rejected('course_not_open');
        }
        Lesson::create(['id' => $lessonId, 'course_id' => $courseId, 'title' => $title,
                        'position' => $course->lessons()->count() + 1]);
        return Outcome::accepted(null, [Snapshots::course($course)]);
    }

    public function addQuiz(int $courseId, int $quizId, int $maxAttempts, ?int $timeLimit, float $passingScore,
                            string $strategy, array $weights): Outcome
    {
        $course = Course::find($courseId);
        if (!$course) {
            return Outcome::rejected('not_found');
        }
        if (Quiz::find($quizId)) {
            return Outcome::rejected('duplicate_id');
        }
        if ($course->status == 'archived') {
            return Outcome::rejected('course_not_open');
        }
        if (!($maxAttempts > 0 && $passingScore >= 0 && $passingScore <= 100)) {
            return Outcome::rejected('invalid_input');
        }
        // The old schema had no grading strategy column: legacy never reads $strategy. It is kept in the
        // refactor's column only for ShadowGate's probes without legacy.final_grade_ignores_strategy.
        Quiz::create([
            'id' => $quizId, 'course_id' => $courseId, 'position' => $course->quizzes()->count() + 1,
            'max_attempts' => $maxAttempts, 'time_limit_minutes' => $timeLimit, 'passing_score' => $passingScore,
            'grading_strategy' => $strategy, 'weights' => $weights,
        ]);
        return Outcome::accepted(null, [Snapshots::course($course)]);
    }

    public function publish(int $courseId): Outcome
    {
        $course = Course::find($courseId);
        if (!$course) {
            return Outcome::rejected('not_found');
        }
        // Quirk legacy.publish_without_lessons: no lesson check.
        // Quirk legacy.archived_to_published: only "already published" is refused.
        if ($course->status == 'published') {
            return Outcome::rejected('invalid_transition');
        }
        if (!$this->quirk('legacy.publish_without_lessons') && $course->status == 'draft'
            && $course->lessons()->count() === 0) {
            return Outcome::rejected('course_has_no_lessons');
        }
        if (!$this->quirk('legacy.archived_to_published') && $course->status == 'archived') {
            return Outcome::rejected('invalid_transition');
        }
        return $this->setStatus($course, 'published', CoursePublished::class);
    }

    public function unpublish(int $courseId): Outcome
    {
        $course = Course::find($courseId);
        if (!$course) {
            return Outcome::rejected('not_found');
        }
        if ($course->status != 'published') {
            return Outcome::rejected('invalid_transition');
        }
        return $this->setStatus($course, 'draft', CourseUnpublished::class);
    }

    public function archive(int $courseId): Outcome
    {
        $course = Course::find($courseId);
        if (!$course) {
            return Outcome::rejected('not_found');
        }
        if ($course->status == 'archived') {
            return Outcome::rejected('invalid_transition');
        }
        return $this->setStatus($course, 'archived', CourseArchived::class);
    }

    public function restore(int $courseId): Outcome
    {
        $course = Course::find($courseId);
        if (!$course) {
            return Outcome::rejected('not_found');
        }
        if ($course->status != 'archived') {
            return Outcome::rejected('invalid_transition');
        }
        return $this->setStatus($course, 'draft', CourseRestored::class);
    }

    private function setStatus(Course $course, string $status, string $event): Outcome
    {
        $from = $course->status;
        $course->status = $status;
        $course->save();
        $this->logTransition('course', Snapshots::key('course', $course->id), $from, $status);
        event(new $event(['courseId' => $course->id]));
        return Outcome::accepted(['status' => $status], [Snapshots::course($course)]);
    }
}
