<?php

return [
    // Nothing leaves the process: mail goes to the array transport (the worker also fakes it).
    'default' => 'array',
    'mailers' => ['array' => ['transport' => 'array']],
    'from' => ['address' => 'lms@example.test', 'name' => 'LMS'],
];
