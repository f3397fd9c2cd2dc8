import Foundation

/// What one side of a ``TreeSubject`` implements: the `hello` of the worker protocol (docs/protocol.md).
public struct SideInfo: Sendable, Equatable {
    public var name: String
    public var version: String
    /// Every op the side implements → the feature it is compared under (`nil`: applied, not compared).
    public var ops: [String: String?]
    public var sideEffectsFeature: String?
    /// The op whose `seconds` field moves the scenario clock.
    public var clockOp: String?
    public var transitionRefusalCode: String?
    /// Quirks the side can switch off (`quirks` in a worker's hello). On the control, ShadowGate sends a `without`
    /// probe ahead of each command the counterfactual check may need (docs/protocol.md, "Switching quirks off").
    public var quirks: [String] = []

    public init(name: String, version: String, ops: [String: String?], sideEffectsFeature: String? = nil,
                clockOp: String? = nil, transitionRefusalCode: String? = nil) {
        self.name = name
        self.version = version
        self.ops = ops
        self.sideEffectsFeature = sideEffectsFeature
        self.clockOp = clockOp
        self.transitionRefusalCode = transitionRefusalCode
    }

    /// Why two sides cannot be compared (they must agree on what each op is compared under), or `nil`.
    func disagreement(with other: SideInfo, names: (String, String)) -> String? {
        for op in Set(ops.keys).intersection(other.ops.keys).sorted() {
            let mine = ops[op] ?? nil, theirs = other.ops[op] ?? nil
            if mine != theirs {
                return "the \(names.0) compares op \"\(op)\" under \(mine ?? "nothing") but the \(names.1) under "
                    + "\(theirs ?? "nothing")"
            }
        }
        for (what, mine, theirs) in [("sideEffectsFeature", sideEffectsFeature, other.sideEffectsFeature),
                                     ("clockOp", clockOp, other.clockOp),
                                     ("transitionRefusalCode", transitionRefusalCode, other.transitionRefusalCode)]
        where mine != theirs {
            return "the \(names.0) says \(what) \(mine ?? "(none)") but the \(names.1) says \(theirs ?? "(none)")"
        }
        return nil
    }
}

/// A command as a tree subject sends it: the scenario line's op and fields, with its place.
public struct TreeCommand: Sendable, Equatable {
    public var op: String
    public var fields: [String: JSONValue]
    public init(op: String, fields: [String: JSONValue]) {
        self.op = op
        self.fields = fields
    }
}

/// One command as a side receives it: the protocol's `apply` request.
public struct SideRequest: Sendable, Equatable {
    public var scenario: String
    public var seq: Int
    /// The line's `at` and the scenario clock's time for this command, seconds since 1970.
    public var at: Double
    public var now: Double
    public var op: String
    public var fields: [String: JSONValue]
    /// Quirks to switch off in a probe of this command, run on the world as it is before the command and then
    /// undone (`without`), ahead of the command itself; `nil`: no probe. Only on the control's requests.
    public var without: Set<String>?

    public init(scenario: String, seq: Int, at: Double, now: Double, op: String, fields: [String: JSONValue],
                without: Set<String>? = nil) {
        self.scenario = scenario
        self.seq = seq
        self.at = at
        self.now = now
        self.op = op
        self.fields = fields
        self.without = without
    }
}

/// An outcome as a tree (the shape of docs/protocol.md), and the time the side reports it took.
public struct TreeOutcome: Sendable, Equatable {
    public var tree: [String: JSONValue]
    public var durationNs: UInt64?
    /// On the control's outcome with a secondary control: where the two controls differed (noise).
    public var noisePaths: Set<String> = []
    /// On the control's outcome with a secondary control: the time the secondary reported (A/A timing).
    var secondaryDurationNs: UInt64?
    public init(tree: [String: JSONValue], durationNs: UInt64? = nil) {
        self.tree = tree
        self.durationNs = durationNs
    }

