<?php

namespace Tests\Feature;

use Tests\Commands as C;
use Tests\TestCase;

/** The state machines through the modern services: allowed moves are made and logged, refused ones change nothing. */
class ModernTransitionTest extends TestCase
{
    public function testCourseLifecycle(): void
    {
        $o = $this->runCommands($this->modern(), [C::create(), C::lesson(100), C::course('publish'), C::course('unpublish'),
            C::course('archive'), C::course('publish'), C::course('restore'), C::course('restore'), C::course('unpublish')]);
        $this->assertSame(['draft', 'published'], [$o[2]['transitions'][0]['from'], $o[2]['transitions'][0]['to']]);
        $this->assertSame(['published', 'draft'], [$o[3]['transitions'][0]['from'], $o[3]['transitions'][0]['to']]);
        $this->assertSame(['draft', 'archived'], [$o[4]['transitions'][0]['from'], $o[4]['transitions'][0]['to']]);
        $this->assertSame(['rejected', 'invalid_transition', []], [$o[5]['status'], $o[5]['errorCode'], $o[5]['transitions']]);
        $this->assertSame(['archived', 'draft'], [$o[6]['transitions'][0]['from'], $o[6]['transitions'][0]['to']]);
        $this->assertSame('invalid_transition', $o[7]['errorCode']);   // restore of a draft
        $this->assertSame('invalid_transition', $o[8]['errorCode']);   // unpublish of a draft
        $this->assertSame(4, \DB::table('state_transitions')->where('entity', 'course')->count());
    }

    public function testEnrollmentLifecycle(): void
    {
        $o = $this->runCommands($this->modern(), [...C::enrolled(), C::enrollment('cancel'), C::enrollment('cancel'),
            C::enrollment('reactivate'), C::enrollment('expire'), C::enrollment('reactivate'),
            C::complete(100), C::complete(101), C::complete(102), C::enrollment('reactivate'), C::enrollment('expire')]);
        $moves = array_map(static fn ($x) => isset($x['transitions'][0]) ? $x['transitions'][0]['from'].'>'.$x['transitions'][0]['to'] : $x['errorCode'] ?? '', array_slice($o, 6));
        $this->assertSame(['active>cancelled', 'invalid_transition', 'cancelled>active', 'active>expired', 'expired>active',
                           '', '', 'active>completed', 'invalid_transition', 'invalid_transition'], $moves);
        $this->assertSame(['LessonCompleted', 'ProgressUpdated', 'CourseCompleted'], self::eventNames($o[13]));
        $this->assertSame('completed', \App\Models\Enrollment::first()->status);
    }

    public function testAttemptLifecycle(): void
    {
        $o = $this->runCommands($this->modern(), [...C::enrolled(), C::quiz(timeLimit: 10), C::start(1), C::attempt('grade', 1),
            C::submit(1, [1, 1, 1]), C::submit(1, [1, 1, 1]), C::attempt('abandon', 1), C::attempt('grade', 1), C::attempt('grade', 1),
            C::start(2), C::attempt('abandon', 2), C::submit(2, [1]), C::start(3), C::advance(601), C::submit(3, [1])]);
        $this->assertSame('invalid_transition', $o[8]['errorCode']);                      // in_progress → graded
        $this->assertSame('in_progress>submitted', self::move($o[9]));
        $this->assertSame('invalid_transition', $o[10]['errorCode']);                     // submitted → submitted
        $this->assertSame('invalid_transition', $o[11]['errorCode']);                     // submitted → abandoned
        $this->assertSame('submitted>graded', self::move($o[12]));
        $this->assertSame('invalid_transition', $o[13]['errorCode']);                     // graded → graded
        $this->assertSame('in_progress>abandoned', self::move($o[15]));
        $this->assertSame('invalid_transition', $o[16]['errorCode']);                     // abandoned → submitted
        $this->assertSame(['attempt_expired', 'in_progress>expired'], [$o[19]['errorCode'], self::move($o[19])]);
    }

    private static function move(array $outcome): string
    {
        $t = $outcome['transitions'][0] ?? null;
        return $t === null ? 'none' : $t['from'].'>'.$t['to'];
    }
}
