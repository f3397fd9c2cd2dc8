<?php

namespace ShadowGate\Laravel\Tests;

use Carbon\Carbon;
use Carbon\CarbonImmutable;
use PHPUnit\Framework\TestCase;
use ShadowGate\Laravel\Tests\Fixtures\FakeSubject;
use ShadowGate\Laravel\Worker\LineCodec;
use ShadowGate\Laravel\Worker\Worker;

/** The protocol loop on in-memory streams, with the fake subject. */
class WorkerProtocolTest extends TestCase
{
    private FakeSubject $subject;
    private string $stdout = '';
    private string $stderr = '';

    protected function setUp(): void
    {
        $this->subject = new FakeSubject();
    }

    protected function tearDown(): void
    {
        Carbon::setTestNow();
        CarbonImmutable::setTestNow();
    }

    /**
     * Feeds the lines (strings are sent as given, arrays JSON-encoded) and returns [exit status, replies].
     * Fails the test if stdout holds anything but JSON lines.
     */
    private function run_(array $requests, ?Worker $worker = null): array
    {
        $in = fopen('php://memory', 'w+b');
        foreach ($requests as $request) {
            fwrite($in, (is_string($request) ? $request : json_encode($request)) . "\n");
        }
        rewind($in);
        $out = fopen('php://memory', 'w+b');
        $err = fopen('php://memory', 'w+b');
        $status = ($worker ?? new Worker($this->subject))->run($in, $out, $err);
        rewind($out);
        rewind($err);
        $this->stdout = stream_get_contents($out);
        $this->stderr = stream_get_contents($err);
        $replies = [];
        foreach (explode("\n", rtrim($this->stdout, "\n")) as $line) {
            if ($line === '') {
                continue;
            }
            $decoded = json_decode($line, true);
            $this->assertIsArray($decoded, "stdout line is not a JSON object: $line");
            $replies[] = $decoded;
        }
        return [$status, $replies];
    }

    private static function hello(int $protocol = 1): array
    {
        return ['type' => 'hello', 'protocol' => $protocol, 'side' => 'candidate'];
    }

    private static function apply(int $id, string $op, array|object $fields = [], string $now = '2026-11-24T10:05:00.000Z'): array
    {
        return ['type' => 'apply', 'id' => $id, 'scenario' => 's-1', 'seq' => $id, 'at' => '2026-11-24T10:00:00Z',
            'now' => $now, 'op' => $op, 'fields' => (object) $fields];
    }

    public function testHelloAnnouncesTheSubject(): void
    {
        [$status, $replies] = $this->run_([self::hello()]);
        $this->assertSame(0, $status);
        $this->assertSame([[
            'type' => 'hello', 'protocol' => 1, 'name' => 'fake-subject', 'version' => '1.2.3',
            'ops' => [
                'counter.add' => 'counter', 'counter.check' => 'counter', 'noise.print' => null, 'crash' => 'counter',
                'slow' => null, 'nan' => null, 'bad.status' => null, 'sparse' => 'counter', 'huge' => null, 'app.side_effects' => 'domain_events',
            ],
            'sideEffectsFeature' => 'domain_events', 'clockOp' => 'clock.advance', 'transitionRefusalCode' => 'invalid_transition',
        ]], $replies);
        // ops is a JSON object even when it maps to null
        $this->assertStringContainsString('"noise.print":null', $this->stdout);
    }

    public function testHelloListsTheQuirksOfASubjectThatSwitchesThemOff(): void
    {
        $this->subject = new \ShadowGate\Laravel\Tests\Fixtures\ProbingFakeSubject();
        [, $replies] = $this->run_([self::hello()]);
        $this->assertSame(['counter.unbounded'], $replies[0]['quirks']);
        // Listing quirks without implementing SwitchesQuirks fails the hello.
        $this->subject = new \ShadowGate\Laravel\Tests\Fixtures\QuirkyFakeSubject();
        [$status, $replies] = $this->run_([self::hello()]);
        $this->assertSame(Worker::EXIT_FAILURE, $status);
        $this->assertStringContainsString('does not implement', $replies[0]['message']);
    }

