import Foundation
import LMS

/// What one side produced for one command: an outcome, or a crash (`ImplementationFault`).
enum SideResult: Equatable, Sendable, CustomStringConvertible {
    case outcome(Outcome)
    case fault(String)

    var outcome: Outcome? {
        if case .outcome(let outcome) = self { return outcome }
        return nil
    }

    var fault: String? {
        if case .fault(let message) = self { return message }
        return nil
    }

    /// The comparable form: job ids and rejection messages are left out, as the comparator does.
    var normalised: SideResult {
        switch self {
        case .fault: return self
        case .outcome(var outcome):
            outcome.message = nil
            outcome.jobs = outcome.jobs.map { job in
                var job = job
                job.id = 0
                return job
            }
            return .outcome(outcome)
        }
    }

    var description: String {
        switch self {
        case .fault(let message): return "fault(\(message))"
        case .outcome(let outcome):
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let data = (try? encoder.encode(outcome)) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
    }
}

/// One command applied to both sides, with the normalised results.
struct PairStep: Sendable {
    var index: Int
    var command: LMSCommand
    var legacy: SideResult
    var modern: SideResult

    /// Both sides agree once job ids and messages are ignored.
    var agrees: Bool { legacy.normalised == modern.normalised }
}

/// Start of every test world's clock, a fixed instant so runs are reproducible.
let fixedStart = Date(timeIntervalSince1970: 1_795_000_000)

/// Applies commands to one implementation the way the shadow runner does: the clock starts at a fixed
/// instant and `.advanceClock(seconds:)` moves it forward for that command and all later ones.
struct ClockedWorld<Implementation: LMSImplementation> {
    var implementation: Implementation
    var now: Date

    init(ids: IDSource = IDSource(), start: Date = fixedStart) {
        implementation = Implementation(ids: ids)
        now = start
    }

    mutating func apply(_ command: LMSCommand) -> SideResult {
        if case .advanceClock(let seconds) = command { now = now.addingTimeInterval(TimeInterval(seconds)) }
        do {
            return .outcome(try implementation.apply(command, now: now))
        } catch {
            return .fault(error.message)
        }
    }

    mutating func apply(_ commands: [LMSCommand]) -> [SideResult] { commands.map { apply($0) } }
}

/// A fresh legacy world and a fresh modern world, fed the same commands with the same IDs and clock.
struct ShadowPair {
    var legacy: ClockedWorld<LegacyLMS>
    var modern: ClockedWorld<ModernLMS>
    private(set) var steps: [PairStep] = []

    init(ids: IDSource = IDSource(), start: Date = fixedStart) {
        legacy = ClockedWorld(ids: ids, start: start)
        modern = ClockedWorld(ids: ids, start: start)
    }

    @discardableResult
    mutating func apply(_ command: LMSCommand) -> PairStep {
        let step = PairStep(index: steps.count, command: command, legacy: legacy.apply(command),
                            modern: modern.apply(command))
        steps.append(step)
        return step
    }

    @discardableResult
    mutating func apply(_ commands: [LMSCommand]) -> [PairStep] { commands.map { apply($0) } }

    /// Runs `commands` on a fresh pair and returns every step.
    static func run(_ commands: [LMSCommand], ids: IDSource = IDSource()) -> [PairStep] {
        var pair = ShadowPair(ids: ids)
        return pair.apply(commands)
    }
}

/// Applies `commands` to a fresh modern world and returns the outcomes; a crash is reported as a fault.
func runModern(_ commands: [LMSCommand], ids: IDSource = IDSource()) -> [SideResult] {
    var world = ClockedWorld<ModernLMS>(ids: ids)
    return world.apply(commands)
}

/// Applies `commands` to a fresh legacy world and returns the outcomes.
func runLegacy(_ commands: [LMSCommand], ids: IDSource = IDSource()) -> [SideResult] {
    var world = ClockedWorld<LegacyLMS>(ids: ids)
    return world.apply(commands)
}

/// Builders for the commands the tests use most, with the defaults of a small published course.
enum Fixture {
    static let course = 1
    static let user = 10

    static func create(_ id: Int = course, instructor: Int? = 99, capacity: Int? = nil,
                       template: String? = "classic") -> LMSCommand {
        .courseCreate(courseId: id, title: "Course \(id)", instructorId: instructor, capacity: capacity,
                      certificateTemplate: template)
    }

    static func lesson(_ id: Int, course: Int = course) -> LMSCommand {
        .courseAddLesson(courseId: course, lessonId: id, title: "Lesson \(id)")
    }

    static func quiz(_ id: Int = 5, course: Int = course, maxAttempts: Int = 5, timeLimit: Int? = nil,
                     passingScore: Double = 80, strategy: GradingStrategyKind = .highest,
                     weights: [Double] = [1, 1, 1]) -> LMSCommand {
        .courseAddQuiz(courseId: course, quizId: id, maxAttempts: maxAttempts, timeLimitMinutes: timeLimit,
                       passingScore: passingScore, strategy: strategy, weights: weights)
    }

    /// A published course with `lessons` lessons (ids 100, 101, …) and `user` enrolled.
    static func enrolled(lessons: Int = 3, instructor: Int? = 99, template: String? = "classic") -> [LMSCommand] {
        [create(instructor: instructor, template: template)]
            + (0..<lessons).map { lesson(100 + $0) }
            + [.coursePublish(courseId: course), .enroll(userId: user, courseId: course)]
    }

    /// Start, submit and grade one attempt.
    static func attempt(_ id: Int, quiz: Int = 5, answers: [Double]) -> [LMSCommand] {
        [.startAttempt(userId: user, quizId: quiz, attemptId: id), .submitAttempt(attemptId: id, answers: answers),
         .gradeAttempt(attemptId: id)]
    }
}

extension Outcome {
    /// Event names in order.
    var eventNames: [String] { events.map(\.name) }
}
