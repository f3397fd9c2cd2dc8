<?php

return [
    // Listeners run on the framework's sync queue through the driver "shadowgate-sync" of the
    // shadowgate/laravel package: Laravel's SyncQueue, except that a failing job is written to failed_jobs
    // through the framework's failed-job provider instead of being rethrown into the command that fired the
    // event (in Laravel 8 only queue:work records failures). Every job it runs is noted in the package's
    // FailedJobRecorder journal, from which App\Lms\Recorder reports the command's jobs.
    'default' => env('QUEUE_CONNECTION', 'sync'),
    'connections' => [
        'sync' => ['driver' => 'shadowgate-sync'],
        'sync-plain' => ['driver' => 'sync'],
    ],
    'failed' => [
        'driver' => 'database-uuids',
        'database' => env('DB_CONNECTION', 'sqlite'),
        'table' => 'failed_jobs',
    ],
];
