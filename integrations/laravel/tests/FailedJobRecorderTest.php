<?php

namespace ShadowGate\Laravel\Tests;

use Carbon\Carbon;
use Illuminate\Support\Facades\DB;
use Illuminate\Support\Facades\Event;
use ShadowGate\Laravel\Queue\FailedJobRecorder;
use ShadowGate\Laravel\Queue\RecordingSyncQueue;
use ShadowGate\Laravel\Tests\Fixtures\CountingQueuedListener;
use ShadowGate\Laravel\Tests\Fixtures\CounterStored;
use ShadowGate\Laravel\Tests\Fixtures\FailingListener;
use ShadowGate\Laravel\Tests\Fixtures\FailingQueuedListener;

/**
 * A failing listener lands in failed_jobs through the framework's failed-job provider and the command that
 * dispatched its event is not undone. The fixture app listens to CounterStored with FailingQueuedListener
 * and CountingQueuedListener (both ShouldQueue) on the default connection 'shadowgate' (driver shadowgate-sync).
 */
class FailedJobRecorderTest extends AppTestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        FailingQueuedListener::$failedCalls = [];
        CountingQueuedListener::$handled = 0;
        Carbon::setTestNow(Carbon::parse('2026-11-24T10:05:00Z'));
    }

    /** The command of an app: a row and an event, in one transaction. */
    private function command(int $value): void
    {
        DB::transaction(function () use ($value) {
            DB::table('counters')->insert(['value' => $value]);
            Event::dispatch(new CounterStored($value));
        });
    }

    public function testTheDriverIsRegistered(): void
    {
        $this->assertInstanceOf(RecordingSyncQueue::class, $this->app['queue']->connection('shadowgate'));
    }

    public function testLaravelsSyncQueueRethrowsAndRecordsNothing(): void
    {
        // The problem this solves, shown on the plain 'sync' driver.
        $this->app['config']->set('queue.default', 'sync');
        try {
            $this->command(7);
            $this->fail('the sync queue did not rethrow');
        } catch (\RuntimeException $e) {
            $this->assertSame('listener failed for value 7', $e->getMessage());
        }
        $this->assertSame(0, DB::table('counters')->count(), 'the command was undone');
        $this->assertSame(0, DB::table('failed_jobs')->count(), 'and nothing was recorded');
    }

    public function testAFailingQueuedListenerIsRecordedAndTheCommandStands(): void
    {
        $this->command(7);

        $this->assertSame([7], DB::table('counters')->pluck('value')->all(), 'the command is not undone');
        $this->assertSame(1, CountingQueuedListener::$handled, 'the other listener still ran');
        $rows = DB::table('failed_jobs')->get();
        $this->assertCount(1, $rows);
        $row = $rows[0];
        $this->assertSame('shadowgate', $row->connection);
        $this->assertSame('default', $row->queue);
        $this->assertStringContainsString('RuntimeException: listener failed for value 7', $row->exception);
        $this->assertSame('2026-11-24 10:05:00', $row->failed_at, 'failed_at is the frozen clock');
        $payload = json_decode($row->payload, true);
        $this->assertSame(FailingQueuedListener::class, $payload['displayName']);
        $this->assertSame($payload['uuid'], $row->uuid);
        $this->assertSame([[7, 'listener failed for value 7']], FailingQueuedListener::$failedCalls, "the listener's failed() ran");

        $this->assertSame([
            ['listener' => FailingQueuedListener::class, 'event' => CounterStored::class, 'status' => 'failed',
                'error' => 'listener failed for value 7', 'failedJobId' => $row->uuid, 'connection' => 'shadowgate', 'queue' => 'default'],
            ['listener' => CountingQueuedListener::class, 'event' => CounterStored::class, 'status' => 'processed',
                'error' => null, 'failedJobId' => null, 'connection' => 'shadowgate', 'queue' => 'default'],
        ], $this->app->make(FailedJobRecorder::class)->takeJobs());
        $this->assertSame([], $this->app->make(FailedJobRecorder::class)->jobs(), 'takeJobs() empties the journal');
    }

    public function testEachFailureIsItsOwnRow(): void
    {
        $this->command(1);
        $this->command(2);
        $this->assertSame(2, DB::table('counters')->count());
        $this->assertSame(2, DB::table('failed_jobs')->count());
    }

    public function testGuardRecordsAFailingPlainListener(): void
    {
        $this->app['events']->forget(CounterStored::class);
        Event::listen(CounterStored::class, FailedJobRecorder::guard(FailingListener::class));
        Event::listen(CounterStored::class, FailedJobRecorder::guard(CountingQueuedListener::class . '@handle'));

        $this->command(9);

        $this->assertSame(1, DB::table('counters')->count());
        $this->assertSame(1, CountingQueuedListener::$handled);
        $row = DB::table('failed_jobs')->first();
        $this->assertNotNull($row);
        $this->assertSame('sync', $row->connection);
        $this->assertStringContainsString('LogicException: plain listener failed for value 9', $row->exception);
        $this->assertSame(FailingListener::class, json_decode($row->payload, true)['displayName']);
        $jobs = $this->app->make(FailedJobRecorder::class)->takeJobs();
        $this->assertSame(['failed', 'processed'], array_column($jobs, 'status'));
        $this->assertSame([FailingListener::class, CountingQueuedListener::class], array_column($jobs, 'listener'));
        $this->assertSame($row->uuid, $jobs[0]['failedJobId'], 'the provider returns the uuid (database-uuids, the Laravel 8 default)');
    }

    public function testRunReportsSuccess(): void
    {
        $recorder = $this->app->make(FailedJobRecorder::class);
        $this->assertFalse($recorder->run(FailingListener::class, new CounterStored(3)));
        $this->assertTrue($recorder->run(fn (CounterStored $e) => null, new CounterStored(3)));
        $this->assertSame(1, DB::table('failed_jobs')->count());
        $this->assertSame('Closure', $recorder->jobs()[1]['listener']);
    }
}
