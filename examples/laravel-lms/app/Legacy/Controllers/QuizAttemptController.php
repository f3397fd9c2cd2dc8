<?php

namespace App\Legacy\Controllers;

use App\Events\AttemptAbandoned;
use App\Events\AttemptExpired;
use App\Events\AttemptGraded;
use App\Events\AttemptStarted;
use App\Events\AttemptSubmitted;
use App\Lms\Outcome;
use App\Lms\Snapshots;
use App\Models\Attempt;
use App\Models\Enrollment;
use App\Models\Quiz;
use App\Modern\Grading\FixedPointScore;
use Illuminate\Support\Carbon;

class QuizAttemptController extends LegacyController
{
    public function start(int $userId, int $quizId, int $attemptId): Outcome
    {
        $quiz = Quiz::find($quizId);
        if (!$quiz) {
            return Outcome::rejected('not_found');
        }
        if (Attempt::find($attemptId)) {
            return Outcome::rejected('duplicate_id');
        }
        $enrollment = Enrollment::latestFor($userId, $quiz->course_id);
        if (!$enrollment || $enrollment->status != 'active') {
            return Outcome::rejected('not_enrolled');
        }
        $previous = Attempt::where('user_id', $userId)->where('quiz_id', $quizId)->get();
        // Quirk legacy.max_attempts_counts_graded_only: ungraded attempts are not counted.
        $graded = $this->quirk('legacy.max_attempts_counts_graded_only')
            ? $previous->where('status', 'graded')->count() : $previous->count();
        if ($graded >= $quiz->max_attempts) {
            return Outcome::rejected('max_attempts_reached');
        }
        // Start times are kept for the old admin screen's reports; legacy never checks them.
        $attempt = Attempt::create([
            'id' => $attemptId, 'user_id' => $userId, 'quiz_id' => $quizId, 'number' => $previous->count() + 1,
            'status' => 'in_progress', 'answers' => [], 'started_at' => Carbon::now(),
        ]);
        event(new AttemptStarted($this->payload($attempt, $quiz)));
        return Outcome::accepted(['attemptNumber' => $attempt->number, 'status' => 'in_progress'],
            [Snapshots::attempt($attempt)]);
    }

    public function submit(int $attemptId, array $answers): Outcome
    {
        [$attempt, $quiz] = $this->attemptWithQuiz($attemptId);
        if (!$quiz) {
            return Outcome::rejected('not_found');
        }
        if ($attempt->status != 'in_progress') {
            return Outcome::rejected('invalid_transition');
        }
        // Quirk legacy.late_submission_accepted: the time limit was only enforced in the browser. Switched off,
        // an attempt submitted after its limit expires and the answers are refused.
        $limit = $quiz->time_limit_minutes;
        if (!$this->quirk('legacy.late_submission_accepted') && $limit !== null
            && Carbon::now()->getTimestampMs() - $attempt->started_at->getTimestampMs() > $limit * 60_000) {
            $attempt->status = 'expired';
            $attempt->save();
            $this->logTransition('attempt', Snapshots::key('attempt', $attemptId), 'in_progress', 'expired');
            event(new AttemptExpired($this->payload($attempt, $quiz)));
            return Outcome::rejected('attempt_expired');
        }
        $attempt->status = 'submitted';
        $attempt->answers = $answers;
        $attempt->submitted_at = Carbon::now();
        $attempt->save();
        $this->logTransition('attempt', Snapshots::key('attempt', $attemptId), 'in_progress', 'submitted');
        event(new AttemptSubmitted($this->payload($attempt, $quiz)));
        return Outcome::accepted(['status' => 'submitted'], [Snapshots::attempt($attempt)]);
    }

    public function abandon(int $attemptId): Outcome
    {
        [$attempt, $quiz] = $this->attemptWithQuiz($attemptId);
        if (!$quiz) {
            return Outcome::rejected('not_found');
        }
        if ($attempt->status != 'in_progress') {
            return Outcome::rejected('invalid_transition');
        }
        $attempt->status = 'abandoned';
        $attempt->save();
        $this->logTransition('attempt', Snapshots::key('attempt', $attemptId), 'in_progress', 'abandoned');
        event(new AttemptAbandoned($this->payload($attempt, $quiz)));
        return Outcome::accepted(['status' => 'abandoned'], [Snapshots::attempt($attempt)]);
    }

    public function grade(int $attemptId): Outcome
    {
        [$attempt, $quiz] = $this->attemptWithQuiz($attemptId);
        if (!$quiz) {
            return Outcome::rejected('not_found');
        }
        // Quirk legacy.grade_error_code: its own error code instead of invalid_transition.
        if ($attempt->status != 'submitted') {
            return Outcome::rejected($this->quirk('legacy.grade_error_code') ? 'not_submitted' : 'invalid_transition');
        }
        $answers = $attempt->answers;
        $earned = 0.0;
        $total = 0.0;
        foreach ($quiz->weights as $index => $weight) {
            $credit = $index < count($answers) ? min(1, max(0, $answers[$index])) : 0;
            $earned += $weight * $credit;
            $total += $weight;
        }
        // Quirk legacy.zero_weight_quiz_crash: a quiz whose questions weigh nothing divides by zero;
        // PHP 8 throws DivisionByZeroError, an HTTP 500 in the old app. Switched off: refused as modern does.
        if (!$this->quirk('legacy.zero_weight_quiz_crash') && $total == 0) {
            return Outcome::rejected('quiz_has_no_questions');
        }
        $ratio = $earned / $total;
        $score = round($ratio * 100, 2);
        // Quirk legacy.float_pass_mark: the pass mark is compared with the unrounded float ratio, so 2.4 of
        // 3 points (0.7999…) fails 80% although the score shown is 80.0. Switched off: exact hundredths.
        $passed = $ratio >= $quiz->passing_score / 100;
        $exact = $this->quirk('legacy.float_pass_mark') ? null : FixedPointScore::hundredths($quiz->weights, $answers);
        if ($exact !== null) {
            $passed = $exact >= FixedPointScore::percentToHundredths($quiz->passing_score);
        }
        $attempt->status = 'graded';
        $attempt->score = $score;
        $attempt->passed = $passed;
        $attempt->save();
        $this->logTransition('attempt', Snapshots::key('attempt', $attemptId), 'submitted', 'graded');
        event(new AttemptGraded($this->payload($attempt, $quiz) + ['score' => $score, 'passed' => $passed]));
        return Outcome::accepted(['score' => $score, 'passed' => $passed], [Snapshots::attempt($attempt)]);
    }

    private function payload(Attempt $attempt, Quiz $quiz): array
    {
        return ['courseId' => $quiz->course_id, 'userId' => $attempt->user_id, 'quizId' => $attempt->quiz_id,
                'attemptId' => $attempt->id];
    }

    /** The attempt and its quiz, each null when missing (the old controllers looked both up inline). */
    private function attemptWithQuiz(int $attemptId): array
    {
        $attempt = Attempt::find($attemptId);
        return [$attempt, $attempt ? Quiz::find($attempt->quiz_id) : null];
    }
}
