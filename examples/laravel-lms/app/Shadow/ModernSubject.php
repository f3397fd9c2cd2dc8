<?php

namespace App\Shadow;

use App\Lms\Outcome;
use App\Modern\Contracts\AttemptService;
use App\Modern\Contracts\CourseService;
use App\Modern\Contracts\EnrollmentService;
use App\Modern\Contracts\GradingService;
use App\Modern\Contracts\ProgressService;
use App\Modern\Support\PendingEvents;
use DateTimeInterface;
use Illuminate\Contracts\Events\Dispatcher;
use Illuminate\Support\Facades\DB;

/**
 * The modern services as a shadow subject (the candidate). Each command runs in a transaction; the events it
 * raised are dispatched only after that, so listeners see the state the events announce, and a failing
 * listener (recorded in failed_jobs) cannot undo the command.
 */
final class ModernSubject extends LmsSubject
{
    protected function name(): string
    {
        return 'laravel-lms-modern';
    }

    protected function handle(string $op, array $c, DateTimeInterface $now): Outcome
    {
        $pending = $this->app->make(PendingEvents::class);
        $pending->release();
        $outcome = DB::transaction(fn () => $this->route($op, $c, $now));
        $dispatcher = $this->app->make(Dispatcher::class);
        foreach ($pending->release() as $event) {
            $dispatcher->dispatch($event);
        }
        return $outcome;
    }

    private function route(string $op, array $c, DateTimeInterface $now): Outcome
    {
        $app = $this->app;
        return match ($op) {
            'course.create' => $app->make(CourseService::class)->create($c['courseId'], $c['title'],
                $c['instructorId'], $c['capacity'], $c['certificateTemplate']),
            'course.addLesson' => $app->make(CourseService::class)->addLesson($c['courseId'], $c['lessonId'], $c['title']),
            'course.addQuiz' => $app->make(CourseService::class)->addQuiz($c['courseId'], $c['quizId'],
                $c['maxAttempts'], $c['timeLimitMinutes'], $c['passingScore'], $c['strategy'], $c['weights']),
            'course.publish' => $app->make(CourseService::class)->publish($c['courseId']),
            'course.unpublish' => $app->make(CourseService::class)->unpublish($c['courseId']),
            'course.archive' => $app->make(CourseService::class)->archive($c['courseId']),
            'course.restore' => $app->make(CourseService::class)->restore($c['courseId']),
            'enrollment.enroll' => $app->make(EnrollmentService::class)->enroll($c['userId'], $c['courseId']),
            'enrollment.cancel' => $app->make(EnrollmentService::class)->cancel($c['userId'], $c['courseId']),
            'enrollment.expire' => $app->make(EnrollmentService::class)->expire($c['userId'], $c['courseId']),
            'enrollment.reactivate' => $app->make(EnrollmentService::class)->reactivate($c['userId'], $c['courseId']),
            'progress.completeLesson' => $app->make(ProgressService::class)->completeLesson($c['userId'], $c['lessonId']),
            'attempt.start' => $app->make(AttemptService::class)->start($c['userId'], $c['quizId'], $c['attemptId'], $now),
            'attempt.submit' => $app->make(AttemptService::class)->submit($c['attemptId'], $c['answers'], $now),
            'attempt.abandon' => $app->make(AttemptService::class)->abandon($c['attemptId']),
            'attempt.grade' => $app->make(GradingService::class)->grade($c['attemptId']),
            'grade.final' => $app->make(GradingService::class)->finalGrade($c['userId'], $c['courseId']),
        };
    }
}
