<?php
// Loads a .env file with vlucas/phpdotenv (Laravel's loader) into an array-backed repository, so
// the process environment plays no part, and prints what it defines as a JSON object
// (a key the file unsets maps to null). Used by DotEnvTests to check that ShadowGate's .env
// editor writes values the running app will read as intended.
//
// Usage: php scripts/check-dotenv.php PATH/TO/.env
//        php scripts/check-dotenv.php --each FILE...   (one JSON line per file:
//            {"file":..., "values":{...}} or {"file":..., "error":"..."}; exit 0 unless usage)
// Exit codes: 0 ok, 64 usage, 65 the file does not parse, 69 phpdotenv is not installed.

declare(strict_types=1);

$each = $argc >= 3 && $argv[1] === '--each';
if ($argc !== 2 && !$each) {
    fwrite(STDERR, "usage: php check-dotenv.php PATH/TO/.env | --each FILE...\n");
    exit(64);
}

$autoloaders = [
    __DIR__ . '/../vendor/autoload.php',       // composer install in the project
    '/usr/share/php/Dotenv/autoload.php',      // Debian: apt-get install php-vlucas-phpdotenv
];
$loaded = false;
foreach ($autoloaders as $autoloader) {
    if (is_file($autoloader)) {
        require $autoloader;
        $loaded = class_exists(\Dotenv\Dotenv::class);
        if ($loaded) {
            break;
        }
    }
}
if (!$loaded) {
    fwrite(STDERR, "phpdotenv not found: apt-get install php-cli php-vlucas-phpdotenv\n");
    exit(69);
}

function loadValues(string $path): array
{
    return \Dotenv\Dotenv::createArrayBacked(dirname($path), basename($path))->load();
}

$flags = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR;

if ($each) {
    foreach (array_slice($argv, 2) as $path) {
        try {
            $line = ['file' => $path, 'values' => (object) loadValues($path)];
        } catch (\Dotenv\Exception\ExceptionInterface $error) {
            $line = ['file' => $path, 'error' => $error->getMessage()];
        }
        echo json_encode($line, $flags), "\n";
    }
    exit(0);
}

$path = $argv[1];
if (!is_file($path)) {
    fwrite(STDERR, "$path: no such file\n");
    exit(64);
}

try {
    $values = loadValues($path);
} catch (\Dotenv\Exception\ExceptionInterface $error) {
    fwrite(STDERR, "$path: " . $error->getMessage() . "\n");
    exit(65);
}

echo json_encode((object) $values, $flags), "\n";
