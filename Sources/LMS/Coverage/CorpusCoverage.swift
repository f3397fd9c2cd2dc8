import Foundation

/// A state machine of the domain, as the coverage measurement sees it: its states and which moves a command
/// can aim at. The modern table (``CourseStatus/machine`` and the others) says which moves are allowed.
public enum CoverageMachine: String, CaseIterable, Sendable, Codable {
    case course, enrollment, attempt

    var states: [String] {
        switch self {
        case .course: CourseStatus.allCases.map(\.rawValue)
        case .enrollment: EnrollmentStatus.allCases.map(\.rawValue)
        case .attempt: AttemptStatus.allCases.map(\.rawValue)
        }
    }

    /// Whether the modern transition table allows the move.
    public func allows(from: String, to: String) -> Bool {
        switch self {
        case .course:
            guard let from = CourseStatus(rawValue: from), let to = CourseStatus(rawValue: to) else { return false }
            return CourseStatus.machine.canMove(from: from, to: to)
        case .enrollment:
            guard let from = EnrollmentStatus(rawValue: from), let to = EnrollmentStatus(rawValue: to) else { return false }
            return EnrollmentStatus.machine.canMove(from: from, to: to)
        case .attempt:
            guard let from = AttemptStatus(rawValue: from), let to = AttemptStatus(rawValue: to) else { return false }
            return AttemptStatus.machine.canMove(from: from, to: to)
        }
    }

    /// Why no command can aim at this move, or `nil` when one can. Course and enrollment moves can all be
    /// aimed at; an attempt is only ever created in progress, and only a late submission of an attempt in
    /// progress moves it to expired.
    public func unreachableReason(from: String, to: String) -> String? {
        guard self == .attempt else { return nil }
        if to == AttemptStatus.inProgress.rawValue { return "no command moves an attempt back to in_progress" }
        if to == AttemptStatus.expired.rawValue, from != AttemptStatus.inProgress.rawValue {
            return "only a late submission of an attempt in progress expires it"
        }
        return nil
    }

    /// States the legacy implementation never has (it has no time limit, so no expired attempt).
    var legacyMissingStates: Set<String> { self == .attempt ? [AttemptStatus.expired.rawValue] : [] }
}

/// One move of one machine.
public struct TransitionPair: Hashable, Sendable, Codable, Comparable {
    public var machine: CoverageMachine
    public var from: String
    public var to: String

    public init(machine: CoverageMachine, from: String, to: String) {
        self.machine = machine
        self.from = from
        self.to = to
    }

    public static func < (lhs: TransitionPair, rhs: TransitionPair) -> Bool {
        func order(_ pair: TransitionPair) -> (Int, Int, Int) {
            let states = pair.machine.states
            return (CoverageMachine.allCases.firstIndex(of: pair.machine) ?? 0,
                    states.firstIndex(of: pair.from) ?? states.count, states.firstIndex(of: pair.to) ?? states.count)
        }
        return order(lhs) < order(rhs)
    }
}

/// How often one side carried a move out (a transition in its outcome) or refused a command aiming at it.
public struct TransitionCounts: Sendable, Equatable, Codable {
    public var carriedOut: Int
    public var refused: Int
    var attempted: Int { carriedOut + refused }

    public init(carriedOut: Int = 0, refused: Int = 0) {
        self.carriedOut = carriedOut
        self.refused = refused
    }
}

/// A threshold of the domain hit exactly or one step either side, measured on the modern world before the
/// command (modern defines the thresholds).
public enum BoundaryPoint: String, CaseIterable, Sendable, Codable {
    case submitBeforeLimit = "submit: limit - 1 s"
    case submitAtLimit = "submit: at the limit"
    case submitAfterLimit = "submit: limit + 1 s"
    case scoreBelowPassMark = "grade: pass mark - 0.01"
    case scoreAtPassMark = "grade: at the pass mark"
    case scoreAbovePassMark = "grade: pass mark + 0.01"
    case finalBelowPassMark = "final grade: quiz grade pass mark - 0.01"
    case finalAtPassMark = "final grade: quiz grade at the pass mark"
    case finalAbovePassMark = "final grade: quiz grade pass mark + 0.01"
    case lastSeat = "enroll: last seat"
    case pastCapacity = "enroll: one past capacity"
    case lastAttempt = "start attempt: last allowed"
    case oneMoreAttempt = "start attempt: one more"
    case secondLastLesson = "complete lesson: second last"
    case lastLesson = "complete lesson: last"
    case lessonAfterCompletion = "complete lesson: after completion"
    case capacityZero = "create course: capacity 0"
    case capacityOne = "create course: capacity 1"
    case maxAttemptsZero = "add quiz: max attempts 0"
    case maxAttemptsOne = "add quiz: max attempts 1"
    case passMarkBelowZero = "add quiz: pass mark -0.01"
    case passMarkZero = "add quiz: pass mark 0"
    case passMarkHundred = "add quiz: pass mark 100"
    case passMarkAboveHundred = "add quiz: pass mark 100.01"
}

