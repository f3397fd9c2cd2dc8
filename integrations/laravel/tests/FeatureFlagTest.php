<?php

namespace ShadowGate\Laravel\Tests;

use Dotenv\Dotenv;
use Dotenv\Repository\Adapter\ArrayAdapter;
use Dotenv\Repository\RepositoryBuilder;
use Illuminate\Config\Repository;
use Illuminate\Container\Container;
use Illuminate\Support\Env;
use PHPUnit\Framework\TestCase;
use ShadowGate\Laravel\Flags\Bucketing;
use ShadowGate\Laravel\Flags\FeatureFlag;
use ShadowGate\Laravel\Flags\FeatureFlags;
use ShadowGate\Laravel\Flags\FlagConfigurationException;
use ShadowGate\Laravel\Flags\FlagDecision;

/**
 * The guide's FeatureFlag with its bugs fixed, read from a .env through Laravel's own loader (phpdotenv and
 * Env::get, as LoadEnvironmentVariables does) and the package's config/features.php stub. Expected values
 * are those of ShadowGate's Swift tests (Tests/ShadowKitTests/FeatureFlagsTests.swift).
 */
class FeatureFlagTest extends TestCase
{
    private const FEATURES = ['enrollment_service', 'progress_service', 'grading_service', 'course_state_machine',
        'enrollment_state_machine', 'attempt_state_machine', 'domain_events', 'grading_strategies'];

    private ?string $dir = null;

    protected function tearDown(): void
    {
        $this->setEnvRepository(null);
        Container::setInstance(null);
        if ($this->dir !== null) {
            @unlink($this->dir . '/.env');
            @rmdir($this->dir);
        }
    }

    private function setEnvRepository(mixed $repository): void
    {
        $property = new \ReflectionProperty(Env::class, 'repository');
        $property->setAccessible(true);
        $property->setValue(null, $repository);
    }

    /** Loads $dotenv the way Laravel does and evaluates the package's config/features.php against it. */
    private function configFromDotEnv(string $dotenv): array
    {
        $this->dir = sys_get_temp_dir() . '/shadowgate-flags-' . bin2hex(random_bytes(6));
        mkdir($this->dir);
        file_put_contents($this->dir . '/.env', $dotenv);
        $repository = RepositoryBuilder::createWithNoAdapters()->addAdapter(ArrayAdapter::class)->immutable()->make();
        Dotenv::create($repository, $this->dir, '.env')->load();
        $this->setEnvRepository($repository);
        $features = require __DIR__ . '/../config/features.php';
        $this->useConfig($features);
        return $features;
    }

    private function useConfig(array $features): void
    {
        $container = new Container();
        $container->instance('config', new Repository(['features' => $features]));
        Container::setInstance($container);
    }

    private function flags(string $dotenv, ?Bucketing $bucketing = null): FeatureFlags
    {
        return FeatureFlags::fromConfig($this->configFromDotEnv($dotenv), $bucketing);
    }

    public function testTheDirectFlagWorksNowThatTheUseKeyIsRead(): void
    {
        $config = $this->configFromDotEnv("FEATURE_ENROLLMENT_SERVICE=true\n");
        // The guide's bug: isEnabled('enrollment_service') read config('features.enrollment_service').
        $this->assertNull(config('features.enrollment_service'), 'the key the guide looked up does not exist');
        $this->assertTrue($config['use_enrollment_service']);
        foreach ([null, 1, 123, 99999] as $user) {
            $this->assertTrue(FeatureFlag::isEnabled('enrollment_service', $user));
        }
        $decision = FeatureFlag::decide('enrollment_service', 123);
        $this->assertSame(FlagDecision::DIRECT_FLAG, $decision->kind);
        $this->assertSame('FEATURE_ENROLLMENT_SERVICE is on', $decision->reason);
        $this->assertFalse(FeatureFlag::isEnabled('progress_service', 123));
    }

