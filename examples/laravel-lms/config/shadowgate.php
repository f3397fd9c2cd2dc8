<?php

return [
    // The subjects `php artisan shadowgate:worker legacy|modern` runs (integrations/laravel).
    'reset' => env('SHADOWGATE_RESET', 'transaction'),

    'subjects' => [
        'legacy' => App\Shadow\LegacySubject::class,
        'modern' => App\Shadow\ModernSubject::class,
    ],
];
