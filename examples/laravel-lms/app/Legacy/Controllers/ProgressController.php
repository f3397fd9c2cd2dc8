<?php

namespace App\Legacy\Controllers;

use App\Events\CourseCompleted;
use App\Events\LessonCompleted;
use App\Events\ProgressUpdated;
use App\Lms\Outcome;
use App\Lms\Snapshots;
use App\Models\Course;
use App\Models\Enrollment;
use App\Models\Lesson;
use App\Models\LessonCompletion;
use Illuminate\Support\Carbon;

class ProgressController extends LegacyController
{
    public function completeLesson(int $userId, int $lessonId): Outcome
    {
        $lesson = Lesson::find($lessonId);
        $course = $lesson ? Course::find($lesson->course_id) : null;
        if (!$course) {
            return Outcome::rejected('not_found');
        }
        $enrollment = Enrollment::latestFor($userId, $course->id);
        if (!$enrollment || $enrollment->status != 'active') {
            return Outcome::rejected('not_enrolled');
        }
        // Quirk legacy.duplicate_completion_counted: a completion row is inserted every time. Switched off, a
        // lesson completed before (in this enrollment) changes nothing.
        if (!$this->quirk('legacy.duplicate_completion_counted') && LessonCompletion::where('enrollment_id', $enrollment->id)
                ->where('lesson_id', $lessonId)->exists()) {
            return Outcome::accepted(['percent' => $enrollment->progress_percent], [Snapshots::enrollment($enrollment)]);
        }
        LessonCompletion::create([
            'enrollment_id' => $enrollment->id, 'user_id' => $userId, 'course_id' => $course->id,
            'lesson_id' => $lessonId, 'completed_at' => Carbon::now(),
        ]);
        $completed = LessonCompletion::where('enrollment_id', $enrollment->id)->count();
        $lessons = $course->lessons()->count();
        // Quirk legacy.progress_floor: intdiv() floors, so 2 of 3 lessons shows 66%. Switched off: half up.
        $divisor = max(1, $lessons);
        $enrollment->progress_percent = min(100, $this->quirk('legacy.progress_floor')
            ? intdiv($completed * 100, $divisor) : intdiv(2 * $completed * 100 + $divisor, 2 * $divisor));
        $lessonEvent = new LessonCompleted(['courseId' => $course->id, 'userId' => $userId, 'lessonId' => $lessonId]);
        $progressEvent = new ProgressUpdated(['courseId' => $course->id, 'userId' => $userId,
                                              'percent' => $enrollment->progress_percent]);
        $completedEvent = null;
        if ($completed >= $lessons) {
            // Quirk legacy.events_before_save: CourseCompleted is fired inline before the row is saved, so it
            // comes first and its certificate listener still reads an active enrollment. Switched off, it is
            // fired last, after the row is saved.
            $completedEvent = new CourseCompleted(['courseId' => $course->id, 'userId' => $userId]);
            if ($this->quirk('legacy.events_before_save')) {
                event($completedEvent);
                $completedEvent = null;
            }
            $enrollment->status = 'completed';
            $enrollment->save();
            $this->logTransition('enrollment', Snapshots::key('enrollment', $userId, $course->id), 'active', 'completed');
        } else {
            $enrollment->save();
        }
        event($lessonEvent);
        event($progressEvent);
        if ($completedEvent !== null) {
            event($completedEvent);
        }
        return Outcome::accepted(['percent' => $enrollment->progress_percent], [Snapshots::enrollment($enrollment)]);
    }
}