    /// Keys that are not behaviour: side effects, free text, and the entities a command touched.
    static let nonBehaviourKeys: Set<String> = ["events", "jobs", "message", "entities"]
}

/// A side of a tree subject: an external worker process, or an implementation compiled in.
public protocol SubjectSide: Sendable {
    var info: SideInfo { get }
    /// A world for one scenario (for a worker: a process checked out of its pool until the session is released).
    func makeSession() throws -> any SideSession
}

/// One side's world for one scenario.
public protocol SideSession: AnyObject {
    /// Before a scenario's commands (`first`: a new scenario, so start a fresh world at `start`; otherwise the
    /// next part of the same scenario). A worker sends the requests ahead here.
    func begin(scenario: String, start: Double, requests: [SideRequest], first: Bool, last: Bool) throws
    /// The outcome of the next request, in the order `begin` gave them. Throws ``SubjectFailure`` or an error
    /// that is a crash of this side.
    func applyNext() throws -> TreeOutcome
    /// The outcome of the probe of the request `applyNext` last answered, when it had one with exactly these
    /// quirks switched off (a fault is a `.failure`); `nil` otherwise (the default: the side sends no probes).
    func probeOutcome(without quirks: Set<String>) -> Result<TreeOutcome, any Error>?
}

extension SideSession {
    public func probeOutcome(without quirks: Set<String>) -> Result<TreeOutcome, any Error>? { nil }
}

/// A session that runs a probe on its own, outside the order of its requests (`shadowgate serve-builtin`
/// answers a worker's `without` apply with it).
public protocol ProbingSession: SideSession {
    /// `request` with `quirks` switched off, on the world as it is now; the world is left as it was.
    func probe(_ request: SideRequest, without quirks: Set<String>) throws -> TreeOutcome
}

/// A side's world inside the runner: created empty, given a session when its scenario begins.
public final class SideWorld {
    var session: (any SideSession)?
    /// The second control's session (`--secondary`), on the control's world only.
    var secondary: (any SideSession)?
    init() {}
}

/// A subject whose two sides are any ``SubjectSide``s, compared on their outcome trees field by field.
public struct TreeSubject: ShadowSubject {
    public typealias Command = TreeCommand
    public typealias Outcome = TreeOutcome
    public typealias ControlWorld = SideWorld
    public typealias CandidateWorld = SideWorld

    public let control: any SubjectSide
    public let candidate: any SubjectSide
    /// A second control run on every command: where it differs from the control is noise (timestamps,
    /// random tokens), as Diffy measures it.
    public let secondary: (any SubjectSide)?
    public let name: String
    public let features: [String]
    /// The control's `quirks`: what the counterfactual check may switch off (by probes sent ahead).
    public let switchableQuirks: Set<String>
    let info: SideInfo

    /// Throws a ``ConfigError`` when the sides disagree on what each op is compared under.
    public init(control: any SubjectSide, candidate: any SubjectSide, secondary: (any SubjectSide)? = nil)
        throws(ConfigError) {
        self.control = control
        self.candidate = candidate
        self.secondary = secondary
        for (other, role) in [(candidate, "candidate"), secondary.map { ($0, "secondary") }].compactMap({ $0 }) {
            if let problem = control.info.disagreement(with: other.info, names: ("control", role)) {
                throw ConfigError(file: "\(control.info.name) vs \(other.info.name)",
                                  message: "control and \(role) disagree: \(problem)")
            }
        }
        info = control.info
        switchableQuirks = Set(control.info.quirks)
        name = "\(control.info.name) \(control.info.version) vs \(candidate.info.name) \(candidate.info.version)"
        let compared = Set(control.info.ops.values.compactMap { $0 })
        features = compared.subtracting([control.info.sideEffectsFeature].compactMap { $0 }).sorted()
    }

    public var sideEffectsFeature: String? { info.sideEffectsFeature }
    public var transitionRefusalCode: String? { info.transitionRefusalCode }

