<?php

namespace App\Events;

final class ProgressUpdated extends LmsEvent
{
}
