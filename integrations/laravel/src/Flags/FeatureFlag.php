<?php

namespace ShadowGate\Laravel\Flags;

/**
 * The rollout guide's FeatureFlag service (§8.2), with its two bugs fixed:
 *
 * 1. isEnabled('enrollment_service') now reads config('features.use_enrollment_service'), the key
 *    config/features.php defines (the guide read 'features.enrollment_service', which never exists, so
 *    FEATURE_ENROLLMENT_SERVICE=true turned nothing on);
 * 2. percentage rollouts can use the murmur3 recipe (config('features.bucketing') = 'murmur3'):
 *    murmur3_x86_32("<feature>:<userId>") % 100 + 1 <= percentage, instead of userId % 100 < percentage,
 *    which gave every feature the same first users.
 *
 * Same static API as the guide, so an app keeps its call sites:
 *     class FeatureFlag extends \ShadowGate\Laravel\Flags\FeatureFlag {}   // in App\Domain\Shared\Services
 *     FeatureFlag::isEnabled('enrollment_service', $user)
 *
 * A user is a model (or any object) with an id, an int id, or null (then auth()->user(), as in the guide).
 * Answers agree with `shadowgate flags check --bucketing <recipe>` for the same .env, user and feature.
 */
class FeatureFlag
{
    /** Check if a feature is enabled for the current context. */
    public static function isEnabled(string $feature, mixed $user = null): bool
    {
        return static::decide($feature, $user)->enabled;
    }

    /** isEnabled() with the reason, worded as `shadowgate flags check` words it. */
    public static function decide(string $feature, mixed $user = null): FlagDecision
    {
        return static::flags()->decide($feature, static::userId($user ?? static::currentUser()));
    }

    /** Check if user is a pilot user. */
    public static function isPilotUser(mixed $user): bool
    {
        return static::flags()->isPilotUser(static::userId($user));
    }

    /** Check if user is in the feature's rollout percentage (false at 0%, and without a user). */
    public static function isInRolloutPercentage(string $feature, mixed $user): bool
    {
        $userId = static::userId($user);
        $flags = static::flags();
        $percentage = $flags->percentage($feature);
        if ($userId === null || $percentage <= 0) {
            return false;
        }
        return $flags->bucketing()->includes($flags->bucketing()->bucket($feature, $userId), $percentage);
    }

    /** Get all enabled features for a user (every 'use_*' feature of config/features.php). */
    public static function getEnabledFeatures(mixed $user = null): array
    {
        return static::flags()->enabledFeatures(static::userId($user ?? static::currentUser()));
    }

    /** The checked flags of config('features'). */
    public static function flags(): FeatureFlags
    {
        return FeatureFlags::fromConfig((array) config('features', []));
    }

    /** The id of a user given as a model or object with an id, an int, or a string of digits. */
    public static function userId(mixed $user): ?int
    {
        if ($user === null) {
            return null;
        }
        if (is_object($user)) {
            $user = method_exists($user, 'getAuthIdentifier') ? $user->getAuthIdentifier() : ($user->id ?? null);
        }
        if (is_int($user)) {
            return $user;
        }
        if (is_string($user) && preg_match('/^-?[0-9]+$/', $user)) {
            return (int) $user;
        }
        return null;
    }

    protected static function currentUser(): mixed
    {
        try {
            return function_exists('auth') && app()->bound('auth') ? auth()->user() : null;
        } catch (\Throwable) {
            return null;
        }
    }
}