    public function testAProbeIsAnsweredByProbeAndLeavesTheWorldAsItWas(): void
    {
        $subject = new \ShadowGate\Laravel\Tests\Fixtures\ProbingFakeSubject();
        $this->subject = $subject;
        [$status, $replies] = $this->run_([
            self::hello(),
            ['type' => 'reset', 'scenario' => 's-1', 'at' => '2026-11-24T10:00:00Z'],
            self::apply(1, 'counter.add', ['n' => 8]),
            self::apply(2, 'counter.add', ['n' => 5]) + ['without' => ['counter.unbounded']],
            self::apply(3, 'counter.add', ['n' => 5]),
            self::apply(4, 'counter.add', ['n' => 1]) + ['without' => ['counter.other']],
            self::apply(5, 'counter.add', ['n' => 1]) + ['without' => 'counter.unbounded'],
            self::apply(6, 'counter.add', ['n' => 1]) + ['without' => []],
        ]);
        $this->assertSame(0, $status);
        $this->assertSame(10, $replies[3]['outcome']['value']['total'], 'the probe, with the quirk off');
        $this->assertIsInt($replies[3]['durationNs']);
        $this->assertSame(13, $replies[4]['outcome']['value']['total'], 'the real apply, on the world before the probe');
        $this->assertStringContainsString('did not list', $replies[5]['invalid']['message']);
        $this->assertStringContainsString('must be a list', $replies[6]['invalid']['message']);
        $this->assertSame(14, $replies[7]['outcome']['value']['total'], 'an empty without is a probe of nothing');
        $this->assertSame([['counter.add', ['counter.unbounded']], ['counter.add', []]], $subject->probes);
        $this->assertSame(13, $subject->total, "probes changed nothing");
    }

    public function testHelloWithAnotherProtocolIsAnErrorAndExits2(): void
    {
        [$status, $replies] = $this->run_([self::hello(2), self::apply(1, 'counter.add', ['n' => 1])]);
        $this->assertSame(Worker::EXIT_PROTOCOL_MISMATCH, $status);
        $this->assertSame([['type' => 'error', 'message' => 'unsupported protocol 2; this worker speaks 1']], $replies);
        $this->assertSame([], $this->subject->calls, 'nothing is applied after a protocol mismatch');
    }

    public function testHelloWithoutProtocolExits2(): void
    {
        [$status, $replies] = $this->run_([['type' => 'hello', 'side' => 'control']]);
        $this->assertSame(2, $status);
        $this->assertSame('error', $replies[0]['type']);
        $this->assertStringContainsString('this worker speaks 1', $replies[0]['message']);
    }

    public function testResetStartsAFreshWorldWithTheClockAtAt(): void
    {
        $prepared = 0;
        $worker = new Worker($this->subject, null, function () use (&$prepared) {
            $prepared++;
        });
        [$status, $replies] = $this->run_([
            self::hello(),
            self::apply(1, 'counter.add', ['n' => 5]),
            ['type' => 'reset', 'scenario' => 's-000017', 'at' => '2026-11-24T11:00:00+01:00'],
            self::apply(2, 'counter.add', ['n' => 2]),
        ], $worker);
        $this->assertSame(0, $status);
        $this->assertSame(['type' => 'ready'], $replies[2]);
        $this->assertSame('s-000017', $this->subject->scenario);
        $this->assertSame('2026-11-24T10:00:00+00:00', $this->subject->resetAt->format(DATE_ATOM));
        $this->assertSame('2026-11-24T10:00:00.000Z', $this->subject->carbonAtReset, 'Carbon::setTestNow($at) before reset');
        $this->assertSame(2, $replies[3]['outcome']['value']['total'], 'the counter restarted');
        $this->assertSame(1, $prepared, 'prepareWorld runs before every reset');
    }

