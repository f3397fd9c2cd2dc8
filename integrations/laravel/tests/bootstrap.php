<?php

// The package's autoloader (composer dump-autoload: ShadowGate\Laravel\ => src/, ShadowGate\Laravel\Tests\ => tests/)
// and the framework from Debian's autoloaders.
require __DIR__ . '/../vendor/autoload.php';
require_once '/usr/share/php/Illuminate/autoload.php';
