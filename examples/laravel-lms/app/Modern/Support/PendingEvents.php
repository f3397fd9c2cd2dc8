<?php

namespace App\Modern\Support;

use App\Events\DomainEvent;

/**
 * Events raised while a command runs. The application dispatches them to the framework's event dispatcher
 * only after the change is applied, so listeners read the state the event announces.
 */
final class PendingEvents
{
    /** @var list<DomainEvent> */
    private array $events = [];

    public function raise(DomainEvent $event): void
    {
        $this->events[] = $event;
    }

    /** @return list<DomainEvent> the raised events, in order; the list is emptied. */
    public function release(): array
    {
        $events = $this->events;
        $this->events = [];
        return $events;
    }
}
