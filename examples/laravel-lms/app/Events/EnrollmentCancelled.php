<?php

namespace App\Events;

final class EnrollmentCancelled extends LmsEvent
{
}
