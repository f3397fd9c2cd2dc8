import Foundation

/// What a queued listener may read of the world when it runs. Legacy runs listeners inline *before* it saves,
/// so its listeners can see stale state; modern runs them after the change is applied.
protocol ListenerContext {
    func certificateTemplate(course: Int) -> String?
    func instructor(course: Int) -> Int?
    func enrollmentStatus(user: Int, course: Int) -> String?
}

/// The listeners both applications register, and the jobs they run for each event.
enum Listeners {
    static func jobs(for event: DomainEvent, in context: some ListenerContext, ids: inout IDSource) -> [JobRecord] {
        switch event.name {
        case EventName.enrollmentCreated:
            return [JobRecord(id: ids.next(), listener: "SendEnrollmentConfirmation", event: event.name, status: .processed)]
        case EventName.courseCompleted:
            return [issueCertificate(event, context, &ids)]
        case EventName.attemptGraded:
            return [notifyInstructor(event, context, &ids)]
        default:
            return []
        }
    }

    private static func issueCertificate(_ event: DomainEvent, _ context: some ListenerContext,
                                         _ ids: inout IDSource) -> JobRecord {
        let listener = "IssueCertificate"
        guard let course = event.payload.courseId, let user = event.payload.userId else {
            return JobRecord(id: ids.next(), listener: listener, event: event.name, status: .failed,
                             error: "event carries no course or user")
        }
        guard context.certificateTemplate(course: course) != nil else {
            return JobRecord(id: ids.next(), listener: listener, event: event.name, status: .failed,
                             error: "course \(course) has no certificate template")
        }
        guard context.enrollmentStatus(user: user, course: course) == "completed" else {
            return JobRecord(id: ids.next(), listener: listener, event: event.name, status: .failed,
                             error: "enrollment \(user)/\(course) is not completed")
        }
        return JobRecord(id: ids.next(), listener: listener, event: event.name, status: .processed)
    }

    private static func notifyInstructor(_ event: DomainEvent, _ context: some ListenerContext,
                                         _ ids: inout IDSource) -> JobRecord {
        let listener = "NotifyInstructor"
        guard let course = event.payload.courseId, context.instructor(course: course) != nil else {
            return JobRecord(id: ids.next(), listener: listener, event: event.name, status: .failed,
                             error: "course \(event.payload.courseId ?? 0) has no instructor")
        }
        return JobRecord(id: ids.next(), listener: listener, event: event.name, status: .processed)
    }
}

/// Event names shared by both sides (the Laravel event class names).
enum EventName {
    static let courseCreated = "CourseCreated"
    static let coursePublished = "CoursePublished"
    static let courseUnpublished = "CourseUnpublished"
    static let courseArchived = "CourseArchived"
    static let courseRestored = "CourseRestored"
    static let enrollmentCreated = "EnrollmentCreated"
    static let enrollmentCancelled = "EnrollmentCancelled"
    static let enrollmentExpired = "EnrollmentExpired"
    static let enrollmentReactivated = "EnrollmentReactivated"
    static let lessonCompleted = "LessonCompleted"
    static let progressUpdated = "ProgressUpdated"
    static let courseCompleted = "CourseCompleted"
    static let attemptStarted = "AttemptStarted"
    static let attemptSubmitted = "AttemptSubmitted"
    static let attemptExpired = "AttemptExpired"
    static let attemptAbandoned = "AttemptAbandoned"
    static let attemptGraded = "AttemptGraded"
    static let courseGradeCalculated = "CourseGradeCalculated"
}

/// Error codes of rejections. Stable: they are the contract both sides are compared on.
public enum ErrorCode {
    package static let notFound = "not_found"
    static let duplicateId = "duplicate_id"
    public static let invalidTransition = "invalid_transition"
    public static let courseHasNoLessons = "course_has_no_lessons"
    package static let courseNotOpen = "course_not_open"
    package static let courseFull = "course_full"
    package static let alreadyEnrolled = "already_enrolled"
    package static let notEnrolled = "not_enrolled"
    package static let maxAttemptsReached = "max_attempts_reached"
    package static let attemptExpired = "attempt_expired"
    public static let quizHasNoQuestions = "quiz_has_no_questions"
    package static let courseHasNoQuizzes = "course_has_no_quizzes"
    package static let invalidInput = "invalid_input"
    /// Legacy's own wording for grading an attempt that was not submitted (quirk `legacy.grade_error_code`).
    public static let notSubmitted = "not_submitted"
}
