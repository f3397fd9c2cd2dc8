<?php

namespace App\Modern\Services;

use App\Events\AttemptAbandoned;
use App\Events\AttemptExpired;
use App\Events\AttemptStarted;
use App\Events\AttemptSubmitted;
use App\Lms\Outcome;
use App\Lms\Recorder;
use App\Lms\Snapshots;
use App\Models\Attempt;
use App\Models\Enrollment;
use App\Models\Quiz;
use App\Modern\Contracts\AttemptService;
use App\Modern\StateMachines\AttemptStateMachine;
use App\Modern\StateMachines\EnrollmentStateMachine;
use App\Modern\StateMachines\TransitionRefused;
use App\Modern\Support\PendingEvents;
use Carbon\Carbon;
use DateTimeInterface;

final class AttemptManager implements AttemptService
{
    public function __construct(private AttemptStateMachine $machine, private PendingEvents $events,
                                private Recorder $recorder)
    {
    }

    public function start(int $userId, int $quizId, int $attemptId, DateTimeInterface $now): Outcome
    {
        $quiz = Quiz::find($quizId);
        if ($quiz === null) {
            return Outcome::rejected('not_found', "quiz {$quizId}");
        }
        if (Attempt::query()->whereKey($attemptId)->exists()) {
            return Outcome::rejected('duplicate_id', "attempt {$attemptId} exists");
        }
        if (Enrollment::latestFor($userId, $quiz->course_id)?->status !== EnrollmentStateMachine::ACTIVE) {
            return Outcome::rejected('not_enrolled', "user {$userId} is not actively enrolled in course {$quiz->course_id}");
        }
        $previous = Attempt::query()->where('user_id', $userId)->where('quiz_id', $quizId)->count();
        if ($previous >= $quiz->max_attempts) {
            return Outcome::rejected('max_attempts_reached', "{$previous} of {$quiz->max_attempts} attempts used");
        }
        $attempt = Attempt::create([
            'id' => $attemptId, 'user_id' => $userId, 'quiz_id' => $quizId, 'number' => $previous + 1,
            'status' => AttemptStateMachine::IN_PROGRESS, 'answers' => [], 'started_at' => Carbon::instance($now),
        ]);
        $this->events->raise(new AttemptStarted($this->payload($attempt, $quiz)));
        return Outcome::accepted(['attemptNumber' => $attempt->number, 'status' => $attempt->status],
            [Snapshots::attempt($attempt)]);
    }

    public function submit(int $attemptId, array $answers, DateTimeInterface $now): Outcome
    {
        $attempt = Attempt::find($attemptId);
        $quiz = $attempt === null ? null : Quiz::find($attempt->quiz_id);
        if ($quiz === null) {
            return Outcome::rejected('not_found', "attempt {$attemptId}");
        }
        $id = Snapshots::key('attempt', $attemptId);
        $limit = $quiz->time_limit_minutes;
        if ($attempt->status === AttemptStateMachine::IN_PROGRESS && $limit !== null
            && self::millisecondsBetween($attempt->started_at, $now) > $limit * 60_000) {
            // The deadline passed: the attempt expires, and the late answers are refused.
            $attempt->status = AttemptStateMachine::EXPIRED;
            $attempt->save();
            $this->recorder->transition('attempt', $id, AttemptStateMachine::IN_PROGRESS, AttemptStateMachine::EXPIRED);
            $this->events->raise(new AttemptExpired($this->payload($attempt, $quiz)));
            return Outcome::rejected('attempt_expired', "submitted after the {$limit}-minute limit");
        }
        try {
            $this->machine->assertCanMove($id, $attempt->status, AttemptStateMachine::SUBMITTED);
        } catch (TransitionRefused $refused) {
            return $refused->outcome();
        }
        $from = $attempt->status;
        $attempt->status = AttemptStateMachine::SUBMITTED;
        $attempt->answers = $answers;
        $attempt->submitted_at = Carbon::instance($now);
        $attempt->save();
        $this->recorder->transition('attempt', $id, $from, AttemptStateMachine::SUBMITTED);
        $this->events->raise(new AttemptSubmitted($this->payload($attempt, $quiz)));
        return Outcome::accepted(['status' => $attempt->status], [Snapshots::attempt($attempt)]);
    }

    public function abandon(int $attemptId): Outcome
    {
        $attempt = Attempt::find($attemptId);
        $quiz = $attempt === null ? null : Quiz::find($attempt->quiz_id);
        if ($quiz === null) {
            return Outcome::rejected('not_found', "attempt {$attemptId}");
        }
        $id = Snapshots::key('attempt', $attemptId);
        try {
            $this->machine->assertCanMove($id, $attempt->status, AttemptStateMachine::ABANDONED);
        } catch (TransitionRefused $refused) {
            return $refused->outcome();
        }
        $from = $attempt->status;
        $attempt->status = AttemptStateMachine::ABANDONED;
        $attempt->save();
        $this->recorder->transition('attempt', $id, $from, AttemptStateMachine::ABANDONED);
        $this->events->raise(new AttemptAbandoned($this->payload($attempt, $quiz)));
        return Outcome::accepted(['status' => $attempt->status], [Snapshots::attempt($attempt)]);
    }

    private static function millisecondsBetween(DateTimeInterface $from, DateTimeInterface $to): int
    {
        return Carbon::instance($to)->getTimestampMs() - Carbon::instance($from)->getTimestampMs();
    }

    private function payload(Attempt $attempt, Quiz $quiz): array
    {
        return ['courseId' => $quiz->course_id, 'userId' => $attempt->user_id, 'quizId' => $quiz->id,
                'attemptId' => $attempt->id];
    }
}
