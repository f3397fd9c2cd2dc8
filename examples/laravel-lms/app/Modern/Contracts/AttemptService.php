<?php

namespace App\Modern\Contracts;

use App\Lms\Outcome;
use DateTimeInterface;

/** Quiz attempts through the attempt state machine: every attempt counts, the time limit is enforced. */
interface AttemptService
{
    public function start(int $userId, int $quizId, int $attemptId, DateTimeInterface $now): Outcome;

    public function submit(int $attemptId, array $answers, DateTimeInterface $now): Outcome;

    public function abandon(int $attemptId): Outcome;
}
