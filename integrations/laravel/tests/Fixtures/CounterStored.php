<?php

namespace ShadowGate\Laravel\Tests\Fixtures;

class CounterStored
{
    public function __construct(public int $value)
    {
    }
}
