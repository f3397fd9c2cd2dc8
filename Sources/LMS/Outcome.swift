import Foundation

/// What one command did on one side: the unit the shadow runner compares.
///
/// Rejections are ordinary outcomes with a stable `errorCode`; a thrown ``ImplementationFault`` is not an
/// outcome but a crash of that side (an HTTP 500 in the original app).
///
/// The `Codable` conformances of these types are their JSON trees (stored, reported, compared, and what the
/// PHP worker sends): a new field is written here once for them. It also goes into ``Behaviour`` or
/// ``SideEffects`` (what it is compared as) and into LMSShadow's typed diff `OutcomeDiff`; `OutcomeDiffTests`
/// fail until it does.
public struct Outcome: Sendable, Equatable, Codable {
    /// Whether the command was carried out.
    public enum Status: String, Sendable, Codable { case accepted, rejected }

    public var status: Status
    public var errorCode: String?
    /// Human-readable detail of a rejection ("cannot move course 7 from archived to published").
    /// Not compared: wording is free to change in a refactor; the error code is the contract.
    public var message: String?
    public var value: OutcomeValue?
    public var transitions: [StateTransition]
    public var events: [DomainEvent]
    public var jobs: [JobRecord]
    public var snapshot: [EntitySnapshot]

    public init(status: Status, errorCode: String? = nil, message: String? = nil, value: OutcomeValue? = nil,
                transitions: [StateTransition] = [], events: [DomainEvent] = [], jobs: [JobRecord] = [],
                snapshot: [EntitySnapshot] = []) {
        self.status = status
        self.errorCode = errorCode
        self.message = message
        self.value = value
        self.transitions = transitions
        self.events = events
        self.jobs = jobs
        self.snapshot = snapshot
    }

    /// A refusal with a stable error code (`invalid_transition`, `course_not_open`, ...).
    public static func rejected(_ code: String, _ message: String? = nil, transitions: [StateTransition] = [],
                                events: [DomainEvent] = [], jobs: [JobRecord] = []) -> Outcome {
        Outcome(status: .rejected, errorCode: code, message: message, transitions: transitions,
                events: events, jobs: jobs)
    }

    /// The part compared for the operation's own feature: everything but the side effects.
    public var behaviour: Behaviour {
        Behaviour(status: status, errorCode: errorCode, value: value, transitions: transitions, snapshot: snapshot)
    }

    /// The part compared for the `domain_events` feature: events emitted and listener jobs run.
    public var sideEffects: SideEffects { SideEffects(events: events, jobs: jobs) }

    /// The outcome without events and jobs.
    public struct Behaviour: Sendable, Equatable, Codable {
        public var status: Status
        public var errorCode: String?
        public var value: OutcomeValue?
        public var transitions: [StateTransition]
        public var snapshot: [EntitySnapshot]
    }

    /// Events and jobs of an outcome.
    public struct SideEffects: Sendable, Equatable, Codable {
        public var events: [DomainEvent]
        public var jobs: [JobRecord]
    }
}

/// The value a command returns. Only the fields that command produces are set.
public struct OutcomeValue: Sendable, Equatable, Codable {
    public var percent: Int?
    public var score: Double?
    public var passed: Bool?
    public var grade: Double?
    public var attemptNumber: Int?
    public var status: String?

    public init(percent: Int? = nil, score: Double? = nil, passed: Bool? = nil, grade: Double? = nil,
                attemptNumber: Int? = nil, status: String? = nil) {
        self.percent = percent
        self.score = score
        self.passed = passed
        self.grade = grade
        self.attemptNumber = attemptNumber
        self.status = status
    }
}

/// A status change of one entity, as the `state_transitions` table records it.
public struct StateTransition: Sendable, Equatable, Codable {
    public var entity: String
    public var id: String
    public var from: String
    public var to: String

    public init(entity: String, id: String, from: String, to: String) {
        self.entity = entity
        self.id = id
        self.from = from
        self.to = to
    }
}

/// A domain event with its payload, as the `domain_event_log` table records it.
public struct DomainEvent: Sendable, Equatable, Codable {
    public var name: String
    public var payload: EventPayload

    public init(_ name: String, _ payload: EventPayload) {
        self.name = name
        self.payload = payload
    }
}

/// The identifiers and figures an event carries. Unused fields stay `nil` and are left out of JSON.
public struct EventPayload: Sendable, Equatable, Codable {
    public var courseId: Int?
    public var userId: Int?
    public var lessonId: Int?
    public var quizId: Int?
    public var attemptId: Int?
    public var percent: Int?
    public var score: Double?
    public var passed: Bool?

    public init(courseId: Int? = nil, userId: Int? = nil, lessonId: Int? = nil, quizId: Int? = nil,
                attemptId: Int? = nil, percent: Int? = nil, score: Double? = nil, passed: Bool? = nil) {
        self.courseId = courseId
        self.userId = userId
        self.lessonId = lessonId
        self.quizId = quizId
        self.attemptId = attemptId
        self.percent = percent
        self.score = score
        self.passed = passed
    }
}

/// A queued listener job: processed, or failed like a row of Laravel's `failed_jobs`.
public struct JobRecord: Sendable, Equatable, Codable {
    /// Whether the listener finished or failed.
    public enum Status: String, Sendable, Codable { case processed, failed }

    /// Taken from the world's ID source; it depends on how many jobs ran before, so comparisons ignore it.
    public var id: Int
    public var listener: String
    public var event: String
    public var status: Status
    public var error: String?

    public init(id: Int, listener: String, event: String, status: Status, error: String? = nil) {
        self.id = id
        self.listener = listener
        self.event = event
        self.status = status
        self.error = error
    }
}

/// The state of one entity a command touched, after the command.
public struct EntitySnapshot: Sendable, Equatable, Codable {
    /// `course:7`, `enrollment:12/7` (user/course), `attempt:40`.
    public var key: String
    public var status: String
    public var lessons: Int?
    public var quizzes: Int?
    public var progressPercent: Int?
    public var completedLessons: Int?
    public var score: Double?
    public var answers: Int?

    public init(key: String, status: String, lessons: Int? = nil, quizzes: Int? = nil, progressPercent: Int? = nil,
                completedLessons: Int? = nil, score: Double? = nil, answers: Int? = nil) {
        self.key = key
        self.status = status
        self.lessons = lessons
        self.quizzes = quizzes
        self.progressPercent = progressPercent
        self.completedLessons = completedLessons
        self.score = score
        self.answers = answers
    }
}

/// A crash of one side while applying a command (what would be an HTTP 500), as opposed to a rejection.
public struct ImplementationFault: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Both implementations conform: one world, commands applied in order with the time injected by the caller.
public protocol LMSImplementation: Sendable {
    /// A fresh, empty world whose generated ids start from `ids`.
    init(ids: IDSource)
    /// Applies one command at time `now`. Rejections are outcomes; only crashes throw.
    mutating func apply(_ command: LMSCommand, now: Date) throws(ImplementationFault) -> Outcome
}

/// A deterministic source of generated ids (job ids), injected so both sides and every run agree.
public struct IDSource: Sendable, Equatable {
    package private(set) var nextValue: Int
    public init(startingAt first: Int = 1) { nextValue = first }
    public mutating func next() -> Int {
        defer { nextValue += 1 }
        return nextValue
    }
}

/// Stable entity keys shared by both sides' snapshots and transitions.
enum EntityKey {
    static func course(_ id: Int) -> String { "course:\(id)" }
    static func enrollment(user: Int, course: Int) -> String { "enrollment:\(user)/\(course)" }
    static func attempt(_ id: Int) -> String { "attempt:\(id)" }
}
