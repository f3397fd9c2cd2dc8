import Foundation

/// A run that stopped: stored as aborted with `error`'s description. Commands report the run id and then
/// the error itself, whose type decides the exit code.
public struct RunAborted: Error, Sendable, CustomStringConvertible {
    public var runId: Int64
    public var error: any Error
    public var description: String { "\(error)" }
}

/// The lifecycle of a stored run, the same for every command that records one: begin (the run is `running`),
/// compare every scenario while the store writes on its own thread, then complete — or, on any failure from
/// reading the configuration onwards, abort (the run is stored `aborted` with the reason and never counts).
public struct RecordedRun<Subject: ShadowSubject> {
    public let subject: Subject
    public let store: Store
    public let metadata: RunMetadata

    public init(subject: Subject, store: Store, metadata: RunMetadata) {
        self.subject = subject
        self.store = store
        self.metadata = metadata
    }

    /// Begins the run, then builds the options and sources (their errors abort the run too), compares, and
    /// completes. Throws ``RunAborted`` once the run exists, or a ``StoreError`` if it cannot be begun.
    public func execute(options: () throws -> RunOptions,
                        sources: () throws -> [any ScenarioSource<Subject.Command>],
                        progress: (Int) -> Void = { _ in }) async throws -> (runId: Int64, totals: RunTotals) {
        let runId = try store.beginRun(metadata)
        func abort(_ error: any Error) -> RunAborted {
            try? store.abortRun(runId, error: "\(error)", finishedAt: Date().timeIntervalSince1970)
            return RunAborted(runId: runId, error: error)
        }
        do {
            let options = try options()
            var source = ChainedSource(try sources())
            var sink = BackgroundSink(store.sink(runId: runId))
            let totals = try await subject.compareAll(&source, with: ShadowRunner(subject: subject, options: options),
                                                      sink: &sink, progress: progress)
            let finished = Date().timeIntervalSince1970
            try store.completeRun(runId, totals: totals, finishedAt: finished, duration: finished - metadata.startedAt,
                                  inputIdentities: metadata.inputIdentities)
            return (runId, totals)
        } catch {
            throw abort(error)
        }
    }
}

/// A source whose commands are turned into another subject's commands (generated LMS traffic sent to workers).
public struct MappedSource<Base: ScenarioSource, Command: Sendable>: ScenarioSource {
    var base: Base
    let transform: (Base.Command) -> Command

    public init(_ base: Base, transform: @escaping (Base.Command) -> Command) {
        self.base = base
        self.transform = transform
    }

    public mutating func nextScenario() throws(ScenarioError) -> ScenarioInput<Command>? {
        guard let scenario = try base.nextScenario() else { return nil }
        var mapped = ScenarioInput(id: scenario.id, file: scenario.file, ordinal: scenario.ordinal,
                                   commands: scenario.commands.map {
                                       InputCommand(seq: $0.seq, at: $0.at, op: $0.op, line: $0.line,
                                                    command: transform($0.command))
                                   })
        mapped.continues = scenario.continues
        mapped.continuesPrevious = scenario.continuesPrevious
        return mapped
    }
}

/// Scenarios already in memory, handed out in order (one scenario to replay, a corpus decoded before timing).
public struct ScenarioList<Command: Sendable>: ScenarioSource {
    private let scenarios: [ScenarioInput<Command>]
    private var next = 0

    public init(_ scenarios: [ScenarioInput<Command>]) { self.scenarios = scenarios }

    public mutating func nextScenario() throws(ScenarioError) -> ScenarioInput<Command>? {
        guard next < scenarios.count else { return nil }
        defer { next += 1 }
        return scenarios[next]
    }
}
