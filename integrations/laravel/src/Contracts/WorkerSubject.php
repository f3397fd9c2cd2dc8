<?php

namespace ShadowGate\Laravel\Contracts;

/**
 * One implementation (legacy or modern) of an app, driven by ShadowGate through `php artisan shadowgate:worker`.
 *
 * Register it in config/shadowgate.php: ['subjects' => ['legacy' => LegacySubject::class, ...]]. The worker
 * resolves the class from the container once and calls it for every request.
 */
interface WorkerSubject
{
    /**
     * What the hello reply announces:
     *   'name'    => string, e.g. 'legacy-lms'
     *   'version' => string
     *   'ops'     => [op => feature|null]   every op this subject implements, and the feature it is compared
     *                                      under (null: applied, not compared)
     * and optionally 'sideEffectsFeature' (string), 'clockOp' (string), 'transitionRefusalCode' (string), and
     * 'quirks' (list of quirk ids it can switch off; the subject must then implement SwitchesQuirks).
     */
    public function describe(): array;

    /**
     * Fresh world for a scenario: empty database, clock (Carbon::setTestNow) at $at, id sources restarted.
     * The package has already called Carbon::setTestNow($at) and refreshed the Mail/Notification/Http fakes.
     */
    public function reset(string $scenario, \DateTimeImmutable $at): void;

    /**
     * Run one command at $now (the package has already called Carbon::setTestNow($now)).
     *
     * Returns the outcome array: status, errorCode?, value?, transitions, snapshot, events, jobs, message?.
     * Throws \ShadowGate\Laravel\InvalidCommand for a malformed command; any other Throwable is reported
     * as a fault by the package.
     */
    public function apply(string $op, array $fields, \DateTimeImmutable $now): array;
}
