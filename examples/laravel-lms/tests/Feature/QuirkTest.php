<?php

namespace Tests\Feature;

use Tests\Commands as C;
use Tests\TestCase;

/**
 * Every quirk of Sources/LMS/Legacy/QUIRKS.md against its control flow: the trigger's last command differs
 * between legacy and modern exactly as documented, and on the control flow both agree on every command.
 */
class QuirkTest extends TestCase
{
    /** id => [trigger, control] (the catalogue of LegacyQuirk.swift). */
    public static function quirks(): array
    {
        $enrolled = C::enrolled();
        return [
            'legacy.publish_without_lessons' => [
                [C::create(), C::course('publish')],
                [C::create(), C::lesson(100), C::course('publish')]],
            'legacy.archived_to_published' => [
                [C::create(), C::lesson(100), C::course('publish'), C::course('archive'), C::course('publish')],
                [C::create(), C::lesson(100), C::course('publish'), C::course('archive'), C::course('restore'), C::course('publish')]],
            'legacy.enroll_unopened_course' => [
                [C::create(), C::lesson(100), C::enrollment('enroll')],
                [C::create(), C::lesson(100), C::course('publish'), C::enrollment('enroll')]],
            'legacy.capacity_counts_cancelled' => [
                [C::create(capacity: 1), C::lesson(100), C::course('publish'), C::enrollment('enroll'),
                 C::enrollment('cancel'), C::enrollment('enroll', C::USER + 1)],
                [C::create(capacity: 2), C::lesson(100), C::course('publish'), C::enrollment('enroll'),
                 C::enrollment('enroll', C::USER + 1)]],
            'legacy.reenroll_after_completion' => [
                [C::create(), C::lesson(100), C::course('publish'), C::enrollment('enroll'), C::complete(100), C::enrollment('enroll')],
                [C::create(), C::lesson(100), C::course('publish'), C::enrollment('enroll'), C::enrollment('enroll')]],
            'legacy.duplicate_completion_counted' => [
                [...$enrolled, C::complete(100), C::complete(100)],
                [...$enrolled, C::complete(100)]],
            'legacy.progress_floor' => [
                [...$enrolled, C::complete(100), C::complete(101)],
                [...$enrolled, C::complete(100)]],
            'legacy.events_before_save' => [
                [...C::twoLessonsEnrolled(), C::complete(100), C::complete(101)],
                [...C::twoLessonsEnrolled(), C::complete(100)]],
            'legacy.no_event_on_cancel_or_expire' => [
                [...$enrolled, C::enrollment('cancel')],
                [...$enrolled, C::enrollment('reactivate')]],
            'legacy.expire_any_status' => [
                [...$enrolled, C::enrollment('cancel'), C::enrollment('expire')],
                [...$enrolled, C::enrollment('expire', C::USER + 1)]],
            'legacy.reactivate_completed' => [
                [C::create(), C::lesson(100), C::course('publish'), C::enrollment('enroll'), C::complete(100), C::enrollment('reactivate')],
                [C::create(), C::lesson(100), C::course('publish'), C::enrollment('enroll'), C::enrollment('reactivate')]],
            'legacy.late_submission_accepted' => [
                [...$enrolled, C::quiz(timeLimit: 10), C::start(1), C::advance(601), C::submit(1, [1, 1, 1])],
                [...$enrolled, C::quiz(timeLimit: 10), C::start(1), C::advance(599), C::submit(1, [1, 1, 1])]],
            'legacy.max_attempts_counts_graded_only' => [
                [...$enrolled, C::quiz(maxAttempts: 1), C::start(1), C::start(2)],
                [...$enrolled, C::quiz(maxAttempts: 2), C::start(1), C::start(2)]],
            'legacy.float_pass_mark' => [
                [...$enrolled, C::quiz(), C::start(1), C::submit(1, [1, 1, 0.4]), C::attempt('grade', 1)],
                [...$enrolled, C::quiz(), C::start(1), C::submit(1, [1, 1, 0.5]), C::attempt('grade', 1)]],
            'legacy.grade_error_code' => [
                [...$enrolled, C::quiz(), C::start(1), C::attempt('grade', 1)],
                [...$enrolled, C::quiz(), C::attempt('grade', 1)]],
            'legacy.zero_weight_quiz_crash' => [
                [...$enrolled, C::quiz(weights: []), C::start(1), C::submit(1, []), C::attempt('grade', 1)],
                [...$enrolled, C::quiz(weights: [1]), C::start(1), C::submit(1, [1]), C::attempt('grade', 1)]],
            'legacy.final_grade_ignores_strategy' => [
                [...$enrolled, C::quiz(strategy: 'latest'), C::start(1), C::submit(1, [1, 1, 1]), C::attempt('grade', 1),
                 C::start(2), C::submit(2, [1, 0, 0]), C::attempt('grade', 2), C::finalGrade()],
                [...$enrolled, C::quiz(strategy: 'latest'), C::start(1), C::submit(1, [1, 0, 0]), C::attempt('grade', 1),
                 C::start(2), C::submit(2, [1, 1, 1]), C::attempt('grade', 2), C::finalGrade()]],
        ];
    }

