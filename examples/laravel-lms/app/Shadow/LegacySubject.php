<?php

namespace App\Shadow;

use App\Legacy\Controllers\CourseController;
use App\Legacy\Controllers\EnrollmentController;
use App\Legacy\Controllers\GradeController;
use App\Legacy\Controllers\ProgressController;
use App\Legacy\Controllers\QuizAttemptController;
use App\Legacy\Quirks;
use App\Lms\Outcome;
use DateTimeImmutable;
use DateTimeInterface;
use Illuminate\Support\Carbon;
use Illuminate\Support\Facades\DB;
use ShadowGate\Laravel\Contracts\SwitchesQuirks;

/**
 * The legacy controllers as a shadow subject (the control). It can switch every catalogued quirk off for
 * ShadowGate's counterfactual probes (App\Legacy\Quirks), inside a transaction it rolls back.
 */
final class LegacySubject extends LmsSubject implements SwitchesQuirks
{
    protected function name(): string
    {
        return 'laravel-lms-legacy';
    }

    public function describe(): array
    {
        return parent::describe() + ['quirks' => Quirks::SWITCHABLE];
    }

    /**
     * The command with $without switched off, on the world as it is; then the world as it was: the probe's rows
     * are rolled back (a savepoint inside the scenario's transaction), and the job ids and clock restored.
     */
    public function probe(string $op, array $fields, DateTimeImmutable $now, array $without): array
    {
        $connection = DB::connection();
        $jobs = $this->recorder->mark();
        $clock = Carbon::getTestNow();
        $connection->beginTransaction();
        try {
            return $this->app->make(Quirks::class)->without($without, fn () => $this->apply($op, $fields, $now));
        } finally {
            $connection->rollBack();
            $this->recorder->rewind($jobs);
            Carbon::setTestNow($clock);
        }
    }

    protected function handle(string $op, array $c, DateTimeInterface $now): Outcome
    {
        $app = $this->app;
        return match ($op) {
            'course.create' => $app->make(CourseController::class)->store($c['courseId'], $c['title'],
                $c['instructorId'], $c['capacity'], $c['certificateTemplate']),
            'course.addLesson' => $app->make(CourseController::class)->addLesson($c['courseId'], $c['lessonId'], $c['title']),
            'course.addQuiz' => $app->make(CourseController::class)->addQuiz($c['courseId'], $c['quizId'],
                $c['maxAttempts'], $c['timeLimitMinutes'], $c['passingScore'], $c['strategy'], $c['weights']),
            'course.publish' => $app->make(CourseController::class)->publish($c['courseId']),
            'course.unpublish' => $app->make(CourseController::class)->unpublish($c['courseId']),
            'course.archive' => $app->make(CourseController::class)->archive($c['courseId']),
            'course.restore' => $app->make(CourseController::class)->restore($c['courseId']),
            'enrollment.enroll' => $app->make(EnrollmentController::class)->store($c['userId'], $c['courseId']),
            'enrollment.cancel' => $app->make(EnrollmentController::class)->cancel($c['userId'], $c['courseId']),
            'enrollment.expire' => $app->make(EnrollmentController::class)->expire($c['userId'], $c['courseId']),
            'enrollment.reactivate' => $app->make(EnrollmentController::class)->reactivate($c['userId'], $c['courseId']),
            'progress.completeLesson' => $app->make(ProgressController::class)->completeLesson($c['userId'], $c['lessonId']),
            'attempt.start' => $app->make(QuizAttemptController::class)->start($c['userId'], $c['quizId'], $c['attemptId']),
            'attempt.submit' => $app->make(QuizAttemptController::class)->submit($c['attemptId'], $c['answers']),
            'attempt.abandon' => $app->make(QuizAttemptController::class)->abandon($c['attemptId']),
            'attempt.grade' => $app->make(QuizAttemptController::class)->grade($c['attemptId']),
            'grade.final' => $app->make(GradeController::class)->show($c['userId'], $c['courseId']),
        };
    }
}
