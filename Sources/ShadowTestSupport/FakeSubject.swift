import Foundation
import ShadowKit

/// A status change a fake command reports, for the `state_transitions` table.
public struct FakeTransition: Sendable, Hashable {
    public var entity: String
    public var id: String
    public var from: String
    public var to: String

    public init(_ entity: String, _ id: String, from: String, to: String) {
        self.entity = entity
        self.id = id
        self.from = from
        self.to = to
    }
}

/// What one side does with a fake command: the outcome is written in the command itself, so a test can
/// produce any kind of divergence on demand.
public struct FakeScript: Sendable, Hashable {
    /// The result part of the script.
    public enum Result: Sendable, Hashable {
        /// Carried out, returning this number (`$.value.amount`).
        case value(Int)
        /// Refused with this code.
        case rejected(String)
        /// Throws ``FakeCrash`` with this message.
        case crash(String)
        /// Carried out, returning how many commands this world applied before: shows whether worlds are fresh.
        case counter
        /// Carried out, returning the time the runner passed in, in whole seconds since 1970.
        case clock
    }

    public var result: Result
    public var events: [String]
    public var failedJobs: [String]
    public var transitions: [FakeTransition]

    public init(_ result: Result, events: [String] = [], failedJobs: [String] = [], transitions: [FakeTransition] = []) {
        self.result = result
        self.events = events
        self.failedJobs = failedJobs
        self.transitions = transitions
    }

    public static func value(_ amount: Int, events: [String] = [], failedJobs: [String] = [],
                             transitions: [FakeTransition] = []) -> FakeScript {
        FakeScript(.value(amount), events: events, failedJobs: failedJobs, transitions: transitions)
    }

    public static func rejected(_ code: String, events: [String] = []) -> FakeScript {
        FakeScript(.rejected(code), events: events)
    }

    public static func crash(_ message: String) -> FakeScript { FakeScript(.crash(message)) }
    public static let counter = FakeScript(.counter)
    public static let clock = FakeScript(.clock)
}

/// One command of the fake subject: an op (`<feature>.<anything>` or `clock.advance`) and a script per side.
public struct FakeCommand: Sendable, Hashable {
    public var op: String
    public var control: FakeScript
    public var candidate: FakeScript
    /// Seconds a `clock.advance` moves the scenario clock.
    public var seconds: Int?

    /// `candidate` defaults to the control's script: both sides agree.
    public init(_ op: String, control: FakeScript, candidate: FakeScript? = nil) {
        self.op = op
        self.control = control
        self.candidate = candidate ?? control
    }

    /// Both sides do the same.
    public static func agree(_ op: String, _ script: FakeScript = .value(1)) -> FakeCommand {
        FakeCommand(op, control: script)
    }

    /// Control and candidate do different things.
    public static func differ(_ op: String, control: FakeScript, candidate: FakeScript) -> FakeCommand {
        FakeCommand(op, control: control, candidate: candidate)
    }

    /// Moves both sides' clock forward.
    public static func advance(_ seconds: Int) -> FakeCommand {
        var command = FakeCommand("clock.advance", control: .value(0))
        command.seconds = seconds
        return command
    }
}

/// What a fake command did on one side.
public struct FakeOutcome: Sendable, Equatable {
    public var rejection: String?
    public var value: Int?
    public var events: [String]
    public var failedJobs: [String]
    public var transitions: [FakeTransition]
}

/// One side's world: it only counts the commands applied to it, which is enough to see sharing between scenarios.
public struct FakeWorld: Sendable {
    public var applied = 0
    public init() {}
}

/// The thrown failure of a `crash` script.
public struct FakeCrash: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { "FakeCrash(\(message))" }
}

/// A tiny subject for engine tests: every command carries the outcome each side must produce.
///
/// Wire format of a line (besides the envelope): `"control"` and optional `"candidate"` objects with exactly one
/// of `"value": Int`, `"reject": String`, `"crash": String`, `"counter": true`, `"clock": true`, and optional
/// `"events": [String]`, `"failedJobs": [String]`, `"transitions": [[entity, id, from, to]]`.
/// `clock.advance` takes `"seconds": Int`.
public struct FakeSubject: ShadowSubject {
    public typealias Command = FakeCommand
    public typealias Outcome = FakeOutcome
    public typealias ControlWorld = FakeWorld
    public typealias CandidateWorld = FakeWorld

    public var features: [String]
    public var sideEffectsFeature: String?
    public var transitionRefusalCode: String?
    /// Whether the whole scenario is one entity (the engine's default), so a divergence makes every later one of
    /// its scenario a knock-on. Off by default: a fake command's outcomes are scripted, independent of what
    /// came before, so each command is its own entity.
    public var wholeScenarioIsOneEntity: Bool
    public var name: String { "fake" }