/// The last seat / one past capacity, by how the seat came free and what took it.
enum SeatPath: String, CaseIterable, Sendable, Codable {
    case firstFill = "first fill", afterCancel = "freed by cancel", afterExpiry = "freed by expiry"
    case afterCompletion = "freed by completion"
}

struct SeatCounts: Sendable, Equatable, Codable {
    var lastSeatByEnroll = 0
    var lastSeatByReactivation = 0
    var pastCapacityByEnroll = 0
    var pastCapacityByReactivation = 0
}

/// The attempts a learner used before the last allowed one / the one too many, by how they ended.
enum AttemptPath: String, CaseIterable, Sendable, Codable {
    case allGraded = "all graded", withAbandoned = "one abandoned", withExpired = "one expired"
    case withUngraded = "one not graded"
}

struct AttemptLimitCounts: Sendable, Equatable, Codable {
    var lastAllowed = 0
    var oneMore = 0
}

/// Transition coverage of both sides and boundary counts of a corpus: every command is applied to a legacy
/// and a modern world as a shadow run would, and each side's move is recorded from its own state.
public struct CorpusCoverage: Sendable {
    public var scenarios = 0
    public var commands = 0
    public var legacy: [TransitionPair: TransitionCounts] = [:]
    public var modern: [TransitionPair: TransitionCounts] = [:]
    public var boundaries: [BoundaryPoint: Int] = [:]
    var seats: [SeatPath: SeatCounts] = [:]
    var attemptLimits: [AttemptPath: AttemptLimitCounts] = [:]

    public init() {}

    /// Every pair of states of every machine, in table order.
    public static var pairs: [TransitionPair] {
        CoverageMachine.allCases.flatMap { machine in
            machine.states.flatMap { from in machine.states.map { TransitionPair(machine: machine, from: from, to: $0) } }
        }
    }

    /// Measures generated scenarios (time is the scenario offset; only differences matter).
    public static func measure(_ scenarios: some Sequence<GeneratedScenario>) -> CorpusCoverage {
        var coverage = CorpusCoverage()
        for scenario in scenarios { coverage.add(scenario) }
        return coverage
    }

    public mutating func add(_ scenario: GeneratedScenario) {
        scenarios += 1
        var legacyWorld = LegacyLMS(ids: IDSource())
        var modernWorld = ModernLMS(ids: IDSource())
        var seatFreedBy: [Int: SeatPath] = [:]
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for timed in scenario.commands {
            commands += 1
            let command = timed.command
            let now = start.addingTimeInterval(TimeInterval(timed.offset))
            countBoundaries(command, world: modernWorld.world, now: now, seatFreedBy: &seatFreedBy)
            let legacyIntent = Self.intent(command, lookup: legacyWorld)
            let modernIntent = Self.intent(command, lookup: modernWorld.world)
            let legacyOutcome = try? legacyWorld.apply(command, now: now)
            let modernOutcome = try? modernWorld.apply(command, now: now)
            Self.record(legacyIntent, legacyOutcome, into: &legacy)
            Self.record(modernIntent, modernOutcome, into: &modern)
        }
    }

    // MARK: Transitions

    struct Intent {
        var machine: CoverageMachine
        var entity: String
        var from: String
        var to: String
    }

