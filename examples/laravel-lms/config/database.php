<?php

return [
    // One in-memory SQLite database per worker process: every scenario starts from an empty, migrated
    // database (see App\Shadow\Database for the two reset methods).
    'default' => env('DB_CONNECTION', 'sqlite'),
    'connections' => [
        'sqlite' => [
            'driver' => 'sqlite',
            'database' => env('DB_DATABASE', ':memory:'),
            'prefix' => '',
            'foreign_key_constraints' => false,
        ],
    ],
    'migrations' => 'migrations',
];
