<?php

namespace App\Events;

final class EnrollmentCreated extends LmsEvent
{
}