    /// The move a command aims at on one side, from that side's state; `nil` when it aims at none or the
    /// entity does not exist there.
    static func intent(_ command: LMSCommand, lookup: some StatusLookup) -> Intent? {
        func course(_ id: Int, _ to: CourseStatus) -> Intent? {
            lookup.courseStatus(id).map { Intent(machine: .course, entity: EntityKey.course(id), from: $0, to: to.rawValue) }
        }
        func enrollment(_ user: Int, _ courseId: Int, _ to: EnrollmentStatus) -> Intent? {
            lookup.enrollmentStatus(user: user, course: courseId).map {
                Intent(machine: .enrollment, entity: EntityKey.enrollment(user: user, course: courseId), from: $0,
                       to: to.rawValue)
            }
        }
        func attempt(_ id: Int, _ to: AttemptStatus) -> Intent? {
            lookup.attemptStatus(id).map { Intent(machine: .attempt, entity: EntityKey.attempt(id), from: $0, to: to.rawValue) }
        }
        switch command {
        case let .coursePublish(id): return course(id, .published)
        case let .courseUnpublish(id), let .courseRestore(id): return course(id, .draft)
        case let .courseArchive(id): return course(id, .archived)
        case let .cancelEnrollment(user, courseId): return enrollment(user, courseId, .cancelled)
        case let .expireEnrollment(user, courseId): return enrollment(user, courseId, .expired)
        case let .reactivateEnrollment(user, courseId): return enrollment(user, courseId, .active)
        case let .completeLesson(user, lesson):
            // The last lesson of a course aims at completing the enrollment (an active one only completes
            // when every lesson is done, so for it the move counts only when it happens).
            guard let place = lookup.lessonPlace(lesson), place.isLast else { return nil }
            return enrollment(user, place.course, .completed)
        case let .submitAttempt(id, _): return attempt(id, .submitted)
        case let .abandonAttempt(id): return attempt(id, .abandoned)
        case let .gradeAttempt(id): return attempt(id, .graded)
        default: return nil
        }
    }

    /// Every transition in the outcome is carried out; an aimed-at move with no transition of its entity in
    /// the outcome is refused (except an active enrollment whose last lesson does not yet complete it).
    static func record(_ intent: Intent?, _ outcome: Outcome?, into counts: inout [TransitionPair: TransitionCounts]) {
        let transitions = outcome?.transitions ?? []
        for transition in transitions {
            guard let machine = CoverageMachine(rawValue: transition.entity) else { continue }
            counts[TransitionPair(machine: machine, from: transition.from, to: transition.to), default: .init()].carriedOut += 1
        }
        guard let intent, outcome != nil,
              !transitions.contains(where: { $0.entity == intent.machine.rawValue && $0.id == intent.entity }) else { return }
        if intent.machine == .enrollment, intent.to == EnrollmentStatus.completed.rawValue,
           intent.from == EnrollmentStatus.active.rawValue, outcome?.status == .accepted {
            return
        }
        counts[TransitionPair(machine: intent.machine, from: intent.from, to: intent.to), default: .init()].refused += 1
    }

    // MARK: Boundaries

    private mutating func hit(_ point: BoundaryPoint) { boundaries[point, default: 0] += 1 }

