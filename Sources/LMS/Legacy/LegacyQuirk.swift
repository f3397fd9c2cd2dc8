import Foundation

/// A behaviour of the legacy application that the refactor changes on purpose. Each has an id used by the
/// accepted-divergence rules in `scenarios/accepted.yaml`, and a minimal command list that shows it.
public struct LegacyQuirk: Sendable, Identifiable {
    public let id: String
    /// The features whose comparisons show the difference.
    public let features: [LMSFeature]
    public let legacy: String
    public let modern: String
    public let why: String
    /// Commands whose *last* command diverges because of this quirk.
    public let trigger: [LMSCommand]
    /// The same flow without the quirk's trigger: both sides must agree on every command.
    public let control: [LMSCommand]
}

extension LegacyQuirk {
    private static let course = 1
    private static let user = 10
    private static func create(_ id: Int = course, capacity: Int? = nil, template: String? = "classic") -> LMSCommand {
        .courseCreate(courseId: id, title: "Course \(id)", instructorId: 99, capacity: capacity,
                      certificateTemplate: template)
    }
    private static func lesson(_ id: Int, course: Int = course) -> LMSCommand {
        .courseAddLesson(courseId: course, lessonId: id, title: "Lesson \(id)")
    }
    private static func quiz(_ id: Int = 5, maxAttempts: Int = 3, timeLimit: Int? = nil, strategy: GradingStrategyKind = .highest,
                             weights: [Double] = [1, 1, 1]) -> LMSCommand {
        .courseAddQuiz(courseId: course, quizId: id, maxAttempts: maxAttempts, timeLimitMinutes: timeLimit,
                       passingScore: 80, strategy: strategy, weights: weights)
    }
    private static let open: [LMSCommand] = [create(), lesson(100), lesson(101), lesson(102), .coursePublish(courseId: course)]
    private static let enrolled: [LMSCommand] = open + [.enroll(userId: user, courseId: course)]
    private static let twoLessonsEnrolled: [LMSCommand] = [create(), lesson(100), lesson(101),
                                                           .coursePublish(courseId: course),
                                                           .enroll(userId: user, courseId: course)]

