<?php

namespace ShadowGate\Laravel\Tests\Fixtures;

/** A plain (not queued) listener that fails. */
class FailingListener
{
    public function handle(CounterStored $event): void
    {
        throw new \LogicException("plain listener failed for value {$event->value}");
    }
}
