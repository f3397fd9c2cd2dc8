<?php

// config/features.php: the rollout guide's §8.2 flags, in the shape ShadowGate\Laravel\Flags\FeatureFlag reads.
// Publish with: php artisan vendor:publish --tag=shadowgate-features
//
// Differences from the guide, each deliberate:
// - every feature has a ROLLOUT_<FEATURE> entry (the guide had three), because `shadowgate flags check`
//   reads ROLLOUT_<FEATURE> for every feature: a percentage in .env must mean the same to both;
// - values are passed as env() gives them, without the guide's (int) cast, so FeatureFlag can refuse
//   'abc' or '150' instead of silently reading 0 or 150;
// - 'bucketing' chooses the percentage recipe: 'modulo' (the guide's user_id % 100) or 'murmur3'
//   (Unleash-compatible, features decorrelated). Changing it moves users in or out of running rollouts.

return [

    /*
    | Architecture refactoring feature flags: true for the new implementation, false for legacy.
    | FeatureFlag::isEnabled('enrollment_service') reads 'use_enrollment_service'.
    */

    'use_enrollment_service' => env('FEATURE_ENROLLMENT_SERVICE', false),
    'use_progress_service' => env('FEATURE_PROGRESS_SERVICE', false),
    'use_grading_service' => env('FEATURE_GRADING_SERVICE', false),
    'use_course_state_machine' => env('FEATURE_COURSE_STATE_MACHINE', false),
    'use_enrollment_state_machine' => env('FEATURE_ENROLLMENT_STATE_MACHINE', false),
    'use_attempt_state_machine' => env('FEATURE_ATTEMPT_STATE_MACHINE', false),
    'use_domain_events' => env('FEATURE_DOMAIN_EVENTS', false),
    'use_grading_strategies' => env('FEATURE_GRADING_STRATEGIES', false),

    /*
    | Pilot users get every feature. Comma-separated ids.
    */

    'pilot_user_ids' => env('FEATURE_PILOT_USERS', ''),

    /*
    | Percentage rollout, 0...100.
    */

    'rollout_percentage' => [
        'enrollment_service' => env('ROLLOUT_ENROLLMENT_SERVICE', 0),
        'progress_service' => env('ROLLOUT_PROGRESS_SERVICE', 0),
        'grading_service' => env('ROLLOUT_GRADING_SERVICE', 0),
        'course_state_machine' => env('ROLLOUT_COURSE_STATE_MACHINE', 0),
        'enrollment_state_machine' => env('ROLLOUT_ENROLLMENT_STATE_MACHINE', 0),
        'attempt_state_machine' => env('ROLLOUT_ATTEMPT_STATE_MACHINE', 0),
        'domain_events' => env('ROLLOUT_DOMAIN_EVENTS', 0),
        'grading_strategies' => env('ROLLOUT_GRADING_STRATEGIES', 0),
    ],

    /*
    | Bucketing recipe for percentage rollouts: 'modulo' (the guide's) or 'murmur3'.
    | Must match `shadowgate flags check --bucketing`.
    */

    'bucketing' => env('FLAGS_BUCKETING', 'murmur3'),

];
