<?php

/*
 * The framework comes from Debian's packages (php-laravel-framework, php-illuminate-*), installed under
 * /usr/share/php with their own autoloaders; nothing is downloaded. vendor/ (made offline by bin/setup)
 * only holds composer's class map for this app and the path-repository package shadowgate/laravel.
 * Without vendor/ the app still runs: the app's and the package's namespaces are mapped here.
 */

require_once '/usr/share/php/Illuminate/autoload.php';

$vendor = __DIR__.'/../vendor/autoload.php';
if (is_file($vendor)) {
    require_once $vendor;
} else {
    $roots = [
        'App\\' => __DIR__.'/../app/',
        'Database\\Migrations\\' => __DIR__.'/../database/migrations/',
        'Tests\\' => __DIR__.'/../tests/',
        'ShadowGate\\Laravel\\' => __DIR__.'/../../../integrations/laravel/src/',
    ];
    spl_autoload_register(static function (string $class) use ($roots): void {
        foreach ($roots as $prefix => $dir) {
            if (strncmp($class, $prefix, strlen($prefix)) === 0) {
                $file = $dir.str_replace('\\', '/', substr($class, strlen($prefix))).'.php';
                if (is_file($file)) {
                    require $file;
                }
                return;
            }
        }
    });
}
