<?php

namespace App\Events;

final class AttemptGraded extends LmsEvent
{
}
