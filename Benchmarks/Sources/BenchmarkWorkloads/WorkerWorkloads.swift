import Foundation
import ShadowKit
import ShadowWorker

/// External workers (issue 12): the same worker processes driven bare through the transport, against a full
/// shadow run of the same `TreeSubject`.
///
/// Both read the same scenarios, decoded into memory before timing starts (`WorkerCorpus.load`), so the ratio is
/// the cost of comparing and storing on top of driving the workers, as for the built-in subject. A full run
/// that reads the scenario file as it goes (what `shadowgate run --input` does) is `WorkerFull.run(streaming:)`.
public enum WorkerCorpus {
    /// Starts `pairs` workers per side (each one shakes hands) and the subject over them.
    public static func subject(control: String, candidate: String, pairs: Int,
                               options: WorkerOptions = WorkerOptions()) throws -> TreeSubject {
        let control = try WorkerSide(role: "control", command: WorkerCommand(command: control), count: pairs,
                                     options: options)
        let candidate = try WorkerSide(role: "candidate", command: WorkerCommand(command: candidate), count: pairs,
                                       options: options)
        return try TreeSubject(control: control, candidate: candidate)
    }

    /// Stops every worker of both sides.
    public static func shutdown(_ subject: TreeSubject) {
        (subject.control as? WorkerSide)?.shutdown()
        (subject.candidate as? WorkerSide)?.shutdown()
    }

    /// Every scenario of a JSON Lines file, decoded for `subject`, in memory.
    public static func load(path: String, subject: TreeSubject) throws -> [ScenarioInput<TreeCommand>] {
        var reader = try ScenarioReader(path: path, subject: subject)
        var scenarios: [ScenarioInput<TreeCommand>] = []
        while let scenario = try reader.nextScenario() { scenarios.append(scenario) }
        return scenarios
    }
}

/// The workers and the transport, nothing else: per scenario a session on each side, `begin` with every request
/// (the scenario clock advanced as the runner advances it), then `applyNext` on both sides for each command, in
/// the runner's alternating order. No `Result`s, no timing, no comparison, no store.
public enum WorkerBare {
    public static func apply(_ scenarios: ArraySlice<ScenarioInput<TreeCommand>>, subject: TreeSubject)
        -> (commands: Int, checksum: Int) {
        var commands = 0
        var checksum = 0
        for scenario in scenarios {
            guard let first = scenario.commands.first else { continue }
            var clock = ScenarioClock(start: first.at)
            let times = ScenarioClock.times(scenario.commands, clock: &clock, advance: subject.clockAdvance(of:))
            let requests = zip(scenario.commands, times).map { input, now in
                SideRequest(scenario: scenario.id, seq: input.seq, at: input.at, now: now, op: input.command.op,
                            fields: input.command.fields)
            }
            do {
                let control = try subject.control.makeSession()
                let candidate = try subject.candidate.makeSession()
                try control.begin(scenario: scenario.id, start: first.at, requests: requests, first: true, last: true)
                try candidate.begin(scenario: scenario.id, start: first.at, requests: requests, first: true, last: true)
                for input in scenario.commands {
                    // A thrown error is an outcome here too, as it is in the runner.
                    let a: TreeOutcome?, b: TreeOutcome?
                    if (scenario.ordinal &+ input.seq) & 1 == 0 {
                        a = try? control.applyNext()
                        b = try? candidate.applyNext()
                    } else {
                        b = try? candidate.applyNext()
                        a = try? control.applyNext()
                    }
                    checksum &+= (a?.tree.count ?? -1) &+ (b?.tree.count ?? -1)
                    commands += 1
                }
            } catch {
                checksum &-= 1_000_000
            }
        }
        return (commands, checksum)
    }

    /// The same cut into batches of `batchSize` scenarios over `pairs` tasks (each task checks a worker out of
    /// each side's pool per scenario), as the runner's task group does.
    public static func applyInParallel(_ scenarios: [ScenarioInput<TreeCommand>], subject: TreeSubject, pairs: Int,
                                       batchSize: Int = 256) async -> (commands: Int, checksum: Int) {
        let batches = stride(from: 0, to: scenarios.count, by: batchSize).map {
            scenarios[$0 ..< min($0 + batchSize, scenarios.count)]
        }
        return await withTaskGroup(of: (commands: Int, checksum: Int).self) { group in
            var total = (commands: 0, checksum: 0)
            var next = 0
            while next < min(pairs, batches.count) {
                let batch = batches[next]
                group.addTask { apply(batch, subject: subject) }
                next += 1
            }
            while let done = await group.next() {
                total.commands += done.commands
                total.checksum &+= done.checksum
                if next < batches.count {
                    let batch = batches[next]
                    group.addTask { apply(batch, subject: subject) }
                    next += 1
                }
            }
            return total
        }
    }
}

/// A full shadow run over workers, as `shadowgate run --control … --candidate …` does it: beginRun → runner
/// (default batch size and examples, the shipped comparator and accepted rules) → `BackgroundSink(StoreSink)`
/// → completeRun.
public enum WorkerFull {
    public static func run(_ scenarios: [ScenarioInput<TreeCommand>], subject: TreeSubject, pairs: Int,
                           store: Store) async throws -> Int {
        var source = ScenarioList(scenarios)
        return try await run(&source, subject: subject, pairs: pairs, store: store)
    }

    /// The same, reading and decoding the scenario file as it goes (what the CLI does).
    public static func run(streaming path: String, subject: TreeSubject, pairs: Int, store: Store) async throws -> Int {
        var source = try ScenarioReader(path: path, subject: subject)
        return try await run(&source, subject: subject, pairs: pairs, store: store)
    }

    static func run(_ source: inout some ScenarioSource<TreeCommand>, subject: TreeSubject, pairs: Int,
                    store: Store) async throws -> Int {
        let started = Date().timeIntervalSince1970
        let runId = try store.beginRun(RunMetadata(
            subject: subject.name, startedAt: started, seed: nil, inputs: [],
            config: ["benchmark": "workers-full"], toolVersion: "benchmark", workers: pairs))
        var sink = BackgroundSink(store.sink(runId: runId))
        let totals = try await ShadowRunner(subject: subject, options: Corpus.runOptions(workers: pairs))
            .run(&source, sink: &sink)
        let finished = Date().timeIntervalSince1970
        try store.completeRun(runId, totals: totals, finishedAt: finished, duration: finished - started)
        return totals.commands
    }

    /// The runner with a sink that only counts: splits the full run's extra cost into comparing and storing.
    public static func runWithoutStore(_ scenarios: [ScenarioInput<TreeCommand>], subject: TreeSubject,
                                       pairs: Int) async throws -> Int {
        var source = ScenarioList(scenarios)
        var sink = CountingSink()
        let totals = try await ShadowRunner(subject: subject, options: Corpus.runOptions(workers: pairs))
            .run(&source, sink: &sink)
        return totals.commands
    }
}
