<?php

namespace App\Events;

final class AttemptExpired extends LmsEvent
{
}
