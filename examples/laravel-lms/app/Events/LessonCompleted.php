<?php

namespace App\Events;

final class LessonCompleted extends LmsEvent
{
}
