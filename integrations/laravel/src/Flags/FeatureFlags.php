<?php

namespace ShadowGate\Laravel\Flags;

/**
 * The flags of config/features.php (the rollout guide's §8.2 shape), checked, and the decision for one
 * feature and user: direct flag, then pilot users, then percentage, exactly as ShadowGate's
 * FlagConfiguration.decide (Sources/ShadowKit/Flags/FeatureFlags.swift).
 *
 * Config shape (see config/features.php in this package):
 *   'use_<feature>'      => env('FEATURE_<FEATURE>', false)        direct flag, one per feature
 *   'pilot_user_ids'     => env('FEATURE_PILOT_USERS', '')          comma-separated ids (or the guide's explode())
 *   'rollout_percentage' => ['<feature>' => env('ROLLOUT_<FEATURE>', 0), ...]
 *   'bucketing'          => 'modulo' | 'murmur3'
 *
 * The guide's first bug is fixed here: its isEnabled('enrollment_service') read
 * config('features.enrollment_service') while the key is 'use_enrollment_service', so the direct flag never
 * matched. Feature `x` reads 'use_x'; a config that renamed its keys to the bare feature names instead
 * ('enrollment_service' => env('FEATURE_ENROLLMENT_SERVICE')) works too.
 *
 * Values are read strictly, as ShadowGate reads the .env: booleans true/(true)/1/on/yes and
 * false/(false)/0/'' (case-insensitive; Laravel's env() has already turned true/false into booleans);
 * 'off' and 'no' are refused because Laravel would read them as true (a non-empty string); percentages
 * are whole numbers 0...100 ('' is 0), so the guide's (int) cast that made 'abc' 0 and '150' 150 is gone;
 * pilot ids are whole numbers, blank items ignored, spaces around them allowed. A refused value throws
 * FlagConfigurationException naming the key. Null (an unset variable) is false / 0 / no pilots.
 */
final class FeatureFlags
{
    /** Keys of config('features') that are not features. */
    public const RESERVED_KEYS = ['pilot_user_ids', 'rollout_percentage', 'bucketing'];

    /** @param array<string, array{direct: bool, percentage: int}> $settings */
    private function __construct(
        private array $settings,
        /** @var list<int> ascending, no duplicates */
        private array $pilotUserIds,
        private Bucketing $bucketing,
    ) {
    }

    /**
     * @param array $config        config('features')
     * @param Bucketing|null $bucketing overrides $config['bucketing'] (default when absent: modulo, the guide's)
     * @throws FlagConfigurationException
     */
    public static function fromConfig(array $config, ?Bucketing $bucketing = null): self
    {
        // Direct flags: 'use_<feature>' (the guide's keys), or '<feature>' itself for a config that fixed
        // the guide's mismatch the other way round (renaming the keys). With both present, 'use_' wins.
        $features = [];
        $flags = [];
        foreach ($config as $key => $value) {
            if (!is_string($key) || in_array($key, self::RESERVED_KEYS, true)) {
                continue;
            }
            if (str_starts_with($key, 'use_')) {
                $features[substr($key, 4)] = true;
                $flags[substr($key, 4)] = $value;
            } elseif (is_scalar($value) || $value === null) {
                $features[$key] = true;
                if (!array_key_exists("use_$key", $config)) {
                    $flags[$key] = $value;
                }
            }
        }
        $rollouts = $config['rollout_percentage'] ?? [];
        if (!is_array($rollouts)) {
            throw new FlagConfigurationException('rollout_percentage', 'must be an array of feature => percentage');
        }
        foreach (array_keys($rollouts) as $feature) {
            $features[(string) $feature] = true;
        }

        $settings = [];
        foreach (array_keys($features) as $feature) {
            $feature = (string) $feature;
            if (!preg_match('/^[A-Za-z0-9_]+$/', $feature)) {
                throw new FlagConfigurationException($feature, "invalid feature name (use letters, digits and '_', e.g. enrollment_service)");
            }
            $settings[$feature] = [
                'direct' => self::parseBoolean($flags[$feature] ?? null, self::flagKey($feature)),
                'percentage' => self::parsePercentage($rollouts[$feature] ?? null, self::rolloutKey($feature)),
            ];
        }

        if ($bucketing === null) {
            $name = $config['bucketing'] ?? Bucketing::Modulo->value;
            $bucketing = is_string($name) ? Bucketing::tryFrom(strtolower(trim($name))) : null;
            if ($bucketing === null) {
                throw new FlagConfigurationException('bucketing', sprintf('%s is not a bucketing recipe (modulo or murmur3)', json_encode($name)));
            }
        }

        return new self($settings, self::parsePilotUsers($config['pilot_user_ids'] ?? null), $bucketing);
    }

    /** The features configured, in config order ('use_*' keys first, then rollout-only ones). */
    public function features(): array
    {
        return array_keys($this->settings);
    }

    /** @return list<int> */
    public function pilotUserIds(): array
    {
        return $this->pilotUserIds;
    }

    public function bucketing(): Bucketing
    {
        return $this->bucketing;
    }

    public function directFlag(string $feature): bool
    {
        return $this->settings[$feature]['direct'] ?? false;
    }

    public function percentage(string $feature): int
    {
        return $this->settings[$feature]['percentage'] ?? 0;
    }

    public function isPilotUser(?int $userId): bool
    {
        return $userId !== null && in_array($userId, $this->pilotUserIds, true);
    }

