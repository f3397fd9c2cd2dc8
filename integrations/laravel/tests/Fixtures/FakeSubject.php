<?php

namespace ShadowGate\Laravel\Tests\Fixtures;

use Carbon\Carbon;
use ShadowGate\Laravel\Contracts\WorkerSubject;
use ShadowGate\Laravel\InvalidCommand;

/**
 * A tiny WorkerSubject for the tests: a counter, plus ops that print, crash, stall or return bad outcomes.
 * The app.* ops need the fixture application (tests/Fixtures/app).
 */
class FakeSubject implements WorkerSubject
{
    public int $total = 0;
    public array $calls = [];
    public ?string $scenario = null;
    public ?\DateTimeImmutable $resetAt = null;
    public ?string $carbonAtReset = null;

    public function describe(): array
    {
        return [
            'name' => 'fake-subject',
            'version' => '1.2.3',
            'ops' => [
                'counter.add' => 'counter',
                'counter.check' => 'counter',
                'noise.print' => null,
                'crash' => 'counter',
                'slow' => null,
                'nan' => null,
                'bad.status' => null,
                'sparse' => 'counter',
                'huge' => null,
                'app.side_effects' => 'domain_events',
            ],
            'sideEffectsFeature' => 'domain_events',
            'clockOp' => 'clock.advance',
            'transitionRefusalCode' => 'invalid_transition',
        ];
    }

    public function reset(string $scenario, \DateTimeImmutable $at): void
    {
        $this->total = 0;
        $this->scenario = $scenario;
        $this->resetAt = $at;
        $this->carbonAtReset = Carbon::now()->format('Y-m-d\TH:i:s.v\Z');
        if (function_exists('app') && app()->bound('db')) {
            AppFixture::freshDatabase();
        }
    }

    public function apply(string $op, array $fields, \DateTimeImmutable $now): array
    {
        $this->calls[] = [$op, $fields, $now];
        switch ($op) {
            case 'counter.add':
                foreach (array_keys($fields) as $field) {
                    if ($field !== 'n') {
                        throw InvalidCommand::unknownField($field, $op);
                    }
                }
                if (!is_int($fields['n'] ?? null)) {
                    throw InvalidCommand::missingField('n', $op);
                }
                $this->total += $fields['n'];
                return [
                    'status' => 'accepted',
                    'value' => ['total' => $this->total, 'clock' => Carbon::now()->format('Y-m-d\TH:i:s.v\Z')],
                    'transitions' => [],
                    'snapshot' => [['key' => 'counter', 'status' => 'counting', 'total' => $this->total]],
                    'events' => [['name' => 'CounterAdded', 'payload' => ['n' => $fields['n']]]],
                    'jobs' => [],
                ];
            case 'counter.check':
                return $this->total > 10
                    ? ['status' => 'rejected', 'errorCode' => 'too_big', 'message' => 'the counter is over 10',
                        'transitions' => [], 'snapshot' => [], 'events' => [], 'jobs' => []]
                    : ['status' => 'accepted', 'errorCode' => null, 'value' => ['total' => $this->total],
                        'transitions' => [], 'snapshot' => [], 'events' => [], 'jobs' => []];
            case 'noise.print':
                echo "ECHO-NOISE\n";
                print "PRINT-NOISE\n";
                printf("PRINTF-NOISE %d\n", 42);
                var_dump(['VAR_DUMP-NOISE' => 1]);
                print_r(['PRINT_R-NOISE' => 2]);
                ob_start();            // a buffer the app forgets to close
                echo "UNCLOSED-BUFFER-NOISE\n";
                return ['status' => 'accepted'];
            case 'crash':
                throw new \DomainException('kaboom: ' . ($fields['why'] ?? 'no reason'));
            case 'slow':
                usleep(($fields['ms'] ?? 0) * 1000);
                return ['status' => 'accepted'];
            case 'nan':
                return ['status' => 'accepted', 'value' => ['x' => NAN]];
            case 'huge':
                return ['status' => 'accepted', 'message' => str_repeat('m', 1048576)];
            case 'bad.status':
                return ['status' => 'ok'];
            case 'sparse':
                return [
                    'status' => 'accepted',
                    'errorCode' => null,
                    'message' => null,
                    'value' => ['score' => 80.0, 'grade' => null],
                    'snapshot' => [['key' => 'quiz:1', 'status' => 'open', 'score' => null]],
                    'events' => [['name' => 'Empty', 'payload' => []], ['name' => 'Partial', 'payload' => ['a' => 1, 'b' => null]]],
                    'jobs' => [['id' => 1, 'listener' => 'L', 'event' => 'E', 'status' => 'processed', 'error' => null]],
                ];
            case 'app.side_effects':
                return AppFixture::sideEffects($fields);
        }
        throw new \LogicException("FakeSubject has no op $op");
    }
}
