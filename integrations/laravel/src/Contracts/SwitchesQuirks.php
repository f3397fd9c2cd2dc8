<?php

namespace ShadowGate\Laravel\Contracts;

/**
 * A WorkerSubject (the legacy side) that can switch some of its quirks off for ShadowGate's counterfactual
 * check (docs/protocol.md, "Switching quirks off: without"). Its describe() lists them under 'quirks' (a list
 * of quirk ids, as the accepted rules name them); the worker accepts `"without"` only with ids from that list.
 */
interface SwitchesQuirks
{
    /**
     * A probe: run one command at $now with the $without quirks behaving as the modern implementation intends,
     * on the world as it is, and return its outcome array as apply() would. Afterwards the world must be exactly
     * as it was before the probe: database (roll a transaction back), id sources and clock. The next request is
     * the same command without `without`, the real one.
     *
     * @param list<string> $without quirk ids the subject listed
     */
    public function probe(string $op, array $fields, \DateTimeImmutable $now, array $without): array;
}
