<?php

namespace App\Modern\Grading;

/** The best attempt counts. */
final class HighestAttemptStrategy implements GradingStrategy
{
    public function grade(array $scores): ?int
    {
        return $scores === [] ? null : max($scores);
    }
}
