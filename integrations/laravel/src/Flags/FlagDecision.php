<?php

namespace ShadowGate\Laravel\Flags;

/** Whether a feature is on for one user, and why (the same sentence as `shadowgate flags check`). */
final class FlagDecision
{
    public const DIRECT_FLAG = 'directFlag';
    public const PILOT_USER = 'pilotUser';
    public const IN_PERCENTAGE = 'inPercentage';
    public const OUTSIDE_PERCENTAGE = 'outsidePercentage';
    public const NO_USER = 'noUser';
    public const OFF = 'off';

    public function __construct(
        public readonly bool $enabled,
        /** One of the constants above. */
        public readonly string $kind,
        public readonly string $reason,
        public readonly ?int $bucket = null,
    ) {
    }
}
