<?php

namespace App\Providers;

use App\Lms\Recorder;
use App\Modern\Contracts;
use App\Modern\Grading\GradingStrategies;
use App\Modern\Services;
use App\Modern\StateMachines\AttemptStateMachine;
use App\Modern\StateMachines\CourseStateMachine;
use App\Modern\StateMachines\EnrollmentStateMachine;
use App\Modern\Support\PendingEvents;
use Illuminate\Support\ServiceProvider;

/**
 * Binds the modern services behind their contracts. Listener jobs run on the package's 'shadowgate-sync'
 * queue driver (config/queue.php), which records failures in failed_jobs instead of rethrowing them.
 */
class LmsServiceProvider extends ServiceProvider
{
    public array $singletons = [
        Recorder::class => Recorder::class,
        \App\Legacy\Quirks::class => \App\Legacy\Quirks::class,
        \App\Shadow\FreshDatabase::class => \App\Shadow\FreshDatabase::class,
        PendingEvents::class => PendingEvents::class,
        CourseStateMachine::class => CourseStateMachine::class,
        EnrollmentStateMachine::class => EnrollmentStateMachine::class,
        AttemptStateMachine::class => AttemptStateMachine::class,
        GradingStrategies::class => GradingStrategies::class,
        Contracts\CourseService::class => Services\CourseCatalog::class,
        Contracts\EnrollmentService::class => Services\EnrollmentManager::class,
        Contracts\ProgressService::class => Services\ProgressTracker::class,
        Contracts\AttemptService::class => Services\AttemptManager::class,
        Contracts\GradingService::class => Services\Gradebook::class,
    ];
}
