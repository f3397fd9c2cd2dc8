<?php

namespace App\Events;

final class AttemptStarted extends LmsEvent
{
}