    public init(features: [String] = ["alpha", "beta"], sideEffectsFeature: String? = "effects",
                transitionRefusalCode: String? = "invalid_transition", wholeScenarioIsOneEntity: Bool = false) {
        self.features = features
        self.sideEffectsFeature = sideEffectsFeature
        self.transitionRefusalCode = transitionRefusalCode
        self.wholeScenarioIsOneEntity = wholeScenarioIsOneEntity
    }

    /// The command's position in its scenario (the world counts what was applied), or the whole scenario.
    public func entities(of command: FakeCommand, control: Result<FakeOutcome, any Error>, world: FakeWorld) -> [String] {
        wholeScenarioIsOneEntity ? ["*"] : ["command:\(world.applied)"]
    }

    // MARK: Wire format

    public func decode(_ line: ScenarioLine) throws(FieldError) -> FakeCommand {
        let reader = FieldReader(op: line.op, fields: line.fields)
        if line.op == "clock.advance" {
            try reader.onlyFields(["seconds"])
            let seconds = try reader.int("seconds")
            guard seconds >= 0 else { throw FieldError("field \"seconds\": time cannot move backwards (\(seconds))") }
            return .advance(seconds)
        }
        guard let feature = Self.prefix(of: line.op), features.contains(feature) else {
            throw FieldError("unknown op \"\(line.op)\"")
        }
        try reader.onlyFields(["control", "candidate"])
        guard let control = line.fields["control"] else { throw .missing("control", op: line.op) }
        let controlScript = try Self.script(control, field: "control")
        let candidateScript = try line.fields["candidate"].map { value throws(FieldError) in
            try Self.script(value, field: "candidate")
        }
        return FakeCommand(line.op, control: controlScript, candidate: candidateScript)
    }

    public func encode(_ command: FakeCommand) -> (op: String, fields: [String: JSONValue]) {
        if let seconds = command.seconds { return (command.op, ["seconds": .int(seconds)]) }
        var fields = ["control": Self.tree(command.control)]
        if command.candidate != command.control { fields["candidate"] = Self.tree(command.candidate) }
        return (command.op, fields)
    }

    static func prefix(of op: String) -> String? {
        guard let dot = op.firstIndex(of: "."), dot != op.startIndex else { return nil }
        return String(op[..<dot])
    }

    static func script(_ value: JSONValue, field: String) throws(FieldError) -> FakeScript {
        guard case .object(let object) = value else {
            throw .mistyped(field, expected: "object", got: value)
        }
        let known = ["value", "reject", "crash", "counter", "clock", "events", "failedJobs", "transitions"]
        for name in object.keys.sorted() where !known.contains(name) {
            throw FieldError("unknown field \"\(field).\(name)\"; expected one of \(known.joined(separator: ", "))")
        }
        var results: [FakeScript.Result] = []
        if let amount = object["value"] {
            guard case .int(let int) = amount else { throw .mistyped("\(field).value", expected: "integer", got: amount) }
            results.append(.value(int))
        }
        if let code = object["reject"] {
            guard case .string(let text) = code else { throw .mistyped("\(field).reject", expected: "string", got: code) }
            results.append(.rejected(text))
        }
        if let message = object["crash"] {
            guard case .string(let text) = message else { throw .mistyped("\(field).crash", expected: "string", got: message) }
            results.append(.crash(text))
        }
        if object["counter"] == .bool(true) { results.append(.counter) }
        if object["clock"] == .bool(true) { results.append(.clock) }
        guard results.count == 1, let result = results.first else {
            throw FieldError("field \"\(field)\": needs exactly one of value, reject, crash, counter, clock")
        }
        let events = try strings(object["events"], "\(field).events")
        let failedJobs = try strings(object["failedJobs"], "\(field).failedJobs")
        var transitions: [FakeTransition] = []
        if let list = object["transitions"] {
            guard case .array(let items) = list else { throw .mistyped("\(field).transitions", expected: "array", got: list) }
            for (index, item) in items.enumerated() {
                let parts = try strings(item, "\(field).transitions[\(index)]")
                guard parts.count == 4 else {
                    throw FieldError("field \"\(field).transitions[\(index)]\": expected [entity, id, from, to]")
                }
                transitions.append(FakeTransition(parts[0], parts[1], from: parts[2], to: parts[3]))
            }
        }
        return FakeScript(result, events: events, failedJobs: failedJobs, transitions: transitions)
    }

    private static func strings(_ value: JSONValue?, _ field: String) throws(FieldError) -> [String] {
        guard let value else { return [] }
        guard case .array(let items) = value else { throw .mistyped(field, expected: "array of strings", got: value) }
        var out: [String] = []
        for item in items {
            guard case .string(let text) = item else { throw .mistyped(field, expected: "array of strings", got: item) }
            out.append(text)
        }
        return out
    }

