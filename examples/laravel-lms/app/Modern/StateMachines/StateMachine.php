<?php

namespace App\Modern\StateMachines;

/**
 * An explicit transition table: the only moves an entity may make. Anything not listed is refused with
 * TransitionRefused (error code invalid_transition).
 */
abstract class StateMachine
{
    /** The entity name written to state_transitions (course, enrollment, attempt). */
    abstract public function entity(): string;

    /** @return array<string, list<string>> status => statuses it may move to */
    abstract public function allowed(): array;

    public function canMove(string $from, string $to): bool
    {
        return in_array($to, $this->allowed()[$from] ?? [], true);
    }

    /** @throws TransitionRefused */
    public function assertCanMove(string $id, string $from, string $to): void
    {
        if (!$this->canMove($from, $to)) {
            throw new TransitionRefused($this->entity(), $id, $from, $to);
        }
    }
}
