<?php

namespace ShadowGate\Laravel\Tests\Fixtures;

/** Lists quirks in its hello without being able to switch them off: a programming error the hello reports. */
class QuirkyFakeSubject extends FakeSubject
{
    public function describe(): array
    {
        return parent::describe() + ['quirks' => ['counter.unbounded']];
    }
}
