<?php

namespace App\Modern\StateMachines;

/** Quiz attempt lifecycle: in_progress → submitted → graded; in_progress → expired | abandoned. */
final class AttemptStateMachine extends StateMachine
{
    public const IN_PROGRESS = 'in_progress';
    public const SUBMITTED = 'submitted';
    public const GRADED = 'graded';
    public const EXPIRED = 'expired';
    public const ABANDONED = 'abandoned';

    public function entity(): string
    {
        return 'attempt';
    }

    public function allowed(): array
    {
        return [
            self::IN_PROGRESS => [self::SUBMITTED, self::EXPIRED, self::ABANDONED],
            self::SUBMITTED => [self::GRADED],
            self::GRADED => [],
            self::EXPIRED => [],
            self::ABANDONED => [],
        ];
    }
}
