<?php

namespace App\Lms;

use App\Events\DomainEvent;
use Illuminate\Support\Carbon;
use Illuminate\Support\Facades\DB;
use ShadowGate\Laravel\Queue\FailedJobRecorder;

/**
 * What one command did besides its own rows: the state transitions (state_transitions), the domain events
 * (domain_event_log) and the listener jobs that ran or failed, in order. Both implementations write through
 * it; the shadow subjects read the command's share back into its outcome.
 */
final class Recorder
{
    /** @var list<array{entity:string,id:string,from:string,to:string}> */
    private array $transitions = [];
    /** @var list<array{name:string,payload:array}> */
    private array $events = [];
    /** @var list<array> */
    private array $jobs = [];
    private int $nextJobId = 1;

    /** The package's journal of the listener jobs the sync queue ran (shadowgate-sync driver). */
    public function __construct(private FailedJobRecorder $queueJournal)
    {
    }

    /** A fresh world: job ids start again at 1. */
    public function restart(): void
    {
        $this->nextJobId = 1;
        $this->begin();
    }

    /** The job id source's position, for a probe to come back to (rewind()). */
    public function mark(): int
    {
        return $this->nextJobId;
    }

    /** Back to a position mark() gave: the jobs of a rolled-back probe took no ids. */
    public function rewind(int $mark): void
    {
        $this->nextJobId = $mark;
        $this->begin();
    }

    /** Start recording one command. */
    public function begin(): void
    {
        $this->transitions = [];
        $this->events = [];
        $this->jobs = [];
        $this->queueJournal->forget();
    }

    public function transition(string $entity, string $id, string $from, string $to): void
    {
        DB::table('state_transitions')->insert([
            'entity' => $entity, 'entity_id' => $id, 'from' => $from, 'to' => $to,
            'occurred_at' => Carbon::now()->format('Y-m-d H:i:s.v'),
        ]);
        $this->transitions[] = ['entity' => $entity, 'id' => $id, 'from' => $from, 'to' => $to];
    }

    public function event(DomainEvent $event): void
    {
        $payload = $event->payload();
        DB::table('domain_event_log')->insert([
            'name' => $event->name(), 'payload' => json_encode($payload),
            'occurred_at' => Carbon::now()->format('Y-m-d H:i:s.v'),
        ]);
        $this->events[] = ['name' => $event->name(), 'payload' => $payload];
    }

    public function transitions(): array
    {
        return $this->transitions;
    }

    public function events(): array
    {
        return $this->events;
    }

    /** The listener jobs run since begin(), in order, numbered from the world's job id source. */
    public function jobs(): array
    {
        foreach ($this->queueJournal->takeJobs() as $job) {
            $record = ['id' => $this->nextJobId++, 'listener' => class_basename($job['listener']),
                       'event' => class_basename($job['event']), 'status' => $job['status']];
            if ($job['status'] === 'failed') {
                $record['error'] = (string) $job['error'];
            }
            $this->jobs[] = $record;
        }
        return $this->jobs;
    }

}
