<?php

namespace ShadowGate\Laravel;

/**
 * Thrown by a WorkerSubject when the command itself is malformed for it (an unknown field, a missing one,
 * a value of the wrong type). The worker answers {"id":…,"invalid":{"message":…}}: ShadowGate treats it as
 * bad input (FILE:LINE, exit 65), not as a fault of the implementation.
 */
class InvalidCommand extends \InvalidArgumentException
{
    public static function unknownField(string $field, string $op): self
    {
        return new self(sprintf('unknown field "%s" for %s', $field, $op));
    }

    public static function missingField(string $field, string $op): self
    {
        return new self(sprintf('missing field "%s" for %s', $field, $op));
    }
}
