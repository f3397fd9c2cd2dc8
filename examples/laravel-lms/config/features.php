<?php

/*
 * The rollout guide's feature flags (§8.2), with its two bugs fixed:
 *
 * 1. The guide's keys were 'use_enrollment_service' etc. while FeatureFlag::isEnabled('enrollment_service')
 *    reads config('features.enrollment_service'), so a direct flag never matched. The keys are the feature
 *    names themselves here; FEATURE_<NAME> is the variable each reads (what `shadowgate flags` edits).
 * 2. Bucketing by `user id % 100` puts a user in the same bucket for every feature, so every 10% rollout
 *    reaches the same 10% of users. FEATURE_BUCKETING=murmur3 buckets by murmur3("<feature>:<id>"), as
 *    Unleash does; "modulo" keeps the guide's recipe for parity with apps that still use it.
 */

$features = [
    'enrollment_service',
    'progress_service',
    'grading_service',
    'course_state_machine',
    'enrollment_state_machine',
    'attempt_state_machine',
    'domain_events',
    'grading_strategies',
];

$config = [];
foreach ($features as $feature) {
    $config[$feature] = (bool) env('FEATURE_'.strtoupper($feature), false);
}

$config['pilot_user_ids'] = array_values(array_filter(
    array_map('trim', explode(',', (string) env('FEATURE_PILOT_USERS', ''))),
    static fn (string $id): bool => $id !== ''
));

$config['rollout_percentage'] = [];
foreach ($features as $feature) {
    $config['rollout_percentage'][$feature] = (int) env('ROLLOUT_'.strtoupper($feature), 0);
}

$config['bucketing'] = env('FEATURE_BUCKETING', 'modulo');

return $config;
