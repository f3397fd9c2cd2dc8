<?php

namespace ShadowGate\Laravel;

use Illuminate\Support\ServiceProvider;
use ShadowGate\Laravel\Console\WorkerCommand;
use ShadowGate\Laravel\Queue\FailedJobRecorder;
use ShadowGate\Laravel\Queue\RecordingSyncConnector;

class ShadowGateServiceProvider extends ServiceProvider
{
    public function register(): void
    {
        $this->mergeConfigFrom(__DIR__ . '/../config/shadowgate.php', 'shadowgate');
        $this->app->singleton(FailedJobRecorder::class);
    }

    public function boot(): void
    {
        // The queue driver 'shadowgate-sync': the sync queue, but a failing job is recorded in
        // failed_jobs and not rethrown.
        $this->callAfterResolving('queue', function ($manager): void {
            $manager->addConnector(RecordingSyncConnector::DRIVER, function () {
                return new RecordingSyncConnector($this->app->make(FailedJobRecorder::class));
            });
        });

        if ($this->app->runningInConsole()) {
            $this->commands([WorkerCommand::class]);
            $this->publishes([
                __DIR__ . '/../config/shadowgate.php' => $this->app->configPath('shadowgate.php'),
            ], 'shadowgate-config');
            $this->publishes([
                __DIR__ . '/../config/features.php' => $this->app->configPath('features.php'),
            ], 'shadowgate-features');
        }
    }
}
