<?php

namespace App\Modern\Grading;

use InvalidArgumentException;

/** The strategy a quiz configured with highest, latest, average or first uses. */
final class GradingStrategies
{
    public function for(string $kind): GradingStrategy
    {
        return match ($kind) {
            'highest' => new HighestAttemptStrategy(),
            'latest' => new LatestAttemptStrategy(),
            'average' => new AverageAttemptStrategy(),
            'first' => new FirstAttemptStrategy(),
            default => throw new InvalidArgumentException("unknown grading strategy \"{$kind}\""),
        };
    }
}
