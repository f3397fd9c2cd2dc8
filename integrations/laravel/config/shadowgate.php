<?php

return [

    /*
    |--------------------------------------------------------------------------
    | Worker subjects
    |--------------------------------------------------------------------------
    |
    | `php artisan shadowgate:worker <mode>` serves ShadowGate's worker protocol for the class listed here
    | under <mode>. Each class implements ShadowGate\Laravel\Contracts\WorkerSubject and is resolved from
    | the container.
    |
    |   'subjects' => [
    |       'legacy' => App\Shadow\LegacySubject::class,
    |       'modern' => App\Shadow\ModernSubject::class,
    |   ],
    |
    */

    'subjects' => [],

    /*
    | Level of the Laravel log while the worker runs (the worker sends the log to stderr).
    */

    'log_level' => env('SHADOWGATE_LOG_LEVEL', 'warning'),

];
