<?php

namespace App\Modern\Grading;

/** Turns a user's graded attempt scores (hundredths, in the order the attempts were started) into one grade. */
interface GradingStrategy
{
    /** The grade in hundredths of a percent; null when there is no graded attempt. */
    public function grade(array $scores): ?int;
}