    public func decode(_ line: ScenarioLine) throws(FieldError) -> TreeCommand {
        for (role, side) in [("control", control), ("candidate", candidate), ("secondary", secondary)]
            .compactMap({ item in item.1.map { (item.0, $0) } }) where side.info.ops[line.op] == nil {
            throw FieldError("op \"\(line.op)\" is not implemented by the \(role) (\(side.info.name) "
                             + "\(side.info.version) implements \(side.info.ops.keys.sorted().joined(separator: ", ")))")
        }
        if line.op == info.clockOp {
            guard let seconds = line.fields["seconds"] else { throw .missing("seconds", op: line.op) }
            guard let value = seconds.numberValue, value.isFinite, value >= 0 else {
                throw .mistyped("seconds", expected: "a number of seconds, zero or more", got: seconds)
            }
        }
        return TreeCommand(op: line.op, fields: line.fields)
    }

    public func encode(_ command: TreeCommand) -> (op: String, fields: [String: JSONValue]) {
        (command.op, command.fields)
    }

    public func feature(of command: TreeCommand) -> String? { (info.ops[command.op] ?? nil) }

    public func clockAdvance(of command: TreeCommand) -> Double? {
        guard command.op == info.clockOp else { return nil }
        return command.fields["seconds"]?.numberValue
    }

    public func makeControlWorld() -> SideWorld { SideWorld() }
    public func makeCandidateWorld() -> SideWorld { SideWorld() }

    public func begin(_ scenario: ScenarioInput<TreeCommand>, times: [Double], control: inout SideWorld,
                      candidate: inout SideWorld) throws {
        try begin(scenario, times: times, probes: { _ in [] }, control: &control, candidate: &candidate)
    }

    /// Gives each side its requests; the control's carry a `without` probe where `probes` names quirks.
    public func begin(_ scenario: ScenarioInput<TreeCommand>, times: [Double], probes: (TreeCommand) -> Set<String>,
                      control: inout SideWorld, candidate: inout SideWorld) throws {
        let requests = zip(scenario.commands, times).map { input, now in
            SideRequest(scenario: scenario.id, seq: input.seq, at: input.at, now: now, op: input.command.op,
                        fields: input.command.fields)
        }
        var probed = requests
        if !switchableQuirks.isEmpty {
            for (index, input) in scenario.commands.enumerated() {
                let quirks = probes(input.command)
                if !quirks.isEmpty { probed[index].without = quirks }
            }
        }
        let first = !scenario.continuesPrevious
        for (world, side, sent) in [(control, self.control, probed), (candidate, self.candidate, requests)] {
            if first || world.session == nil { world.session = try side.makeSession() }
            try world.session?.begin(scenario: scenario.id, start: scenario.commands.first?.at ?? 0,
                                     requests: sent, first: first, last: !scenario.continues)
        }
        if let secondary {
            if first || control.secondary == nil { control.secondary = try secondary.makeSession() }
            try control.secondary?.begin(scenario: scenario.id, start: scenario.commands.first?.at ?? 0,
                                         requests: requests, first: first, last: !scenario.continues)
        }
    }

    public func applyControl(_ command: TreeCommand, to world: inout SideWorld, now: Date) throws -> TreeOutcome {
        let secondaryOutcome = world.secondary.map { session in Result { try session.applyNext() } }
        var outcome = try Self.apply(world)
        if case .success(let other)? = secondaryOutcome {
            let paths = OutcomeComparator().diff(.object(outcome.tree), .object(other.tree)).map(\.path)
            outcome.noisePaths = Set(paths)
            outcome.secondaryDurationNs = other.durationNs
        }
        return outcome
    }

    /// The probe the control's session ran ahead of this command with exactly `quirks` switched off, or `nil`
    /// (no probe, or one with another set: the divergence stays unexplained, never wrongly explained).
    public func applyControl(_ command: TreeCommand, without quirks: Set<String>, on world: SideWorld,
                             now: Date) throws -> TreeOutcome? {
        try world.session?.probeOutcome(without: quirks)?.get()
    }

