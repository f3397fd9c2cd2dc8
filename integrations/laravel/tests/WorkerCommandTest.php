<?php

namespace ShadowGate\Laravel\Tests;

use PHPUnit\Framework\TestCase;

/**
 * `php artisan shadowgate:worker <mode>` in the fixture app, as ShadowGate starts it: a separate process,
 * requests on stdin, replies read from its real stdout. The fixture app's log channel writes to stdout on
 * purpose (config/logging.php), to show the command moves it.
 */
class WorkerCommandTest extends TestCase
{
    private const ARTISAN = __DIR__ . '/Fixtures/app/artisan';

    /** @return array{0: int, 1: string, 2: string} exit status, stdout, stderr */
    private function artisan(array $arguments, array $requests): array
    {
        $stdout = tempnam(sys_get_temp_dir(), 'sg-out');
        $stderr = tempnam(sys_get_temp_dir(), 'sg-err');
        $command = array_merge([PHP_BINARY, self::ARTISAN], $arguments);
        $process = proc_open($command, [0 => ['pipe', 'r'], 1 => ['file', $stdout, 'w'], 2 => ['file', $stderr, 'w']], $pipes);
        $this->assertIsResource($process);
        foreach ($requests as $request) {
            fwrite($pipes[0], (is_string($request) ? $request : json_encode($request)) . "\n");
        }
        fclose($pipes[0]);
        $status = proc_close($process);
        $result = [$status, file_get_contents($stdout), file_get_contents($stderr)];
        unlink($stdout);
        unlink($stderr);
        return $result;
    }

    /** Every stdout line must be a JSON object: that is the protocol's only guarantee to the reader. */
    private function replies(string $stdout): array
    {
        $replies = [];
        foreach (explode("\n", rtrim($stdout, "\n")) as $line) {
            if ($line === '') {
                continue;
            }
            $reply = json_decode($line, true);
            $this->assertIsArray($reply, "not a JSON line on stdout: $line");
            $replies[] = $reply;
        }
        return $replies;
    }

    private static function apply(int $id, string $op, array $fields = []): array
    {
        return ['type' => 'apply', 'id' => $id, 'scenario' => 's-1', 'seq' => $id, 'at' => '2026-11-24T10:00:00Z',
            'now' => '2026-11-24T10:05:00.000Z', 'op' => $op, 'fields' => (object) $fields];
    }

    public function testServesTheProtocolOnStdoutAndKeepsEverythingElseOffIt(): void
    {
        [$status, $stdout, $stderr] = $this->artisan(['shadowgate:worker', 'fake'], [
            ['type' => 'hello', 'protocol' => 1, 'side' => 'candidate'],
            ['type' => 'reset', 'scenario' => 's-1', 'at' => '2026-11-24T10:00:00Z'],
            self::apply(1, 'app.side_effects', ['value' => 3]),
            self::apply(2, 'noise.print'),
            self::apply(3, 'crash', ['why' => 'e2e']),
            'not json',
            ['type' => 'reset', 'scenario' => 's-2', 'at' => '2026-11-24T10:00:00Z'],
            self::apply(4, 'app.side_effects', ['value' => 4]),
            ['type' => 'shutdown'],
        ]);
        $this->assertSame(0, $status, $stderr);
        $replies = $this->replies($stdout);
        $this->assertCount(8, $replies, $stdout);
        $this->assertSame('hello', $replies[0]['type']);
        $this->assertSame('fake-subject', $replies[0]['name']);
        $this->assertSame(['type' => 'ready'], $replies[1]);

        $outcome = $replies[2]['outcome'];
        $this->assertSame(1, $replies[2]['id']);
        $this->assertSame(['counters' => 1, 'failedJobs' => 1, 'mailFake' => true, 'notificationFake' => true, 'notificationsRecorded' => 1], $outcome['value']);
        $this->assertSame([
            ['id' => 1, 'listener' => 'FailingQueuedListener', 'event' => 'CounterStored', 'status' => 'failed', 'error' => 'listener failed for value 3'],
            ['id' => 2, 'listener' => 'CountingQueuedListener', 'event' => 'CounterStored', 'status' => 'processed'],
        ], $outcome['jobs']);

        $this->assertSame(['id' => 2, 'outcome' => ['status' => 'accepted', 'transitions' => [], 'snapshot' => [], 'events' => [], 'jobs' => []]],
            array_diff_key($replies[3], ['durationNs' => 1]));
        $this->assertSame(['id' => 3, 'fault' => ['message' => 'kaboom: e2e', 'class' => 'DomainException']], $replies[4]);
        $this->assertSame('error', $replies[5]['type']);
        $this->assertSame(['type' => 'ready'], $replies[6]);
        $this->assertSame(['counters' => 1, 'failedJobs' => 1], array_intersect_key($replies[7]['outcome']['value'], ['counters' => 1, 'failedJobs' => 1]),
            'reset gave a fresh database');

        $this->assertStringNotContainsString('NOISE', $stdout);
        foreach (['LOG-NOISE from the app', 'DUMP-NOISE', 'ECHO-NOISE', 'VAR_DUMP-NOISE', 'PRINT_R-NOISE', 'UNCLOSED-BUFFER-NOISE', 'kaboom: e2e'] as $noise) {
            $this->assertStringContainsString($noise, $stderr);
        }
    }

    public function testAnotherProtocolExits2(): void
    {
        [$status, $stdout] = $this->artisan(['shadowgate:worker', 'fake'], [
            ['type' => 'hello', 'protocol' => 3, 'side' => 'control'],
            self::apply(1, 'counter.add', ['n' => 1]),
        ]);
        $this->assertSame(2, $status);
        $this->assertSame([['type' => 'error', 'message' => 'unsupported protocol 3; this worker speaks 1']], $this->replies($stdout));
    }

    public function testAnUnknownModeIsRefusedOnStderr(): void
    {
        [$status, $stdout, $stderr] = $this->artisan(['shadowgate:worker', 'modern'], []);
        $this->assertSame(1, $status);
        $this->assertSame('', $stdout);
        $this->assertStringContainsString('no subject "modern" in config(\'shadowgate.subjects\') (known: fake, not-a-subject)', $stderr);
    }

    public function testAClassThatIsNotASubjectIsRefused(): void
    {
        [$status, $stdout, $stderr] = $this->artisan(['shadowgate:worker', 'not-a-subject'], []);
        $this->assertSame(1, $status);
        $this->assertSame('', $stdout);
        $this->assertStringContainsString('does not implement ShadowGate\Laravel\Contracts\WorkerSubject', $stderr);
    }

    public function testTheCommandIsListed(): void
    {
        [$status, $stdout] = $this->artisan(['list', 'shadowgate'], []);
        $this->assertSame(0, $status);
        $this->assertStringContainsString('shadowgate:worker', $stdout);
    }
}
