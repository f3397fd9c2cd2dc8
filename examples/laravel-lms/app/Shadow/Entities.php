<?php

namespace App\Shadow;

use Illuminate\Support\Facades\DB;

/**
 * The entity keys a command touched, returned as the outcome's `entities` (docs/protocol.md): ShadowGate traces
 * a divergence to an earlier divergence of the same scenario on the same entities (a knock-on). The same keys as
 * the built-in LMS (`Sources/LMS/Entities.swift`): `course:C`, `enrollment:U:C`, `lesson:L`, `quiz:Q`,
 * `attempt:A`. A lesson's, quiz's or attempt's course is read from the database after the command; those
 * links never change once a row exists. When the row is not there (the command was refused), only the keys
 * the fields name are given.
 */
final class Entities
{
    /** @return list<string> */
    public static function of(string $op, array $c): array
    {
        switch ($op) {
            case 'course.create':
            case 'course.publish':
            case 'course.unpublish':
            case 'course.archive':
            case 'course.restore':
                return ["course:{$c['courseId']}"];
            case 'course.addLesson':
                return ["course:{$c['courseId']}", "lesson:{$c['lessonId']}"];
            case 'course.addQuiz':
                return ["course:{$c['courseId']}", "quiz:{$c['quizId']}"];
            case 'enrollment.enroll':
            case 'enrollment.cancel':
            case 'enrollment.expire':
            case 'enrollment.reactivate':
            case 'grade.final':
                return ["course:{$c['courseId']}", "enrollment:{$c['userId']}:{$c['courseId']}"];
            case 'progress.completeLesson':
                $course = DB::table('lessons')->where('id', $c['lessonId'])->value('course_id');
                if ($course === null) {
                    return ["lesson:{$c['lessonId']}"];
                }
                return ["course:$course", "enrollment:{$c['userId']}:$course", "lesson:{$c['lessonId']}"];
            case 'attempt.start':
                return self::attempt($c['userId'], $c['quizId'], $c['attemptId']);
            case 'attempt.submit':
            case 'attempt.abandon':
            case 'attempt.grade':
                $attempt = DB::table('attempts')->where('id', $c['attemptId'])->first(['user_id', 'quiz_id']);
                if ($attempt === null) {
                    return ["attempt:{$c['attemptId']}"];
                }
                return self::attempt($attempt->user_id, $attempt->quiz_id, $c['attemptId']);
            default:
                return [];
        }
    }

    /** @return list<string> */
    private static function attempt(int|string $user, int|string $quiz, int $attempt): array
    {
        $course = DB::table('quizzes')->where('id', $quiz)->value('course_id');
        if ($course === null) {
            return ["quiz:$quiz", "attempt:$attempt"];
        }
        return ["course:$course", "enrollment:$user:$course", "quiz:$quiz", "attempt:$attempt"];
    }
}
