<?php

namespace App\Events;

final class CourseRestored extends LmsEvent
{
}
