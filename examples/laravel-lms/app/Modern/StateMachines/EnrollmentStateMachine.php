<?php

namespace App\Modern\StateMachines;

/** Enrollment lifecycle: active → completed | cancelled | expired; cancelled or expired → active (reactivate). */
final class EnrollmentStateMachine extends StateMachine
{
    public const ACTIVE = 'active';
    public const COMPLETED = 'completed';
    public const CANCELLED = 'cancelled';
    public const EXPIRED = 'expired';

    public function entity(): string
    {
        return 'enrollment';
    }

    public function allowed(): array
    {
        return [
            self::ACTIVE => [self::COMPLETED, self::CANCELLED, self::EXPIRED],
            self::CANCELLED => [self::ACTIVE],
            self::EXPIRED => [self::ACTIVE],
            self::COMPLETED => [],
        ];
    }
}
