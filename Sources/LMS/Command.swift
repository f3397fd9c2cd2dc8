import Foundation

/// How a quiz turns a user's graded attempts into one quiz grade.
public enum GradingStrategyKind: String, Sendable, Codable, CaseIterable {
    case highest, latest, average, first
}

/// One business operation of the learning-management backend: the `op` of a scenario line with its fields.
///
/// Scores and credits are plain numbers as they arrive from the HTTP layer; each implementation decides how
/// to do arithmetic with them (that difference is one of the documented quirks).
public enum LMSCommand: Sendable, Equatable, Hashable {
    case courseCreate(courseId: Int, title: String, instructorId: Int?, capacity: Int?, certificateTemplate: String?)
    case courseAddLesson(courseId: Int, lessonId: Int, title: String)
    case courseAddQuiz(courseId: Int, quizId: Int, maxAttempts: Int, timeLimitMinutes: Int?,
                       passingScore: Double, strategy: GradingStrategyKind, weights: [Double])
    case coursePublish(courseId: Int)
    case courseUnpublish(courseId: Int)
    case courseArchive(courseId: Int)
    case courseRestore(courseId: Int)
    case enroll(userId: Int, courseId: Int)
    case cancelEnrollment(userId: Int, courseId: Int)
    case expireEnrollment(userId: Int, courseId: Int)
    case reactivateEnrollment(userId: Int, courseId: Int)
    case completeLesson(userId: Int, lessonId: Int)
    case startAttempt(userId: Int, quizId: Int, attemptId: Int)
    /// `answers[i]` is the credit (0...1) earned on question `i`; missing answers earn nothing.
    case submitAttempt(attemptId: Int, answers: [Double])
    case abandonAttempt(attemptId: Int)
    case gradeAttempt(attemptId: Int)
    case finalGrade(userId: Int, courseId: Int)
    case advanceClock(seconds: Int)

    /// The `op` string of the scenario format.
    public var op: LMSOperation {
        switch self {
        case .courseCreate: .courseCreate
        case .courseAddLesson: .courseAddLesson
        case .courseAddQuiz: .courseAddQuiz
        case .coursePublish: .coursePublish
        case .courseUnpublish: .courseUnpublish
        case .courseArchive: .courseArchive
        case .courseRestore: .courseRestore
        case .enroll: .enrollmentEnroll
        case .cancelEnrollment: .enrollmentCancel
        case .expireEnrollment: .enrollmentExpire
        case .reactivateEnrollment: .enrollmentReactivate
        case .completeLesson: .progressCompleteLesson
        case .startAttempt: .attemptStart
        case .submitAttempt: .attemptSubmit
        case .abandonAttempt: .attemptAbandon
        case .gradeAttempt: .attemptGrade
        case .finalGrade: .gradeFinal
        case .advanceClock: .clockAdvance
        }
    }
}

/// The operations of DESIGN §2, with their wire names and the feature flag each belongs to.
public enum LMSOperation: String, Sendable, Codable, CaseIterable {
    case courseCreate = "course.create"
    case courseAddLesson = "course.addLesson"
    case courseAddQuiz = "course.addQuiz"
    case coursePublish = "course.publish"
    case courseUnpublish = "course.unpublish"
    case courseArchive = "course.archive"
    case courseRestore = "course.restore"
    case enrollmentEnroll = "enrollment.enroll"
    case enrollmentCancel = "enrollment.cancel"
    case enrollmentExpire = "enrollment.expire"
    case enrollmentReactivate = "enrollment.reactivate"
    case progressCompleteLesson = "progress.completeLesson"
    case attemptStart = "attempt.start"
    case attemptSubmit = "attempt.submit"
    case attemptAbandon = "attempt.abandon"
    case attemptGrade = "attempt.grade"
    case gradeFinal = "grade.final"
    case clockAdvance = "clock.advance"

    /// The feature flag that switches this operation to the modern implementation; `nil` for `clock.advance`,
    /// which only moves time for both sides.
    public var feature: LMSFeature? {
        switch self {
        case .courseCreate, .courseAddLesson, .courseAddQuiz, .coursePublish, .courseUnpublish,
             .courseArchive, .courseRestore: .courseStateMachine
        case .enrollmentEnroll: .enrollmentService
        case .enrollmentCancel, .enrollmentExpire, .enrollmentReactivate: .enrollmentStateMachine
        case .progressCompleteLesson: .progressService
        case .attemptStart, .attemptSubmit, .attemptAbandon: .attemptStateMachine
        case .attemptGrade: .gradingService
        case .gradeFinal: .gradingStrategies
        case .clockAdvance: nil
        }
    }
}

/// The eight feature flags of the rollout guide (`config/features.php`), by their guide names.
public enum LMSFeature: String, Sendable, Codable, CaseIterable {
    case enrollmentService = "enrollment_service"
    case progressService = "progress_service"
    case gradingService = "grading_service"
    case courseStateMachine = "course_state_machine"
    case enrollmentStateMachine = "enrollment_state_machine"
    case attemptStateMachine = "attempt_state_machine"
    case domainEvents = "domain_events"
    case gradingStrategies = "grading_strategies"
}
