<?php

namespace App\Lms;

use App\Models\Attempt;
use App\Models\Course;
use App\Models\Enrollment;
use App\Models\LessonCompletion;

/** The state of the entities a command touched, read back from the database after the command. */
final class Snapshots
{
    public static function key(string $entity, int ...$ids): string
    {
        return $entity.':'.implode('/', $ids);
    }

    public static function course(Course $course): array
    {
        return [
            'key' => self::key('course', $course->id),
            'status' => $course->status,
            'lessons' => $course->lessons()->count(),
            'quizzes' => $course->quizzes()->count(),
        ];
    }

    public static function enrollment(Enrollment $enrollment): array
    {
        return [
            'key' => self::key('enrollment', $enrollment->user_id, $enrollment->course_id),
            'status' => $enrollment->status,
            'progressPercent' => $enrollment->progress_percent,
            'completedLessons' => LessonCompletion::query()->where('enrollment_id', $enrollment->id)->count(),
        ];
    }

    public static function attempt(Attempt $attempt): array
    {
        $snapshot = ['key' => self::key('attempt', $attempt->id), 'status' => $attempt->status];
        if ($attempt->score !== null) {
            $snapshot['score'] = $attempt->score;
        }
        $snapshot['answers'] = count($attempt->answers ?? []);
        return $snapshot;
    }
}
