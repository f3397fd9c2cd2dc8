import Foundation

/// The modern application's data: typed statuses, one enrollment per user and course, a completion set.
struct ModernWorld: Sendable {
    struct Course: Sendable {
        var id: Int
        var title: String
        var instructorId: Int?
        var capacity: Int?
        var certificateTemplate: String?
        var status: CourseStatus = .draft
        var lessons: [Int] = []
        var quizzes: [Int] = []
    }

    struct Quiz: Sendable {
        var id: Int
        var courseId: Int
        var maxAttempts: Int
        var timeLimitMinutes: Int?
        var passingScore: Double
        var strategy: GradingStrategyKind
        var weights: [Double]
    }

    struct EnrollmentKey: Hashable, Sendable {
        var user: Int
        var course: Int
    }

    struct Enrollment: Sendable {
        var status: EnrollmentStatus
        var progressPercent: Int = 0
    }

    struct Attempt: Sendable {
        var id: Int
        var userId: Int
        var quizId: Int
        var number: Int
        var status: AttemptStatus = .inProgress
        var startedAt: Date
        var answers: [Double] = []
        var scoreHundredths: Int?
    }

    var courses: [Int: Course] = [:]
    var lessonCourse: [Int: Int] = [:]
    var quizzes: [Int: Quiz] = [:]
    var enrollments: [EnrollmentKey: Enrollment] = [:]
    var activeSeats: [Int: Int] = [:]
    var completions: Set<EnrollmentKeyLesson> = []
    var completedCount: [EnrollmentKey: Int] = [:]
    var attempts: [Int: Attempt] = [:]
    /// Attempt ids per user and quiz, in the order they were started.
    var attemptsByUserQuiz: [UserQuiz: [Int]] = [:]

    struct EnrollmentKeyLesson: Hashable, Sendable {
        var user: Int
        var lesson: Int
    }

    struct UserQuiz: Hashable, Sendable {
        var user: Int
        var quiz: Int
    }

    func courseSnapshot(_ course: Course) -> EntitySnapshot {
        EntitySnapshot(key: EntityKey.course(course.id), status: course.status.rawValue,
                       lessons: course.lessons.count, quizzes: course.quizzes.count)
    }

    func enrollmentSnapshot(_ key: EnrollmentKey) -> EntitySnapshot? {
        guard let enrollment = enrollments[key] else { return nil }
        return EntitySnapshot(key: EntityKey.enrollment(user: key.user, course: key.course),
                              status: enrollment.status.rawValue, progressPercent: enrollment.progressPercent,
                              completedLessons: completedCount[key] ?? 0)
    }

    func attemptSnapshot(_ attempt: Attempt) -> EntitySnapshot {
        EntitySnapshot(key: EntityKey.attempt(attempt.id), status: attempt.status.rawValue,
                       score: attempt.scoreHundredths.map(FixedPointScore.percent), answers: attempt.answers.count)
    }
}

extension ModernWorld: ListenerContext {
    func certificateTemplate(course: Int) -> String? { courses[course]?.certificateTemplate }
    func instructor(course: Int) -> Int? { courses[course]?.instructorId }
    func enrollmentStatus(user: Int, course: Int) -> String? {
        enrollments[EnrollmentKey(user: user, course: course)]?.status.rawValue
    }
}

/// Events raised while a command runs; the application dispatches them only after the change is applied.
struct PendingEvents: Sendable {
    private(set) var events: [DomainEvent] = []
    mutating func raise(_ name: String, _ payload: EventPayload) { events.append(DomainEvent(name, payload)) }
}
