<?php

namespace Tests;

use App\Shadow\LegacySubject;
use App\Shadow\LmsSubject;
use App\Shadow\ModernSubject;
use DateTimeImmutable;
use Illuminate\Contracts\Console\Kernel;
use Illuminate\Foundation\Testing\TestCase as BaseTestCase;

/**
 * Runs command lists through the two subjects the way the shadow worker does: a fresh database per list, the
 * clock at a fixed instant, clock.advance moving it forward for the commands after it.
 */
abstract class TestCase extends BaseTestCase
{
    public const START = '2026-11-24T10:00:00Z';

    public function createApplication()
    {
        $app = require __DIR__.'/../bootstrap/app.php';
        $app->make(Kernel::class)->bootstrap();
        return $app;
    }

    protected function legacy(): LegacySubject
    {
        return $this->app->make(LegacySubject::class);
    }

    protected function modern(): ModernSubject
    {
        return $this->app->make(ModernSubject::class);
    }

    /**
     * Applies [op, fields] pairs to a fresh world of $subject; returns one outcome array per command (a crash
     * is ['fault' => class name]).
     */
    protected function runCommands(LmsSubject $subject, array $commands): array
    {
        $now = new DateTimeImmutable(self::START);
        $subject->reset('test', $now);
        $outcomes = [];
        foreach ($commands as [$op, $fields]) {
            try {
                $outcomes[] = json_decode(json_encode($subject->apply($op, $fields, $now)), true);
            } catch (\Throwable $e) {
                if ($e instanceof \ShadowGate\Laravel\InvalidCommand) {
                    throw $e;
                }
                $outcomes[] = ['fault' => get_class($e), 'message' => $e->getMessage()];
            }
            if ($op === 'clock.advance') {
                $now = $now->modify('+'.$fields['seconds'].' seconds');
            }
        }
        return $outcomes;
    }

    /** The comparable form of an outcome: no message, no job ids (as ShadowGate compares). */
    protected static function comparable(array $outcome): array
    {
        unset($outcome['message']);
        foreach ($outcome['jobs'] ?? [] as $i => $job) {
            unset($outcome['jobs'][$i]['id']);
        }
        return $outcome;
    }

    protected static function eventNames(array $outcome): array
    {
        return array_column($outcome['events'] ?? [], 'name');
    }
}
