import Foundation
import GRDB
import LMS
import LMSShadow
@testable import ShadowKit
import ShadowTestSupport
import Testing

/// The run database: schema and migrations, what a complete run leaves in every table, and what an aborted
/// run leaves (status, error with file:line, no statistics).
@Suite struct StoreTests {
    static let tables = ["runs", "feature_stats", "latency", "signatures", "divergences", "expired_rules",
                         "domain_event_log", "state_transitions", "failed_jobs"]

    static func metadata(seed: UInt64? = 42, workers: Int = 2) -> RunMetadata {
        RunMetadata(subject: "lms", startedAt: Fixtures.start, seed: seed, inputs: ["a.jsonl", "b.jsonl"],
                    config: ["features": "all", "day": Fixtures.day], toolVersion: "9.9.9", workers: workers)
    }

    static func count(_ store: Store, _ table: String, runId: Int64) throws -> Int {
        try store.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE run_id = ?", arguments: [runId]) ?? -1
        }
    }

    static func row(_ store: Store, _ sql: String, _ arguments: StatementArguments = []) throws -> Row? {
        try store.read { db in try Row.fetchOne(db, sql: sql, arguments: arguments) }
    }

    static func rows(_ store: Store, _ sql: String, _ arguments: StatementArguments = []) throws -> [Row] {
        try store.read { db in try Row.fetchAll(db, sql: sql, arguments: arguments) }
    }

    // MARK: Schema

    @Test func fileStoreIsMigratedInWALModeAndReopens() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("nested/dir/shadowgate.sqlite")
        let runId: Int64
        do {
            let store = try Store(path: path)
            let names = try Set(store.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") })
            #expect(Set(Self.tables).isSubset(of: names), "missing: \(Set(Self.tables).subtracting(names))")
            #expect(try store.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
            runId = try store.beginRun(Self.metadata())
        }
        #expect(FileManager.default.fileExists(atPath: path))
        let reopened = try Store(path: path)
        let migrations = try reopened.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(migrations.first == "v1-runs")
        #expect(try Self.row(reopened, "SELECT status FROM runs WHERE id = ?", [runId])?["status"] == "running")
    }

    @Test func v5KeepsTheSideEffectRowsOfOlderDatabasesAndNumbersOnFromThem() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("old.sqlite")
        do {
            let queue = try DatabaseQueue(path: path)
            try Store.migrator([]).migrate(queue, upTo: "v4-append-only-side-effects")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO runs (status, subject, started_at, inputs, config, tool_version, workers)
                    VALUES ('complete', 'lms', '2026-11-24T00:00:00.000Z', '[]', '{}', 'old', 1);
                    INSERT INTO domain_event_log (run_id, scenario, seq, event_name, payload, occurred_at)
                    VALUES (1, 's-1', 3, 'LessonCompleted', '{}', '2026-11-24T00:00:01.000Z');
                    INSERT INTO state_transitions (run_id, scenario, seq, entity, entity_id, from_state, to_state,
                        transitioned_at) VALUES (1, 's-1', 4, 'course', '7', 'draft', 'published', '2026-11-24T00:00:02.000Z');
                    INSERT INTO failed_jobs (run_id, scenario, seq, job, event, exception, failed_at)
                    VALUES (1, 's-1', 5, 'IssueCertificate', 'CourseCompleted', 'no template', '2026-11-24T00:00:03.000Z');
                    """)
            }
        }
        let store = try Store(path: path)
        let event = try #require(try Self.row(store, "SELECT * FROM domain_event_log"))
        let id: Int64? = event["id"]
        let name: String? = event["event_name"]
        #expect(id == 1)
        #expect(name == "LessonCompleted")
        let toState: String? = try Self.row(store, "SELECT * FROM state_transitions")?["to_state"]
        #expect(toState == "published")
        let exception: String? = try Self.row(store, "SELECT * FROM failed_jobs")?["exception"]
        #expect(exception == "no template")
        let sql = try store.read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE tbl_name IN ('domain_event_log', 'state_transitions', 'failed_jobs')")
        }
        #expect(sql.count == 6, "three tables and their run_id indexes: \(sql)")
        #expect(!sql.contains { $0.contains("AUTOINCREMENT") })
        var sink = store.sink(runId: 1)
        try sink.consume(BatchOutput(divergences: [], sideEffects: [
            SideEffectRow(scenario: "s-2", seq: 1, at: Fixtures.start,
                          records: SideEffectRecords(events: [.init(name: "CourseCreated", payloadJSON: "{}")])),
        ], commands: 1, scenarios: 1))
        let next: Int64? = try Self.row(store, "SELECT id FROM domain_event_log WHERE scenario = 's-2'")?["id"]
        #expect(next == 2)
    }

    @Test func memoryStoresArePrivate() throws {
        let first = try Fixtures.memoryStore()
        let second = try Fixtures.memoryStore()
        _ = try first.beginRun(Self.metadata())
        #expect(try Self.rows(first, "SELECT * FROM runs").count == 1)
        #expect(try Self.rows(second, "SELECT * FROM runs").isEmpty)
    }

    @Test func unusablePathIsAStoreError() throws {
        let directory = try TemporaryDirectory()
        let error = #expect(throws: StoreError.self) { _ = try Store(path: directory.path) }
        #expect(error?.path == directory.path)
        #expect(error?.description.hasPrefix(directory.path + ": ") == true)
        #expect(error?.resultCode == .SQLITE_CANTOPEN)
    }

    @Test func aConstraintViolationKeepsSQLitesResultCode() throws {
        let store = try Fixtures.memoryStore()
        let error = #expect(throws: StoreError.self) {
            try store.write { db in try db.execute(sql: "INSERT INTO runs (id) VALUES (NULL), (1), (1)") }
        }
        #expect(error?.resultCode == .SQLITE_CONSTRAINT)
    }

    /// Event and job names come from external workers: whatever they hold, the payloads written are JSON
    /// that reads back as the same text.
    @Test func failedJobPayloadsEscapeWhatWorkersSend() throws {
        let store = try Fixtures.memoryStore()
        let runId = try store.beginRun(Self.metadata())
        let names = ["quote\"d", "back\\slash", "line\nbreak", "tab\tcr\r", "bell\u{07}nul\u{00}esc\u{1B}", "ünï\u{2028}"]
        var sink = store.sink(runId: runId)
        let records = SideEffectRecords(failedJobs: names.map { .init(job: "Job", event: $0, error: "boom") })
        try sink.consume(BatchOutput(divergences: [], sideEffects: [SideEffectRow(scenario: "s", seq: 1, at: 0, records: records)],
                                     commands: 1, scenarios: 1))
        try sink.finish()
        let payloads = try Self.rows(store, "SELECT payload FROM domain_event_log WHERE event_name = 'Job.failed' ORDER BY id")
            .map { row -> String in row["payload"] }
        #expect(payloads.count == names.count)
        for (payload, name) in zip(payloads, names) {
            #expect(try JSONValue.parse(Array(payload.utf8)) == .object(["event": .string(name)]), "\(payload)")
            let foundation = try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: String]
            #expect(foundation == ["event": name])
        }
    }

    // MARK: Runs

    @Test func beginRunRecordsTheMetadata() throws {
        let store = try Fixtures.memoryStore()
        let first = try store.beginRun(Self.metadata())
        let second = try store.beginRun(Self.metadata(seed: UInt64.max, workers: 8))
        #expect(second > first)
        let row = try #require(try Self.row(store, "SELECT * FROM runs WHERE id = ?", [first]))
        #expect(row["status"] == "running")
        #expect(row["subject"] == "lms")
        #expect(row["started_at"] == "2026-11-24T10:00:00.000Z")
        #expect(row["seed"] == 42)
        #expect(row["inputs"] == #"["a.jsonl","b.jsonl"]"#)
        #expect(row["config"] == #"{"day":"2026-11-24","features":"all"}"#)
        #expect(row["tool_version"] == "9.9.9")
        #expect(row["workers"] == 2)
        #expect(row["finished_at"] as String? == nil)
        #expect(row["error"] as String? == nil)
        // Seeds use all 64 bits.
        let big: Int64 = try #require(try Self.row(store, "SELECT seed FROM runs WHERE id = ?", [second])?["seed"])
        #expect(UInt64(bitPattern: big) == UInt64.max)
        let none = try store.beginRun(Self.metadata(seed: nil))
        #expect(try Self.row(store, "SELECT seed FROM runs WHERE id = ?", [none])?["seed"] as Int64? == nil)
    }

    /// Quirk triggers (every kind of LMS divergence) followed by generated traffic, with one expired rule.
    static func completeRun(store: Store, examples: Int = 3) async throws -> (runId: Int64, totals: RunTotals) {
        var rules = try AcceptedRules.load(path: AcceptedRulesTests.shippedRulesPath)
        // Expire the rule for the missing cancel/expire events.
        if let index = rules.rules.firstIndex(where: { $0.id == "legacy.no_event_on_cancel_or_expire" }) {
            rules.rules[index].expires = "2026-01-01"
        }
        let quirks = Fixtures.scenarios(LegacyQuirk.all.map { (id: $0.id, commands: $0.trigger) }, file: "quirks", step: 0,
                                        opOf: { $0.op.rawValue })
        var source = ChainedSource<LMSCommand>([ScenarioList(quirks), GeneratedSource(seed: 5, count: 150)])
        let runId = try store.beginRun(Self.metadata())
        var sink = store.sink(runId: runId)
        let totals = try await ShadowRunner(subject: LMSSubject(), options: Fixtures.options(workers: 3, accepted: rules,
                                                                                             examplesPerSignature: examples))
            .run(&source, sink: &sink)
        try store.completeRun(runId, totals: totals, finishedAt: Fixtures.start + 12.5, duration: 12.5)
        return (runId, totals)
    }

    @Test(.tags(.slow)) func completeRunFillsEveryTable() async throws {
        let store = try Fixtures.memoryStore()
        let (runId, totals) = try await Self.completeRun(store: store)

        let run = try #require(try Self.row(store, "SELECT * FROM runs WHERE id = ?", [runId]))
        // Row values read with their types spelled out: inferred, this function took 4 s to type-check.
        let status: String = run["status"], finishedAt: String = run["finished_at"]
        let commands: Int = run["commands"], scenarios: Int = run["scenarios"]
        let scenarioSeconds: Double = run["scenario_seconds"], duration: Double = run["duration_seconds"]
        #expect(status == "complete")
        #expect(commands == totals.commands)
        #expect(scenarios == totals.scenarios)
        #expect(scenarios == LegacyQuirk.all.count + 150)
        #expect(scenarioSeconds == totals.scenarioSeconds)
        #expect(finishedAt == "2026-11-24T10:00:12.500Z")
        #expect(duration == 12.5)
        #expect(run["error"] as String? == nil)

        // Per-feature counts: all eight features, as the totals say.
        let stats = try Self.rows(store, "SELECT * FROM feature_stats WHERE run_id = ? ORDER BY rowid", [runId])
        #expect(stats.map { $0["feature"] as String } == totals.featureOrder)
        #expect(Set(stats.map { $0["feature"] as String }) == Set(LMSFeature.allCases.map(\.rawValue)))
        for row in stats {
            let feature: String = row["feature"]
            let c = try #require(totals.features[feature])
            #expect(c.comparisons > 0, "\(feature) was not compared")
            let columns = ["comparisons", "matches", "accepted", "mismatches", "candidate_errors", "control_errors",
                           "state_transition_errors", "failed_jobs", "candidate_rejections"]
            let stored: [Int] = columns.map { row[$0] as Int }
            let expected: [Int] = [c.comparisons, c.matches, c.accepted, c.mismatches, c.candidateErrors, c.controlErrors,
                                   c.stateTransitionErrors, c.failedJobs, c.candidateRejections]
            #expect(stored == expected, "\(feature)")
            #expect(c.comparisons == c.matches + c.accepted + c.mismatches)
        }
        // Read back through the public query.
        let stored = try #require(try store.run(id: runId))
        #expect(stored.status == .complete)
        #expect(stored.features == totals.features)
        #expect(stored.featureOrder == totals.featureOrder)
        #expect(stored.controlLatency["grading_service"]?.count == totals.latency["grading_service"]?.count)
        #expect(try store.run(id: nil)?.id == runId)

        // Latency: one row per side for every feature that has timings, two more where the control was timed twice.
        let latency = try Self.rows(store, "SELECT * FROM latency WHERE run_id = ?", [runId])
        #expect(latency.count == totals.latency.count * 2 + totals.repeatLatency.count * 2)
        for row in latency {
            let p50: Double = row["p50_ns"], p95: Double = row["p95_ns"], max: Double = row["max_ns"]
            #expect(p50 > 0 && p50 <= p95 && p95 <= max)
            let histogram: String = row["histogram"]
            #expect(throws: Never.self) { try JSONValue.parse(Array(histogram.utf8)) }
        }

        // Signatures: every one, with exact counts.
        let signatures = try Self.rows(store, "SELECT * FROM signatures WHERE run_id = ?", [runId])
        #expect(signatures.count == totals.signatures.count)
        let divergenceCount = totals.features.values.reduce(0) { $0 + $1.accepted + $1.mismatches + $1.downstream }
        #expect(signatures.reduce(0) { $0 + ($1["count"] as Int) } == divergenceCount)
        let kinds = Set(signatures.map { $0["kind"] as String })
        #expect(kinds.isSuperset(of: ["value_mismatch", "rejection_mismatch", "error_code_mismatch", "event_mismatch", "control_error"]))
        for row in signatures {
            let summary = try #require(totals.signatures.first { $0.signature == row["signature"] })
            let count: Int = row["count"], lastSeq: Int = row["last_seq"]
            let description: String = row["description"], firstScenario: String = row["first_scenario"]
            let acceptedRule: String? = row["accepted_rule"]
            #expect(count == summary.count)
            #expect(description == summary.text)
            #expect(firstScenario == summary.first.scenario)
            #expect(lastSeq == summary.last.seq)
            #expect(acceptedRule == summary.acceptedRule)
        }

        // Divergences: the first examples of each signature, in full.
        let divergences = try Self.rows(store, "SELECT * FROM divergences WHERE run_id = ? ORDER BY id", [runId])
        #expect(divergences.count == totals.signatures.reduce(0) { $0 + min($1.count, 3) })
        let positions: [[Int]] = divergences.map { row -> [Int] in [row["ordinal"] as Int, row["seq"] as Int] }
        let sorted = positions.sorted { $0[0] != $1[0] ? $0[0] < $1[0] : $0[1] < $1[1] }
        #expect(positions == sorted, "stored in input order")
        for row in divergences {
            #expect(signatures.contains { $0["signature"] == row["signature"] as String })
            for column in ["paths", "diff", "control_outcome", "candidate_outcome"] {
                let text: String = row[column]
                #expect(throws: Never.self) { try JSONValue.parse(Array(text.utf8)) }
            }
        }
        let publish = try #require(divergences.first { $0["scenario"] == "legacy.publish_without_lessons" && $0["feature"] == "course_state_machine" })
        let publishText: [String] = ["op", "kind", "file", "accepted_rule"].map { publish[$0] as String }
        #expect(publishText == ["course.publish", "rejection_mismatch", "quirks", "legacy.publish_without_lessons"])
        #expect(publish["seq"] as Int == 2)
        let publishPaths: String = publish["paths"]
        #expect(publishPaths.contains("$.status"))
        let controlOutcome: String = publish["control_outcome"]
        #expect(try JSONValue.parse(Array(controlOutcome.utf8))["status"] == .string("accepted"))

        // The expired rule.
        let expired = try Self.rows(store, "SELECT * FROM expired_rules WHERE run_id = ?", [runId])
        #expect(expired.map { $0["rule_id"] as String } == ["legacy.no_event_on_cancel_or_expire"])
        #expect(expired.first?["would_match"] == totals.expiredRuleHits["legacy.no_event_on_cancel_or_expire"])
        #expect((totals.expiredRuleHits["legacy.no_event_on_cancel_or_expire"] ?? 0) > 0)

        // The seed's tables, filled from the modern side with the run id.
        let events = try Self.count(store, "domain_event_log", runId: runId)
        let transitions = try Self.count(store, "state_transitions", runId: runId)
        let failed = try Self.count(store, "failed_jobs", runId: runId)
        #expect(events > 0 && transitions > 0 && failed > 0)
        let failedByFeature = totals.features.filter { $0.key != "domain_events" }.values.reduce(0) { $0 + $1.failedJobs }
        #expect(failed == failedByFeature)
        #expect(failed == totals.features["domain_events"]?.failedJobs)
        #expect(try Self.rows(store, "SELECT * FROM domain_event_log WHERE run_id = ? AND event_name LIKE '%.failed'", [runId]).count == failed)
        let transition = try #require(try Self.row(store, "SELECT * FROM state_transitions WHERE run_id = ? AND entity = 'course' ORDER BY id", [runId]))
        #expect([transition["from_state"] as String, transition["to_state"] as String] == ["draft", "published"])
        let occurredAt: String = try #require(try Self.row(store, "SELECT occurred_at FROM domain_event_log WHERE run_id = ?", [runId])?["occurred_at"])
        #expect(occurredAt.count == "2026-01-05T09:00:00.000Z".count && occurredAt.hasSuffix("Z"))
        for table in Self.tables where table != "runs" {
            #expect(try Self.rows(store, "SELECT * FROM \(table) WHERE run_id <> ?", [runId]).isEmpty, "\(table)")
        }
    }

    /// Side-effect rows go in many rows per statement; every row lands once, in order, with its own values.
    @Test(arguments: [1, 31, 32, 33, 70])
    func sideEffectRowsAreWrittenInOrderWhateverTheirNumber(_ count: Int) throws {
        let store = try Fixtures.memoryStore()
        let runId = try store.beginRun(Self.metadata())
        var sink = store.sink(runId: runId)
        let rows = (0..<count).map { index in
            SideEffectRow(scenario: "s-\(index % 3)", seq: index, at: Fixtures.start + Double(index),
                          records: SideEffectRecords(
                              events: [.init(name: "E\(index)", payloadJSON: "{\"n\":\(index)}"),
                                       .init(name: "", payloadJSON: "{}")],
                              transitions: index.isMultiple(of: 2) ? [.init(entity: "course", entityId: "\(index)",
                                                                            from: "draft", to: "published")] : [],
                              failedJobs: index.isMultiple(of: 5) ? [.init(job: "Notify", event: "E\(index)",
                                                                           error: "ünïcode ✓")] : []))
        }
        try sink.consume(BatchOutput(divergences: [], sideEffects: rows, commands: count, scenarios: 3))
        let failures = (0..<count).filter { $0.isMultiple(of: 5) }.count
        #expect(try Self.count(store, "domain_event_log", runId: runId) == 2 * count + failures)
        #expect(try Self.count(store, "state_transitions", runId: runId) == (count + 1) / 2)
        #expect(try Self.count(store, "failed_jobs", runId: runId) == failures)
        let events = try Self.rows(store, "SELECT * FROM domain_event_log WHERE event_name LIKE 'E%' ORDER BY id")
        #expect(events.count == count)
        for (index, event) in events.enumerated() {
            let name: String? = event["event_name"]
            let payload: String? = event["payload"]
            let scenario: String? = event["scenario"]
            let seq: Int? = event["seq"]
            let at: String? = event["occurred_at"]
            #expect(name == "E\(index)" && payload == "{\"n\":\(index)}" && scenario == "s-\(index % 3)" && seq == index)
            #expect(at == Timestamp.formatMillis(Fixtures.start + Double(index)))
        }
        let empty: Int? = try Self.row(store, "SELECT COUNT(*) AS n FROM domain_event_log WHERE event_name = '' AND payload = '{}'")?["n"]
        #expect(empty == count)
        let exception: String? = try Self.row(store, "SELECT exception FROM failed_jobs LIMIT 1")?["exception"]
        #expect(exception == "ünïcode ✓")
    }

    @Test func abortedRunKeepsItsErrorAndHasNoStatistics() throws {
        let store = try Fixtures.memoryStore()
        let runId = try store.beginRun(Self.metadata())
        // A batch was written before the bad line was found.
        var sink = store.sink(runId: runId)
        try sink.consume(BatchOutput(divergences: [], sideEffects: [
            SideEffectRow(scenario: "s-1", seq: 1, at: Fixtures.start,
                          records: SideEffectRecords(events: [.init(name: "CourseCreated", payloadJSON: "{}")])),
        ], commands: 1, scenarios: 1))
        try store.abortRun(runId, error: "input.jsonl:3: unknown op \"course.delete\"", finishedAt: Fixtures.start + 1)
        let run = try #require(try Self.row(store, "SELECT * FROM runs WHERE id = ?", [runId]))
        #expect(run["status"] == "aborted")
        #expect(run["error"] == "input.jsonl:3: unknown op \"course.delete\"")
        #expect(run["finished_at"] == "2026-11-24T10:00:01.000Z")
        #expect(run["commands"] == 0)
        for table in ["feature_stats", "latency", "signatures", "expired_rules"] {
            #expect(try Self.count(store, table, runId: runId) == 0, "\(table)")
        }
        let stored = try #require(try store.run(id: runId))
        #expect(stored.status == .aborted)
        #expect(stored.error == "input.jsonl:3: unknown op \"course.delete\"")
        #expect(stored.features.isEmpty)
    }

    @Test(.tags(.slow)) func runsInOneDatabaseStayApart() async throws {
        let store = try Fixtures.memoryStore()
        let (first, totals) = try await Self.completeRun(store: store, examples: 1)
        let aborted = try store.beginRun(Self.metadata())
        try store.abortRun(aborted, error: "x:1: bad", finishedAt: Fixtures.start)
        let (second, _) = try await Self.completeRun(store: store, examples: 1)
        #expect(Set([first, aborted, second]).count == 3)
        #expect(try Self.count(store, "feature_stats", runId: first) == 8)
        #expect(try Self.count(store, "feature_stats", runId: aborted) == 0)
        #expect(try Self.count(store, "signatures", runId: second) == totals.signatures.count)
        #expect(try Self.count(store, "domain_event_log", runId: first) == (try Self.count(store, "domain_event_log", runId: second)))
        #expect(try store.run(id: nil)?.id == second)
        #expect(try store.run(id: 999_999) == nil)
    }
}
