<?php

namespace App\Listeners;

use App\Events\DomainEvent;
use App\Lms\Recorder;

/** Writes every domain event to domain_event_log as it is dispatched (runs inline, not queued). */
class LogDomainEvent
{
    public function __construct(private Recorder $recorder)
    {
    }

    public function handle(DomainEvent $event): void
    {
        $this->recorder->event($event);
    }
}
