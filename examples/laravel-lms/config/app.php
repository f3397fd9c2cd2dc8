<?php

$providers = [
    Illuminate\Bus\BusServiceProvider::class,
    Illuminate\Cache\CacheServiceProvider::class,
    Illuminate\Foundation\Providers\ConsoleSupportServiceProvider::class,
    Illuminate\Database\DatabaseServiceProvider::class,
    Illuminate\Filesystem\FilesystemServiceProvider::class,
    Illuminate\Foundation\Providers\FoundationServiceProvider::class,
    Illuminate\Mail\MailServiceProvider::class,
    Illuminate\Notifications\NotificationServiceProvider::class,
    Illuminate\Pipeline\PipelineServiceProvider::class,
    Illuminate\Queue\QueueServiceProvider::class,
    Illuminate\Translation\TranslationServiceProvider::class,
    Illuminate\Validation\ValidationServiceProvider::class,
    Illuminate\View\ViewServiceProvider::class,

    App\Providers\AppServiceProvider::class,
    App\Providers\EventServiceProvider::class,
    App\Providers\LmsServiceProvider::class,
];

// The worker package (integrations/laravel): registered here as well as by package discovery, so the app
// also runs from Debian's autoloaders without vendor/.
if (class_exists(ShadowGate\Laravel\ShadowGateServiceProvider::class)) {
    $providers[] = ShadowGate\Laravel\ShadowGateServiceProvider::class;
}

return [
    'name' => env('APP_NAME', 'ShadowGate LMS'),
    'env' => env('APP_ENV', 'production'),
    'debug' => (bool) env('APP_DEBUG', false),
    'url' => env('APP_URL', 'http://localhost'),
    'timezone' => 'UTC',
    'locale' => 'en',
    'fallback_locale' => 'en',
    'key' => env('APP_KEY', 'base64:'.base64_encode(str_repeat('s', 32))),
    'cipher' => 'AES-256-CBC',
    'providers' => array_values(array_unique($providers)),
    'aliases' => [
        'Artisan' => Illuminate\Support\Facades\Artisan::class,
        'Carbon' => Illuminate\Support\Carbon::class,
        'DB' => Illuminate\Support\Facades\DB::class,
        'Event' => Illuminate\Support\Facades\Event::class,
        'Queue' => Illuminate\Support\Facades\Queue::class,
    ],
];
