import Foundation
@testable import ShadowKit
import ShadowReport
import ShadowRollout
import ShadowTestSupport
import Testing

/// `advance`, `rollback`, `freeze`, `unfreeze`, `ledger` and `monitor` end to end on a real `.env` and database.
@Suite(.tags(.endToEnd), .timeLimit(.minutes(5)))
struct RolloutCommandTests {
    static let plan = CLI.packageRoot.appendingPathComponent("scenarios/rollout.yaml").path
    static let criteria = CLI.packageRoot.appendingPathComponent("scenarios/success-criteria.md").path
    static let env = """
        # LMS production settings
        APP_NAME="Learning Platform"
        export APP_ENV=production

        # Phase 2: services
        FEATURE_ENROLLMENT_SERVICE=false   # off until the gate passes
        ROLLOUT_ENROLLMENT_SERVICE=0
        FEATURE_PROGRESS_SERVICE=true
        ROLLOUT_PROGRESS_SERVICE=0
        FEATURE_PILOT_USERS=
        FEATURE_COURSE_STATE_MACHINE=true
        MAIL_FROM="ops@example.com"

        """

    let directory: TemporaryDirectory
    var database: String { directory.file("db.sqlite") }

    init() throws {
        directory = try TemporaryDirectory()
        try directory.write(".env", Self.env)
    }

