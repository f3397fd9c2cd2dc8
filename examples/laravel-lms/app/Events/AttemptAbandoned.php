<?php

namespace App\Events;

final class AttemptAbandoned extends LmsEvent
{
}
