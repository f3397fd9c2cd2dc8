/// What one actor does in one sitting: commands, and time passing inside the sitting (a quiz being worked on).
/// Sessions of different actors interleave; the steps of one session never do.
enum Step: Sendable {
    case command(LMSCommand)
    /// Time passing, emitted as `clock.advance` (used where a time limit depends on it).
    case wait(seconds: Int)
    /// Time passing without a command: only the offsets move, as in a recorded log.
    case pause(seconds: Int)
    /// The next command runs exactly this many seconds after the previous one, through one `clock.advance` at
    /// the previous command's offset (a submission at a time limit to the second). Longer than the gap
    /// ``emit`` leaves between commands.
    case exactly(seconds: Int)
}

typealias Session = [Step]

/// Entity ids of one scenario, derived from its index so that they are also distinct across scenarios
/// (scenario 17 has courses 1701…, learners 170001…, attempts 1700001…).
struct ScenarioIDs: Sendable {
    let index: Int

    func course(_ number: Int) -> Int { index * 100 + number }
    func lesson(course: Int, _ number: Int) -> Int { course * 100 + number }
    func quiz(course: Int, _ number: Int) -> Int { course * 10 + number }
    func user(_ number: Int) -> Int { index * 10_000 + number }
    func instructor(_ number: Int) -> Int { index * 10_000 + 9_000 + number }
    func attempt(_ number: Int) -> Int { index * 100_000 + number }
}

/// A quiz as the instructor configures it, and where in the course learners take it.
struct QuizPlan: Sendable {
    var id: Int
    var maxAttempts: Int
    var timeLimitMinutes: Int?
    var passingScore: Double
    var strategy: GradingStrategyKind
    var weights: [Double]
    /// Learners take the quiz once they have completed this many lessons: fewer than all of them, because
    /// completing the last lesson completes the enrollment and a completed learner can no longer start attempts.
    var afterLessons: Int

    var hasWeight: Bool { weights.contains { $0 > 0 } }

    func addCommand(course: Int) -> LMSCommand {
        .courseAddQuiz(courseId: course, quizId: id, maxAttempts: maxAttempts, timeLimitMinutes: timeLimitMinutes,
                       passingScore: passingScore, strategy: strategy, weights: weights)
    }
}

/// A course of the tenant, as planned before any command is emitted.
struct CoursePlan: Sendable {
    var number: Int
    var id: Int
    var title: String
    var instructorId: Int?
    var capacity: Int?
    var certificateTemplate: String?
    var lessons: [(id: Int, title: String)]
    var quizzes: [QuizPlan]

    var createCommand: LMSCommand {
        .courseCreate(courseId: id, title: title, instructorId: instructorId, capacity: capacity,
                      certificateTemplate: certificateTemplate)
    }

    var addLessonCommands: [LMSCommand] {
        lessons.map { .courseAddLesson(courseId: id, lessonId: $0.id, title: $0.title) }
    }
}

/// The enrollment status a learner's plan leaves behind (the generator's own model of the modern rules).
enum PlannedStatus: Sendable { case active, completed, cancelled, expired }

/// A break in a learner's course: cancelled by the learner or expired by the nightly job, maybe resumed.
struct Interruption: Sendable {
    enum Kind: Sendable { case cancel, expire }
    var afterLessons: Int
    var kind: Kind
    /// The learner comes back (reactivation) and carries on.
    var returns: Bool
}

/// One learner in one course: how far they get, and which edge cases they act out.
struct EnrollmentPlan: Sendable {
    var user: Int
    var course: Int
    /// Index of the course in the planned course list.
    var courseIndex: Int
    /// Chance of answering a question right.
    var skill: Double
    var lessonsToComplete: Int
    var interruption: Interruption?

    /// Quizzes this learner takes as an edge case scripts it: always taken, never abandoned, always graded.
    var scriptedQuizzes: [Int] = []
    var doubleEnroll = false
    /// Completes lesson number `repeatLesson` (1-based) a second time right after the first.
    var repeatLesson: Int?
    var lateSubmissionQuiz: Int?
    var gradeUnsubmittedQuiz: Int?
    var extraAttemptQuiz: Int?
    var nearPassQuiz: Int?
    var cancelAfterCompletion = false
    var reactivateAfterCompletion = false

    /// Makes the learner finish the course, coming back from any interruption, so every quiz is reached.
    mutating func finish(lessonCount: Int) {
        lessonsToComplete = lessonCount
        interruption?.returns = true
    }
}