    public func applyCandidate(_ command: TreeCommand, to world: inout SideWorld, now: Date) throws -> TreeOutcome {
        try Self.apply(world)
    }

    private static func apply(_ world: SideWorld) throws -> TreeOutcome {
        guard let session = world.session else { throw SubjectFailure.abandoned("no session for this scenario") }
        return try session.applyNext()
    }

    public func behavioursEqual(_ control: TreeOutcome, _ candidate: TreeOutcome) -> Bool {
        for (key, value) in control.tree where !TreeOutcome.nonBehaviourKeys.contains(key) {
            if candidate.tree[key] != value { return false }
        }
        for key in candidate.tree.keys where !TreeOutcome.nonBehaviourKeys.contains(key) && control.tree[key] == nil {
            return false
        }
        return true
    }

    public func sideEffectsEqual(_ control: TreeOutcome, _ candidate: TreeOutcome) -> Bool {
        control.tree["events"] == candidate.tree["events"] && control.tree["jobs"] == candidate.tree["jobs"]
    }

    public func behaviourTree(_ outcome: TreeOutcome) -> JSONValue {
        .object(outcome.tree.filter { !TreeOutcome.nonBehaviourKeys.contains($0.key) })
    }

    public func sideEffectsTree(_ outcome: TreeOutcome) -> JSONValue {
        .object(["events": outcome.tree["events"] ?? .array([]), "jobs": outcome.tree["jobs"] ?? .array([])])
    }

    public func outcomeTree(_ outcome: TreeOutcome) -> JSONValue { .object(outcome.tree) }

    public func rejectionCode(_ outcome: TreeOutcome) -> String? {
        guard outcome.tree["status"] == .string("rejected") else { return nil }
        if case .string(let code)? = outcome.tree["errorCode"] { return code }
        return "rejected"
    }

    public func reportedDuration(_ outcome: TreeOutcome) -> UInt64? { outcome.durationNs }

    public func noisePaths(_ control: TreeOutcome) -> Set<String> { control.noisePaths }

    public func secondaryDuration(_ control: TreeOutcome) -> UInt64? { control.secondaryDurationNs }

    public func failedJobCount(_ outcome: TreeOutcome) -> Int {
        guard case .array(let jobs)? = outcome.tree["jobs"] else { return 0 }
        return jobs.count { $0["status"] == .string("failed") }
    }

    /// The `entities` of the control's outcome (strings; docs/protocol.md); without them (or when the control
    /// crashed) the whole scenario is one entity.
    public func entities(of command: TreeCommand, control: Result<TreeOutcome, any Error>, world: SideWorld) -> [String] {
        guard case .success(let outcome) = control, case .array(let values)? = outcome.tree["entities"] else {
            return [KnockOnChains.wholeScenario]
        }
        let keys = values.compactMap { value -> String? in if case .string(let key) = value { key } else { nil } }
        return keys.isEmpty ? [KnockOnChains.wholeScenario] : keys
    }

    public func records(_ outcome: TreeOutcome) -> SideEffectRecords {
        var records = SideEffectRecords()
        func text(_ value: JSONValue?) -> String {
            switch value {
            case .string(let s)?: s
            case nil, .null?: ""
            case let other?: other.jsonText
            }
        }
        if case .array(let events)? = outcome.tree["events"] {
            records.events = events.map { .init(name: text($0["name"]), payloadJSON: ($0["payload"] ?? .object([:])).jsonText) }
        }
        if case .array(let transitions)? = outcome.tree["transitions"] {
            records.transitions = transitions.map {
                .init(entity: text($0["entity"]), entityId: text($0["id"]), from: text($0["from"]), to: text($0["to"]))
            }
        }
        if case .array(let jobs)? = outcome.tree["jobs"] {
            records.failedJobs = jobs.filter { $0["status"] == .string("failed") }.map {
                .init(job: text($0["listener"]), event: text($0["event"]), error: text($0["error"]))
            }
        }
        return records
    }
}
