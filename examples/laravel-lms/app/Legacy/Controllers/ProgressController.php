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
        // Quirk legacy.duplicate_completion_counted: a completion row is inserted every time.
        LessonCompletion::create([
            'enrollment_id' => $enrollment->id, 'user_id' => $userId, 'course_id' => $course->id,
            'lesson_id' => $lessonId, 'completed_at' => Carbon::now(),
        ]);
        $completed = LessonCompletion::where('enrollment_id', $enrollment->id)->count();
        $lessons = $course->lessons()->count();
        // Quirk legacy.progress_floor: intdiv() floors, so 2 of 3 lessons shows 66%.
        $enrollment->progress_percent = min(100, intdiv($completed * 100, max(1, $lessons)));
        $lessonEvent = new LessonCompleted(['courseId' => $course->id, 'userId' => $userId, 'lessonId' => $lessonId]);
        $progressEvent = new ProgressUpdated(['courseId' => $course->id, 'userId' => $userId,
                                              'percent' => $enrollment->progress_percent]);
        if ($completed >= $lessons) {
            // Quirk legacy.events_before_save: CourseCompleted is fired inline before the row is saved, so it
            // comes first and its certificate listener still reads an active enrollment.
            event(new CourseCompleted(['courseId' => $course->id, 'userId' => $userId]));
            $enrollment->status = 'completed';
            $enrollment->save();
            $this->logTransition('enrollment', Snapshots::key('enrollment', $userId, $course->id), 'active', 'completed');
        } else {
            $enrollment->save();
        }
        event($lessonEvent);
        event($progressEvent);
        return Outcome::accepted(['percent' => $enrollment->progress_percent], [Snapshots::enrollment($enrollment)]);
    }
}