    public function testAConfigWithBareFeatureKeysWorksToo(): void
    {
        // The other way to fix the mismatch: name the keys after the features (as examples/laravel-lms does).
        $flags = FeatureFlags::fromConfig([
            'enrollment_service' => true,
            'grading_service' => false,
            'pilot_user_ids' => ['4'],
            'rollout_percentage' => ['grading_service' => 100, 'progress_service' => 0],
            'bucketing' => 'murmur3',
        ]);
        $this->assertSame(['enrollment_service', 'grading_service', 'progress_service'], $flags->features());
        $this->assertSame('FEATURE_ENROLLMENT_SERVICE is on', $flags->decide('enrollment_service', null)->reason);
        $this->assertFalse($flags->directFlag('grading_service'));
        $this->assertTrue($flags->isEnabled('grading_service', 77), '100%');
        $this->assertSame('user 4 is a pilot user', $flags->decide('progress_service', 4)->reason);
        $this->assertSame(Bucketing::Murmur3, $flags->bucketing());
        // 'use_' wins when a config has both
        $this->assertFalse(FeatureFlags::fromConfig(['use_x' => false, 'x' => true])->directFlag('x'));
    }

    public function testReadsTheGuidesVariablesLikeShadowGate(): void
    {
        $flags = $this->flags(<<<'ENV'
            FEATURE_ENROLLMENT_SERVICE=true
            FEATURE_PROGRESS_SERVICE=(false)
            ROLLOUT_PROGRESS_SERVICE=25
            FEATURE_PILOT_USERS="7, 9,,11"
            FEATURE_DOMAIN_EVENTS=On
            ENV, Bucketing::Modulo);
        $this->assertSame(self::FEATURES, $flags->features());
        $this->assertTrue($flags->decide('enrollment_service', 123)->enabled);
        $this->assertTrue($flags->decide('domain_events', null)->enabled, '"On" is true to PHP and to ShadowGate');
        $this->assertSame([7, 9, 11], $flags->pilotUserIds());
        $this->assertFalse($flags->directFlag('progress_service'));
        $this->assertSame(25, $flags->percentage('progress_service'));
        $this->assertSame(0, $flags->percentage('grading_service'));
    }

    public static function laravelBooleans(): array
    {
        return [['true', true], ['TRUE', true], ['(true)', true], ['1', true], ['on', true], ['Yes', true],
            ['false', false], ['(FALSE)', false], ['0', false], ['', false]];
    }

    /** @dataProvider laravelBooleans */
    public function testAcceptsTheBooleansPHPAndShadowGateReadAlike(string $value, bool $expected): void
    {
        $flags = $this->flags("FEATURE_GRADING_SERVICE=$value\n");
        $this->assertSame($expected, $flags->directFlag('grading_service'));
        // and that is what the app's own truthiness gives for the value env() returns
        $this->assertSame($expected, (bool) config('features.use_grading_service'));
    }

    public static function refusedValues(): array
    {
        return [
            ["FEATURE_GRADING_SERVICE=maybe\n", 'FEATURE_GRADING_SERVICE', 'is not a boolean'],
            ["FEATURE_GRADING_SERVICE=off\n", 'FEATURE_GRADING_SERVICE', 'would turn the feature ON in Laravel'],
            ["FEATURE_GRADING_SERVICE=no\n", 'FEATURE_GRADING_SERVICE', 'would turn the feature ON in Laravel'],
            ["ROLLOUT_GRADING_SERVICE=150\n", 'ROLLOUT_GRADING_SERVICE', '150 is outside 0...100'],
            ["ROLLOUT_GRADING_SERVICE=abc\n", 'ROLLOUT_GRADING_SERVICE', 'is not a whole number'],
            ["ROLLOUT_GRADING_SERVICE=12.5\n", 'ROLLOUT_GRADING_SERVICE', 'is not a whole number'],
            ["ROLLOUT_GRADING_SERVICE=-1\n", 'ROLLOUT_GRADING_SERVICE', 'is not a whole number'],
            ["ROLLOUT_GRADING_SERVICE=99999999999999999999999\n", 'ROLLOUT_GRADING_SERVICE', 'is not a whole number'],
            ["FEATURE_PILOT_USERS=1,two\n", 'FEATURE_PILOT_USERS', '"two" is not a user id'],
        ];
    }