    func shadowgate(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> CLI.Result {
        try CLI.run(arguments, in: directory.path, sourceLocation: sourceLocation)
    }

    func advance(_ feature: String, _ extra: [String] = []) throws -> CLI.Result {
        try shadowgate(["advance", feature, "--env", ".env", "--db", "db.sqlite", "--plan", Self.plan,
                        "--criteria", Self.criteria, "--actor", "ci"] + extra)
    }

    func envText() throws -> String { String(decoding: try directory.read(".env"), as: UTF8.self) }

    /// A complete run in which every feature has `comparisons` clean comparisons over `hours` of scenario time.
    @discardableResult
    func completeRun(comparisons: Int = 25_000, mismatches: Int = 0, hours: Double = 30) throws -> Int64 {
        let store = try Store(path: database, schemas: [RolloutTables.schema])
        let id = try store.beginRun(RunMetadata(subject: "lms", startedAt: Fixtures.start, seed: 1, inputs: [],
                                                config: [:], toolVersion: "test", workers: 1))
        var features: [String: FeatureCounts] = [:]
        for feature in ShadowCommandsTests.features {
            var counts = FeatureCounts()
            counts.comparisons = comparisons
            counts.mismatches = mismatches
            counts.matches = comparisons - mismatches
            features[feature] = counts
        }
        var totals = RunTotals(features: features, featureOrder: features.keys.sorted(), latency: [:], candidateLatency: [:],
                               signatures: [], expiredRuleHits: [:], commands: comparisons, scenarios: 1,
                               scenarioSeconds: hours * 3600)
        totals.trafficSeconds = hours * 3600  // recorded traffic spanning those hours
        // One input of its own per run, so `advance` pools it (each distinct input once).
        totals.inputs = ["generated:seed=\(id)": features]
        try store.completeRun(id, totals: totals, finishedAt: Fixtures.start + 1, duration: 1)
        return id
    }

    func ledger() throws -> [JSONValue] {
        let result = try shadowgate(["ledger", "--db", "db.sqlite", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        guard case .array(let entries)? = try JSONValue.parse(Array(result.stdoutData))["entries"] else { return [] }
        return entries
    }

    // MARK: advance

    @Test func advanceMovesOneStageAndPrintsTheChange() throws {
        try completeRun()
        let result = try advance("enrollment_service")
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("ADVANCED enrollment_service: off → pilot"))
        #expect(result.stdout.contains("@@ line 10 @@\n-FEATURE_PILOT_USERS=\n+FEATURE_PILOT_USERS=1,2,3,4,5\n"))
        #expect(result.stdout.contains("grading_service (off → pilot)"), "the shared pilot list moves other services too")
        #expect(try envText() == Self.env.replacingOccurrences(of: "FEATURE_PILOT_USERS=\n", with: "FEATURE_PILOT_USERS=1,2,3,4,5\n"))
        #expect(String(decoding: try directory.read(".env.bak"), as: UTF8.self) == Self.env)
        let entries = try ledger()
        #expect(entries.count == 1)
        #expect(entries.first?["action"] == .string("advance"))
        #expect(entries.first?["actor"] == .string("ci"))
        #expect(entries.first?["evidence"]?["gate"]?["verdict"] == .string("pass"))
        // The decision is stored like every gate decision.
        #expect(try CLI.sqlite(database, "SELECT verdict FROM gate_decisions") == [["pass"]])
    }

    @Test func dryRunWritesNothing() throws {
        try completeRun()
        let result = try advance("enrollment_service", ["--dry-run"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("DRY RUN: would advance enrollment_service: off → pilot"))
        #expect(result.stdout.contains("+FEATURE_PILOT_USERS=1,2,3,4,5"))
        #expect(result.stdout.contains("Nothing was written."))
        #expect(try envText() == Self.env)
        #expect(!FileManager.default.fileExists(atPath: directory.file(".env.bak")))
        #expect(try ledger().isEmpty)
        #expect(try CLI.sqlite(database, "SELECT COUNT(*) FROM gate_decisions") == [["0"]])
    }

    @Test func gateVerdictsGiveTheGatesExitCodes() throws {
        // No run at all: inconclusive.
        let none = try advance("enrollment_service")
        #expect(none.status == 2, "\(none.stdout)\(none.stderr)")
        #expect(none.stdout.contains("REFUSED (gate_inconclusive)"))
        // A failing run: 1.
        try completeRun(comparisons: 25_000, mismatches: 500)
        let failing = try advance("enrollment_service", ["--json"])
        #expect(failing.status == 1, "\(failing.stdout)\(failing.stderr)")
        let document = try JSONValue.parse(Array(failing.stdoutData))
        #expect(document["outcome"] == .string("gate_failed"))
        #expect(document["gate"]?["verdict"] == .string("fail"))
        #expect(document["ledgerSequence"] == .int(2))
        #expect(try envText() == Self.env)
        #expect(try ledger().map { $0["action"] } == [.string("refused_advance"), .string("refused_advance")])
    }

    @Test func alreadyAtTheLastStageAndCustomStagesAreRefusedWithTwo() throws {
        try completeRun()
        try directory.write(".env", "FEATURE_COURSE_STATE_MACHINE=true\nROLLOUT_ENROLLMENT_SERVICE=25\n")
        let last = try advance("course_state_machine")
        #expect(last.status == 2)
        #expect(last.stdout.contains("already at its last stage (on)"))
        let custom = try advance("enrollment_service")
        #expect(custom.status == 2)
        #expect(custom.stdout.contains("the .env matches no stage of enrollment_service"))
        #expect(custom.stdout.contains("ROLLOUT_ENROLLMENT_SERVICE=25"))
    }

    @Test func flagsCheckDecidesARangeOfUsersInOneCall() throws {
        let env = directory.file("flags.env")
        try "FEATURE_ENROLLMENT_SERVICE=false\nROLLOUT_ENROLLMENT_SERVICE=25\nFEATURE_PILOT_USERS=7,900\n"
            .write(toFile: env, atomically: true, encoding: .utf8)
        for recipe in ["modulo", "murmur3"] {
            let batch = try CLI.run(["flags", "check", "enrollment_service", "--users", "1-1000", "--env", env,
                                     "--bucketing", recipe, "--json"], in: directory.path)
            #expect(batch.status == 0, "\(batch.stderr)")
            let json = try JSONValue.parse(Array(batch.stdoutData))
            guard case .array(let decisions)? = json["decisions"] else { Issue.record("no decisions"); continue }
            #expect(decisions.count == 1000)
            #expect(json["users"] == .int(1000))
            // Each decision equals the single-user form's.
            for user in [1, 7, 25, 26, 500, 900, 1000] {
                let one = try CLI.run(["flags", "check", "enrollment_service", "--user", "\(user)", "--env", env,
                                       "--bucketing", recipe, "--json"], in: directory.path)
                let single = try JSONValue.parse(Array(one.stdoutData))
                #expect(decisions[user - 1]["enabled"] == single["enabled"], "user \(user), \(recipe)")
                #expect(decisions[user - 1]["reason"] == single["reason"], "user \(user), \(recipe)")
            }
            let enabled = decisions.filter { $0["enabled"] == .bool(true) }.count
            #expect(json["enabledCount"] == .int(enabled))
            #expect(enabled > 200 && enabled < 300, "about a quarter plus the pilots: \(enabled)")
        }
        let bad = try CLI.run(["flags", "check", "enrollment_service", "--users", "10-1", "--env", env], in: directory.path)
        #expect(bad.status == 64)
    }

    @Test func usageAndInputErrors() throws {
        let unknown = try advance("frobnicator")
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("unknown feature \"frobnicator\""))
        let noEnv = try shadowgate(["advance", "enrollment_service", "--db", "db.sqlite"])
        #expect(noEnv.status == 64)
        #expect(noEnv.stderr.contains("--env"))
        let missingEnv = try shadowgate(["advance", "enrollment_service", "--env", "nope.env", "--db", "db.sqlite",
                                         "--plan", Self.plan, "--criteria", Self.criteria])
        #expect(missingEnv.status == 66, "\(missingEnv.stderr)")
        #expect(missingEnv.stderr.contains("nope.env"))
        let missingPlan = try shadowgate(["advance", "enrollment_service", "--env", ".env", "--db", "db.sqlite",
                                          "--plan", "nope.yaml", "--criteria", Self.criteria])
        #expect(missingPlan.status == 66, "\(missingPlan.stderr)")
        #expect(missingPlan.stderr == "error: nope.yaml: cannot read the rollout plan\n")
        try directory.write("bad-plan.yaml", "features:\n  enrollment_service:\n    stages:\n      - name: a\n        env: [X]\n")
        let badPlan = try shadowgate(["advance", "enrollment_service", "--env", ".env", "--db", "db.sqlite",
                                      "--plan", "bad-plan.yaml", "--criteria", Self.criteria])
        #expect(badPlan.status == 65)
        #expect(badPlan.stderr.contains("bad-plan.yaml:5: features.enrollment_service.stages[0].env[0]: \"X\" is not KEY=value"))
        #expect(try shadowgate(["rollback", "--env", ".env", "--reason", "x"]).status == 64)
        #expect(try shadowgate(["rollback", "domain_events", "--all", "--env", ".env", "--reason", "x"]).status == 64)
        let noReason = try shadowgate(["rollback", "domain_events", "--env", ".env", "--reason", " "])
        #expect(noReason.status == 64)
        #expect(noReason.stderr.contains("--reason must say why"))
        let window = try shadowgate(["monitor", "--db", "db.sqlite", "--window", "1w"])
        #expect(window.status == 64)
        #expect(window.stderr.contains("90s, 30m, 1h, 2d"))
        #expect(try envText() == Self.env)
    }

    // MARK: rollback, freeze, unfreeze

    @Test func rollbackIsIdempotentKeepsTheRestAndFreezes() throws {
        let first = try shadowgate(["rollback", "progress_service", "--env", ".env", "--reason", "5xx on /progress",
                                    "--db", "db.sqlite", "--plan", Self.plan, "--actor", "oncall"])
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("progress_service: 100% → off"))
        #expect(first.stdout.contains("-FEATURE_PROGRESS_SERVICE=true\n+FEATURE_PROGRESS_SERVICE=false\n"))
        #expect(first.stdout.contains("Frozen: progress_service"))
        let expected = Self.env.replacingOccurrences(of: "FEATURE_PROGRESS_SERVICE=true", with: "FEATURE_PROGRESS_SERVICE=false")
        #expect(try envText() == expected)
        #expect(String(decoding: try directory.read(".env.bak"), as: UTF8.self) == Self.env)

        let second = try shadowgate(["rollback", "progress_service", "--env", ".env", "--reason", "still failing",
                                     "--db", "db.sqlite", "--plan", Self.plan, "--actor", "oncall"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("Nothing to change"))
        #expect(second.stdout.contains("Already frozen: progress_service"))
        #expect(try envText() == expected, "same bytes after the second rollback")
        #expect(String(decoding: try directory.read(".env.bak"), as: UTF8.self) == Self.env, "the backup still holds the original")
        let entries = try ledger()
        #expect(entries.map { $0["action"] } == [.string("rollback"), .string("freeze"), .string("rollback")])
        #expect(entries.last?["reason"] == .string("still failing (nothing changed: the .env already had the rollback values)"))
        #expect(entries.last?["actor"] == .string("oncall"))

        // Frozen: advance refuses with 1 and says how to lift it, even on a passing run.
        try completeRun()
        let refused = try advance("progress_service")
        #expect(refused.status == 1, "\(refused.stdout)")
        #expect(refused.stdout.contains("progress_service is frozen since "))
        #expect(refused.stdout.contains(" by oncall (rollback: 5xx on /progress): unfreeze with `shadowgate unfreeze progress_service --reason TEXT`"))

        let unfreeze = try shadowgate(["unfreeze", "progress_service", "--reason", "fixed in 4.2.1", "--db", "db.sqlite"])
        #expect(unfreeze.status == 0, "\(unfreeze.stderr)")
        #expect(unfreeze.stdout.contains("Unfrozen: progress_service"))
        #expect(try shadowgate(["unfreeze", "progress_service", "--reason", "again", "--db", "db.sqlite"]).stdout
            .contains("is not frozen"))
        // The run it was refused on predates the unfreeze but not the rollback (there was no run then): it
        // may carry the advance now.
        let advanced = try advance("progress_service")
        #expect(advanced.status == 0, "\(advanced.stdout)")
        #expect(advanced.stdout.contains("progress_service: off → pilot"))
        #expect(try ledger().map { $0["action"] } == [.string("rollback"), .string("freeze"), .string("rollback"),
                                                      .string("refused_advance"), .string("unfreeze"), .string("advance")])
    }

    @Test func rollbackAllTurnsEverythingOffAndEmptiesThePilots() throws {
        try directory.write(".env", Self.env.replacingOccurrences(of: "FEATURE_PILOT_USERS=", with: "FEATURE_PILOT_USERS=1,2,3")
            + "FEATURE_DOMAIN_EVENTS=true\nFEATURE_DOMAIN_EVENTS=false\nFEATURE_GRADING_STRATEGIES=yes\n")
        let result = try shadowgate(["rollback", "--all", "--env", ".env", "--reason", "incident 42", "--db", "db.sqlite",
                                     "--plan", Self.plan])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(try envText() == Self.env
            .replacingOccurrences(of: "FEATURE_PROGRESS_SERVICE=true", with: "FEATURE_PROGRESS_SERVICE=false")
            .replacingOccurrences(of: "FEATURE_COURSE_STATE_MACHINE=true", with: "FEATURE_COURSE_STATE_MACHINE=false")
            + "FEATURE_DOMAIN_EVENTS=false\nFEATURE_GRADING_STRATEGIES=false\n")
        #expect(!result.stdout.contains("note: FEATURE_PILOT_USERS still lists"))
        let frozen = try CLI.sqlite(database, "SELECT feature FROM feature_freezes ORDER BY feature").map { $0[0] }
        #expect(frozen == ShadowCommandsTests.features.sorted())
        #expect(try ledger().filter { $0["action"] == .string("rollback") }.count == 8)
        // No run was needed, and the ledger is intact.
        let verify = try shadowgate(["ledger", "--db", "db.sqlite", "--verify"])
        #expect(verify.status == 0)
        #expect(verify.stdout.contains("Ledger intact: 16 entries"))
    }

    @Test func singleRollbackWarnsThatPilotsKeepTheFeature() throws {
        try directory.write(".env", "FEATURE_PILOT_USERS=1,2,3,4,5\nROLLOUT_GRADING_SERVICE=10\n")
        let result = try shadowgate(["rollback", "grading_service", "--env", ".env", "--reason", "r", "--db", "db.sqlite",
                                     "--plan", Self.plan])
        #expect(result.status == 0)
        #expect(result.stdout.contains("grading_service: 10% → pilot"))
        #expect(result.stdout.contains("note: FEATURE_PILOT_USERS still lists 1,2,3,4,5"))
        #expect(try envText() == "FEATURE_PILOT_USERS=1,2,3,4,5\nROLLOUT_GRADING_SERVICE=0\n")
    }

    @Test func rollbackStillEditsTheEnvWhenTheDatabaseIsUnusable() throws {
        try FileManager.default.createDirectory(atPath: directory.file("db-dir"), withIntermediateDirectories: true)
        let result = try shadowgate(["rollback", "--all", "--env", ".env", "--reason", "r", "--db", "db-dir",
                                     "--plan", "missing-plan.yaml"])
        #expect(result.status == 75, "\(result.stderr)")
        #expect(result.stderr.contains("warning: missing-plan.yaml: cannot read the rollout plan"))
        #expect(result.stderr.contains("ROLLBACK APPLIED BUT NOT YET IN THE LEDGER"))
        #expect(FileManager.default.fileExists(atPath: directory.file(".env.shadowgate-pending.jsonl")))
        #expect(try envText().contains("FEATURE_PROGRESS_SERVICE=false\n"))
        #expect(try envText().contains("FEATURE_COURSE_STATE_MACHINE=false\n"))
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":")
        .contains { FileManager.default.isExecutableFile(atPath: "\($0)/php") } == true, "php is not installed"))
    func rolledBackEnvLoadsInLaravelsLoader() throws {
        let result = try shadowgate(["rollback", "--all", "--env", ".env", "--reason", "r", "--db", "db.sqlite",
                                     "--plan", Self.plan])
        #expect(result.status == 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["php", CLI.packageRoot.appendingPathComponent("scripts/check-dotenv.php").path, directory.file(".env")]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus != 69, "phpdotenv is not installed")
        #expect(process.terminationStatus == 0)
        let values = try JSONValue.parse(Array(data))
        #expect(values["FEATURE_ENROLLMENT_SERVICE"] == .string("false"))
        #expect(values["FEATURE_PROGRESS_SERVICE"] == .string("false"))
        #expect(values["FEATURE_COURSE_STATE_MACHINE"] == .string("false"))
        #expect(values["ROLLOUT_ENROLLMENT_SERVICE"] == .string("0"))
        #expect(values["FEATURE_PILOT_USERS"] == .string(""))
        #expect(values["APP_NAME"] == .string("Learning Platform"))
    }

    @Test func freezeCommandBlocksAdvance() throws {
        try completeRun()
        let freeze = try shadowgate(["freeze", "domain_events", "--reason", "listener backlog", "--db", "db.sqlite",
                                     "--actor", "ana"])
        #expect(freeze.status == 0)
        #expect(try shadowgate(["freeze", "domain_events", "--reason", "again", "--db", "db.sqlite"]).stdout
            .contains("already frozen"))
        let refused = try advance("domain_events")
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("by ana (listener backlog)"))
        #expect(try envText() == Self.env)
    }

    // MARK: ledger

    @Test func ledgerVerifyDetectsAnEditedRow() throws {
        for reason in ["one", "two", "three"] {
            _ = try shadowgate(["freeze", "domain_events", "--reason", reason, "--db", "db.sqlite"])
            _ = try shadowgate(["unfreeze", "domain_events", "--reason", reason, "--db", "db.sqlite"])
        }
        let intact = try shadowgate(["ledger", "--db", "db.sqlite", "--verify"])
        #expect(intact.status == 0)
        #expect(intact.stdout.contains("Ledger intact: 6 entries"))
        #expect(intact.stdout.contains("unfreeze"))

        _ = try CLI.sqlite(database, "UPDATE ledger SET reason = 'nothing to see' WHERE sequence = 3")
        let broken = try shadowgate(["ledger", "--db", "db.sqlite", "--verify"])
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("LEDGER BROKEN at entry 3: content was altered"))
        let json = try shadowgate(["ledger", "--db", "db.sqlite", "--verify", "--json"])
        #expect(json.status == 1)
        #expect(try JSONValue.parse(Array(json.stdoutData))["verification"]
                == .object(["intact": .bool(false), "brokenAt": .int(3),
                            "reason": .string("content was altered: it no longer matches the entry's hash")]))
        // Listing without --verify still works and exits 0.
        #expect(try shadowgate(["ledger", "--db", "db.sqlite"]).status == 0)

        _ = try CLI.sqlite(database, "DELETE FROM ledger WHERE sequence = 2")
        let removed = try shadowgate(["ledger", "--db", "db.sqlite", "--verify"])
        #expect(removed.status == 1)
        #expect(removed.stdout.contains("LEDGER BROKEN at entry 2: entry 2 is missing"))
    }

    @Test func ledgerAnchorDetectsEntriesCutOffTheEnd() throws {
        for reason in ["one", "two"] {
            _ = try shadowgate(["freeze", "domain_events", "--reason", reason, "--db", "db.sqlite"])
            _ = try shadowgate(["unfreeze", "domain_events", "--reason", reason, "--db", "db.sqlite"])
        }
        let listed = try shadowgate(["ledger", "--db", "db.sqlite", "--verify"])
        let headLine = try #require(listed.stdout.split(separator: "\n").first { $0.hasPrefix("Head: ") })
        let head = String(headLine.dropFirst("Head: ".count).prefix(64))
        let json = try JSONValue.parse(Array(try shadowgate(["ledger", "--db", "db.sqlite", "--json"]).stdoutData))
        #expect(json["head"] == .string(head))

        let anchored = try shadowgate(["ledger", "--db", "db.sqlite", "--verify", "--anchor", head])
        #expect(anchored.status == 0)
        #expect(anchored.stdout.contains("Ledger intact: 4 entries, hash chain verified, anchor found."))
        // Cutting the last entries leaves an intact chain: only the anchor shows what is gone.
        _ = try CLI.sqlite(database, "DELETE FROM ledger WHERE sequence >= 3")
        #expect(try shadowgate(["ledger", "--db", "db.sqlite", "--verify"]).status == 0)
        let cut = try shadowgate(["ledger", "--db", "db.sqlite", "--verify", "--anchor", head])
        #expect(cut.status == 1)
        #expect(cut.stdout.contains("LEDGER BROKEN at entry 3: no entry has the anchor hash \(head)"))

        let bad = try shadowgate(["ledger", "--db", "db.sqlite", "--verify", "--anchor", "abc"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("not a ledger hash"))
        #expect(try shadowgate(["ledger", "--db", "db.sqlite", "--anchor", head]).status == 64)
    }

    // MARK: monitor

    func insertFailures(events: Int, failedJobs: Int, run: Int64) throws {
        var statements: [String] = []
        for index in 0..<events {
            statements.append("INSERT INTO domain_event_log (run_id, scenario, seq, event_name, payload, occurred_at) "
                              + "VALUES (\(run), 's', \(index), 'SendMail.failed', '{}', '2026-01-05T11:30:00.000Z');")
        }
        for index in 0..<failedJobs {
            statements.append("INSERT INTO failed_jobs (run_id, scenario, seq, job, event, exception, failed_at) "
                              + "VALUES (\(run), 's', \(index), 'SendMail', 'E', 'boom', '2026-01-05T11:40:00.000Z');")
        }
        // An old failure, outside the last hour of scenario time.
        statements.append("INSERT INTO domain_event_log (run_id, scenario, seq, event_name, payload, occurred_at) "
                          + "VALUES (\(run), 's', 0, 'Old.failed', '{}', '2026-01-05T09:00:00.000Z');")
        _ = try CLI.sqlite(database, statements.joined(separator: "\n"))
    }

    @Test func monitorRecommendsRollbackAboveTheGuidesThresholds() throws {
        // A missing database is a usage error (monitor creates none); an empty one has no complete run.
        #expect(try shadowgate(["monitor", "--db", "db.sqlite"]).status == 64)
        #expect(!FileManager.default.fileExists(atPath: directory.file("db.sqlite")))
        _ = try CLI.sqlite(directory.file("db.sqlite"), "PRAGMA user_version = 0; CREATE TABLE placeholder (x); DROP TABLE placeholder;")
        let noData = try shadowgate(["monitor", "--db", "db.sqlite"])
        #expect(noData.status == 2)
        #expect(noData.stdout.contains("No complete run"))

        let calm = try completeRun()
        try insertFailures(events: 10, failedJobs: 5, run: calm)
        let normal = try shadowgate(["monitor", "--db", "db.sqlite", "--env", ".env", "--plan", Self.plan])
        #expect(normal.status == 0, "\(normal.stdout)\(normal.stderr)")
        #expect(normal.stdout.contains("Errors (last 1h): 10\n"))
        #expect(normal.stdout.contains("Failed jobs (last 1h): 5\n"))
        #expect(normal.stdout.contains("✓ All metrics within normal range"))
        #expect(normal.stdout.contains("course_state_machine: ✓ ON, stage on"))
        #expect(normal.stdout.contains("enrollment_service: ✗ OFF, stage off"))
        let wide = try shadowgate(["monitor", "--db", "db.sqlite", "--window", "3h"])
        #expect(wide.status == 1, "the old failure makes 11 errors in 3 hours")
        #expect(wide.stdout.contains("Errors (last 3h): 11"))

        let busy = try completeRun()
        try insertFailures(events: 0, failedJobs: 6, run: busy)
        let alarm = try shadowgate(["monitor", "--db", "db.sqlite", "--json"])
        #expect(alarm.status == 1)
        let document = try JSONValue.parse(Array(alarm.stdoutData))
        #expect(document["recommendation"] == .string("rollback"))
        #expect(document["counts"]?["failedJobs"] == .int(6))
        #expect(document["counts"]?["runId"] == .int(Int(busy)))
        let text = try shadowgate(["monitor", "--db", "db.sqlite"])
        #expect(text.stdout.contains("shadowgate rollback --all"))
    }
}

/// Commands that only read must not create a database and report on it as if all were well.
@Suite(.tags(.endToEnd))
struct ReadOnlyDatabaseTests {
    @Test func ledgerVerifyOnAMissingDatabaseIsAUsageError() throws {
        let directory = try TemporaryDirectory()
        let result = try CLI.run(["ledger", "--verify", "--db", "missing.sqlite"], in: directory.path)
        #expect(result.status == 64)
        #expect(result.stderr.contains("missing.sqlite: no such database"))
        #expect(!FileManager.default.fileExists(atPath: directory.file("missing.sqlite")))
    }
}
