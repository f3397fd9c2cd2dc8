<?php

namespace App\Events;

final class EnrollmentExpired extends LmsEvent
{
}
