<?php

namespace App\Providers;

use App\Events\AttemptGraded;
use App\Events\CourseCompleted;
use App\Events\DomainEvent;
use App\Events\EnrollmentCreated;
use App\Listeners\IssueCertificate;
use App\Listeners\LogDomainEvent;
use App\Listeners\NotifyInstructor;
use App\Listeners\SendEnrollmentConfirmation;
use Illuminate\Foundation\Support\Providers\EventServiceProvider as ServiceProvider;

/** The listeners both implementations register; the three job listeners are queued (sync queue). */
class EventServiceProvider extends ServiceProvider
{
    protected $listen = [
        EnrollmentCreated::class => [SendEnrollmentConfirmation::class],
        CourseCompleted::class => [IssueCertificate::class],
        AttemptGraded::class => [NotifyInstructor::class],
        DomainEvent::class => [LogDomainEvent::class],
    ];

    public function shouldDiscoverEvents()
    {
        return false;
    }
}
