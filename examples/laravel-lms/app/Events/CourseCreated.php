<?php

namespace App\Events;

final class CourseCreated extends LmsEvent
{
}