    public static function catalogue(): array
    {
        $cases = [];
        foreach (self::quirks() as $id => [$trigger, $control]) {
            $cases[$id] = [$id, $trigger, $control];
        }
        return $cases;
    }

    public function testTheCatalogueCoversEveryQuirkOfQuirksMd(): void
    {
        $markdown = file_get_contents(__DIR__.'/../../../../Sources/LMS/Legacy/QUIRKS.md');
        preg_match_all('/^## `(legacy\.[a-z_]+)`/m', $markdown, $matches);
        $this->assertSame($matches[1], array_keys(self::quirks()));
    }

    public function testEveryQuirkIsMarkedInTheLegacyCode(): void
    {
        $code = '';
        foreach (glob(__DIR__.'/../../app/Legacy/Controllers/*.php') as $file) {
            $code .= file_get_contents($file);
        }
        foreach (array_keys(self::quirks()) as $id) {
            $this->assertStringContainsString("Quirk {$id}", $code, "{$id} is not marked in app/Legacy");
        }
    }

    /** @dataProvider catalogue */
    public function testControlFlowAgreesOnEveryCommand(string $id, array $trigger, array $control): void
    {
        $legacy = $this->runCommands($this->legacy(), $control);
        $modern = $this->runCommands($this->modern(), $control);
        foreach ($control as $i => [$op]) {
            $this->assertEquals(self::comparable($legacy[$i]), self::comparable($modern[$i]),
                "{$id}: control command {$i} ({$op}) differs");
        }
    }

