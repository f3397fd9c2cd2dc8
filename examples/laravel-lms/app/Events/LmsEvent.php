<?php

namespace App\Events;

use Illuminate\Foundation\Events\Dispatchable;

/** Base of the LMS events: a plain payload, so the sync queue can serialize the event for its listeners. */
abstract class LmsEvent implements DomainEvent
{
    use Dispatchable;

    public function __construct(public array $payload)
    {
    }

    public function name(): string
    {
        return class_basename(static::class);
    }

    public function payload(): array
    {
        return $this->payload;
    }

    public function courseId(): ?int
    {
        return $this->payload['courseId'] ?? null;
    }

    public function userId(): ?int
    {
        return $this->payload['userId'] ?? null;
    }
}
