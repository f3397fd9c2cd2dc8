<?php

namespace ShadowGate\Laravel\Flags;

/**
 * A flag value that cannot be used. ShadowGate's `flags check` refuses the same values, so that the app
 * and the harness never silently disagree about what a .env means.
 */
final class FlagConfigurationException extends \InvalidArgumentException
{
    public function __construct(public readonly string $key, string $message)
    {
        parent::__construct("$key: $message");
    }
}
