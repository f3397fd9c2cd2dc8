<?php

namespace Tests\Feature;

use Dotenv\Dotenv;
use ShadowGate\Laravel\Flags\Bucketing;
use ShadowGate\Laravel\Flags\FeatureFlags;
use Tests\TestCase;

/**
 * The app's FeatureFlag (config/features.php read through Laravel's env()) and `shadowgate flags check`
 * agree for every feature and users 1...1000, under both bucketing recipes, on the same .env: as shipped,
 * after `shadowgate advance` moved a feature to its pilot and 10% stages, and after `rollback --all`.
 * Needs the shadowgate binary (SHADOWGATE_BIN, else the repository's .build/debug/shadowgate).
 */
class FlagParityTest extends TestCase
{
    private const FEATURES = [
        'enrollment_service', 'progress_service', 'grading_service', 'course_state_machine',
        'enrollment_state_machine', 'attempt_state_machine', 'domain_events', 'grading_strategies',
    ];

    private string $dir;
    private string $binary;
    private array $loaded = [];

    protected function setUp(): void
    {
        parent::setUp();
        $root = dirname(__DIR__, 4);
        $this->binary = getenv('SHADOWGATE_BIN') ?: $root.'/.build/debug/shadowgate';
        $this->assertFileIsReadable($this->binary, 'build shadowgate first (swift build) or set SHADOWGATE_BIN');
        $this->dir = sys_get_temp_dir().'/flag-parity-'.bin2hex(random_bytes(4));
        mkdir($this->dir);
        copy($root.'/scenarios/example.env', $this->dir.'/.env');
        file_put_contents($this->dir.'/criteria.md', "| Metric | Target | Measured |\n|---|---|---|\n| Mismatch rate | < 60% | |\n");
        $this->root = $root;
    }

    protected function tearDown(): void
    {
        $this->unloadEnv();
        foreach (glob($this->dir.'/{,.}*', GLOB_BRACE) ?: [] as $file) {
            if (is_file($file)) {
                unlink($file);
            }
        }
        @rmdir($this->dir);
        parent::tearDown();
    }

    private string $root;

    public function testTheAppAndShadowgateAgreeBeforeAndAfterAdvanceAndRollback(): void
    {
        $this->assertAgreement('as shipped');

        // Two advances of enrollment_service (off -> pilot -> 10%), each on a new complete run.
        foreach ([1 => '400', 2 => '700'] as $step => $scenarios) {  // the stages need 3,000 then 5,000 comparisons
            $this->shadowgate(['run', '--generate', $scenarios, '--seed', (string) $step, '--db', $this->dir.'/d.sqlite', '--quiet']);
            $out = $this->shadowgate(['advance', 'enrollment_service', '--env', $this->dir.'/.env', '--db', $this->dir.'/d.sqlite',
                '--criteria', $this->dir.'/criteria.md', '--plan', $this->root.'/scenarios/rollout.yaml']);
            $this->assertStringContainsString('ADVANCED', $out);
        }
        $env = file_get_contents($this->dir.'/.env');
        $this->assertMatchesRegularExpression('/^FEATURE_PILOT_USERS=\S+/m', $env);
        $this->assertMatchesRegularExpression('/^ROLLOUT_ENROLLMENT_SERVICE=10$/m', $env);
        $enabled = $this->assertAgreement('after two advances');
        $this->assertGreaterThan(50, $enabled['enrollment_service'], 'the 10% stage enables about 100 of 1000 users');

        $this->shadowgate(['rollback', '--all', '--env', $this->dir.'/.env', '--db', $this->dir.'/d.sqlite', '--reason', 'parity test']);
        $enabled = $this->assertAgreement('after rollback --all');
        $this->assertSame(0, array_sum($enabled), 'rollback --all turns every feature off for every user');
    }

    /** Compares every feature under both recipes; returns how many users each feature enables (murmur3). */
    private function assertAgreement(string $when): array
    {
        $this->loadEnv($this->dir.'/.env');
        $config = require base_path('config/features.php');
        $counts = [];
        foreach ([Bucketing::Modulo, Bucketing::Murmur3] as $recipe) {
            $flags = FeatureFlags::fromConfig($config, $recipe);
            foreach (self::FEATURES as $feature) {
                $json = json_decode($this->shadowgate(['flags', 'check', $feature, '--users', '1-1000', '--env', $this->dir.'/.env',
                    '--bucketing', $recipe->value, '--json']), true, 512, JSON_THROW_ON_ERROR);
                $this->assertCount(1000, $json['decisions']);
                $enabled = 0;
                foreach ($json['decisions'] as $decision) {
                    $app = $flags->isEnabled($feature, $decision['userId']);
                    $this->assertSame($decision['enabled'], $app,
                        "$when: $feature for user {$decision['userId']} ({$recipe->value}): shadowgate says "
                        .var_export($decision['enabled'], true).' ('.$decision['reason'].'), the app says '.var_export($app, true));
                    $enabled += $app ? 1 : 0;
                }
                if ($recipe === Bucketing::Murmur3) {
                    $counts[$feature] = $enabled;
                }
            }
        }
        return $counts;
    }

    /** Puts the .env's variables where Laravel's env() reads them, replacing the previous file's. */
    private function loadEnv(string $path): void
    {
        $this->unloadEnv();
        foreach (Dotenv::parse(file_get_contents($path)) as $key => $value) {
            putenv("$key=$value");
            $_ENV[$key] = $value;
            $_SERVER[$key] = $value;
            $this->loaded[] = $key;
        }
    }

    private function unloadEnv(): void
    {
        foreach ($this->loaded as $key) {
            putenv($key);
            unset($_ENV[$key], $_SERVER[$key]);
        }
        $this->loaded = [];
    }

    private function shadowgate(array $arguments): string
    {
        $command = escapeshellarg($this->binary).' '.implode(' ', array_map('escapeshellarg', $arguments)).' 2>&1';
        exec($command, $lines, $status);
        $output = implode("\n", $lines);
        $this->assertContains($status, [0], "shadowgate ".implode(' ', $arguments)." exited $status:\n$output");
        return $output;
    }
}
