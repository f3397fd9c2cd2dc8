<?php

namespace App\Legacy\Controllers;

use App\Events\CourseGradeCalculated;
use App\Lms\Outcome;
use App\Models\Attempt;
use App\Models\Course;
use App\Models\Enrollment;
use App\Modern\Grading\FixedPointScore;
use App\Modern\Grading\GradingStrategies;

class GradeController extends LegacyController
{
    public function show(int $userId, int $courseId): Outcome
    {
        $course = Course::find($courseId);
        if (!$course) {
            return Outcome::rejected('not_found');
        }
        if (!Enrollment::latestFor($userId, $courseId)) {
            return Outcome::rejected('not_enrolled');
        }
        $quizzes = $course->quizzes()->get();
        if ($quizzes->isEmpty()) {
            return Outcome::rejected('course_has_no_quizzes');
        }
        $total = 0.0;
        $hundredths = 0;
        $passedAll = true;
        foreach ($quizzes as $quiz) {
            // Quirk legacy.final_grade_ignores_strategy: always the best graded attempt. Switched off: the
            // quiz's strategy over the attempts' scores in hundredths, in the order they were started.
            if ($this->quirk('legacy.final_grade_ignores_strategy')) {
                $best = Attempt::where('user_id', $userId)->where('quiz_id', $quiz->id)->whereNotNull('score')
                    ->max('score') ?? 0;
                $passed = $best >= $quiz->passing_score;
            } else {
                $scores = Attempt::where('user_id', $userId)->where('quiz_id', $quiz->id)->whereNotNull('score')
                    ->orderBy('number')->pluck('score')
                    ->map(static fn ($score) => FixedPointScore::roundHalfAwayFromZero((float) $score * 100))->all();
                $strategy = app(GradingStrategies::class)->for($quiz->grading_strategy ?? 'highest');
                $best = FixedPointScore::percent($strategy->grade($scores) ?? 0);
                $passed = FixedPointScore::roundHalfAwayFromZero($best * 100)
                    >= FixedPointScore::percentToHundredths($quiz->passing_score);
            }
            $total += $best;
            $hundredths += FixedPointScore::roundHalfAwayFromZero($best * 100);
            $passedAll = $passedAll && $passed;
        }
        // legacy.float_course_grade: PHP's round() of the binary mean. Switched off: exact hundredths, half up.
        $grade = $this->quirk('legacy.float_course_grade') ? round($total / $quizzes->count(), 2)
            : FixedPointScore::percent(FixedPointScore::divideRoundingHalfUp($hundredths, max(1, $quizzes->count())));
        event(new CourseGradeCalculated(['courseId' => $courseId, 'userId' => $userId, 'score' => $grade,
                                         'passed' => $passedAll]));
        return Outcome::accepted(['passed' => $passedAll, 'grade' => $grade]);
    }
}