    public function isEnabled(string $feature, ?int $userId): bool
    {
        return $this->decide($feature, $userId)->enabled;
    }

    /**
     * Direct flag, then pilot users, then percentage. A feature not configured behaves like one with no
     * flag and 0% (pilot users still get it, as in the guide).
     */
    public function decide(string $feature, ?int $userId): FlagDecision
    {
        if ($this->directFlag($feature)) {
            $key = self::flagKey($feature);
            return new FlagDecision(true, FlagDecision::DIRECT_FLAG, "$key is on");
        }
        if ($this->isPilotUser($userId)) {
            return new FlagDecision(true, FlagDecision::PILOT_USER, "user $userId is a pilot user");
        }
        $percentage = $this->percentage($feature);
        if ($percentage <= 0) {
            return new FlagDecision(false, FlagDecision::OFF, 'no direct flag, not a pilot user, rollout 0%');
        }
        if ($userId === null) {
            return new FlagDecision(false, FlagDecision::NO_USER, "no user to place in the $percentage% rollout");
        }
        $bucket = $this->bucketing->bucket($feature, $userId);
        $recipe = $this->bucketing->value;
        if ($this->bucketing->includes($bucket, $percentage)) {
            return new FlagDecision(true, FlagDecision::IN_PERCENTAGE, "bucket $bucket is inside the $percentage% rollout ($recipe)", $bucket);
        }
        return new FlagDecision(false, FlagDecision::OUTSIDE_PERCENTAGE, "bucket $bucket is outside the $percentage% rollout ($recipe)", $bucket);
    }

    /** The features on for $userId, in features() order. */
    public function enabledFeatures(?int $userId): array
    {
        return array_values(array_filter($this->features(), fn (string $f) => $this->isEnabled($f, $userId)));
    }

    public static function flagKey(string $feature): string
    {
        return 'FEATURE_' . strtoupper($feature);
    }

    public static function rolloutKey(string $feature): string
    {
        return 'ROLLOUT_' . strtoupper($feature);
    }

    /** A direct flag as Laravel's env() gives it, accepted only where PHP and ShadowGate agree. */
    public static function parseBoolean(mixed $value, string $key): bool
    {
        if ($value === null || is_bool($value)) {
            return (bool) $value;
        }
        if ($value === 0 || $value === 1) {
            return $value === 1;
        }
        if (is_string($value)) {
            switch (strtolower($value)) {
                case 'true': case '(true)': case '1': case 'on': case 'yes':
                    return true;
                case 'false': case '(false)': case '0': case '':
                    return false;
                case 'off': case 'no':
                    throw new FlagConfigurationException($key, sprintf(
                        '%s would turn the feature ON in Laravel (env() keeps it as a non-empty string, which PHP treats as true); write false or 0',
                        json_encode($value)));
            }
        }
        throw new FlagConfigurationException($key, sprintf(
            '%s is not a boolean (use true/false, 1/0, on or yes)', json_encode($value, JSON_PARTIAL_OUTPUT_ON_ERROR)));
    }

    /** A percentage: a whole number 0...100, '' and null being 0. */
    public static function parsePercentage(mixed $value, string $key): int
    {
        if ($value === null || $value === '') {
            return 0;
        }
        if (is_string($value) && preg_match('/^[0-9]+$/', $value) && self::fitsInt($value)) {
            $value = (int) $value;
        }
        if (!is_int($value)) {
            throw new FlagConfigurationException($key, sprintf(
                '%s is not a whole number from 0 to 100', json_encode($value, JSON_PARTIAL_OUTPUT_ON_ERROR)));
        }
        if ($value < 0 || $value > 100) {
            throw new FlagConfigurationException($key, "$value is outside 0...100");
        }
        return $value;
    }

    /**
     * Pilot user ids from 'FEATURE_PILOT_USERS' as a string ("7, 9,,11") or as the guide's explode() array.
     *
     * @return list<int>
     */
    public static function parsePilotUsers(mixed $value): array
    {
        $key = 'FEATURE_PILOT_USERS';
        if ($value === null || $value === '' || $value === false) {
            return [];
        }
        $items = is_array($value) ? $value : (is_string($value) || is_int($value) ? explode(',', (string) $value) : null);
        if ($items === null) {
            throw new FlagConfigurationException($key, 'expected comma-separated whole numbers');
        }
        $ids = [];
        foreach ($items as $item) {
            if (is_int($item) && $item >= 0) {
                $ids[$item] = true;
                continue;
            }
            $trimmed = is_string($item) ? trim($item, " \t") : null;
            if ($trimmed === '') {
                continue;
            }
            if ($trimmed === null || !preg_match('/^[0-9]+$/', $trimmed) || !self::fitsInt($trimmed)) {
                throw new FlagConfigurationException($key, sprintf(
                    '%s is not a user id (expected comma-separated whole numbers)', json_encode($item, JSON_PARTIAL_OUTPUT_ON_ERROR)));
            }
            $ids[(int) $trimmed] = true;
        }
        $ids = array_keys($ids);
        sort($ids);
        return $ids;
    }

    /** Whether a string of digits is at most PHP_INT_MAX (Swift's Int on 64-bit), as Swift's Int(_:) decides. */
    private static function fitsInt(string $digits): bool
    {
        $digits = ltrim($digits, '0');
        $max = (string) PHP_INT_MAX;
        return strlen($digits) < strlen($max) || (strlen($digits) === strlen($max) && strcmp($digits, $max) <= 0);
    }
}
