<?php

namespace App\Events;

final class EnrollmentReactivated extends LmsEvent
{
}
