<?php

namespace Tests\Feature;

use App\Models\Attempt;
use App\Models\Enrollment;
use Illuminate\Support\Facades\DB;
use RuntimeException;
use Tests\Commands as C;
use Tests\TestCase;

/**
 * A failing queued listener lands in failed_jobs through the framework's failed-job provider, and the command
 * that fired the event stands (Laravel 8's plain sync queue would rethrow into it).
 */
class ListenerFailureTest extends TestCase
{
    private function completeCourseWithoutTemplate(): array
    {
        return [C::create(template: null), C::lesson(100), C::course('publish'), C::enrollment('enroll'), C::complete(100)];
    }

    public function testModernCertificateFailureIsRecordedAndTheCompletionStands(): void
    {
        $outcomes = $this->runCommands($this->modern(), $this->completeCourseWithoutTemplate());
        $last = end($outcomes);
        $this->assertSame('accepted', $last['status']);
        $this->assertSame([['entity' => 'enrollment', 'id' => 'enrollment:10/1', 'from' => 'active', 'to' => 'completed']],
            $last['transitions']);
        $this->assertSame(['LessonCompleted', 'ProgressUpdated', 'CourseCompleted'], self::eventNames($last));
        $this->assertSame([['id' => 2, 'listener' => 'IssueCertificate', 'event' => 'CourseCompleted', 'status' => 'failed',
                            'error' => 'course 1 has no certificate template']], $last['jobs']);

        $failed = DB::table('failed_jobs')->get();
        $this->assertCount(1, $failed);
        $this->assertStringContainsString('course 1 has no certificate template', $failed[0]->exception);
        $this->assertSame('App\Listeners\IssueCertificate', json_decode($failed[0]->payload, true)['displayName']);
        $this->assertSame('sync', $failed[0]->connection);

        // Not undone: the enrollment is completed, and the event and transition are logged.
        $this->assertSame('completed', Enrollment::sole()->status);
        $this->assertSame(1, DB::table('domain_event_log')->where('name', 'CourseCompleted')->count());
        $this->assertSame(1, DB::table('state_transitions')->where('to', 'completed')->count());
    }

    public function testLegacyCertificateFailureBeforeSaveIsRecordedAndTheCompletionStands(): void
    {
        $outcomes = $this->runCommands($this->legacy(), [...C::twoLessonsEnrolled(), C::complete(100), C::complete(101)]);
        $last = end($outcomes);
        $this->assertSame('failed', $last['jobs'][0]['status']);
        $this->assertSame('enrollment 10/1 is not completed', $last['jobs'][0]['error']);
        $this->assertCount(1, DB::table('failed_jobs')->get());
        $this->assertSame('completed', Enrollment::sole()->status);
    }

    public function testInstructorNotificationFailureLeavesTheAttemptGraded(): void
    {
        $commands = [['course.create', ['courseId' => 1, 'title' => 'No instructor']], C::lesson(100), C::course('publish'),
                     C::enrollment('enroll'), C::quiz(), C::start(1), C::submit(1, [1, 1, 1]), C::attempt('grade', 1)];
        foreach (['legacy', 'modern'] as $side) {
            $outcomes = $this->runCommands($this->{$side}(), $commands);
            $last = end($outcomes);
            $this->assertSame('accepted', $last['status'], $side);
            $this->assertSame(['NotifyInstructor', 'failed', 'course 1 has no instructor'],
                [$last['jobs'][0]['listener'], $last['jobs'][0]['status'], $last['jobs'][0]['error']], $side);
            $this->assertSame('graded', Attempt::sole()->status, $side);
            $this->assertSame(1, DB::table('failed_jobs')->count(), $side);
        }
    }

    public function testSucceedingListenersAreProcessedAndNotRecorded(): void
    {
        $outcomes = $this->runCommands($this->modern(), [C::create(), C::lesson(100), C::course('publish'), C::enrollment('enroll'),
                                               C::complete(100)]);
        $this->assertSame([['id' => 1, 'listener' => 'SendEnrollmentConfirmation', 'event' => 'EnrollmentCreated',
                            'status' => 'processed']], $outcomes[3]['jobs']);
        $this->assertSame([['id' => 2, 'listener' => 'IssueCertificate', 'event' => 'CourseCompleted',
                            'status' => 'processed']], $outcomes[4]['jobs']);
        $this->assertSame(0, DB::table('failed_jobs')->count());
    }

    public function testOnLaravelsPlainSyncQueueTheFailureWouldReachTheCommand(): void
    {
        config(['queue.default' => 'sync-plain']);
        $outcomes = $this->runCommands($this->modern(), $this->completeCourseWithoutTemplate());
        $this->assertSame(RuntimeException::class, end($outcomes)['fault']);
        $this->assertSame(0, DB::table('failed_jobs')->count());
    }
}
