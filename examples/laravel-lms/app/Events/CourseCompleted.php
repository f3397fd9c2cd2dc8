<?php

namespace App\Events;

final class CourseCompleted extends LmsEvent
{
}
