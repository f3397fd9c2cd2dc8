<?php

namespace App\Events;

final class CoursePublished extends LmsEvent
{
}
