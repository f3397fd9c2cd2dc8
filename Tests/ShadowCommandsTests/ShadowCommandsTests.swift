import Foundation
import ShadowCommands
import ShadowKit
import ShadowReport
import ShadowRollout
import ShadowTestSupport
import Testing

/// The `shadowgate` executable end to end: version and help, usage errors, the generator's determinism,
/// a complete run (JSON document, table, database), identical results for any `--workers`, and replay.
@Suite(.tags(.endToEnd), .timeLimit(.minutes(5)))
struct ShadowCommandsTests {
    // MARK: Version, help, usage errors

    @Test func version() throws {
        let directory = try TemporaryDirectory()
        let result = try CLI.run(["--version"], in: directory.path)
        #expect(result.status == 0)
        #expect(result.stdout == ShadowGateCommand.version + "\n")
    }

    @Test func help() throws {
        let directory = try TemporaryDirectory()
        let root = try CLI.run(["--help"], in: directory.path)
        #expect(root.status == 0)
        for word in ["run", "generate", "replay", "Exit codes", "65", "malformed input"] {
            #expect(root.stdout.contains(word), "help lacks \(word)")
        }
        let run = try CLI.run(["run", "--help"], in: directory.path)
        #expect(run.status == 0)
        for option in ["--input", "--generate", "--seed", "--db", "--workers", "--features", "--json", "--quiet"] {
            #expect(run.stdout.contains(option), "run --help lacks \(option)")
        }
    }

