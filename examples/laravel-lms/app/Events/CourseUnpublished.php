<?php

namespace App\Events;

final class CourseUnpublished extends LmsEvent
{
}
