<?php

// Deliberately the default of a fresh Laravel app: the log on 'single' would be a file, and 'stack' with
// 'stdout' would break the protocol. The worker command re-points the default channel to stderr.
return [
    'default' => 'stdout',
    'channels' => [
        'stdout' => ['driver' => 'monolog', 'handler' => Monolog\Handler\StreamHandler::class, 'with' => ['stream' => 'php://stdout']],
        'null' => ['driver' => 'monolog', 'handler' => Monolog\Handler\NullHandler::class],
    ],
];
