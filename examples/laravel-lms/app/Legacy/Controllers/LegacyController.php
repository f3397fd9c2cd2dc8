<?php

namespace App\Legacy\Controllers;

use App\Legacy\Quirks;
use App\Lms\Recorder;

/**
 * The old application's controllers, kept as they were: string status columns compared inline, checks
 * scattered or missing, events fired with event() wherever the controller happened to be. Every behaviour
 * the refactor changes on purpose is marked with its quirk id (Sources/LMS/Legacy/QUIRKS.md).
 */
abstract class LegacyController
{
    public function __construct(protected Recorder $recorder, protected Quirks $quirks)
    {
    }

    /** Whether a quirk behaves as legacy did: always, except in a ShadowGate probe that switched it off. */
    protected function quirk(string $id): bool
    {
        return $this->quirks->on($id);
    }

    /** The old audit trail: one state_transitions row per status change. */
    protected function logTransition(string $entity, string $id, string $from, string $to): void
    {
        $this->recorder->transition($entity, $id, $from, $to);
    }
}
