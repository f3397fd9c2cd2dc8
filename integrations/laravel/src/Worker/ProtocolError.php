<?php

namespace ShadowGate\Laravel\Worker;

/** A request line the worker cannot take: not JSON, not an object, too long, not UTF-8, unknown type. */
final class ProtocolError extends \RuntimeException
{
}