    static func tree(_ script: FakeScript) -> JSONValue {
        var object: [String: JSONValue] = [:]
        switch script.result {
        case .value(let amount): object["value"] = .int(amount)
        case .rejected(let code): object["reject"] = .string(code)
        case .crash(let message): object["crash"] = .string(message)
        case .counter: object["counter"] = .bool(true)
        case .clock: object["clock"] = .bool(true)
        }
        if !script.events.isEmpty { object["events"] = .array(script.events.map(JSONValue.string)) }
        if !script.failedJobs.isEmpty { object["failedJobs"] = .array(script.failedJobs.map(JSONValue.string)) }
        if !script.transitions.isEmpty {
            object["transitions"] = .array(script.transitions.map {
                .array([.string($0.entity), .string($0.id), .string($0.from), .string($0.to)])
            })
        }
        return .object(object)
    }

    // MARK: Applying

    public func feature(of command: FakeCommand) -> String? {
        command.seconds == nil ? Self.prefix(of: command.op) : nil
    }

    public func clockAdvance(of command: FakeCommand) -> Double? { command.seconds.map(Double.init) }

    public func makeControlWorld() -> FakeWorld { FakeWorld() }
    public func makeCandidateWorld() -> FakeWorld { FakeWorld() }

    public func applyControl(_ command: FakeCommand, to world: inout FakeWorld, now: Date) throws -> FakeOutcome {
        try Self.apply(command.control, to: &world, now: now)
    }

    public func applyCandidate(_ command: FakeCommand, to world: inout FakeWorld, now: Date) throws -> FakeOutcome {
        try Self.apply(command.candidate, to: &world, now: now)
    }

    static func apply(_ script: FakeScript, to world: inout FakeWorld, now: Date) throws -> FakeOutcome {
        defer { world.applied += 1 }
        var outcome = FakeOutcome(rejection: nil, value: nil, events: script.events, failedJobs: script.failedJobs,
                                  transitions: script.transitions)
        switch script.result {
        case .value(let amount): outcome.value = amount
        case .rejected(let code): outcome.rejection = code
        case .crash(let message): throw FakeCrash(message: message)
        case .counter: outcome.value = world.applied
        case .clock: outcome.value = Int(now.timeIntervalSince1970)
        }
        return outcome
    }

    // MARK: Comparing

    public func behavioursEqual(_ control: FakeOutcome, _ candidate: FakeOutcome) -> Bool {
        control.rejection == candidate.rejection && control.value == candidate.value
            && control.transitions == candidate.transitions
    }

    public func sideEffectsEqual(_ control: FakeOutcome, _ candidate: FakeOutcome) -> Bool {
        control.events == candidate.events && control.failedJobs == candidate.failedJobs
    }

    /// `{"status", "code"?, "value": {"amount"}?, "transitions": [...]}`.
    public func behaviourTree(_ outcome: FakeOutcome) -> JSONValue {
        var object: [String: JSONValue] = [
            "status": .string(outcome.rejection == nil ? "accepted" : "rejected"),
            "transitions": .array(outcome.transitions.map {
                .object(["entity": .string($0.entity), "id": .string($0.id), "from": .string($0.from), "to": .string($0.to)])
            }),
        ]
        if let code = outcome.rejection { object["code"] = .string(code) }
        if let value = outcome.value { object["value"] = .object(["amount": .int(value)]) }
        return .object(object)
    }

    /// `{"events": [{"name"}], "jobs": [{"listener", "status"}]}`.
    public func sideEffectsTree(_ outcome: FakeOutcome) -> JSONValue {
        .object([
            "events": .array(outcome.events.map { .object(["name": .string($0)]) }),
            "jobs": .array(outcome.failedJobs.map { .object(["listener": .string($0), "status": .string("failed")]) }),
        ])
    }

    public func outcomeTree(_ outcome: FakeOutcome) -> JSONValue {
        guard case .object(var behaviour) = behaviourTree(outcome),
              case .object(let effects) = sideEffectsTree(outcome) else { return .null }
        behaviour.merge(effects) { first, _ in first }
        return .object(behaviour)
    }

    public func rejectionCode(_ outcome: FakeOutcome) -> String? { outcome.rejection }

    public func records(_ outcome: FakeOutcome) -> SideEffectRecords {
        SideEffectRecords(
            events: outcome.events.map { SideEffectRecords.Event(name: $0, payloadJSON: "{}") },
            transitions: outcome.transitions.map {
                SideEffectRecords.Transition(entity: $0.entity, entityId: $0.id, from: $0.from, to: $0.to)
            },
            failedJobs: outcome.failedJobs.map { SideEffectRecords.FailedJob(job: $0, event: "FakeEvent", error: "scripted failure") })
    }
}
