<?php

namespace ShadowGate\Laravel\Queue;

use Illuminate\Contracts\Container\Container;
use Illuminate\Events\CallQueuedListener;
use Illuminate\Support\Str;
use Throwable;

/**
 * Records failing listeners the way `queue:work` does, without `queue:work`.
 *
 * Laravel 8's sync queue rethrows a failing job and records nothing: only the queue worker writes to
 * failed_jobs. In an app that runs its listeners synchronously, one failing listener then undoes (or
 * 500s) the command that dispatched the event. This class records the failure through the framework's
 * failed-job provider (`queue.failer`, Illuminate\Queue\Failed\FailedJobProviderInterface, so the row
 * lands wherever config('queue.failed') says: failed_jobs for the database drivers) and lets the command
 * go on. Two ways to use it:
 *
 * - the queue driver `shadowgate-sync` (registered by ShadowGateServiceProvider): queued listeners
 *   (ShouldQueue) on a connection with 'driver' => 'shadowgate-sync' run at once, like 'sync', and a failure
 *   is recorded instead of rethrown (the listener's failed() method and the JobFailed event still run);
 * - FailedJobRecorder::guard(Listener::class) around a plain listener:
 *   Event::listen(EnrollmentCreated::class, FailedJobRecorder::guard(SendWelcomeMail::class)).
 *
 * Every listener run either way is noted in a journal (listener, event, status, error, failed-job id) so a
 * WorkerSubject can report the command's jobs: takeJobs() after each command.
 */
class FailedJobRecorder
{
    /** @var list<array{listener: string, event: string, status: string, error: ?string, failedJobId: int|string|null, connection: string, queue: string}> */
    private array $journal = [];

    public function __construct(private Container $container)
    {
    }

    /**
     * A listener closure that runs $listener (a class name, 'Class@method', [class or object, method] or a
     * callable) and records its failure instead of letting it propagate.
     */
    public static function guard(string|array|callable $listener, ?string $name = null): \Closure
    {
        return static function (...$payload) use ($listener, $name): void {
            $recorder = \Illuminate\Container\Container::getInstance()->make(self::class);
            $recorder->run($listener, ...$payload);
        };
    }

    /**
     * Runs one listener on $event now. Returns true when it succeeded; false when it threw, in which case
     * the failure is in failed_jobs and in the journal.
     */
    public function run(string|array|callable $listener, mixed ...$payload): bool
    {
        $name = self::listenerName($listener);
        $event = self::eventName($payload[0] ?? null);
        try {
            $this->call($listener, $payload);
        } catch (Throwable $e) {
            $rawPayload = $this->payloadFor($listener, $name, $payload);
            $id = $this->record('sync', 'default', $rawPayload, $e);
            $this->note($name, $event, $e, $id, 'sync', 'default');
            return false;
        }
        $this->note($name, $event, null, null, 'sync', 'default');
        return true;
    }

    /**
     * Writes one failure through the framework's failed-job provider, as `queue:work` does on JobFailed.
     * Returns what the provider returns: the row id (database), the job's uuid (database-uuids), or null.
     */
    public function record(string $connection, string $queue, string $payload, Throwable $e): int|string|null
    {
        return $this->container->make('queue.failer')->log($connection, $queue, $payload, $e);
    }

    /** @internal used by RecordingSyncQueue */
    public function note(string $listener, string $event, ?Throwable $error, int|string|null $failedJobId, string $connection, string $queue): void
    {
        $this->journal[] = [
            'listener' => $listener,
            'event' => $event,
            'status' => $error === null ? 'processed' : 'failed',
            'error' => $error?->getMessage(),
            'failedJobId' => $failedJobId,
            'connection' => $connection,
            'queue' => $queue,
        ];
    }

    /** The listeners run since the last takeJobs()/forget(), in order. */
    public function jobs(): array
    {
        return $this->journal;
    }

    /** jobs(), and empties the journal: call it once after each command. */
    public function takeJobs(): array
    {
        $jobs = $this->journal;
        $this->journal = [];
        return $jobs;
    }

    public function forget(): void
    {
        $this->journal = [];
    }

    /** The class of a listener: 'App\Listeners\X' for 'App\Listeners\X@handle', an object, or [X, 'm']. */
    public static function listenerName(mixed $listener): string
    {
        if ($listener instanceof CallQueuedListener) {
            return $listener->class;
        }
        if (is_string($listener)) {
            return Str::before($listener, '@');
        }
        if (is_array($listener) && isset($listener[0])) {
            return is_object($listener[0]) ? get_class($listener[0]) : (string) $listener[0];
        }
        if ($listener instanceof \Closure) {
            return 'Closure';
        }
        return is_object($listener) ? get_class($listener) : get_debug_type($listener);
    }

    public static function eventName(mixed $event): string
    {
        return is_object($event) ? get_class($event) : (is_string($event) ? $event : get_debug_type($event));
    }

    private function call(string|array|callable $listener, array $payload): void
    {
        if (is_string($listener) && !is_callable($listener)) {
            [$class, $method] = Str::parseCallback($listener, 'handle');
            $this->container->make($class)->{$method}(...$payload);
            return;
        }
        if (is_array($listener) && is_string($listener[0] ?? null) && !is_callable($listener)) {
            $this->container->make($listener[0])->{$listener[1] ?? 'handle'}(...$payload);
            return;
        }
        $listener(...$payload);
    }

    /** A queue-style payload (as CallQueuedListener would have), so failed_jobs rows look alike. */
    private function payloadFor(mixed $listener, string $name, array $payload): string
    {
        $method = is_string($listener) && str_contains($listener, '@') ? Str::after($listener, '@')
            : (is_array($listener) && isset($listener[1]) ? $listener[1] : 'handle');
        $data = ['commandName' => CallQueuedListener::class, 'listener' => $name,
            'event' => self::eventName($payload[0] ?? null)];
        try {
            $data['command'] = serialize(new CallQueuedListener($name, $method, $payload));
        } catch (Throwable) {
            // An event holding a closure or a resource cannot be serialized; the class names stay.
        }
        return json_encode([
            'uuid' => (string) Str::uuid(),
            'displayName' => $name,
            'job' => 'Illuminate\\Queue\\CallQueuedHandler@call',
            'maxTries' => null,
            'maxExceptions' => null,
            'failOnTimeout' => false,
            'backoff' => null,
            'timeout' => null,
            'retryUntil' => null,
            'data' => $data,
        ], JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE);
    }
}
