<?php

namespace Tests;

/** Command lists of the scenario format, as [op, fields] pairs; the quirk catalogue's building blocks. */
final class Commands
{
    public const COURSE = 1;
    public const USER = 10;

    public static function create(int $id = self::COURSE, ?int $capacity = null, ?string $template = 'classic'): array
    {
        $fields = ['courseId' => $id, 'title' => "Course {$id}", 'instructorId' => 99];
        if ($capacity !== null) {
            $fields['capacity'] = $capacity;
        }
        if ($template !== null) {
            $fields['certificateTemplate'] = $template;
        }
        return ['course.create', $fields];
    }

    public static function lesson(int $id, int $course = self::COURSE): array
    {
        return ['course.addLesson', ['courseId' => $course, 'lessonId' => $id, 'title' => "Lesson {$id}"]];
    }

    public static function quiz(int $id = 5, int $maxAttempts = 3, ?int $timeLimit = null, string $strategy = 'highest',
                                array $weights = [1, 1, 1], float $passingScore = 80): array
    {
        $fields = ['courseId' => self::COURSE, 'quizId' => $id, 'maxAttempts' => $maxAttempts,
                   'passingScore' => $passingScore, 'strategy' => $strategy, 'weights' => $weights];
        if ($timeLimit !== null) {
            $fields['timeLimitMinutes'] = $timeLimit;
        }
        return ['course.addQuiz', $fields];
    }

    public static function course(string $op, int $course = self::COURSE): array
    {
        return ["course.{$op}", ['courseId' => $course]];
    }

    public static function enrollment(string $op, int $user = self::USER, int $course = self::COURSE): array
    {
        return ["enrollment.{$op}", ['userId' => $user, 'courseId' => $course]];
    }

    public static function complete(int $lesson, int $user = self::USER): array
    {
        return ['progress.completeLesson', ['userId' => $user, 'lessonId' => $lesson]];
    }

    public static function start(int $attempt, int $quiz = 5, int $user = self::USER): array
    {
        return ['attempt.start', ['userId' => $user, 'quizId' => $quiz, 'attemptId' => $attempt]];
    }

    public static function submit(int $attempt, array $answers): array
    {
        return ['attempt.submit', ['attemptId' => $attempt, 'answers' => $answers]];
    }

    public static function attempt(string $op, int $attempt): array
    {
        return ["attempt.{$op}", ['attemptId' => $attempt]];
    }

    public static function finalGrade(int $user = self::USER, int $course = self::COURSE): array
    {
        return ['grade.final', ['userId' => $user, 'courseId' => $course]];
    }

    public static function advance(int $seconds): array
    {
        return ['clock.advance', ['seconds' => $seconds]];
    }

    /** A published course with three lessons. */
    public static function open(): array
    {
        return [self::create(), self::lesson(100), self::lesson(101), self::lesson(102), self::course('publish')];
    }

    /** open() and user 10 enrolled. */
    public static function enrolled(): array
    {
        return [...self::open(), self::enrollment('enroll')];
    }

    /** A published two-lesson course with user 10 enrolled. */
    public static function twoLessonsEnrolled(): array
    {
        return [self::create(), self::lesson(100), self::lesson(101), self::course('publish'), self::enrollment('enroll')];
    }
}
