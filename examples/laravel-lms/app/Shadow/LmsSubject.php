<?php

namespace App\Shadow;

use App\Lms\Outcome;
use App\Lms\Recorder;
use DateTimeImmutable;
use DateTimeInterface;
use Illuminate\Contracts\Foundation\Application;
use Illuminate\Support\Carbon;
use ShadowGate\Laravel\Contracts\WorkerSubject;

/**
 * What both subjects share: a fresh database, clock and job ids per scenario; one command at a time with its
 * transitions, events and jobs recorded into the outcome.
 */
abstract class LmsSubject implements WorkerSubject
{
    protected Recorder $recorder;
    protected FreshDatabase $database;

    public function __construct(protected Application $app)
    {
        $this->recorder = $app->make(Recorder::class);
        $this->database = $app->make(FreshDatabase::class);
    }

    abstract protected function name(): string;

    /** Carry out one decoded command. */
    abstract protected function handle(string $op, array $c, DateTimeInterface $now): Outcome;

    public function describe(): array
    {
        return CommandCodec::describe($this->name());
    }

    public function reset(string $scenario, DateTimeImmutable $at): void
    {
        $this->database->reset();
        Carbon::setTestNow(Carbon::instance($at));
        $this->recorder->restart();
    }

    public function apply(string $op, array $fields, DateTimeImmutable $now): array
    {
        $command = CommandCodec::decode($op, $fields);
        Carbon::setTestNow(Carbon::instance($now));
        $this->recorder->begin();
        if ($op === 'clock.advance') {
            return Outcome::accepted()->toArray($this->recorder);
        }
        $outcome = $this->handle($op, $command, $now)->toArray($this->recorder);
        // What the command touched, for ShadowGate's knock-on chains (never compared).
        $entities = Entities::of($op, $command);
        if ($entities !== []) {
            $outcome['entities'] = $entities;
        }
        return $outcome;
    }
}
