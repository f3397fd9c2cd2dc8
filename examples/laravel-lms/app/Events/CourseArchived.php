<?php

namespace App\Events;

final class CourseArchived extends LmsEvent
{
}
