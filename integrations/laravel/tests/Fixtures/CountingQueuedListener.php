<?php

namespace ShadowGate\Laravel\Tests\Fixtures;

use Illuminate\Contracts\Queue\ShouldQueue;

class CountingQueuedListener implements ShouldQueue
{
    public static int $handled = 0;

    public function handle(CounterStored $event): void
    {
        self::$handled++;
    }
}
