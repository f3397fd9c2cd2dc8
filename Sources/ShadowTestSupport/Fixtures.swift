import Foundation
import ShadowKit

/// Fixed values shared by engine tests, so nothing depends on the day or the machine.
public enum Fixtures {
    /// The day accepted rules are checked against: `2026-11-24`.
    public static let day = "2026-11-24"
    /// `2026-11-24T10:00:00Z` in seconds since 1970.
    public static let start: Double = 1_795_514_400

    /// A private, empty, migrated in-memory store.
    public static func memoryStore(schemas: [StoreSchema] = []) throws(StoreError) -> Store {
        try Store(path: ":memory:", schemas: schemas)
    }

    /// Run options pinned to ``day``; small batches so that even small inputs are split across workers.
    public static func options(workers: Int = 1, features: Set<String>? = nil,
                               comparator: OutcomeComparator = OutcomeComparator(), accepted: AcceptedRules = AcceptedRules(),
                               day: String = Fixtures.day, examplesPerSignature: Int = 20,
                               batchSize: Int = 4) -> RunOptions {
        RunOptions(workers: workers, features: features, comparator: comparator, accepted: accepted, day: day,
                   examplesPerSignature: examplesPerSignature, batchSize: batchSize)
    }

    /// Both sides' outcome of every command of every scenario of `source`, each scenario on fresh worlds with
    /// the clock advanced as the runner advances it; `nil` where a side threw.
    public static func outcomes<Subject: ShadowSubject>(_ subject: Subject,
                                                        _ source: inout some ScenarioSource<Subject.Command>) throws
        -> [(control: Subject.Outcome?, candidate: Subject.Outcome?)] {
        var outcomes: [(control: Subject.Outcome?, candidate: Subject.Outcome?)] = []
        while let scenario = try source.nextScenario() {
            // Fresh worlds per item: right for whole scenarios only, which is all these tests read.
            precondition(!scenario.continues && !scenario.continuesPrevious, "a part of a long scenario")
            var control = subject.makeControlWorld()
            var candidate = subject.makeCandidateWorld()
            var clock = ScenarioClock(start: scenario.commands.first?.at ?? 0)
            let times = ScenarioClock.times(scenario.commands, clock: &clock, advance: subject.clockAdvance(of:))
            for (input, now) in zip(scenario.commands, times) {
                let date = Date(timeIntervalSince1970: now)
                outcomes.append((try? subject.applyControl(input.command, to: &control, now: date),
                                 try? subject.applyCandidate(input.command, to: &candidate, now: date)))
            }
        }
        return outcomes
    }

    /// Scenario file lines of one scenario, one command a minute from `start`, seq from 1.
    public static func lines<Subject: ShadowSubject>(_ subject: Subject, scenario: String, _ commands: [Subject.Command],
                                                     start: Double = Fixtures.start, step: Double = 60) -> [String] {
        commands.enumerated().map { index, command in
            let (op, fields) = subject.encode(command)
            return ScenarioLine(scenario: scenario, seq: index + 1, at: start + Double(index) * step, op: op,
                                fields: fields).jsonLine
        }
    }

    /// In-memory scenarios with seq from 1, one command every `step` seconds, ordinals in order.
    public static func scenarios<Command: Sendable>(_ list: [(id: String, commands: [Command])],
                                                    file: String = "memory", start: Double = Fixtures.start,
                                                    step: Double = 60,
                                                    opOf: (Command) -> String) -> [ScenarioInput<Command>] {
        list.enumerated().map { ordinal, entry in
            ScenarioInput(id: entry.id, file: file, ordinal: ordinal, commands: entry.commands.enumerated().map { index, command in
                InputCommand(seq: index + 1, at: start + Double(index) * step, op: opOf(command), line: index + 1,
                             command: command)
            })
        }
    }
}

/// A directory under the system temporary directory, removed when the value is released.
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("shadowgate-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// The path of `name` inside the directory (not created).
    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// Writes `text` as UTF-8 and returns the path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        try write(name, bytes: Array(text.utf8))
    }

    /// Writes lines, each followed by `\n`.
    @discardableResult
    public func write(_ name: String, lines: [String]) throws -> String {
        try write(name, lines.map { $0 + "\n" }.joined())
    }

    /// Writes raw bytes (for invalid UTF-8 and line-ending tests) and returns the path.
    @discardableResult
    public func write(_ name: String, bytes: [UInt8]) throws -> String {
        let target = file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: target))
        return target
    }

    /// The bytes of a file in the directory.
    public func read(_ name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: file(name)))
    }
}

/// A sink that keeps every batch in memory, in the order the runner hands them over.
public struct RecordingSink: RunSink {
    public private(set) var batches: [BatchOutput] = []

    public init() {}

    public mutating func consume(_ batch: BatchOutput) throws { batches.append(batch) }

    public var divergences: [Divergence] { batches.flatMap(\.divergences) }
    public var sideEffects: [SideEffectRow] { batches.flatMap(\.sideEffects) }
}

/// Runs `source` through a ``ShadowRunner`` into a ``RecordingSink``.
public func runToMemory<Subject: ShadowSubject>(_ subject: Subject, options: RunOptions,
                                                source: inout some ScenarioSource<Subject.Command>)
    async throws -> (totals: RunTotals, sink: RecordingSink) {
    var sink = RecordingSink()
    let totals = try await ShadowRunner(subject: subject, options: options).run(&source, sink: &sink)
    return (totals, sink)
}
