<?php

namespace ShadowGate\Laravel\Queue;

use Illuminate\Queue\SyncQueue;
use Throwable;

/**
 * The sync queue, except that a failing job is recorded through the failed-job provider (failed_jobs)
 * and not rethrown, so the command that dispatched it is not undone. The job's failed() method and the
 * JobExceptionOccurred / JobFailed events run as they do on 'sync'.
 */
class RecordingSyncQueue extends SyncQueue
{
    public function __construct(private FailedJobRecorder $recorder)
    {
    }

    public function push($job, $data = '', $queue = null)
    {
        $queueJob = $this->resolveJob($this->createPayload($job, $queue, $data), $queue);
        $listener = FailedJobRecorder::listenerName(is_object($job) ? $job : $queueJob->resolveName());
        $event = is_object($job) && property_exists($job, 'data') && is_array($job->data) && isset($job->data[0])
            ? FailedJobRecorder::eventName($job->data[0]) : '';
        $queueName = $queue ?? 'default';

        try {
            $this->raiseBeforeJobEvent($queueJob);
            $queueJob->fire();
            $this->raiseAfterJobEvent($queueJob);
        } catch (Throwable $e) {
            $this->raiseExceptionOccurredJobEvent($queueJob, $e);
            try {
                $queueJob->fail($e);
            } catch (Throwable) {
                // A failed() method that throws too must not lose the record of the first failure.
            }
            $id = $this->recorder->record($this->connectionName, $queueName, $queueJob->getRawBody(), $e);
            $this->recorder->note($listener, $event, $e, $id, $this->connectionName, $queueName);
            return 0;
        }
        $this->recorder->note($listener, $event, null, null, $this->connectionName, $queueName);
        return 0;
    }
}
