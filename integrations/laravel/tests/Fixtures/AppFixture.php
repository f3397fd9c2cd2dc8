<?php

namespace ShadowGate\Laravel\Tests\Fixtures;

use Illuminate\Database\Schema\Blueprint;
use Illuminate\Support\Facades\DB;
use Illuminate\Support\Facades\Event;
use Illuminate\Support\Facades\Http;
use Illuminate\Support\Facades\Log;
use Illuminate\Support\Facades\Mail;
use Illuminate\Support\Facades\Notification;
use Illuminate\Support\Facades\Schema;
use ShadowGate\Laravel\Queue\FailedJobRecorder;

/** What the fixture app's database and its side-effect op do. */
final class AppFixture
{
    public static function freshDatabase(): void
    {
        Schema::dropIfExists('failed_jobs');
        Schema::dropIfExists('counters');
        Schema::create('failed_jobs', function (Blueprint $table) {
            $table->id();
            $table->string('uuid')->unique();
            $table->text('connection');
            $table->text('queue');
            $table->longText('payload');
            $table->longText('exception');
            $table->timestamp('failed_at')->useCurrent();
        });
        Schema::create('counters', function (Blueprint $table) {
            $table->id();
            $table->integer('value');
        });
        app(FailedJobRecorder::class)->forget();
    }

    /**
     * A command with every kind of side effect the worker must contain: a row written in a transaction,
     * an event whose queued listener fails, mail, a notification, a log line, dump() and echo.
     */
    public static function sideEffects(array $fields): array
    {
        DB::transaction(function () use ($fields) {
            DB::table('counters')->insert(['value' => $fields['value'] ?? 1]);
            Event::dispatch(new CounterStored($fields['value'] ?? 1));
        });
        Mail::raw('hello', fn ($message) => $message->to('someone@example.test'));
        Notification::route('mail', 'someone@example.test')->notify(new PingNotification());
        Log::warning('LOG-NOISE from the app');
        dump(['DUMP-NOISE' => true]);
        echo "ECHO-NOISE\n";

        $jobs = [];
        foreach (app(FailedJobRecorder::class)->takeJobs() as $i => $job) {
            $jobs[] = ['id' => $i + 1, 'listener' => class_basename($job['listener']), 'event' => class_basename($job['event']),
                'status' => $job['status'], 'error' => $job['error']];
        }
        return [
            'status' => 'accepted',
            'value' => [
                'counters' => DB::table('counters')->count(),
                'failedJobs' => DB::table('failed_jobs')->count(),
                'mailFake' => Mail::getFacadeRoot() instanceof \Illuminate\Support\Testing\Fakes\MailFake,
                'notificationFake' => Notification::getFacadeRoot() instanceof \Illuminate\Support\Testing\Fakes\NotificationFake,
                'notificationsRecorded' => self::recordedNotifications(),
            ],
            'transitions' => [],
            'snapshot' => [],
            'events' => [['name' => 'CounterStored', 'payload' => ['value' => $fields['value'] ?? 1]]],
            'jobs' => $jobs,
        ];
    }

    /** How many notifications the NotificationFake holds (its list is protected in Laravel 8). */
    private static function recordedNotifications(): int
    {
        $fake = Notification::getFacadeRoot();
        $property = new \ReflectionProperty($fake, 'notifications');
        $property->setAccessible(true);
        $count = 0;
        $recorded = $property->getValue($fake);
        array_walk_recursive($recorded, function ($item) use (&$count) {
            $count += $item instanceof \Illuminate\Notifications\Notification ? 1 : 0;
        });
        return $count;
    }
}
