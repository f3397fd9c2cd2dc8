<?php

namespace App\Events;

final class AttemptSubmitted extends LmsEvent
{
}