    public function testApplyRunsTheCommandAtNowAndReportsItsOutcome(): void
    {
        [$status, $replies] = $this->run_([
            self::hello(),
            ['type' => 'reset', 'scenario' => 's-1', 'at' => '2026-11-24T10:00:00Z'],
            self::apply(41, 'counter.add', ['n' => 3], '2026-11-24T10:05:00.250Z'),
            self::apply(42, 'counter.add', ['n' => 4], '2026-11-24T10:06:00Z'),
        ]);
        $this->assertSame(0, $status);
        $this->assertCount(4, $replies);
        [, , $first, $second] = $replies;
        $this->assertSame(41, $first['id']);
        $this->assertSame(['total' => 3, 'clock' => '2026-11-24T10:05:00.250Z'], $first['outcome']['value']);
        $this->assertSame(42, $second['id']);
        $this->assertSame(['total' => 7, 'clock' => '2026-11-24T10:06:00.000Z'], $second['outcome']['value']);
        $this->assertSame('accepted', $second['outcome']['status']);
        $this->assertSame([['name' => 'CounterAdded', 'payload' => ['n' => 4]]], $second['outcome']['events']);
        $this->assertIsInt($second['durationNs']);
        $this->assertGreaterThan(0, $second['durationNs']);
        $this->assertSame(['n' => 4], $this->subject->calls[1][1]);
        $this->assertSame('2026-11-24T10:06:00+00:00', $this->subject->calls[1][2]->format(DATE_ATOM));
    }

    public function testDurationIsMeasuredAroundTheSubjectsApply(): void
    {
        [, $replies] = $this->run_([self::apply(1, 'slow', ['ms' => 30]), self::apply(2, 'slow', ['ms' => 0])]);
        $this->assertGreaterThanOrEqual(30_000_000, $replies[0]['durationNs']);
        $this->assertLessThan(30_000_000, $replies[1]['durationNs']);
    }

    public function testARejectionIsAnOutcomeNotAFault(): void
    {
        [, $replies] = $this->run_([self::apply(1, 'counter.add', ['n' => 11]), self::apply(2, 'counter.check')]);
        $this->assertSame(['id' => 2, 'outcome' => [
            'status' => 'rejected', 'errorCode' => 'too_big', 'message' => 'the counter is over 10',
            'transitions' => [], 'snapshot' => [], 'events' => [], 'jobs' => [],
        ]], array_diff_key($replies[1], ['durationNs' => true]));
    }

    public function testAnExceptionOfTheImplementationIsAFault(): void
    {
        [$status, $replies] = $this->run_([self::apply(7, 'crash', ['why' => 'bug']), self::apply(8, 'counter.add', ['n' => 1])]);
        $this->assertSame(0, $status);
        $this->assertSame(['id' => 7, 'fault' => ['message' => 'kaboom: bug', 'class' => 'DomainException']], $replies[0]);
        $this->assertSame(8, $replies[1]['id'], 'the worker goes on after a fault');
        $this->assertArrayHasKey('outcome', $replies[1]);
        $this->assertStringContainsString('DomainException: kaboom: bug', $this->stderr, 'faults are logged to stderr');
    }

    public function testInvalidCommandIsInvalid(): void
    {
        [, $replies] = $this->run_([self::apply(3, 'counter.add', ['n' => 1, 'x' => 2]), self::apply(4, 'counter.add', [])]);
        $this->assertSame(['id' => 3, 'invalid' => ['message' => 'unknown field "x" for counter.add']], $replies[0]);
        $this->assertSame(['id' => 4, 'invalid' => ['message' => 'missing field "n" for counter.add']], $replies[1]);
    }

    public function testAnOpTheSubjectDoesNotListIsInvalidAndNeverApplied(): void
    {
        [, $replies] = $this->run_([self::apply(5, 'course.delete')]);
        $this->assertSame(['id' => 5, 'invalid' => ['message' => 'op "course.delete" is not implemented by this worker (fake-subject)']], $replies[0]);
        $this->assertSame([], $this->subject->calls);
    }

