import Foundation
import ShadowKit
import ShadowTestSupport
import Testing

/// `run`, `replay` and `worker-check` against worker processes, through the binary: exit codes, the stored
/// subject, and no worker left behind when ShadowGate itself is stopped.
@Suite(.tags(.endToEnd, .slow), .serialized) struct WorkerCommandTests {
    static let reference = TestPython.command + " " + CLI.packageRoot.appendingPathComponent("examples/python-worker/worker.py").path
    static let testWorker = TestPython.command + " " + CLI.packageRoot.appendingPathComponent("Tests/ShadowWorkerTests/Workers/testworker.py").path
    static let scenarios = CLI.packageRoot.appendingPathComponent("examples/python-worker/scenarios.jsonl").path

    @Test func aRunStoresItsSubjectAndCountsTheDocumentedDifference() throws {
        let directory = try TemporaryDirectory()
        let db = directory.file("w.sqlite")
        let result = try CLI.run(["run", "--input", Self.scenarios, "--db", db, "--json", "--workers", "2",
                                  "--control", "\(Self.reference) legacy", "--candidate", "\(Self.reference) modern"]
                                 + CLI.ruleArguments, in: directory.path)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONValue.parse(Array(result.stdoutData))
        #expect(json["features"]?["ledger"]?["mismatches"] == .int(1))
        #expect(json["features"]?["ledger"]?["abandoned"] == .int(0))
        let rows = try CLI.sqlite(db, "select subject, config from runs")
        #expect(rows.first?.first == "python-bank-legacy 1.0.0 vs python-bank-modern 1.0.0")
        #expect(rows.first?.last?.contains("\"candidate.command\":\"\(Self.reference) modern\"") == true)
    }

    @Test func aWorkerThatCannotStartIsExit69AndNoRunIsStored() throws {
        let directory = try TemporaryDirectory()
        let db = directory.file("w.sqlite")
        let result = try CLI.run(["run", "--input", Self.scenarios, "--db", db, "--control", "\(Self.reference) legacy",
                                  "--candidate", "\(Self.testWorker) --die-in-handshake"], in: directory.path)
        #expect(result.status == 69)
        #expect(result.stderr.contains("candidate worker"))
        #expect(result.stderr.contains("fatal: cannot boot"))
        if FileManager.default.fileExists(atPath: db) {
            #expect(try CLI.sqlite(db, "select count(*) from runs") == [["0"]])
        }
    }

    @Test func aWorkerThatKeepsFailingAbortsTheRunWith69() throws {
        let directory = try TemporaryDirectory()
        let db = directory.file("w.sqlite")
        let state = directory.file("state.log")
        let result = try CLI.run(["run", "--input", Self.scenarios, "--db", db, "--workers", "1", "--control", "\(Self.reference) legacy",
                                  "--candidate", "\(Self.testWorker) --crash-on-seq 1 --on-scenario a-1 "
                                    + "--die-in-handshake-on-restart --state-file \(state)"], in: directory.path)
        #expect(result.status == 69, "\(result.stderr)")
        #expect(try CLI.sqlite(db, "select status from runs") == [["aborted"]])
    }

    @Test func anInvalidReplyIsBadInputExit65AndTheRunAborted() throws {
        let directory = try TemporaryDirectory()
        let db = directory.file("w.sqlite")
        let input = directory.file("in.jsonl")
        try """
        {"scenario":"x","seq":1,"at":"2026-11-24T10:00:00Z","op":"account.open","accountId":1,"owner":"a","colour":"red"}

        """.write(toFile: input, atomically: true, encoding: .utf8)
        let result = try CLI.run(["run", "--input", input, "--db", db, "--control", "\(Self.reference) legacy",
                                  "--candidate", "\(Self.reference) modern"], in: directory.path)
        #expect(result.status == 65)
        #expect(result.stderr.contains("in.jsonl:1: unknown field \"colour\""))
        #expect(try CLI.sqlite(db, "select status from runs") == [["aborted"]])
    }

    @Test func workerCheckPassesTheReferenceAndNamesWhatIsWrongWithANondeterministicWorker() throws {
        let directory = try TemporaryDirectory()
        let good = try CLI.run(["worker-check", "\(Self.reference) modern", "--input", Self.scenarios], in: directory.path)
        #expect(good.status == 0, "\(good.stdout)")
        let bad = try CLI.run(["worker-check", "\(Self.testWorker) --noise", "--input", Self.scenarios], in: directory.path)
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("✗ determinism"))
        #expect(bad.stdout.contains("$.value.token"))
    }

    @Test func stoppingShadowGateLeavesNoWorkerRunning() throws {
        let directory = try TemporaryDirectory()
        let marker = "sigterm-check-\(UUID().uuidString.prefix(8))"
        let binary = try #require(CLI.binary)
        for signal in [SIGTERM, SIGINT] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["run", "--input", Self.scenarios, "--db", directory.file("s.sqlite"), "--workers", "2",
                                 "--deadline", "60000", "--control", "\(Self.reference) legacy # \(marker)",
                                 "--candidate", "\(Self.testWorker) --hang-on-seq 2 --always # \(marker)"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: 1.5)
            #expect(Self.live(marker) > 0)
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            Thread.sleep(forTimeInterval: 0.3)
            #expect(Self.live(marker) == 0, "signal \(signal)")
        }
    }

    @Test func shrinkAndTheReportsReproductionsDriveTheRunsWorkers() throws {
        let directory = try TemporaryDirectory()
        let sides = ["--control", "\(Self.reference) legacy", "--candidate", "\(Self.reference) modern"]
        let shrunk = try CLI.run(["shrink", "--input", Self.scenarios, "--scenario", "a-2"] + sides + CLI.ruleArguments,
                                 in: directory.path)
        #expect(shrunk.status == 0, "\(shrunk.stderr)")
        #expect(shrunk.stdout.contains("from 3 to 2 commands"))
        #expect(shrunk.stdout.contains("\"op\":\"account.withdraw\""))
        let db = directory.file("w.sqlite")
        let run = try CLI.run(["run", "--input", Self.scenarios, "--db", db, "--quiet"] + sides + CLI.ruleArguments,
                              in: directory.path)
        #expect(run.status == 0, "\(run.stderr)")
        let report = try CLI.run(["report", "--db", db, "--out", directory.file("report"), "--shrink-budget", "20"],
                                 in: directory.path)
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOfFile: directory.file("report/index.html"), encoding: .utf8)
        #expect(html.contains("--scenario a-2 --signature 63825be22f80 --control &#39;\(Self.reference) legacy&#39;"))
        #expect(html.contains("python-bank-legacy 1.0.0 vs python-bank-modern 1.0.0"))
    }

    /// Processes whose command line contains `marker`.
    static func live(_ marker: String) -> Int {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { Int($0) != nil }.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data, as: UTF8.self).contains(marker)
        }.count
    }
}
