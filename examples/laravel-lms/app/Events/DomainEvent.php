<?php

namespace App\Events;

/** A domain event of the LMS: logged to domain_event_log and compared by the shadow run. */
interface DomainEvent
{
    /** The event's name: its class name without namespace (CourseCompleted). */
    public function name(): string;

    /** Ids and figures it carries (courseId, userId, lessonId, quizId, attemptId, percent, score, passed). */
    public function payload(): array;
}
