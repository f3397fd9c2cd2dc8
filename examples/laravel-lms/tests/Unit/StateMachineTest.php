<?php

namespace Tests\Unit;

use App\Modern\StateMachines\AttemptStateMachine;
use App\Modern\StateMachines\CourseStateMachine;
use App\Modern\StateMachines\EnrollmentStateMachine;
use App\Modern\StateMachines\StateMachine;
use App\Modern\StateMachines\TransitionRefused;
use PHPUnit\Framework\TestCase;

/** Each machine allows exactly its documented moves and refuses every other pair of statuses. */
class StateMachineTest extends TestCase
{
    public static function machines(): array
    {
        return [
            'course' => [new CourseStateMachine(), 'course', [
                'draft' => ['published', 'archived'],
                'published' => ['draft', 'archived'],
                'archived' => ['draft'],
            ]],
            'enrollment' => [new EnrollmentStateMachine(), 'enrollment', [
                'active' => ['completed', 'cancelled', 'expired'],
                'completed' => [],
                'cancelled' => ['active'],
                'expired' => ['active'],
            ]],
            'attempt' => [new AttemptStateMachine(), 'attempt', [
                'in_progress' => ['submitted', 'expired', 'abandoned'],
                'submitted' => ['graded'],
                'graded' => [],
                'expired' => [],
                'abandoned' => [],
            ]],
        ];
    }

    /** @dataProvider machines */
    public function testAllowsExactlyTheDocumentedMoves(StateMachine $machine, string $entity, array $expected): void
    {
        $this->assertSame($entity, $machine->entity());
        $statuses = array_keys($expected);
        $this->assertEqualsCanonicalizing($statuses, array_keys($machine->allowed()));
        $allowed = 0;
        foreach ($statuses as $from) {
            foreach ($statuses as $to) {
                $should = in_array($to, $expected[$from], true);
                $this->assertSame($should, $machine->canMove($from, $to), "{$entity}: {$from} → {$to}");
                $allowed += $should ? 1 : 0;
            }
        }
        $this->assertSame(array_sum(array_map('count', $expected)), $allowed);
    }

    /** @dataProvider machines */
    public function testRefusalNamesBothStatesAndBecomesInvalidTransition(StateMachine $machine, string $entity, array $expected): void
    {
        foreach ($expected as $from => $targets) {
            foreach (array_keys($expected) as $to) {
                if (in_array($to, $targets, true)) {
                    $machine->assertCanMove("{$entity}:1", $from, $to);   // no exception
                    continue;
                }
                try {
                    $machine->assertCanMove("{$entity}:1", $from, $to);
                    $this->fail("{$entity}: {$from} → {$to} was allowed");
                } catch (TransitionRefused $refused) {
                    $this->assertSame([$entity, "{$entity}:1", $from, $to],
                        [$refused->entity, $refused->id, $refused->from, $refused->to]);
                    $outcome = $refused->outcome();
                    $this->assertSame(['rejected', 'invalid_transition'], [$outcome->status, $outcome->errorCode]);
                    $this->assertStringContainsString("from {$from} to {$to}", $outcome->message);
                }
            }
        }
    }

    public function testUnknownStatusIsRefused(): void
    {
        $this->assertFalse((new CourseStateMachine())->canMove('deleted', 'draft'));
        $this->assertFalse((new EnrollmentStateMachine())->canMove('active', 'pending'));
    }
}