    /** @dataProvider refusedValues */
    public function testRefusesTheValuesThatTheGuidesCastWouldHide(string $dotenv, string $key, string $message): void
    {
        try {
            $this->flags($dotenv);
            $this->fail('no exception');
        } catch (FlagConfigurationException $e) {
            $this->assertSame($key, $e->key);
            $this->assertStringContainsString($message, $e->getMessage());
        }
        $this->expectException(FlagConfigurationException::class);
        FeatureFlag::isEnabled('enrollment_service', 1);
    }

    public function testEmptyPilotListAndEmptyRolloutMeanNone(): void
    {
        $flags = $this->flags("FEATURE_PILOT_USERS=\nROLLOUT_GRADING_SERVICE=\n");
        $this->assertSame([], $flags->pilotUserIds());
        $this->assertSame(0, $flags->percentage('grading_service'));
        $this->assertSame(FlagDecision::OFF, $flags->decide('grading_service', 0)->kind);
    }

    public function testDecidesInTheGuidesOrder(): void
    {
        $flags = FeatureFlags::fromConfig([
            'use_on' => true, 'use_ramp' => false, 'use_off' => false,
            'pilot_user_ids' => '5',
            'rollout_percentage' => ['on' => 0, 'ramp' => 30, 'off' => 0],
        ], Bucketing::Modulo);
        $this->assertSame('FEATURE_ON is on', $flags->decide('on', 5)->reason, 'direct flag beats pilot and percentage');
        $this->assertSame('user 5 is a pilot user', $flags->decide('off', 5)->reason, 'pilots get every feature, even at 0%');
        $this->assertTrue($flags->decide('unknown', 5)->enabled, '... even features not configured');
        $this->assertEquals(new FlagDecision(false, FlagDecision::OFF, 'no direct flag, not a pilot user, rollout 0%'), $flags->decide('unknown', 6));
        $this->assertEquals(new FlagDecision(true, FlagDecision::IN_PERCENTAGE, 'bucket 29 is inside the 30% rollout (modulo)', 29), $flags->decide('ramp', 129));
        $this->assertEquals(new FlagDecision(false, FlagDecision::OUTSIDE_PERCENTAGE, 'bucket 30 is outside the 30% rollout (modulo)', 30), $flags->decide('ramp', 130));
        $this->assertEquals(new FlagDecision(false, FlagDecision::NO_USER, 'no user to place in the 30% rollout'), $flags->decide('ramp', null));
        $this->assertSame(['on', 'ramp'], $flags->enabledFeatures(129));
    }

    public function testMurmur3BoundariesAreInclusive(): void
    {
        $users = range(1, 5000);
        $first = null;
        $last = null;
        foreach ($users as $u) {
            $b = Bucketing::Murmur3->bucket('grading_service', $u);
            $first ??= $b === 1 ? $u : null;
            $last ??= $b === 100 ? $u : null;
        }
        $this->assertNotNull($first);
        $this->assertNotNull($last);
        $at = fn (int $p) => FeatureFlags::fromConfig(['use_grading_service' => false, 'rollout_percentage' => ['grading_service' => $p]], Bucketing::Murmur3);
        $this->assertTrue($at(1)->isEnabled('grading_service', $first));
        $this->assertFalse($at(99)->isEnabled('grading_service', $last));
        $this->assertTrue($at(100)->isEnabled('grading_service', $last));
    }

    public function testZeroAndHundredPercentUnderBothRecipes(): void
    {
        foreach (Bucketing::cases() as $bucketing) {
            foreach ([0 => false, 100 => true] as $percentage => $expected) {
                $flags = $this->flags("ROLLOUT_GRADING_SERVICE=$percentage\nFLAGS_BUCKETING={$bucketing->value}\n");
                $this->assertSame($bucketing, $flags->bucketing());
                foreach (range(0, 1000) as $user) {
                    if ($flags->isEnabled('grading_service', $user) !== $expected) {
                        $this->fail("{$bucketing->value}: user $user at $percentage%");
                    }
                }
            }
        }
        $this->addToAssertionCount(1);
    }

