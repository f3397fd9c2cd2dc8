<?php

namespace App\Legacy;

/**
 * The legacy quirks that can be switched off for ShadowGate's counterfactual probes (docs/protocol.md,
 * "Switching quirks off"): each one switched off behaves as the modern implementation intends, exactly as the
 * built-in LegacyLMS does with the same id in its withoutQuirks (Sources/LMS/Legacy/LegacyLMS.swift). Every
 * quirk is on in an ordinary apply; only a probe switches some off, for one command.
 */
final class Quirks
{
    /** Every catalogued quirk (Sources/LMS/Legacy/QUIRKS.md) and legacy.float_course_grade. */
    public const SWITCHABLE = [
        'legacy.publish_without_lessons',
        'legacy.archived_to_published',
        'legacy.enroll_unopened_course',
        'legacy.capacity_counts_cancelled',
        'legacy.reenroll_after_completion',
        'legacy.duplicate_completion_counted',
        'legacy.progress_floor',
        'legacy.events_before_save',
        'legacy.no_event_on_cancel_or_expire',
        'legacy.expire_any_status',
        'legacy.reactivate_completed',
        'legacy.late_submission_accepted',
        'legacy.max_attempts_counts_graded_only',
        'legacy.float_pass_mark',
        'legacy.grade_error_code',
        'legacy.zero_weight_quiz_crash',
        'legacy.final_grade_ignores_strategy',
        'legacy.float_course_grade',
    ];

    /** @var array<string, true> the quirks switched off now */
    private array $off = [];

    /** Whether the quirk behaves as legacy did (not switched off). */
    public function on(string $id): bool
    {
        return !isset($this->off[$id]);
    }

    /**
     * Runs $run with the $ids switched off, and switches them back on after, whatever happens.
     *
     * @template T
     * @param list<string> $ids
     * @param callable(): T $run
     * @return T
     */
    public function without(array $ids, callable $run): mixed
    {
        $saved = $this->off;
        $this->off = array_fill_keys($ids, true);
        try {
            return $run();
        } finally {
            $this->off = $saved;
        }
    }
}
