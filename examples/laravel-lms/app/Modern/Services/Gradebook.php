<?php

namespace App\Modern\Services;

use App\Events\AttemptGraded;
use App\Events\CourseGradeCalculated;
use App\Lms\Outcome;
use App\Lms\Recorder;
use App\Lms\Snapshots;
use App\Models\Attempt;
use App\Models\Course;
use App\Models\Enrollment;
use App\Models\Quiz;
use App\Modern\Contracts\GradingService;
use App\Modern\Grading\FixedPointScore;
use App\Modern\Grading\GradingStrategies;
use App\Modern\StateMachines\AttemptStateMachine;
use App\Modern\StateMachines\TransitionRefused;
use App\Modern\Support\PendingEvents;

final class Gradebook implements GradingService
{
    public function __construct(private AttemptStateMachine $machine, private GradingStrategies $strategies,
                                private PendingEvents $events, private Recorder $recorder)
    {
    }

    public function grade(int $attemptId): Outcome
    {
        $attempt = Attempt::find($attemptId);
        $quiz = $attempt === null ? null : Quiz::find($attempt->quiz_id);
        if ($quiz === null) {
            return Outcome::rejected('not_found', "attempt {$attemptId}");
        }
        $id = Snapshots::key('attempt', $attemptId);
        if (!$this->machine->canMove($attempt->status, AttemptStateMachine::GRADED)) {
            return (new TransitionRefused('attempt', $id, $attempt->status, AttemptStateMachine::GRADED))->outcome();
        }
        $hundredths = FixedPointScore::hundredths($quiz->weights, $attempt->answers);
        if ($hundredths === null) {
            return Outcome::rejected('quiz_has_no_questions', "quiz {$quiz->id} has no weighted questions");
        }
        $passed = $hundredths >= FixedPointScore::percentToHundredths($quiz->passing_score);
        $score = FixedPointScore::percent($hundredths);
        $from = $attempt->status;
        $attempt->status = AttemptStateMachine::GRADED;
        $attempt->score_hundredths = $hundredths;
        $attempt->score = $score;
        $attempt->passed = $passed;
        $attempt->save();
        $this->recorder->transition('attempt', $id, $from, AttemptStateMachine::GRADED);
        $this->events->raise(new AttemptGraded([
            'courseId' => $quiz->course_id, 'userId' => $attempt->user_id, 'quizId' => $quiz->id,
            'attemptId' => $attemptId, 'score' => $score, 'passed' => $passed,
        ]));
        return Outcome::accepted(['score' => $score, 'passed' => $passed], [Snapshots::attempt($attempt)]);
    }

    public function finalGrade(int $userId, int $courseId): Outcome
    {
        $course = Course::find($courseId);
        if ($course === null) {
            return Outcome::rejected('not_found', "course {$courseId}");
        }
        if (Enrollment::latestFor($userId, $courseId) === null) {
            return Outcome::rejected('not_enrolled', "user {$userId} never enrolled in course {$courseId}");
        }
        $quizzes = $course->quizzes()->get();
        if ($quizzes->isEmpty()) {
            return Outcome::rejected('course_has_no_quizzes', "course {$courseId} has no quizzes");
        }
        $grades = [];
        $passedAll = true;
        foreach ($quizzes as $quiz) {
            $scores = Attempt::query()->where('user_id', $userId)->where('quiz_id', $quiz->id)
                ->whereNotNull('score_hundredths')->orderBy('number')->pluck('score_hundredths')
                ->map(static fn ($score) => (int) $score)->all();
            $grade = $this->strategies->for($quiz->grading_strategy)->grade($scores) ?? 0;
            $grades[] = $grade;
            $passedAll = $passedAll && $grade >= FixedPointScore::percentToHundredths($quiz->passing_score);
        }
        $courseGrade = FixedPointScore::divideRoundingHalfUp(array_sum($grades), max(1, count($grades)));
        $this->events->raise(new CourseGradeCalculated([
            'courseId' => $courseId, 'userId' => $userId, 'score' => FixedPointScore::percent($courseGrade),
            'passed' => $passedAll,
        ]));
        return Outcome::accepted(['passed' => $passedAll, 'grade' => FixedPointScore::percent($courseGrade)]);
    }
}