    public function testMalformedApplyRequests(): void
    {
        [$status, $replies] = $this->run_([
            ['type' => 'apply', 'op' => 'counter.add', 'now' => '2026-11-24T10:05:00Z', 'fields' => ['n' => 1]],
            ['type' => 'apply', 'id' => 9, 'op' => 'counter.add', 'now' => 'yesterday', 'fields' => ['n' => 1]],
            ['type' => 'apply', 'id' => 10, 'op' => 'counter.add', 'now' => '2026-11-24T10:05:00Z', 'fields' => [1, 2]],
            ['type' => 'apply', 'id' => 11, 'now' => '2026-11-24T10:05:00Z'],
        ]);
        $this->assertSame(0, $status);
        $this->assertSame(['type' => 'error', 'message' => 'apply without an "id"'], $replies[0]);
        $this->assertSame(['id' => 9, 'invalid' => ['message' => 'counter.add without a valid "now" (ISO 8601)']], $replies[1]);
        $this->assertSame(['id' => 10, 'invalid' => ['message' => '"fields" of counter.add must be a JSON object']], $replies[2]);
        $this->assertSame(['id' => 11, 'invalid' => ['message' => 'apply without an "op"']], $replies[3]);
        $this->assertSame([], $this->subject->calls);
    }

    public function testBadRequestLinesGetAnErrorAndTheLoopGoesOn(): void
    {
        [$status, $replies] = $this->run_([
            'this is not json',
            '[1, 2, 3]',
            '{"type":"dance"}',
            '{"protocol":1}',
            "{\"type\":\"hello\",\"protocol\":1,\"side\":\"\xff\xfe\"}",
            self::hello(),
        ]);
        $this->assertSame(0, $status);
        $this->assertCount(6, $replies);
        $this->assertSame('error', $replies[0]['type']);
        $this->assertStringStartsWith('request line is not JSON', $replies[0]['message']);
        $this->assertSame(['type' => 'error', 'message' => 'request line is not a JSON object'], $replies[1]);
        $this->assertSame(['type' => 'error', 'message' => 'unknown request type "dance"'], $replies[2]);
        $this->assertSame(['type' => 'error', 'message' => 'request without a "type"'], $replies[3]);
        $this->assertSame(['type' => 'error', 'message' => 'request line is not valid UTF-8'], $replies[4]);
        $this->assertSame('hello', $replies[5]['type']);
    }

    public function testALineOverOneMebibyteIsRefusedAndSkipped(): void
    {
        $long = json_encode(self::apply(1, 'counter.add', ['n' => 1, 'pad' => str_repeat('x', LineCodec::MAX_LINE_BYTES)]));
        [$status, $replies] = $this->run_([$long, self::apply(2, 'counter.add', ['n' => 2])]);
        $this->assertSame(0, $status);
        $this->assertSame(['type' => 'error', 'message' => 'request line longer than 1048576 bytes'], $replies[0]);
        $this->assertSame(2, $replies[1]['id']);
        $this->assertSame(2, $replies[1]['outcome']['value']['total']);
    }

    public function testALineOfExactlyOneMebibyteIsAccepted(): void
    {
        $request = self::apply(1, 'slow', ['ms' => 0]);
        $base = strlen(json_encode($request + ['pad' => '']));
        $request['pad'] = str_repeat('y', LineCodec::MAX_LINE_BYTES - $base);
        $line = json_encode($request);
        $this->assertSame(LineCodec::MAX_LINE_BYTES, strlen($line));
        [, $replies] = $this->run_([$line]);
        $this->assertSame(1, $replies[0]['id']);
        $this->assertArrayHasKey('outcome', $replies[0]);
    }

