<?php

namespace ShadowGate\Laravel\Tests\Fixtures;

use ShadowGate\Laravel\Contracts\SwitchesQuirks;

/**
 * The fake subject with one quirk it can switch off: `counter.unbounded` (the counter is capped at 10 when it
 * is off). A probe runs on the counter as it is and puts it back.
 */
class ProbingFakeSubject extends FakeSubject implements SwitchesQuirks
{
    public array $probes = [];
    public bool $listsQuirks = true;

    public function describe(): array
    {
        return parent::describe() + ($this->listsQuirks ? ['quirks' => ['counter.unbounded']] : []);
    }

    public function probe(string $op, array $fields, \DateTimeImmutable $now, array $without): array
    {
        $this->probes[] = [$op, $without];
        $saved = [$this->total, $this->calls];
        try {
            $outcome = $this->apply($op, $fields, $now);
            if (in_array('counter.unbounded', $without, true) && $this->total > 10) {
                $outcome['value']['total'] = 10;
            }
            return $outcome;
        } finally {
            [$this->total, $this->calls] = $saved;
        }
    }
}
