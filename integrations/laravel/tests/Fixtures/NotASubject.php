<?php

namespace ShadowGate\Laravel\Tests\Fixtures;

class NotASubject
{
}
