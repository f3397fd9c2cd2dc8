<?php

namespace App\Modern\Grading;

/** Only the first graded attempt counts. */
final class FirstAttemptStrategy implements GradingStrategy
{
    public function grade(array $scores): ?int
    {
        return $scores === [] ? null : $scores[array_key_first($scores)];
    }
}
