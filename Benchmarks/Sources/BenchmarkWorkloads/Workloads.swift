import Foundation
import LMS
import LMSShadow
import ShadowKit

/// The one generated input every throughput workload runs on, built once per process outside any timed region.
///
/// Commands are already decoded (`LMSCommand` values straight from the generator): neither the bare nor the
/// full workload parses JSON, so the ratio compares applying + comparing + storing against applying alone.
public enum Corpus {
    /// Seed of the generated traffic (the same as `make run`'s default).
    public static let seed: UInt64 = 20_261_125
    /// Scenarios per iteration; `SHADOWGATE_BENCH_SCENARIOS` overrides (generated scenarios average ~69 commands).
    public static let scenarioCount = ProcessInfo.processInfo.environment["SHADOWGATE_BENCH_SCENARIOS"]
        .flatMap(Int.init) ?? 3_000
    /// The day accepted rules are checked against, fixed so that expiry never changes a result.
    public static let day = "2026-11-25"

    public static let scenarios: [ScenarioInput<LMSCommand>] = generate(count: scenarioCount)

    public static let commandCount = scenarios.reduce(0) { $0 + $1.commands.count }

    /// Generates the corpus and says once, on standard error, what every throughput workload runs on.
    public static let announced: Bool = {
        let line = "corpus: seed \(seed), \(scenarios.count) scenarios, \(commandCount) commands\n"
        FileHandle.standardError.write(Data(line.utf8))
        return true
    }()

    /// Scenarios `0..<count` of the seeded traffic, decoded, in memory.
    public static func generate(count: Int) -> [ScenarioInput<LMSCommand>] {
        var source = GeneratedSource(seed: seed, count: count)
        var scenarios: [ScenarioInput<LMSCommand>] = []
        scenarios.reserveCapacity(count)
        // A generated source cannot fail: it throws only because the protocol lets file readers throw.
        while let scenario = try? source.nextScenario() { scenarios.append(scenario) }
        return scenarios
    }

    /// The repository root, found from this file's place in it (`Benchmarks/Sources/BenchmarkWorkloads/`).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The comparator and accepted rules `shadowgate run` uses by default, so the full run does the real work.
    public static let rules: (comparator: OutcomeComparator, accepted: AcceptedRules) = {
        let scenarios = repositoryRoot.appendingPathComponent("scenarios")
        let comparatorPath = scenarios.appendingPathComponent("comparator.yaml").path
        let acceptedPath = scenarios.appendingPathComponent("accepted.yaml").path
        do {
            return (OutcomeComparator(rules: try ComparatorRules.load(path: comparatorPath)),
                    try AcceptedRules.load(path: acceptedPath))
        } catch {
            fatalError("cannot load the run configuration from \(scenarios.path): \(error)")
        }
    }()

    /// `shadowgate run`'s options (default batch size and examples per signature) with the shipped rules.
    public static func runOptions(workers: Int) -> RunOptions {
        RunOptions(workers: workers, comparator: rules.comparator, accepted: rules.accepted, day: day)
    }
}

/// A sink that only counts what it is given: the runner's cost without the store.
public struct CountingSink: RunSink {
    public var divergences = 0
    public var sideEffectRows = 0
    public init() {}
    public mutating func consume(_ batch: BatchOutput) throws {
        divergences += batch.divergences.count
        sideEffectRows += batch.sideEffects.count
    }
}

/// Both implementations, nothing else: the limit a shadow run can approach.
public enum Bare {
    /// Applies every command of `scenarios` to a fresh legacy and a fresh modern world per scenario, advancing
    /// the scenario clock exactly as ``ShadowRunner`` does. Returns the commands applied and a checksum of the
    /// outcomes so the optimiser cannot drop the work.
    public static func apply(_ scenarios: ArraySlice<ScenarioInput<LMSCommand>>) -> (commands: Int, checksum: Int) {
        let subject = LMSSubject()
        var commands = 0
        var checksum = 0
        for scenario in scenarios {
            var control = subject.makeControlWorld()
            var candidate = subject.makeCandidateWorld()
            guard let start = scenario.commands.first?.at else { continue }
            var now = start
            for input in scenario.commands {
                now = max(now, input.at)
                let date = Date(timeIntervalSince1970: now)
                // A thrown error is an outcome here too, as it is in the runner.
                let a = try? subject.applyControl(input.command, to: &control, now: date)
                let b = try? subject.applyCandidate(input.command, to: &candidate, now: date)
                checksum &+= (a?.events.count ?? -1) &+ (b?.events.count ?? -1)
                commands += 1
                if let seconds = subject.clockAdvance(of: input.command) { now += seconds }
            }
        }
        return (commands, checksum)
    }

    /// The same work cut into batches of `batchSize` scenarios over `workers` tasks, each taking the next batch
    /// when it is done, as the runner's task group does.
    public static func applyInParallel(_ scenarios: [ScenarioInput<LMSCommand>], workers: Int,
                                       batchSize: Int = 256) async -> (commands: Int, checksum: Int) {
        let batches = stride(from: 0, to: scenarios.count, by: batchSize).map {
            scenarios[$0 ..< min($0 + batchSize, scenarios.count)]
        }
        return await withTaskGroup(of: (commands: Int, checksum: Int).self) { group in
            var total = (commands: 0, checksum: 0)
            var next = 0
            while next < min(workers, batches.count) {
                let batch = batches[next]
                group.addTask { apply(batch) }
                next += 1
            }
            while let done = await group.next() {
                total.commands += done.commands
                total.checksum &+= done.checksum
                if next < batches.count {
                    let batch = batches[next]
                    group.addTask { apply(batch) }
                    next += 1
                }
            }
            return total
        }
    }
}

/// A full shadow run as `shadowgate run` does it: runner, comparator, accepted rules, store in WAL mode.
public enum Full {
    /// A fresh database file path, so every iteration pays for the same inserts.
    public static func temporaryDatabase() -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("shadowgate-bench-\(UUID().uuidString).sqlite").path
    }

    public static func removeDatabase(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// beginRun → runner with the store's sink → completeRun, as `RunCommand` does. Returns the commands compared.
    /// Opening (and migrating) `store` is left to the caller, outside the timed region.
    public static func run(_ scenarios: [ScenarioInput<LMSCommand>], workers: Int, store: Store) async throws -> Int {
        let subject = LMSSubject()
        let started = Date().timeIntervalSince1970
        let runId = try store.beginRun(RunMetadata(
            subject: subject.name, startedAt: started, seed: Corpus.seed, inputs: [],
            config: ["benchmark": "full"], toolVersion: "benchmark", workers: workers))
        var source = ScenarioList(scenarios)
        var sink = BackgroundSink(store.sink(runId: runId))
        let totals = try await ShadowRunner(subject: subject, options: Corpus.runOptions(workers: workers))
            .run(&source, sink: &sink)
        let finished = Date().timeIntervalSince1970
        try store.completeRun(runId, totals: totals, finishedAt: finished, duration: finished - started)
        return totals.commands
    }

    /// The runner with a sink that only counts: comparison cost without the store, for attributing time.
    public static func runWithoutStore(_ scenarios: [ScenarioInput<LMSCommand>],
                                       workers: Int) async throws -> (commands: Int, rows: Int) {
        var source = ScenarioList(scenarios)
        var sink = CountingSink()
        let totals = try await ShadowRunner(subject: LMSSubject(), options: Corpus.runOptions(workers: workers))
            .run(&source, sink: &sink)
        return (totals.commands, sink.divergences + sink.sideEffectRows)
    }
}