    private mutating func countBoundaries(_ command: LMSCommand, world: ModernWorld, now: Date,
                                          seatFreedBy: inout [Int: SeatPath]) {
        switch command {
        case let .courseCreate(_, _, _, capacity, _):
            if capacity == 0 { hit(.capacityZero) } else if capacity == 1 { hit(.capacityOne) }
        case let .courseAddQuiz(_, _, maxAttempts, _, passing, _, _):
            if maxAttempts == 0 { hit(.maxAttemptsZero) } else if maxAttempts == 1 { hit(.maxAttemptsOne) }
            switch FixedPointScore.hundredths(percent: passing) {
            case -1: hit(.passMarkBelowZero)
            case 0: hit(.passMarkZero)
            case 10_000: hit(.passMarkHundred)
            case 10_001: hit(.passMarkAboveHundred)
            default: break
            }
        case let .enroll(user, courseId):
            guard let course = world.courses[courseId], course.status == .published, let capacity = course.capacity else { return }
            if let existing = world.enrollments[.init(user: user, course: courseId)],
               existing.status == .active || existing.status == .completed { return }
            let path = seatFreedBy[courseId] ?? .firstFill
            switch world.activeSeats[courseId, default: 0] - capacity {
            case -1: hit(.lastSeat); seats[path, default: .init()].lastSeatByEnroll += 1
            case 0: hit(.pastCapacity); seats[path, default: .init()].pastCapacityByEnroll += 1
            default: break
            }
        case let .reactivateEnrollment(user, courseId):
            guard let course = world.courses[courseId], let capacity = course.capacity,
                  let status = world.enrollments[.init(user: user, course: courseId)]?.status,
                  status == .cancelled || status == .expired else { return }
            let path = seatFreedBy[courseId] ?? .firstFill
            switch world.activeSeats[courseId, default: 0] - capacity {
            case -1: seats[path, default: .init()].lastSeatByReactivation += 1
            case 0: seats[path, default: .init()].pastCapacityByReactivation += 1
            default: break
            }
        case let .cancelEnrollment(user, courseId), let .expireEnrollment(user, courseId):
            if world.enrollments[.init(user: user, course: courseId)]?.status == .active {
                if case .cancelEnrollment = command { seatFreedBy[courseId] = .afterCancel }
                else { seatFreedBy[courseId] = .afterExpiry }
            }
        case let .completeLesson(user, lesson):
            guard let courseId = world.lessonCourse[lesson], let course = world.courses[courseId] else { return }
            let key = ModernWorld.EnrollmentKey(user: user, course: courseId)
            guard let status = world.enrollments[key]?.status else { return }
            if status == .completed { hit(.lessonAfterCompletion); return }
            guard status == .active, !world.completions.contains(.init(user: user, lesson: lesson)) else { return }
            let done = world.completedCount[key, default: 0] + 1
            if done == course.lessons.count - 1 { hit(.secondLastLesson) }
            if done == course.lessons.count {
                hit(.lastLesson)
                seatFreedBy[courseId] = .afterCompletion
            }
        case let .startAttempt(user, quizId, _):
            guard let quiz = world.quizzes[quizId],
                  world.enrollments[.init(user: user, course: quiz.courseId)]?.status == .active else { return }
            let previous = world.attemptsByUserQuiz[.init(user: user, quiz: quizId), default: []]
                .compactMap { world.attempts[$0]?.status }
            let path: AttemptPath
            if previous.contains(.abandoned) { path = .withAbandoned }
            else if previous.contains(.expired) { path = .withExpired }
            else if previous.allSatisfy({ $0 == .graded }) { path = .allGraded }
            else { path = .withUngraded }
            switch previous.count - quiz.maxAttempts {
            case -1: hit(.lastAttempt); attemptLimits[path, default: .init()].lastAllowed += 1
            case 0: hit(.oneMoreAttempt); attemptLimits[path, default: .init()].oneMore += 1
            default: break
            }
        case let .submitAttempt(id, _):
            guard let attempt = world.attempts[id], attempt.status == .inProgress,
                  let limit = world.quizzes[attempt.quizId]?.timeLimitMinutes else { return }
            switch now.timeIntervalSince(attempt.startedAt) - Double(limit * 60) {
            case -1: hit(.submitBeforeLimit)
            case 0: hit(.submitAtLimit)
            case 1: hit(.submitAfterLimit)
            default: break
            }
        case let .gradeAttempt(id):
            guard let attempt = world.attempts[id], attempt.status == .submitted, let quiz = world.quizzes[attempt.quizId],
                  let score = FixedPointScore.hundredths(weights: quiz.weights, answers: attempt.answers) else { return }
            switch score - FixedPointScore.hundredths(percent: quiz.passingScore) {
            case -1: hit(.scoreBelowPassMark)
            case 0: hit(.scoreAtPassMark)
            case 1: hit(.scoreAbovePassMark)
            default: break
            }
        case let .finalGrade(user, courseId):
            guard let course = world.courses[courseId], world.enrollments[.init(user: user, course: courseId)] != nil
            else { return }
            for quizId in course.quizzes {
                guard let quiz = world.quizzes[quizId] else { continue }
                let scores = world.attemptsByUserQuiz[.init(user: user, quiz: quizId), default: []]
                    .compactMap { world.attempts[$0]?.scoreHundredths }
                guard let grade = quiz.strategy.strategy.grade(scores) else { continue }
                switch grade - FixedPointScore.hundredths(percent: quiz.passingScore) {
                case -1: hit(.finalBelowPassMark)
                case 0: hit(.finalAtPassMark)
                case 1: hit(.finalAbovePassMark)
                default: break
                }
            }
        default:
            break
        }
    }

