<?php

namespace App\Modern\StateMachines;

use App\Lms\Outcome;
use DomainException;

/** A transition the table does not allow; becomes a rejection with code invalid_transition. */
final class TransitionRefused extends DomainException
{
    public function __construct(public readonly string $entity, public readonly string $id,
                                public readonly string $from, public readonly string $to)
    {
        parent::__construct("cannot move {$entity} {$id} from {$from} to {$to}");
    }

    public function outcome(): Outcome
    {
        return Outcome::rejected('invalid_transition', $this->getMessage());
    }
}
