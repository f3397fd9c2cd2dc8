<?php

namespace ShadowGate\Laravel\Tests\Fixtures;

use Illuminate\Support\Facades\Event;
use Illuminate\Support\ServiceProvider;

class FixtureServiceProvider extends ServiceProvider
{
    public function boot(): void
    {
        // Queued listeners: on the 'shadowgate' connection (driver shadowgate-sync), the queue default.
        Event::listen(CounterStored::class, FailingQueuedListener::class);
        Event::listen(CounterStored::class, CountingQueuedListener::class);
    }
}