    public function testEverythingTheAppPrintsGoesToStderrNeverStdout(): void
    {
        $outerLevel = ob_get_level();
        [$status, $replies] = $this->run_([self::apply(1, 'noise.print'), self::apply(2, 'counter.add', ['n' => 1])]);
        $this->assertSame(0, $status);
        $this->assertCount(2, $replies);
        $this->assertStringNotContainsString('NOISE', $this->stdout);
        foreach (['ECHO-NOISE', 'PRINT-NOISE', 'PRINTF-NOISE 42', 'VAR_DUMP-NOISE', 'PRINT_R-NOISE', 'UNCLOSED-BUFFER-NOISE'] as $noise) {
            $this->assertStringContainsString($noise, $this->stderr);
        }
        $this->assertSame($outerLevel, ob_get_level(), 'the worker leaves the output buffers as it found them');
    }

    public function testShutdownExits0WithoutReplyingOrReadingFurther(): void
    {
        [$status, $replies] = $this->run_([self::hello(), ['type' => 'shutdown'], self::apply(1, 'counter.add', ['n' => 1])]);
        $this->assertSame(0, $status);
        $this->assertCount(1, $replies);
        $this->assertSame([], $this->subject->calls);
    }

    public function testEndOfInputExits0(): void
    {
        [$status, $replies] = $this->run_([]);
        $this->assertSame(0, $status);
        $this->assertSame([], $replies);
        $this->assertSame('', $this->stdout);
    }

    public function testOutcomesAreSentInTheShapeOfOutcomeTrees(): void
    {
        [, $replies] = $this->run_([self::apply(1, 'sparse')]);
        $this->assertSame([
            'status' => 'accepted',
            'value' => ['score' => 80.0],
            'snapshot' => [['key' => 'quiz:1', 'status' => 'open']],
            'events' => [['name' => 'Empty', 'payload' => []], ['name' => 'Partial', 'payload' => ['a' => 1]]],
            'jobs' => [['id' => 1, 'listener' => 'L', 'event' => 'E', 'status' => 'processed']],
            'transitions' => [],
        ], $replies[0]['outcome']);
        $this->assertStringContainsString('"payload":{}', $this->stdout, 'an empty payload is an object');
        $this->assertStringNotContainsString('errorCode', $this->stdout);
        $this->assertStringNotContainsString('message', $this->stdout);
    }

    public function testAnOutcomeThatCannotBeSentIsAFault(): void
    {
        [$status, $replies] = $this->run_([self::apply(1, 'nan'), self::apply(2, 'bad.status'), self::apply(3, 'huge'), self::apply(4, 'counter.add', ['n' => 1])]);
        $this->assertSame(0, $status);
        $this->assertSame(1, $replies[0]['id']);
        $this->assertSame('JsonException', $replies[0]['fault']['class']);
        $this->assertSame(['id' => 2, 'fault' => ['message' => 'outcome status must be "accepted" or "rejected", got "ok"', 'class' => 'UnexpectedValueException']], $replies[1]);
        $this->assertSame(3, $replies[2]['id']);
        $this->assertSame('LengthException', $replies[2]['fault']['class']);
        $this->assertStringContainsString('over the 1048576-byte line limit', $replies[2]['fault']['message']);
        foreach (explode("\n", rtrim($this->stdout)) as $line) {
            $this->assertLessThanOrEqual(1048576, strlen($line));
        }
        $this->assertArrayHasKey('outcome', $replies[3]);
    }

    public function testRepliesComeInRequestOrderOnePerRequest(): void
    {
        $requests = [self::hello()];
        for ($i = 1; $i <= 50; $i++) {
            $requests[] = self::apply($i, $i % 7 === 0 ? 'crash' : ($i % 11 === 0 ? 'nope' : 'counter.add'), ['n' => 1]);
        }
        [, $replies] = $this->run_($requests);
        $this->assertCount(51, $replies);
        $this->assertSame(range(1, 50), array_column(array_slice($replies, 1), 'id'));
    }
}