    @Test(arguments: [
        (["run"], "give at least one --input FILE or --generate N"),
        (["run", "--generate", "5", "--workers", "0"], "--workers must be at least 1"),
        (["run", "--generate=-1"], "--generate must be zero or more"),
        (["run", "--generate", "5", "--day", "2026-13-01"], "--day must look like"),
        (["run", "--generate", "5", "--features", "course_state_machine,nope"], "unknown feature \"nope\""),
        (["run", "--generate", "5", "--bogus"], "--bogus"),
        (["run", "--generate", "many"], "many"),
        (["generate", "--out", "x.jsonl"], "--count"),
        (["generate", "--count=-1", "--out", "x.jsonl"], "--count must be zero or more"),
        (["generate", "--count", "1", "--out", "x.jsonl", "--edge-cases", "2"], "--edge-cases must be within 0...1"),
        (["replay", "--scenario", "s-000001"], "give either a FILE or --seed S"),
        (["frobnicate"], "frobnicate"),
    ] as [([String], String)])
    func usageErrorsExitWith64(arguments: [String], message: String) throws {
        let directory = try TemporaryDirectory()
        let database = arguments.first == "run" ? ["--db", "runs.sqlite"] : []
        let result = try CLI.run(arguments + database, in: directory.path)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.file("runs.sqlite")), "a usage error must not start a run")
    }

    // MARK: Generator

    @Test func generateIsDeterministic() throws {
        let directory = try TemporaryDirectory()
        for (name, seed) in [("a.jsonl", "7"), ("b.jsonl", "7"), ("c.jsonl", "8")] {
            let result = try CLI.run(["generate", "--seed", seed, "--count", "150", "--out", name], in: directory.path)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("wrote 150 scenarios"))
            #expect(result.stdout.isEmpty)
        }
        let a = try directory.read("a.jsonl")
        #expect(a.count > 10_000)
        #expect(a == (try directory.read("b.jsonl")), "same seed, same bytes")
        #expect(a != (try directory.read("c.jsonl")), "different seed, different traffic")
        // The edge-case share changes the traffic too.
        _ = try CLI.run(["generate", "--seed", "7", "--count", "150", "--out", "d.jsonl", "--edge-cases", "0"], in: directory.path)
        #expect(a != (try directory.read("d.jsonl")))
        // What it writes is a valid scenario file with 150 scenarios: the header that marks it generated traffic,
        // then lines with the documented envelope.
        let text = String(decoding: a, as: UTF8.self)
        #expect(text.hasPrefix("{\"corpus\":\"generated\",\"count\":150,\"generator\":\"lms\",\"seed\":7}\n"
                               + "{\"scenario\":\"s-000000\",\"seq\":1,\"at\":\""))
        #expect(text.hasSuffix("}\n"))
        let ids = Set(text.split(separator: "\n").compactMap { line -> String? in
            (try? JSONValue.parse(Array(line.utf8)))?["scenario"].flatMap { if case .string(let id) = $0 { id } else { nil } }
        })
        #expect(ids.count == 150)
        let empty = try CLI.run(["generate", "--count", "0", "--out", "empty.jsonl"], in: directory.path)
        #expect(empty.status == 0)
        #expect(String(decoding: try directory.read("empty.jsonl"), as: UTF8.self)
                == "{\"corpus\":\"generated\",\"count\":0,\"generator\":\"lms\",\"seed\":42}\n")
    }

    /// README: 73 is "cannot write an output file"; 65 is for malformed input, which this is not.
    @Test func generateIntoAMissingDirectoryExitsWith73() throws {
        let directory = try TemporaryDirectory()
        let result = try CLI.run(["generate", "--count", "1", "--out", "no/such/dir/out.jsonl"], in: directory.path)
        #expect(result.status == 73, "\(result.stderr)")
        #expect(result.stderr.contains("no/such/dir/out.jsonl"))
    }

    @Test func unusableDatabaseExitsWith74() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.file("db-is-a-directory"), withIntermediateDirectories: true)
        let result = try CLI.run(["run", "--generate", "1", "--db", "db-is-a-directory"] + CLI.ruleArguments, in: directory.path)
        #expect(result.status == 74, "\(result.stderr)")
        #expect(result.stderr.contains("error: db-is-a-directory: cannot open the database"))
    }

    // MARK: A complete run

    static let documentedFeatureKeys: Set<String> = ["comparisons", "matches", "accepted", "mismatches", "candidateErrors",
                                                     "stateTransitionErrors", "failedJobs"]
    static let documentedSignatureKeys: Set<String> = ["signature", "feature", "op", "kind", "count"]
    static let features: Set<String> = ["enrollment_service", "progress_service", "grading_service", "course_state_machine",
                                        "enrollment_state_machine", "attempt_state_machine", "domain_events", "grading_strategies"]

    static func object(_ value: JSONValue?) -> [String: JSONValue] {
        if case .object(let object)? = value { return object }
        return [:]
    }

    static func int(_ value: JSONValue?) -> Int? {
        if case .int(let int)? = value { return int }
        return nil
    }

    @Test func runJSONHasTheDocumentedKeysAndTheDatabaseHoldsTheRun() throws {
        let directory = try TemporaryDirectory()
        let result = try CLI.run(["run", "--generate", "80", "--seed", "11", "--db", "reports/runs.sqlite", "--json",
                                  "--workers", "2"] + CLI.ruleArguments, in: directory.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty, "no progress line when standard error is not a terminal: \(result.stderr)")
        let document = try JSONValue.parse(Array(result.stdoutData))
        let top = Self.object(document)
        #expect(Set(top.keys).isSuperset(of: ["runId", "status", "features", "divergenceSignatures"]), "\(top.keys.sorted())")
        #expect(top["status"] == .string("complete"))
        let runId = try #require(Self.int(top["runId"]))
        let features = Self.object(top["features"])
        #expect(Set(features.keys) == Self.features)
        for (name, value) in features {
            let counts = Self.object(value)
            #expect(Set(counts.keys).isSuperset(of: Self.documentedFeatureKeys), "\(name): \(counts.keys.sorted())")
            for key in Self.documentedFeatureKeys { #expect(Self.int(counts[key]) != nil, "\(name).\(key) is not an integer") }
            let comparisons = Self.int(counts["comparisons"]) ?? -1
            #expect(comparisons > 0, "\(name) was not compared")
            #expect(comparisons == (Self.int(counts["matches"]) ?? 0) + (Self.int(counts["accepted"]) ?? 0)
                    + (Self.int(counts["mismatches"]) ?? 0))
        }
        guard case .array(let signatures)? = top["divergenceSignatures"] else {
            Issue.record("divergenceSignatures is not an array")
            return
        }
        #expect(!signatures.isEmpty)
        for signature in signatures {
            let fields = Self.object(signature)
            #expect(Set(fields.keys).isSuperset(of: Self.documentedSignatureKeys), "\(fields.keys.sorted())")
            #expect((Self.int(fields["count"]) ?? 0) > 0)
            #expect(fields["kind"].flatMap { if case .string(let kind) = $0 { DivergenceKind(rawValue: kind) } else { nil } } != nil)
            #expect(fields["feature"].map { if case .string(let feature) = $0 { Self.features.contains(feature) } else { false } } == true)
        }

        // The database opens in the sqlite3 shell and holds the run.
        let database = directory.file("reports/runs.sqlite")
        let run = try CLI.sqlite(database, "SELECT id, status, seed, workers, commands > 0, error IS NULL, finished_at IS NOT NULL FROM runs")
        #expect(run == [["\(runId)", "complete", "11", "2", "1", "1", "1"]])
        let stats = try CLI.sqlite(database, "SELECT feature, comparisons, mismatches FROM feature_stats WHERE run_id = \(runId)")
        #expect(Set(stats.map { $0[0] }) == Self.features)
        for row in stats {
            #expect(row[1] == Self.int(Self.object(features[row[0]])["comparisons"]).map(String.init), "\(row)")
            #expect(row[2] == Self.int(Self.object(features[row[0]])["mismatches"]).map(String.init), "\(row)")
        }
        let storedSignatures = try CLI.sqlite(database, "SELECT COUNT(*), SUM(count) FROM signatures WHERE run_id = \(runId) AND downstream_of IS NULL")
        #expect(storedSignatures.first?.first == "\(signatures.count)")
        for table in ["divergences", "domain_event_log", "state_transitions"] {
            let count = try CLI.sqlite(database, "SELECT COUNT(*) FROM \(table) WHERE run_id = \(runId)")
            #expect((Int(count.first?.first ?? "") ?? 0) > 0, "\(table) is empty")
        }
        #expect(try CLI.sqlite(database, "PRAGMA journal_mode") == [["wal"]])
    }

    @Test func tableOnStandardOutputAndQuietPrintsNothing() throws {
        let directory = try TemporaryDirectory()
        let table = try CLI.run(["run", "--generate", "30", "--db", "runs.sqlite"] + CLI.ruleArguments, in: directory.path)
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stderr.isEmpty, "\(table.stderr)")
        for feature in Self.features { #expect(table.stdout.contains(feature), "table lacks \(feature)") }
        for header in ["compared", "match", "accepted", "unexpected", "rate", "p95 legacy", "p95 modern", "Database: runs.sqlite"] {
            #expect(table.stdout.contains(header), "table lacks \(header)")
        }
        let quiet = try CLI.run(["run", "--generate", "30", "--db", "runs.sqlite", "--quiet"] + CLI.ruleArguments, in: directory.path)
        #expect(quiet.status == 0)
        #expect(quiet.stdout.isEmpty)
        #expect(quiet.stderr.isEmpty)
        #expect(try CLI.sqlite(directory.file("runs.sqlite"), "SELECT status FROM runs ORDER BY id") == [["complete"], ["complete"]])
    }

    @Test func recordedScenariosCoverAllEightFeatures() throws {
        let directory = try TemporaryDirectory()
        let recorded = try FileManager.default.contentsOfDirectory(atPath: CLI.packageRoot.appendingPathComponent("scenarios/recorded").path)
            .filter { $0.hasSuffix(".jsonl") }.sorted()
            .map { CLI.packageRoot.appendingPathComponent("scenarios/recorded/\($0)").path }
        #expect(recorded.count >= 8)
        let result = try CLI.run(["run", "--input"] + recorded + ["--db", "runs.sqlite", "--json"] + CLI.ruleArguments,
                                 in: directory.path)
        #expect(result.status == 0, "\(result.stderr)")
        let features = Self.object(Self.object(try JSONValue.parse(Array(result.stdoutData)))["features"])
        for feature in Self.features {
            #expect((Self.int(Self.object(features[feature])["comparisons"]) ?? 0) > 0, "\(feature) has no comparisons")
        }
        let inputs = try CLI.sqlite(directory.file("runs.sqlite"), "SELECT inputs FROM runs")
        #expect(inputs.first?.first.map { $0.contains("grading_strategies.jsonl") } == true)
    }

    /// Everything but the run id and the database path.
    static func comparable(_ stdout: String) throws -> String {
        guard case .object(var document) = try JSONValue.parse(Array(stdout.utf8)) else { return "" }
        document["runId"] = nil
        document["database"] = nil
        return JSONValue.object(document).jsonText
    }

    @Test func resultsDoNotDependOnWorkers() throws {
        let directory = try TemporaryDirectory()
        _ = try CLI.run(["generate", "--seed", "3", "--count", "200", "--out", "corpus.jsonl"], in: directory.path)
        var documents: [String] = []
        for workers in ["1", "4"] {
            let result = try CLI.run(["run", "--input", "corpus.jsonl", "--generate", "100", "--seed", "4", "--db", "runs.sqlite",
                                      "--json", "--workers", workers] + CLI.ruleArguments, in: directory.path)
            #expect(result.status == 0, "\(result.stderr)")
            documents.append(try Self.comparable(result.stdout))
        }
        #expect(documents[0] == documents[1])
        let database = directory.file("runs.sqlite")
        let columns = "ordinal, scenario, seq, file, line, feature, kind, signature, diff, control_outcome, candidate_outcome, accepted_rule"
        let first = try CLI.sqlite(database, "SELECT \(columns) FROM divergences WHERE run_id = 1 ORDER BY id")
        let second = try CLI.sqlite(database, "SELECT \(columns) FROM divergences WHERE run_id = 2 ORDER BY id")
        #expect(!first.isEmpty)
        #expect(first == second)
        let signatureColumns = "signature, count, first_scenario, first_seq, first_line, last_scenario, last_seq, last_line"
        #expect(try CLI.sqlite(database, "SELECT \(signatureColumns) FROM signatures WHERE run_id = 1 ORDER BY signature")
                == (try CLI.sqlite(database, "SELECT \(signatureColumns) FROM signatures WHERE run_id = 2 ORDER BY signature")))
        #expect(try CLI.sqlite(database, "SELECT workers FROM runs ORDER BY id") == [["1"], ["4"]])
    }

    @Test func generatedAndFileInputGiveTheSameCounts() throws {
        let directory = try TemporaryDirectory()
        _ = try CLI.run(["generate", "--seed", "9", "--count", "120", "--out", "corpus.jsonl"], in: directory.path)
        let file = try CLI.run(["run", "--input", "corpus.jsonl", "--db", "runs.sqlite", "--json"] + CLI.ruleArguments, in: directory.path)
        let generated = try CLI.run(["run", "--generate", "120", "--seed", "9", "--db", "runs.sqlite", "--json"] + CLI.ruleArguments,
                                    in: directory.path)
        #expect(file.status == 0 && generated.status == 0)
        let a = Self.object(try JSONValue.parse(Array(file.stdoutData)))
        let b = Self.object(try JSONValue.parse(Array(generated.stdoutData)))
        #expect(a["features"] == b["features"])
        #expect(a["divergenceSignatures"] == b["divergenceSignatures"])
    }

    // MARK: Replay

    @Test func replayShowsBothSidesAndMarksDivergences() throws {
        let directory = try TemporaryDirectory()
        let subject = LMSSubjectLines.publishWithoutLessons
        try directory.write("quirk.jsonl", lines: subject)
        let result = try CLI.run(["replay", "quirk.jsonl", "--scenario", "q-1"] + CLI.ruleArguments, in: directory.path)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first { $0.contains("seq 1") }?.hasPrefix(" ") == true, "seq 1 agrees")
        let publish = try #require(lines.first { $0.contains("seq 2") })
        #expect(publish.hasPrefix("✗"))
        #expect(publish.contains("course.publish") && publish.contains("quirk.jsonl:2"))
        #expect(result.stdout.contains("legacy: "))
        #expect(result.stdout.contains("modern: "))
        #expect(result.stdout.contains("rejection_mismatch [course_state_machine] accepted by legacy.publish_without_lessons"))
        #expect(result.stdout.contains("2 commands"))
        let upto = try CLI.run(["replay", "quirk.jsonl", "--scenario", "q-1", "--upto", "1"] + CLI.ruleArguments, in: directory.path)
        #expect(upto.status == 0)
        #expect(upto.stdout.contains("1 commands, 0 divergences"))
        let missing = try CLI.run(["replay", "quirk.jsonl", "--scenario", "q-9"] + CLI.ruleArguments, in: directory.path)
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("scenario \"q-9\" not found"))
    }

    @Test func replayRegeneratesAGeneratedScenarioFromItsSeed() throws {
        let directory = try TemporaryDirectory()
        _ = try CLI.run(["generate", "--seed", "5", "--count", "4", "--out", "corpus.jsonl"], in: directory.path)
        let fromFile = try CLI.run(["replay", "corpus.jsonl", "--scenario", "s-000003"] + CLI.ruleArguments, in: directory.path)
        let fromSeed = try CLI.run(["replay", "--seed", "5", "--scenario", "s-000003"] + CLI.ruleArguments, in: directory.path)
        #expect(fromFile.status == 0 && fromSeed.status == 0)
        // The same outcomes; only the file:line references differ.
        let strip = { (text: String) in text.replacingOccurrences(of: #"  \(corpus\.jsonl:\d+\)"#, with: "", options: .regularExpression) }
        #expect(strip(fromFile.stdout) == fromSeed.stdout)
    }
}

/// Hand-written scenario lines for the CLI tests.
enum LMSSubjectLines {
    /// Legacy publishes a course without lessons; modern refuses.
    static let publishWithoutLessons = [
        #"{"scenario":"q-1","seq":1,"at":"2026-11-24T10:00:00Z","op":"course.create","courseId":1,"title":"Empty"}"#,
        #"{"scenario":"q-1","seq":2,"at":"2026-11-24T10:01:00Z","op":"course.publish","courseId":1}"#,
    ]
}
