<?php

namespace ShadowGate\Laravel\Tests\Fixtures;

use Illuminate\Contracts\Queue\ShouldQueue;

/** A queued listener that always fails; records that its failed() hook ran. */
class FailingQueuedListener implements ShouldQueue
{
    public static array $failedCalls = [];

    public function handle(CounterStored $event): void
    {
        throw new \RuntimeException("listener failed for value {$event->value}");
    }

    public function failed(CounterStored $event, \Throwable $e): void
    {
        self::$failedCalls[] = [$event->value, $e->getMessage()];
    }
}
