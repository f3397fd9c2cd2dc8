<?php

return [
    'subjects' => [
        'fake' => ShadowGate\Laravel\Tests\Fixtures\FakeSubject::class,
        'not-a-subject' => ShadowGate\Laravel\Tests\Fixtures\NotASubject::class,
    ],
];