    /// Every documented quirk, in the order of `QUIRKS.md`.
    public static let all: [LegacyQuirk] = [
        LegacyQuirk(
            id: "legacy.publish_without_lessons", features: [.courseStateMachine, .domainEvents],
            legacy: "publishes a course that has no lessons",
            modern: "refuses with course_has_no_lessons",
            why: "students enrolled into an empty course see nothing and cannot complete it",
            trigger: [create(), .coursePublish(courseId: course)],
            control: [create(), lesson(100), .coursePublish(courseId: course)]),
        LegacyQuirk(
            id: "legacy.archived_to_published", features: [.courseStateMachine, .domainEvents],
            legacy: "moves an archived course straight back to published",
            modern: "refuses with invalid_transition (archived → published); restore to draft first",
            why: "archiving is a deliberate retirement; republishing must go through review as a draft",
            trigger: [create(), lesson(100), .coursePublish(courseId: course), .courseArchive(courseId: course),
                      .coursePublish(courseId: course)],
            control: [create(), lesson(100), .coursePublish(courseId: course), .courseArchive(courseId: course),
                      .courseRestore(courseId: course), .coursePublish(courseId: course)]),
        LegacyQuirk(
            id: "legacy.enroll_unopened_course", features: [.enrollmentService, .domainEvents],
            legacy: "enrolls into draft or archived courses (it only checks for a duplicate active enrollment)",
            modern: "refuses with course_not_open",
            why: "only published courses are open for enrollment",
            trigger: [create(), lesson(100), .enroll(userId: user, courseId: course)],
            control: [create(), lesson(100), .coursePublish(courseId: course), .enroll(userId: user, courseId: course)]),
        LegacyQuirk(
            id: "legacy.capacity_counts_cancelled", features: [.enrollmentService, .domainEvents],
            legacy: "counts every enrollment row ever made, cancelled ones included, against the capacity",
            modern: "counts only active enrollments",
            why: "a cancelled enrollment frees its seat",
            trigger: [create(capacity: 1), lesson(100), .coursePublish(courseId: course),
                      .enroll(userId: user, courseId: course), .cancelEnrollment(userId: user, courseId: course),
                      .enroll(userId: user + 1, courseId: course)],
            control: [create(capacity: 2), lesson(100), .coursePublish(courseId: course),
                      .enroll(userId: user, courseId: course), .enroll(userId: user + 1, courseId: course)]),
        LegacyQuirk(
            id: "legacy.reenroll_after_completion", features: [.enrollmentService, .domainEvents],
            legacy: "creates a second enrollment for a user who already completed the course",
            modern: "refuses with already_enrolled",
            why: "a completed enrollment carries the certificate; a duplicate resets the learner's record",
            trigger: [create(), lesson(100), .coursePublish(courseId: course), .enroll(userId: user, courseId: course),
                      .completeLesson(userId: user, lessonId: 100), .enroll(userId: user, courseId: course)],
            control: [create(), lesson(100), .coursePublish(courseId: course), .enroll(userId: user, courseId: course),
                      .enroll(userId: user, courseId: course)]),
        LegacyQuirk(
            id: "legacy.duplicate_completion_counted", features: [.progressService, .domainEvents],
            legacy: "counts a lesson completed twice, so progress reaches 100% early",
            modern: "a repeated completion changes nothing and emits nothing",
            why: "progress measures distinct lessons",
            trigger: enrolled + [.completeLesson(userId: user, lessonId: 100), .completeLesson(userId: user, lessonId: 100)],
            control: enrolled + [.completeLesson(userId: user, lessonId: 100)]),
        LegacyQuirk(
            id: "legacy.progress_floor", features: [.progressService, .domainEvents],
            legacy: "floors the progress percentage (2 of 3 lessons is 66%)",
            modern: "rounds half up (2 of 3 lessons is 67%)",
            why: "the percentage shown must be the nearest whole percent",
            trigger: enrolled + [.completeLesson(userId: user, lessonId: 100), .completeLesson(userId: user, lessonId: 101)],
            control: enrolled + [.completeLesson(userId: user, lessonId: 100)]),
        LegacyQuirk(
            id: "legacy.events_before_save", features: [.domainEvents],
            legacy: "fires CourseCompleted inline before saving, so it comes first and its certificate job fails",
            modern: "dispatches LessonCompleted, ProgressUpdated, CourseCompleted after the change; the certificate is issued",
            why: "listeners must see the state the event announces",
            // Two lessons, so the steps before the last agree (2 of 3 would also show legacy.progress_floor).
            trigger: twoLessonsEnrolled + [.completeLesson(userId: user, lessonId: 100),
                                           .completeLesson(userId: user, lessonId: 101)],
            control: twoLessonsEnrolled + [.completeLesson(userId: user, lessonId: 100)]),
        LegacyQuirk(
            id: "legacy.no_event_on_cancel_or_expire", features: [.domainEvents],
            legacy: "emits no event when an enrollment is cancelled or expired",
            modern: "emits EnrollmentCancelled / EnrollmentExpired",
            why: "downstream listeners (seat release, reminders) depend on them",
            trigger: enrolled + [.cancelEnrollment(userId: user, courseId: course)],
            control: enrolled + [.reactivateEnrollment(userId: user, courseId: course)]),
        LegacyQuirk(
            id: "legacy.expire_any_status", features: [.enrollmentStateMachine],
            legacy: "expires an enrollment whatever its status, completed or cancelled ones too",
            modern: "refuses with invalid_transition unless the enrollment is active",
            why: "a completed course must not turn into an expired one",
            trigger: enrolled + [.cancelEnrollment(userId: user, courseId: course), .expireEnrollment(userId: user, courseId: course)],
            // Cancelling first would diverge on events (legacy.no_event_on_cancel_or_expire), so the control
            // shows the one refusal both sides share: expiring an enrollment that does not exist.
            control: enrolled + [.expireEnrollment(userId: user + 1, courseId: course)]),
        LegacyQuirk(
            id: "legacy.reactivate_completed", features: [.enrollmentStateMachine, .domainEvents],
            legacy: "reactivates a completed enrollment",
            modern: "refuses with invalid_transition (completed → active)",
            why: "completion is final; reopening it would revoke the certificate",
            trigger: [create(), lesson(100), .coursePublish(courseId: course), .enroll(userId: user, courseId: course),
                      .completeLesson(userId: user, lessonId: 100), .reactivateEnrollment(userId: user, courseId: course)],
            control: [create(), lesson(100), .coursePublish(courseId: course), .enroll(userId: user, courseId: course),
                      .reactivateEnrollment(userId: user, courseId: course)]),
        LegacyQuirk(
            id: "legacy.late_submission_accepted", features: [.attemptStateMachine, .domainEvents],
            legacy: "accepts a quiz submission after the time limit",
            modern: "expires the attempt and refuses with attempt_expired",
            why: "the time limit is part of the assessment",
            trigger: enrolled + [quiz(timeLimit: 10), .startAttempt(userId: user, quizId: 5, attemptId: 1),
                                 .advanceClock(seconds: 601), .submitAttempt(attemptId: 1, answers: [1, 1, 1])],
            control: enrolled + [quiz(timeLimit: 10), .startAttempt(userId: user, quizId: 5, attemptId: 1),
                                 .advanceClock(seconds: 599), .submitAttempt(attemptId: 1, answers: [1, 1, 1])]),
        LegacyQuirk(
            id: "legacy.max_attempts_counts_graded_only", features: [.attemptStateMachine, .domainEvents],
            legacy: "counts only graded attempts against the maximum",
            modern: "counts every attempt started",
            why: "otherwise a learner can open unlimited attempts and submit only the best",
            trigger: enrolled + [quiz(maxAttempts: 1), .startAttempt(userId: user, quizId: 5, attemptId: 1),
                                 .startAttempt(userId: user, quizId: 5, attemptId: 2)],
            control: enrolled + [quiz(maxAttempts: 2), .startAttempt(userId: user, quizId: 5, attemptId: 1),
                                 .startAttempt(userId: user, quizId: 5, attemptId: 2)]),
        LegacyQuirk(
            id: "legacy.float_pass_mark", features: [.gradingService, .domainEvents],
            legacy: "compares the unrounded binary float with the pass mark: 2.4 of 3 points is 79.999…% and fails 80%",
            modern: "scores in exact fixed point: 80.00% passes",
            why: "a learner who earned exactly the pass mark passes",
            trigger: enrolled + [quiz(), .startAttempt(userId: user, quizId: 5, attemptId: 1),
                                 .submitAttempt(attemptId: 1, answers: [1, 1, 0.4]), .gradeAttempt(attemptId: 1)],
            control: enrolled + [quiz(), .startAttempt(userId: user, quizId: 5, attemptId: 1),
                                 .submitAttempt(attemptId: 1, answers: [1, 1, 0.5]), .gradeAttempt(attemptId: 1)]),
        LegacyQuirk(
            id: "legacy.grade_error_code", features: [.gradingService],
            legacy: "refuses to grade an unsubmitted attempt with its own code not_submitted",
            modern: "refuses with invalid_transition, like every refused state change",
            why: "one error code for one kind of refusal",
            trigger: enrolled + [quiz(), .startAttempt(userId: user, quizId: 5, attemptId: 1), .gradeAttempt(attemptId: 1)],
            control: enrolled + [quiz(), .gradeAttempt(attemptId: 1)]),
        LegacyQuirk(
            id: "legacy.zero_weight_quiz_crash", features: [.gradingService],
            legacy: "divides by zero grading a quiz whose questions weigh nothing (HTTP 500)",
            modern: "refuses with quiz_has_no_questions",
            why: "bad content must give an answer, not a crash",
            trigger: enrolled + [quiz(weights: []), .startAttempt(userId: user, quizId: 5, attemptId: 1),
                                 .submitAttempt(attemptId: 1, answers: []), .gradeAttempt(attemptId: 1)],
            control: enrolled + [quiz(weights: [1]), .startAttempt(userId: user, quizId: 5, attemptId: 1),
                                 .submitAttempt(attemptId: 1, answers: [1]), .gradeAttempt(attemptId: 1)]),
        LegacyQuirk(
            id: "legacy.final_grade_ignores_strategy", features: [.gradingStrategies, .domainEvents],
            legacy: "always takes the highest graded attempt",
            modern: "applies the quiz's strategy: highest, latest, average or first attempt",
            why: "the strategy is part of the course's published grading policy",
            trigger: enrolled + [quiz(strategy: .latest), .startAttempt(userId: user, quizId: 5, attemptId: 1),
                                 .submitAttempt(attemptId: 1, answers: [1, 1, 1]), .gradeAttempt(attemptId: 1),
                                 .startAttempt(userId: user, quizId: 5, attemptId: 2),
                                 .submitAttempt(attemptId: 2, answers: [1, 0, 0]), .gradeAttempt(attemptId: 2),
                                 .finalGrade(userId: user, courseId: course)],
            control: enrolled + [quiz(strategy: .latest), .startAttempt(userId: user, quizId: 5, attemptId: 1),
                                 .submitAttempt(attemptId: 1, answers: [1, 0, 0]), .gradeAttempt(attemptId: 1),
                                 .startAttempt(userId: user, quizId: 5, attemptId: 2),
                                 .submitAttempt(attemptId: 2, answers: [1, 1, 1]), .gradeAttempt(attemptId: 2),
                                 .finalGrade(userId: user, courseId: course)]),
    ]
}