    // MARK: Checks

    /// What the corpus misses: a move the modern table allows that modern never carried out, a refused move
    /// a command can aim at that modern never refused, a reachable move legacy never saw, a boundary never
    /// hit, a seat path whose last seat or one-past was never reached. Empty when everything is covered.
    public var gaps: [String] {
        var gaps: [String] = []
        for pair in Self.pairs where pair.machine.unreachableReason(from: pair.from, to: pair.to) == nil {
            let name = "\(pair.machine.rawValue) \(pair.from) → \(pair.to)"
            let modernCounts = modern[pair] ?? .init()
            if pair.machine.allows(from: pair.from, to: pair.to) {
                if modernCounts.carriedOut == 0 { gaps.append("\(name): allowed, never carried out by modern") }
            } else if modernCounts.refused == 0 {
                gaps.append("\(name): refused by the table, never refused by modern")
            }
            if !pair.machine.legacyMissingStates.contains(pair.from), !pair.machine.legacyMissingStates.contains(pair.to),
               (legacy[pair] ?? .init()).attempted == 0 {
                gaps.append("\(name): never reached on legacy")
            }
        }
        for point in BoundaryPoint.allCases where (boundaries[point] ?? 0) == 0 {
            gaps.append("boundary \(point.rawValue): never hit")
        }
        for path in SeatPath.allCases {
            let counts = seats[path] ?? .init()
            if counts.lastSeatByEnroll == 0 { gaps.append("seats \(path.rawValue): last seat never taken by an enrollment") }
            if counts.pastCapacityByEnroll == 0 { gaps.append("seats \(path.rawValue): never one past capacity") }
        }
        if seats.values.allSatisfy({ $0.lastSeatByReactivation == 0 }) {
            gaps.append("seats: the last seat never taken back by a reactivation")
        }
        for path in AttemptPath.allCases where (attemptLimits[path] ?? .init()).oneMore == 0 {
            gaps.append("attempts \(path.rawValue): never one more than allowed")
        }
        return gaps
    }

    // MARK: Output

    /// The measurement as plain rows (for `coverage --json`).
    public struct Summary: Sendable, Codable, Equatable {
        public struct Move: Sendable, Codable, Equatable {
            public var machine: String, from: String, to: String
            public var allowed: Bool, reachable: Bool
            var legacyCarriedOut: Int, legacyRefused: Int, modernCarriedOut: Int, modernRefused: Int
        }
        public struct Count: Sendable, Codable, Equatable { public var name: String, count: Int }
        public struct Seats: Sendable, Codable, Equatable {
            public var path: String
            var lastSeatByEnroll: Int, lastSeatByReactivation: Int
            var pastCapacityByEnroll: Int, pastCapacityByReactivation: Int
        }
        public struct Attempts: Sendable, Codable, Equatable { public var path: String, lastAllowed: Int, oneMore: Int }
        public var scenarios: Int, commands: Int
        public var transitions: [Move], boundaries: [Count], seats: [Seats], attemptLimits: [Attempts]
        public var gaps: [String]
    }

    public var summary: Summary {
        Summary(
            scenarios: scenarios, commands: commands,
            transitions: Self.pairs.map { pair in
                let l = legacy[pair] ?? .init(), m = modern[pair] ?? .init()
                return .init(machine: pair.machine.rawValue, from: pair.from, to: pair.to,
                             allowed: pair.machine.allows(from: pair.from, to: pair.to),
                             reachable: pair.machine.unreachableReason(from: pair.from, to: pair.to) == nil,
                             legacyCarriedOut: l.carriedOut, legacyRefused: l.refused,
                             modernCarriedOut: m.carriedOut, modernRefused: m.refused)
            },
            boundaries: BoundaryPoint.allCases.map { .init(name: $0.rawValue, count: boundaries[$0] ?? 0) },
            seats: SeatPath.allCases.map { path in
                let c = seats[path] ?? .init()
                return .init(path: path.rawValue, lastSeatByEnroll: c.lastSeatByEnroll,
                             lastSeatByReactivation: c.lastSeatByReactivation,
                             pastCapacityByEnroll: c.pastCapacityByEnroll,
                             pastCapacityByReactivation: c.pastCapacityByReactivation)
            },
            attemptLimits: AttemptPath.allCases.map { path in
                let c = attemptLimits[path] ?? .init()
                return .init(path: path.rawValue, lastAllowed: c.lastAllowed, oneMore: c.oneMore)
            },
            gaps: gaps)
    }

