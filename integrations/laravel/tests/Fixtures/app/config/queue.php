<?php

return [
    'default' => 'shadowgate',
    'connections' => [
        'sync' => ['driver' => 'sync'],
        'shadowgate' => ['driver' => 'shadowgate-sync'],
    ],
    'failed' => ['driver' => 'database-uuids', 'database' => 'testing', 'table' => 'failed_jobs'],
];