    /** @dataProvider catalogue */
    public function testTriggerDivergesAsDocumented(string $id, array $trigger, array $control): void
    {
        $l = $this->runCommands($this->legacy(), $trigger);
        $m = $this->runCommands($this->modern(), $trigger);
        $legacy = end($l);
        $modern = end($m);
        $this->assertNotEquals(self::comparable($legacy), self::comparable($modern), "{$id}: the last command agrees");

        switch ($id) {
            case 'legacy.publish_without_lessons':
                $this->assertSame('accepted', $legacy['status']);
                $this->assertSame([['entity' => 'course', 'id' => 'course:1', 'from' => 'draft', 'to' => 'published']], $legacy['transitions']);
                $this->assertSame(['CoursePublished'], self::eventNames($legacy));
                $this->assertSame(['rejected', 'course_has_no_lessons', []], [$modern['status'], $modern['errorCode'], $modern['events']]);
                break;
            case 'legacy.archived_to_published':
                $this->assertSame('archived', $legacy['transitions'][0]['from']);
                $this->assertSame('published', $legacy['value']['status']);
                $this->assertSame(['rejected', 'invalid_transition'], [$modern['status'], $modern['errorCode']]);
                break;
            case 'legacy.enroll_unopened_course':
                $this->assertSame(['percent' => 0, 'status' => 'active'], $legacy['value']);
                $this->assertSame(['EnrollmentCreated'], self::eventNames($legacy));
                $this->assertSame('SendEnrollmentConfirmation', $legacy['jobs'][0]['listener']);
                $this->assertSame('course_not_open', $modern['errorCode']);
                break;
            case 'legacy.capacity_counts_cancelled':
                $this->assertSame(['rejected', 'course_full'], [$legacy['status'], $legacy['errorCode']]);
                $this->assertSame('accepted', $modern['status']);
                break;
            case 'legacy.reenroll_after_completion':
                $this->assertSame('accepted', $legacy['status']);
                $this->assertSame(['key' => 'enrollment:10/1', 'status' => 'active', 'progressPercent' => 0,
                                   'completedLessons' => 0], $legacy['snapshot'][0]);
                $this->assertSame('already_enrolled', $modern['errorCode']);
                break;
            case 'legacy.duplicate_completion_counted':
                $this->assertSame([66, 2], [$legacy['value']['percent'], $legacy['snapshot'][0]['completedLessons']]);
                $this->assertSame(['LessonCompleted', 'ProgressUpdated'], self::eventNames($legacy));
                $this->assertSame([33, 1, []], [$modern['value']['percent'], $modern['snapshot'][0]['completedLessons'], $modern['events']]);
                break;
            case 'legacy.progress_floor':
                $this->assertSame(66, $legacy['value']['percent']);
                $this->assertSame(66, $legacy['events'][1]['payload']['percent']);
                $this->assertSame(67, $modern['value']['percent']);
                $this->assertSame(67, $modern['snapshot'][0]['progressPercent']);
                break;
            case 'legacy.events_before_save':
                $this->assertEquals([$legacy['status'], $legacy['value'], $legacy['transitions'], $legacy['snapshot']],
                                    [$modern['status'], $modern['value'], $modern['transitions'], $modern['snapshot']]);
                $this->assertSame(['CourseCompleted', 'LessonCompleted', 'ProgressUpdated'], self::eventNames($legacy));
                $this->assertSame(['LessonCompleted', 'ProgressUpdated', 'CourseCompleted'], self::eventNames($modern));
                $this->assertSame(['IssueCertificate', 'failed', 'enrollment 10/1 is not completed'],
                    [$legacy['jobs'][0]['listener'], $legacy['jobs'][0]['status'], $legacy['jobs'][0]['error']]);
                $this->assertSame(['IssueCertificate', 'processed'], [$modern['jobs'][0]['listener'], $modern['jobs'][0]['status']]);
                break;
            case 'legacy.no_event_on_cancel_or_expire':
                $this->assertSame($legacy['transitions'], $modern['transitions']);
                $this->assertSame([], $legacy['events']);
                $this->assertSame([['name' => 'EnrollmentCancelled', 'payload' => ['courseId' => 1, 'userId' => 10]]], $modern['events']);
                break;
            case 'legacy.expire_any_status':
                $this->assertSame(['cancelled', 'expired'], [$legacy['transitions'][0]['from'], $legacy['transitions'][0]['to']]);
                $this->assertSame(['rejected', 'invalid_transition'], [$modern['status'], $modern['errorCode']]);
                break;
            case 'legacy.reactivate_completed':
                $this->assertSame(['completed', 'active'], [$legacy['transitions'][0]['from'], $legacy['transitions'][0]['to']]);
                $this->assertSame(['EnrollmentReactivated'], self::eventNames($legacy));
                $this->assertSame('invalid_transition', $modern['errorCode']);
                break;
            case 'legacy.late_submission_accepted':
                $this->assertSame(['accepted', 'submitted'], [$legacy['status'], $legacy['value']['status']]);
                $this->assertSame(['AttemptSubmitted'], self::eventNames($legacy));
                $this->assertSame(['rejected', 'attempt_expired'], [$modern['status'], $modern['errorCode']]);
                $this->assertSame([['entity' => 'attempt', 'id' => 'attempt:1', 'from' => 'in_progress', 'to' => 'expired']], $modern['transitions']);
                $this->assertSame(['AttemptExpired'], self::eventNames($modern));
                break;
            case 'legacy.max_attempts_counts_graded_only':
                $this->assertSame(2, $legacy['value']['attemptNumber']);
                $this->assertSame('max_attempts_reached', $modern['errorCode']);
                break;
            case 'legacy.float_pass_mark':
                $this->assertEquals(80, $legacy['value']['score']);
                $this->assertEquals(80, $modern['value']['score']);
                $this->assertFalse($legacy['value']['passed']);
                $this->assertTrue($modern['value']['passed']);
                $this->assertFalse($legacy['events'][0]['payload']['passed']);
                break;
            case 'legacy.grade_error_code':
                $this->assertSame(['rejected', 'not_submitted'], [$legacy['status'], $legacy['errorCode']]);
                $this->assertSame('invalid_transition', $modern['errorCode']);
                break;
            case 'legacy.zero_weight_quiz_crash':
                $this->assertSame(\DivisionByZeroError::class, $legacy['fault']);
                $this->assertSame(['rejected', 'quiz_has_no_questions'], [$modern['status'], $modern['errorCode']]);
                break;
            case 'legacy.final_grade_ignores_strategy':
                $this->assertEquals(['passed' => true, 'grade' => 100], $legacy['value']);
                $this->assertEquals(['passed' => false, 'grade' => 33.33], $modern['value']);
                $this->assertEquals(100, $legacy['events'][0]['payload']['score']);
                break;
            default:
                $this->fail("{$id} has no documented-difference assertion");
        }
    }

    /** PHP's round() pre-rounds (QUIRKS.md, "PHP is the reality"): 1.15 of 8 points shows 14.38 on both sides. */
    public function testLegacyRoundsScoresLikePhp(): void
    {
        $commands = [C::create(), C::lesson(100), C::quiz(maxAttempts: 1, strategy: 'average', weights: [3, 3, 1, 1], passingScore: 0),
                     C::course('publish'), C::enrollment('enroll'), C::start(1), C::submit(1, [0, 0.25, 0.4]), C::attempt('grade', 1)];
        $legacy = $this->runCommands($this->legacy(), $commands);
        $modern = $this->runCommands($this->modern(), $commands);
        $this->assertSame(14.38, end($legacy)['value']['score']);
        $this->assertSame(14.38, end($modern)['value']['score']);
    }
}
