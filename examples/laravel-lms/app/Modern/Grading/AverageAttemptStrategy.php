<?php

namespace App\Modern\Grading;

/** The mean of all graded attempts, rounded half up to a hundredth. */
final class AverageAttemptStrategy implements GradingStrategy
{
    public function grade(array $scores): ?int
    {
        return $scores === [] ? null : FixedPointScore::divideRoundingHalfUp(array_sum($scores), count($scores));
    }
}