    public function testMurmur3RampsAreNestedAndFeaturesIndependentWhereModuloCorrelates(): void
    {
        $enabled = function (Bucketing $bucketing, string $feature, int $percentage): array {
            $flags = FeatureFlags::fromConfig(['rollout_percentage' => [$feature => $percentage]], $bucketing);
            return array_values(array_filter(range(1, 1000), fn ($u) => $flags->isEnabled($feature, $u)));
        };
        $ten = $enabled(Bucketing::Murmur3, 'enrollment_service', 10);
        $fifty = $enabled(Bucketing::Murmur3, 'enrollment_service', 50);
        $this->assertSame([], array_diff($ten, $fifty), '10% is inside 50%');
        $this->assertEqualsWithDelta(100, count($ten), 40);
        $other = $enabled(Bucketing::Murmur3, 'progress_service', 10);
        $this->assertLessThan(40, count(array_intersect($ten, $other)), 'murmur3: two features at 10% pick mostly different users');
        // The guide's recipe: exactly the same users for every feature (the bug DESIGN §5 describes).
        $this->assertSame($enabled(Bucketing::Modulo, 'enrollment_service', 10), $enabled(Bucketing::Modulo, 'progress_service', 10));
    }

    public function testTheRecipeComesFromConfigAndDefaultsToTheGuides(): void
    {
        $dotenv = "ROLLOUT_ENROLLMENT_SERVICE=10\n";
        $config = $this->configFromDotEnv($dotenv);
        $this->assertSame('murmur3', $config['bucketing'], 'the stub defaults to murmur3');
        unset($config['bucketing']);
        $this->assertSame(Bucketing::Modulo, FeatureFlags::fromConfig($config)->bucketing(), 'no bucketing key: the guide\'s modulo');
        $this->expectException(FlagConfigurationException::class);
        FeatureFlags::fromConfig(['bucketing' => 'sha1']);
    }

    public function testTheStaticServiceTakesModelsIdsAndTheAuthUser(): void
    {
        $this->configFromDotEnv("ROLLOUT_GRADING_SERVICE=50\nFEATURE_PILOT_USERS=3\nFLAGS_BUCKETING=modulo\n");
        $model = new class {
            public int $id = 149;
        };
        $authenticatable = new class {
            public function getAuthIdentifier(): int
            {
                return 3;
            }
        };
        $this->assertTrue(FeatureFlag::isEnabled('grading_service', 49));
        $this->assertTrue(FeatureFlag::isEnabled('grading_service', '49'));
        $this->assertFalse(FeatureFlag::isEnabled('grading_service', 50));
        $this->assertTrue(FeatureFlag::isEnabled('grading_service', $model), 'a model: 149 % 100 = 49 < 50');
        $this->assertTrue(FeatureFlag::isInRolloutPercentage('grading_service', $model));
        $this->assertFalse(FeatureFlag::isInRolloutPercentage('enrollment_service', $model), '0%');
        $this->assertTrue(FeatureFlag::isPilotUser($authenticatable));
        $this->assertFalse(FeatureFlag::isPilotUser($model));
        $this->assertSame(self::FEATURES, FeatureFlag::getEnabledFeatures($authenticatable), 'a pilot gets every feature');
        $this->assertSame(['grading_service'], FeatureFlag::getEnabledFeatures(149));

        // Without a user and without auth: only direct flags count.
        $this->assertFalse(FeatureFlag::isEnabled('grading_service'));
        $this->assertSame(FlagDecision::NO_USER, FeatureFlag::decide('grading_service')->kind);
        // With an authenticated user, as the guide: auth()->user().
        $auth = new class($authenticatable) {
            public function __construct(private object $user)
            {
            }

            public function user(): object
            {
                return $this->user;
            }
        };
        Container::getInstance()->instance('auth', $auth);
        Container::getInstance()->alias('auth', \Illuminate\Contracts\Auth\Factory::class);
        $this->assertTrue(FeatureFlag::isEnabled('enrollment_service'), 'the authenticated pilot user');
        $this->assertSame('user 3 is a pilot user', FeatureFlag::decide('enrollment_service')->reason);
    }
}
