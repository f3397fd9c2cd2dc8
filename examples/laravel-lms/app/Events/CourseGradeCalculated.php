<?php

namespace App\Events;

final class CourseGradeCalculated extends LmsEvent
{
}
