<?php

namespace App\Modern\Grading;

/**
 * Exact score arithmetic: integers in hundredths of a percent, half-up rounding, so 2.4 of 3 points is
 * 80.00%, not 79.999…%. Weights and credits are taken to a thousandth, the precision the quiz editor stores.
 */
final class FixedPointScore
{
    /** The score in hundredths of a percent, or null when the questions weigh nothing. */
    public static function hundredths(array $weights, array $answers): ?int
    {
        $earned = 0;
        $total = 0;
        foreach (array_values($weights) as $index => $weight) {
            $weightMillis = max(0, self::millis($weight));
            $credit = $index < count($answers) ? min(1000, max(0, self::millis($answers[$index]))) : 0;
            $earned += $weightMillis * $credit;
            $total += $weightMillis * 1000;
        }
        if ($total <= 0) {
            return null;
        }
        return self::divideRoundingHalfUp($earned * 10000, $total);
    }

    /** Pass mark in hundredths (80 → 8000). */
    public static function percentToHundredths(float|int $percent): int
    {
        return self::roundHalfAwayFromZero($percent * 100);
    }

    /** Hundredths back to a percentage (3333 → 33.33). */
    public static function percent(int $hundredths): float|int
    {
        return $hundredths / 100;
    }

    public static function divideRoundingHalfUp(int $numerator, int $denominator): int
    {
        return intdiv(2 * $numerator + $denominator, 2 * $denominator);
    }

    private static function millis(float|int $value): int
    {
        return self::roundHalfAwayFromZero($value * 1000);
    }

    /**
     * Half away from zero on the exact binary value (C's round()). Not PHP's round(), which first rounds to
     * 15 significant digits: 0.5005 * 1000 is 500.49999999999994 and must give 500 thousandths, not 501.
     */
    public static function roundHalfAwayFromZero(float|int $value): int
    {
        if (is_int($value)) {
            return $value;
        }
        $magnitude = abs($value);
        $whole = floor($magnitude);
        $rounded = $magnitude - $whole >= 0.5 ? $whole + 1 : $whole;
        return (int) ($value < 0 ? -$rounded : $rounded);
    }
}
