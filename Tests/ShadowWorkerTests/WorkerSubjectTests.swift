import Foundation
import LMS
import LMSShadow
import ShadowKit
import ShadowTestSupport
import ShadowWorker
import Testing

/// External subjects end to end, in-process: real worker processes (Tests/ShadowWorkerTests/Workers) driven
/// through every failure path of docs/protocol.md, with nothing lost and nothing left running.
@Suite(.tags(.slow), .serialized) struct WorkerSubjectTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let testWorker = TestPython.command + " " + root.appendingPathComponent("Tests/ShadowWorkerTests/Workers/testworker.py").path
    static let referenceWorker = TestPython.command + " " + root.appendingPathComponent("examples/python-worker/worker.py").path
    static let scenarios = root.appendingPathComponent("examples/python-worker/scenarios.jsonl").path

    /// A run's totals over `file` with these sides (worker commands or sides already made).
    static func run(control: any SubjectSide, candidate: any SubjectSide, secondary: (any SubjectSide)? = nil,
                    file: String = scenarios, workers: Int = 1) async throws -> RunTotals {
        let subject = try TreeSubject(control: control, candidate: candidate, secondary: secondary)
        var source = try ScenarioReader(path: file, decode: subject.decode)
        var sink = NullSink()
        return try await ShadowRunner(subject: subject, options: Fixtures.options(workers: workers, batchSize: 2))
            .run(&source, sink: &sink)
    }

    static func worker(_ flags: String, role: String = "candidate", count: Int = 1,
                       options: WorkerOptions = WorkerOptions(deadline: 2)) throws -> WorkerSide {
        try WorkerSide(role: role, command: WorkerCommand(command: "\(testWorker) \(flags)"), count: count, options: options)
    }

    static func stateFile() throws -> (path: String, lines: () -> [String]) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("worker-\(UUID().uuidString).log").path
        return (path, { ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init) })
    }

    struct NullSink: RunSink {
        mutating func consume(_ batch: BatchOutput) throws {}
    }

    /// Worker processes of this test still alive (by command line), to prove none is left behind.
    static func liveWorkers(_ marker: String) -> Int {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { Int($0) != nil }.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data, as: UTF8.self).contains(marker)
        }.count
    }

    @Test func referenceWorkersShowTheirOneDocumentedDifference() async throws {
        let totals = try await Self.run(
            control: WorkerSide(role: "control", command: WorkerCommand(command: "\(Self.referenceWorker) legacy")),
            candidate: WorkerSide(role: "candidate", command: WorkerCommand(command: "\(Self.referenceWorker) modern")))
        #expect(totals.commands == 30)
        #expect(totals.features["ledger"]?.mismatches == 1)
        #expect(totals.features["account_lifecycle"]?.mismatches == 0)
        #expect(totals.signatures.map(\.kind).sorted(by: { $0.rawValue < $1.rawValue }) == [.eventMismatch, .rejectionMismatch])
    }

    @Test func sameCommandOnBothSidesGivesZero() async throws {
        let totals = try await Self.run(control: Self.worker("--mode modern", role: "control"),
                                        candidate: Self.worker("--mode modern"))
        let features = totals.features.values
        #expect(features.reduce(0) { $0 + $1.comparisons } > 0)
        #expect(features.allSatisfy { $0.mismatches == 0 && $0.accepted == 0 && $0.noise == 0 })
        #expect(totals.signatures.isEmpty)
    }

    @Test(arguments: ["--crash-on-seq 3", "--junk-on-seq 3", "--wrong-id-on-seq 3", "--hang-on-seq 3"])
    func aBrokenWorkerIsASideErrorThenRestartedAndRebuilt(_ failure: String) async throws {
        let state = try Self.stateFile()
        let options = WorkerOptions(deadline: 1)
        let totals = try await Self.run(
            control: Self.worker("--mode legacy", role: "control"),
            candidate: Self.worker("--mode legacy \(failure) --on-scenario a-1 --state-file \(state.path)", options: options))
        // Exactly the broken command is a candidate error; every other command was compared.
        let errors = totals.features.values.reduce(0) { $0 + $1.candidateErrors }
        #expect(errors == 1)
        #expect(totals.features.values.allSatisfy { $0.abandoned == 0 })
        #expect(totals.commands == 30)
        let log = state.lines()
        #expect(log.filter { $0 == "start" }.count == 2)
        // The restarted worker got scenario a-1 again with seq 1 and 2 replayed, then seq 4 onwards.
        let afterRestart = Array(log.drop(while: { $0 != "start" }).dropFirst().drop(while: { $0 != "start" }).dropFirst())
        #expect(Array(afterRestart.prefix(4)) == ["reset a-1", "apply 1", "apply 2", "apply 4"])
        // A later scenario is compared normally: a-3 (refusals only) matches.
        let error = try #require(totals.signatures.first { $0.kind == .candidateError })
        #expect(error.first.scenario == "a-1" && error.first.seq == 3)
    }

    @Test func aFaultIsACandidateErrorWithItsMessageAndNoRestart() async throws {
        let state = try Self.stateFile()
        let subject = try TreeSubject(control: Self.worker("--mode legacy", role: "control"),
                                      candidate: Self.worker("--fault-on-seq 2 --on-scenario a-1 --state-file \(state.path)"))
        var reader = try ScenarioReader(path: Self.scenarios, decode: subject.decode)
        let first = try #require(try reader.nextScenario())
        let steps = try Replayer(subject: subject, options: Fixtures.options()).replay(first)
        let faulted = try #require(steps.first { $0.seq == 2 })
        #expect(faulted.candidate["error"] == .string("RuntimeError: boom at seq 2"))
        #expect(faulted.divergences.map(\.kind).contains(.candidateError))
        #expect(state.lines().filter { $0 == "start" }.count == 1)
    }

    @Test func pastTheRebuildLimitTheRestOfTheScenarioIsAbandonedNotDropped() async throws {
        let state = try Self.stateFile()
        let options = WorkerOptions(deadline: 2, rebuildLimit: 1)
        let totals = try await Self.run(
            control: Self.worker("--mode legacy", role: "control"),
            candidate: Self.worker("--crash-on-seq 3 --on-scenario a-1 --state-file \(state.path)", options: options))
        // a-1 has 6 commands: seq 3 broke the worker after 2 commands (over the limit of 1), so seq 4 (the
        // clock, not compared), 5 and 6 are abandoned, each counted under its feature and under the side effects.
        let abandoned = totals.features.filter { $0.key != "events" }.values.reduce(0) { $0 + $1.abandoned }
        #expect(abandoned == 2)
        #expect(totals.features["events"]?.abandoned == 2)
        #expect(totals.commands == 30)
        // The next scenario ran on a fresh worker, compared normally.
        #expect(totals.features.values.reduce(0) { $0 + $1.candidateErrors } == 1)
    }

    @Test func aWorkerThatFailsAgainAndAgainStopsTheRunAsUnavailable() async throws {
        let state = try Self.stateFile()
        await #expect(throws: SubjectUnavailable.self) {
            _ = try await Self.run(control: Self.worker("--mode legacy", role: "control"), candidate: Self.worker(
                "--crash-on-seq 1 --on-scenario a-1 --die-in-handshake-on-restart --state-file \(state.path)"))
        }
        // The first process, then five restarts that die in their handshake; the sixth is not tried.
        #expect(state.lines().filter { $0 == "start" }.count == 6)
    }

    @Test(arguments: ["--die-in-handshake", "--silent-handshake", "--bad-protocol"])
    func aBrokenHandshakeStopsBeforeAnyComparison(_ flag: String) throws {
        let error = try #require(throws: WorkerStartError.self) {
            // Only the silent worker must run into the deadline; the others answer (or die) at once, and a long
            // deadline keeps a slow interpreter start on a busy machine from looking like silence.
            let deadline: Double = flag == "--silent-handshake" ? 1 : 15
            _ = try Self.worker(flag, options: WorkerOptions(deadline: deadline, handshakeDeadline: deadline))
        }
        #expect(error.role == "candidate")
        #expect(error.command.contains(flag))
        if flag == "--die-in-handshake" { #expect(error.stderrTail.contains("fatal: cannot boot")) }
        if flag == "--bad-protocol" { #expect(error.reason.contains("protocol 2")) }
    }

    @Test func opsTheWorkerDoesNotListAreBadInputAtTheirLine() throws {
        let subject = try TreeSubject(control: Self.worker("--mode legacy", role: "control"),
                                      candidate: Self.worker("--omit-op account.close"))
        var reader = try ScenarioReader(path: Self.scenarios, decode: subject.decode)
        let error = try #require(throws: ScenarioError.self) { while try reader.nextScenario() != nil {} }
        #expect(error.message.contains("op \"account.close\" is not implemented by the candidate"))
        #expect(error.line > 0)
    }

    @Test func sidesThatDisagreeOnFeaturesAreAConfigurationError() throws {
        #expect(throws: ConfigError.self) {
            _ = try TreeSubject(control: Self.worker("--mode legacy", role: "control"),
                                candidate: Self.worker("--ops-feature-override account.open=ledger"))
        }
    }

    @Test func anInvalidReplyStopsTheRunWithTheCommandsLine() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("invalid-\(UUID()).jsonl").path
        try """
        {"scenario":"x","seq":1,"at":"2026-11-24T10:00:00Z","op":"account.open","accountId":1,"owner":"a"}
        {"scenario":"x","seq":2,"at":"2026-11-24T10:00:00Z","op":"account.deposit","accountId":1,"amount":5,"colour":"red"}

        """.write(toFile: file, atomically: true, encoding: .utf8)
        let error = await #expect(throws: ScenarioError.self) {
            _ = try await Self.run(control: Self.worker("--mode legacy", role: "control"),
                                   candidate: Self.worker("--mode modern"), file: file)
        }
        #expect(error?.line == 2)
        #expect(error?.message.contains("unknown field \"colour\"") == true)
    }

    @Test func resultsAreIdenticalForOneAndFourWorkerPairs() async throws {
        func totals(_ workers: Int) async throws -> RunTotals {
            try await Self.run(control: Self.worker("--mode legacy", role: "control", count: workers),
                               candidate: Self.worker("--mode modern", count: workers), workers: workers)
        }
        let one = try await totals(1), four = try await totals(4)
        #expect(one.features == four.features)
        #expect(one.signatures == four.signatures)
        #expect(one.commands == four.commands)
    }

    @Test func aSecondaryControlMarksNoiseAndARealDivergenceStillShows() async throws {
        let totals = try await Self.run(control: Self.worker("--mode legacy --noise", role: "control"),
                                        candidate: Self.worker("--mode modern --noise"),
                                        secondary: Self.worker("--mode legacy --noise", role: "secondary"))
        #expect(totals.features.values.reduce(0) { $0 + $1.noise } > 0)
        #expect(totals.features["ledger"]?.mismatches == 1)
        let real = try #require(totals.signatures.first { $0.kind == .rejectionMismatch })
        #expect(real.feature == "ledger" && real.op == "account.withdraw")
        // Without the secondary, the same noise is counted as unexpected.
        let noisy = try await Self.run(control: Self.worker("--mode legacy --noise", role: "control"),
                                       candidate: Self.worker("--mode modern --noise"))
        // (the first is the scenario's root, the later ones its knock-ons: the test worker names no entities)
        let unexpected = noisy.features.values.reduce(0) { $0 + $1.mismatches }
        let knockOns = noisy.features.values.reduce(0) { $0 + $1.downstream }
        #expect(unexpected >= 1 && unexpected + knockOns > 1)
    }

    @Test func aMixedBuiltinAndExternalPairMatchesTheBuiltinSubject() async throws {
        let binary = try #require(ProcessInfo.processInfo.environment["SHADOWGATE_BIN"]
                                  ?? [Self.root.appendingPathComponent(".build/debug/shadowgate").path]
                                    .first(where: FileManager.default.isExecutableFile(atPath:)),
                                  "the shadowgate binary (SHADOWGATE_BIN) serves the built-in modern side")
        var builtinSource = GeneratedSource(seed: 11, count: 30)
        var sink = NullSink()
        let builtin = try await ShadowRunner(subject: LMSSubject(), options: Fixtures.options(workers: 2))
            .run(&builtinSource, sink: &sink)
        let subject = try TreeSubject(
            control: BuiltinLMSSide(.legacy, version: "test"),
            candidate: WorkerSide(role: "candidate", command: WorkerCommand(command: "\(binary) serve-builtin modern"), count: 2))
        var source = MappedSource(GeneratedSource(seed: 11, count: 30)) { command in
            let (op, fields) = LMSCommandCodec.encode(command)
            return TreeCommand(op: op, fields: fields)
        }
        let mixed = try await ShadowRunner(subject: subject, options: Fixtures.options(workers: 2)).run(&source, sink: &sink)
        #expect(mixed.commands == builtin.commands)
        for (feature, counts) in builtin.features {
            var expected = counts
            expected.candidateRejections = mixed.features[feature]?.candidateRejections ?? -1
            #expect(mixed.features[feature] == expected, "\(feature)")
        }
        #expect(mixed.signatures.map(\.signature).sorted() == builtin.signatures.map(\.signature).sorted())
    }

    @Test func noWorkerIsLeftRunning() async throws {
        let marker = "leftover-check-\(UUID().uuidString.prefix(8))"
        do {
            let side = try Self.worker("--mode legacy --hang-on-seq 2 --always # \(marker)", count: 2,
                                       options: WorkerOptions(deadline: 0.3))
            _ = try? await Self.run(control: Self.worker("--mode legacy", role: "control"), candidate: side)
            side.shutdown()
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(Self.liveWorkers(marker) == 0)
    }
}
