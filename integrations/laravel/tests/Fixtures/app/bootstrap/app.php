<?php

$app = new Illuminate\Foundation\Application(dirname(__DIR__));
$app->useStoragePath(sys_get_temp_dir() . '/shadowgate-laravel-test-storage');
$app->singleton(Illuminate\Contracts\Console\Kernel::class, Illuminate\Foundation\Console\Kernel::class);
$app->singleton(Illuminate\Contracts\Debug\ExceptionHandler::class, Illuminate\Foundation\Exceptions\Handler::class);
return $app;