    /// One transition table per machine, then the boundaries, seats and attempt limits, as Markdown.
    public var markdown: String {
        var lines: [String] = ["Transition coverage over \(scenarios) scenarios, \(commands) commands "
            + "(carried out / refused commands aiming at the move; `-`: no command can aim at it).", ""]
        for machine in CoverageMachine.allCases {
            lines += ["### \(machine.rawValue)", "",
                      "| move | modern table | legacy carried out | legacy refused | modern carried out | modern refused |",
                      "|---|---|---:|---:|---:|---:|"]
            for pair in Self.pairs where pair.machine == machine {
                let table = pair.machine.allows(from: pair.from, to: pair.to) ? "allowed" : "refused"
                if machine.unreachableReason(from: pair.from, to: pair.to) != nil,
                   (legacy[pair] ?? .init()).attempted + (modern[pair] ?? .init()).attempted == 0 {
                    lines.append("| \(pair.from) → \(pair.to) | \(table) | - | - | - | - |")
                    continue
                }
                let l = legacy[pair] ?? .init(), m = modern[pair] ?? .init()
                lines.append("| \(pair.from) → \(pair.to) | \(table) | \(l.carriedOut) | \(l.refused) | \(m.carriedOut) | \(m.refused) |")
            }
            lines.append("")
        }
        lines += ["### Boundaries (modern world before the command)", "", "| boundary | commands |", "|---|---:|"]
        for point in BoundaryPoint.allCases { lines.append("| \(point.rawValue) | \(boundaries[point] ?? 0) |") }
        lines += ["", "### Seats (capacity counter)", "",
                  "| seat came free | last seat: enroll | last seat: reactivation | one past: enroll | one past: reactivation |",
                  "|---|---:|---:|---:|---:|"]
        for path in SeatPath.allCases {
            let c = seats[path] ?? .init()
            lines.append("| \(path.rawValue) | \(c.lastSeatByEnroll) | \(c.lastSeatByReactivation) | "
                         + "\(c.pastCapacityByEnroll) | \(c.pastCapacityByReactivation) |")
        }
        lines += ["", "### Attempt limit (attempts counter)", "",
                  "| earlier attempts | last allowed | one more |", "|---|---:|---:|"]
        for path in AttemptPath.allCases {
            let c = attemptLimits[path] ?? .init()
            lines.append("| \(path.rawValue) | \(c.lastAllowed) | \(c.oneMore) |")
        }
        let gaps = gaps
        lines += ["", gaps.isEmpty ? "Every transition and boundary is covered." : "Gaps:"]
        lines += gaps.map { "- \($0)" }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The statuses a side keeps, read without changing anything.
protocol StatusLookup {
    func courseStatus(_ id: Int) -> String?
    func enrollmentStatus(user: Int, course: Int) -> String?
    func attemptStatus(_ id: Int) -> String?
    /// The course of a lesson and whether it is the course's last lesson.
    func lessonPlace(_ lesson: Int) -> (course: Int, isLast: Bool)?
}

/// Both sides' `enrollmentStatus(user:course:)` comes from their ``ListenerContext`` conformance.
extension ModernWorld: StatusLookup {
    func courseStatus(_ id: Int) -> String? { courses[id]?.status.rawValue }
    func attemptStatus(_ id: Int) -> String? { attempts[id]?.status.rawValue }
    func lessonPlace(_ lesson: Int) -> (course: Int, isLast: Bool)? {
        guard let course = lessonCourse[lesson], let lessons = courses[course]?.lessons else { return nil }
        return (course, lessons.last == lesson)
    }
}

/// `enrollmentStatus(user:course:)` comes from its ``ListenerContext`` conformance.
extension LegacyLMS: StatusLookup {
    func courseStatus(_ id: Int) -> String? { courses[id]?.status }
    func attemptStatus(_ id: Int) -> String? { attempts[id]?.status }
    func lessonPlace(_ lesson: Int) -> (course: Int, isLast: Bool)? {
        guard let course = lessonCourse[lesson], let lessons = courses[course]?.lessons else { return nil }
        return (course, lessons.last == lesson)
    }
}
