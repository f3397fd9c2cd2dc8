<?php

namespace App\Shadow;

use ShadowGate\Laravel\InvalidCommand;

/**
 * The wire format of LMS commands, checked exactly as the built-in subject's codec checks it
 * (Sources/LMSShadow/LMSSubject.swift, LMSCommandCodec): the same required and optional fields, integers
 * that must be JSON integers, the same bounds. Unknown fields are ignored, as there.
 */
final class CommandCodec
{
    /** Every op with the feature flag that switches it to the modern implementation. */
    public const OPS = [
        'course.create' => 'course_state_machine',
        'course.addLesson' => 'course_state_machine',
        'course.addQuiz' => 'course_state_machine',
        'course.publish' => 'course_state_machine',
        'course.unpublish' => 'course_state_machine',
        'course.archive' => 'course_state_machine',
        'course.restore' => 'course_state_machine',
        'enrollment.enroll' => 'enrollment_service',
        'enrollment.cancel' => 'enrollment_state_machine',
        'enrollment.expire' => 'enrollment_state_machine',
        'enrollment.reactivate' => 'enrollment_state_machine',
        'progress.completeLesson' => 'progress_service',
        'attempt.start' => 'attempt_state_machine',
        'attempt.submit' => 'attempt_state_machine',
        'attempt.abandon' => 'attempt_state_machine',
        'attempt.grade' => 'grading_service',
        'grade.final' => 'grading_strategies',
        'clock.advance' => null,
    ];

    public const STRATEGIES = ['highest', 'latest', 'average', 'first'];

    /** The hello's description of a subject. */
    public static function describe(string $name): array
    {
        return [
            'name' => $name,
            'version' => '1.0.0',
            'ops' => self::OPS,
            'sideEffectsFeature' => 'domain_events',
            'clockOp' => 'clock.advance',
            'transitionRefusalCode' => 'invalid_transition',
        ];
    }

    /**
     * The command's arguments by name.
     *
     * @throws InvalidCommand
     */
    public static function decode(string $op, array $fields): array
    {
        if (!array_key_exists($op, self::OPS)) {
            throw new InvalidCommand("unknown op \"{$op}\"; expected one of ".implode(', ', array_keys(self::OPS)));
        }
        $decoded = self::fields($op, new FieldReader($op, $fields));
        // A misspelt field is bad input, as in ShadowGate's own codec: it would otherwise run as if absent.
        $unknown = array_values(array_diff(array_keys($fields), array_keys($decoded)));
        if ($unknown !== []) {
            sort($unknown);
            $expected = array_keys($decoded);
            sort($expected);
            throw new InvalidCommand("unknown field \"{$unknown[0]}\" for {$op}; expected one of ".implode(', ', $expected));
        }
        return $decoded;
    }

    private static function fields(string $op, FieldReader $f): array
    {
        switch ($op) {
            case 'course.create':
                return ['courseId' => $f->int('courseId'), 'title' => $f->string('title'),
                        'instructorId' => $f->optionalInt('instructorId'), 'capacity' => $f->optionalInt('capacity'),
                        'certificateTemplate' => $f->optionalString('certificateTemplate')];
            case 'course.addLesson':
                return ['courseId' => $f->int('courseId'), 'lessonId' => $f->int('lessonId'), 'title' => $f->string('title')];
            case 'course.addQuiz':
                $strategy = $f->string('strategy');
                if (!in_array($strategy, self::STRATEGIES, true)) {
                    throw new InvalidCommand("field \"strategy\": \"{$strategy}\" is not one of ".implode(', ', self::STRATEGIES));
                }
                return ['courseId' => $f->int('courseId'), 'quizId' => $f->int('quizId'),
                        'maxAttempts' => $f->int('maxAttempts'), 'timeLimitMinutes' => $f->optionalInt('timeLimitMinutes'),
                        'passingScore' => self::bounded($f->number('passingScore'), 'passingScore', -1e6, 1e6),
                        'strategy' => $strategy,
                        'weights' => self::boundedList($f->numbers('weights'), 'weights', 0, 1000)];
            case 'course.publish':
            case 'course.unpublish':
            case 'course.archive':
            case 'course.restore':
                return ['courseId' => $f->int('courseId')];
            case 'enrollment.enroll':
            case 'enrollment.cancel':
            case 'enrollment.expire':
            case 'enrollment.reactivate':
            case 'grade.final':
                return ['userId' => $f->int('userId'), 'courseId' => $f->int('courseId')];
            case 'progress.completeLesson':
                return ['userId' => $f->int('userId'), 'lessonId' => $f->int('lessonId')];
            case 'attempt.start':
                return ['userId' => $f->int('userId'), 'quizId' => $f->int('quizId'), 'attemptId' => $f->int('attemptId')];
            case 'attempt.submit':
                return ['attemptId' => $f->int('attemptId'),
                        'answers' => self::boundedList($f->numbers('answers'), 'answers', -1000, 1000)];
            case 'attempt.abandon':
            case 'attempt.grade':
                return ['attemptId' => $f->int('attemptId')];
            case 'clock.advance':
                $seconds = $f->int('seconds');
                if ($seconds < 0) {
                    throw new InvalidCommand("field \"seconds\": time cannot move backwards ({$seconds})");
                }
                return ['seconds' => $seconds];
        }
        throw new InvalidCommand("unknown op \"{$op}\"");
    }

    private static function bounded(float $value, string $field, float $low, float $high): float
    {
        if (!($value >= $low && $value <= $high)) {
            throw new InvalidCommand("field \"{$field}\": {$value} is out of range {$low}...{$high}");
        }
        return $value;
    }

    private static function boundedList(array $values, string $field, float $low, float $high, int $maxCount = 1000): array
    {
        if (count($values) > $maxCount) {
            throw new InvalidCommand("field \"{$field}\": ".count($values)." entries, more than {$maxCount}");
        }
        foreach ($values as $index => $value) {
            self::bounded($value, "{$field}[{$index}]", $low, $high);
        }
        return $values;
    }
}
