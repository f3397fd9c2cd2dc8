<?php

namespace ShadowGate\Laravel\Flags;

/**
 * How a user is placed in one of 100 buckets for a percentage rollout; the same two recipes as
 * ShadowGate's `flags check --bucketing`.
 */
enum Bucketing: string
{
    /**
     * The guide's recipe: bucket = userId % 100 (0...99; PHP's %, so negative for negative ids), on when
     * bucket < percentage. Every feature puts the same users first: two features at 10% go to exactly
     * the same users.
     */
    case Modulo = 'modulo';

    /**
     * Unleash's recipe: bucket = murmur3_x86_32("<feature>:<userId>", seed 0) % 100 + 1 (1...100), on when
     * bucket <= percentage. Ramps stay nested (everyone in at 10% is still in at 50%) and features pick
     * independent users.
     */
    case Murmur3 = 'murmur3';

    public function bucket(string $feature, int $userId): int
    {
        return match ($this) {
            self::Modulo => $userId % 100,
            self::Murmur3 => Murmur3::x86_32($feature . ':' . $userId) % 100 + 1,
        };
    }

    public function includes(int $bucket, int $percentage): bool
    {
        if ($percentage <= 0) {
            return false;
        }
        return match ($this) {
            self::Modulo => $bucket < $percentage,
            self::Murmur3 => $bucket <= $percentage,
        };
    }
}
