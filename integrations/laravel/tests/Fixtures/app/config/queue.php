<?php

return [
    'default' => 'shadowgate',
    'connections' => [
        'sync' => ['driver' => 'sync'],
        'shadowgate' => ['driver' => 'shadowgate-sync'],
    ],
    'failed' => ['driver' => 'database', 'database' => 'testing', 'table' => 'failed_jobs'],
];
