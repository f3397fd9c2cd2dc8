import Foundation
import GRDB
import LMS
@testable import ShadowRollout
import ShadowKit
import ShadowTestSupport
import Testing

/// Shared pieces of the rollout tests: the repository's plan, a small criteria table, complete runs
/// with chosen counts, and an engine with a fixed clock.
enum RolloutFixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let planPath = packageRoot.appendingPathComponent("scenarios/rollout.yaml").path
    static let features = LMSFeature.allCases.map(\.rawValue)
    /// 2026-11-24T10:00:00Z
    static let now = Date(timeIntervalSince1970: Fixtures.start)

    static func plan() throws -> RolloutPlan {
        try RolloutPlan.load(path: planPath, knownFeatures: Set(features))
    }

    /// The rows the gate can measure without latency or coverage.
    static let criteria = """
        | Metric | Target | Measured |
        |--------|--------|----------|
        | Mismatch rate | < 0.5% | |
        | Error rate | < 0.1% | |
        | Failed jobs | < 1/hour | |
        | State transition errors | 0 | |
        """

    static func evaluator() throws -> GateEvaluator {
        try GateEvaluator(table: CriteriaTable.parse(criteria, file: "criteria.md"))
    }

    static func engine(_ store: Store, plan: RolloutPlan? = nil, actor: String = "ci") throws -> RolloutEngine {
        RolloutEngine(plan: try plan ?? self.plan(), store: store, evaluator: try evaluator(), actor: actor,
                      now: { RolloutFixtures.now })
    }

    /// `comparisons` clean comparisons, of which `mismatches` are unexpected divergences.
    static func counts(_ comparisons: Int, mismatches: Int = 0) -> FeatureCounts {
        var counts = FeatureCounts()
        counts.comparisons = comparisons
        counts.matches = comparisons - mismatches
        counts.mismatches = mismatches
        return counts
    }

    /// Records a complete run with these per-feature counts and scenario time; returns its id.
    @discardableResult
    /// Each run has one input of its own (`input`, default one per run) and candidate `version`.
    static func completeRun(_ store: Store, _ features: [String: FeatureCounts], hours: Double = 30,
                            version: String? = "modern 1", input: String? = nil) throws -> Int64 {
        let id = try store.beginRun(RunMetadata(subject: "test", startedAt: Fixtures.start, seed: 1, inputs: [],
                                                config: [:], toolVersion: "test", workers: 1, candidateVersion: version))
        var totals = RunTotals(features: features, featureOrder: features.keys.sorted(), latency: [:],
                               candidateLatency: [:], signatures: [], expiredRuleHits: [:], commands: 0, scenarios: 0,
                               scenarioSeconds: hours * 3600)
        totals.inputs = [input ?? "generated:seed=\(id)": features]
        totals.trafficSeconds = hours * 3600  // recorded traffic spanning those hours
        try store.completeRun(id, totals: totals, finishedAt: Fixtures.start + 60, duration: 60)
        return id
    }

    /// A complete run in which every feature of the plan has `comparisons` clean comparisons.
    @discardableResult
    static func passingRun(_ store: Store, comparisons: Int = 20_000, hours: Double = 30) throws -> Int64 {
        var all: [String: FeatureCounts] = [:]
        for feature in features { all[feature] = counts(comparisons) }
        return try completeRun(store, all, hours: hours)
    }

    static func count(_ store: Store, _ table: String) throws -> Int {
        try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? -1 }
    }

    static func env(_ text: String) throws -> DotEnvFile { try DotEnvFile.parse(text, file: ".env") }
}

// MARK: - Plan

@Suite struct RolloutPlanTests {
    @Test func repositoryPlanHasTheGuidesStagesForEveryFeature() throws {
        let plan = try RolloutFixtures.plan()
        #expect(Set(plan.featureNames) == Set(RolloutFixtures.features))
        for service in ["enrollment_service", "progress_service", "grading_service"] {
            let stages = try #require(plan.feature(service)).stages
            #expect(stages.map(\.name) == ["off", "pilot", "10%", "50%", "100%"], "\(service)")
            let key = service.uppercased()
            #expect(stages[1].assignments.map(\.text)
                    == ["FEATURE_\(key)=false", "ROLLOUT_\(key)=0", "FEATURE_PILOT_USERS=1,2,3,4,5"])
            #expect(stages[2].assignments.map(\.text) == ["FEATURE_\(key)=false", "ROLLOUT_\(key)=10"])
            #expect(stages[3].assignments.map(\.text) == ["FEATURE_\(key)=false", "ROLLOUT_\(key)=50"])
            #expect(stages[4].assignments.map(\.text) == ["FEATURE_\(key)=true", "ROLLOUT_\(key)=0"])
            // Every stage but the last asks for evidence; each asks for at least as much as the one before.
            let minimums = stages.dropLast().map(\.evidence.minComparisons)
            #expect(minimums.allSatisfy { $0 >= 3000 })
            #expect(minimums == minimums.sorted())
            #expect(stages.last?.evidence == StageEvidence())
        }
        for machine in ["course_state_machine", "enrollment_state_machine", "attempt_state_machine"] {
            let stages = try #require(plan.feature(machine)).stages
            #expect(stages.map(\.name) == ["shadow", "on"])
            #expect(stages.map { $0.assignments.map(\.text) }
                    == [["FEATURE_\(machine.uppercased())=false"], ["FEATURE_\(machine.uppercased())=true"]])
        }
        #expect(try #require(plan.feature("domain_events")).stages.map(\.name) == ["off", "on"])
        let strategies = try #require(plan.feature("grading_strategies")).stages
        #expect(strategies.map(\.name) == ["off", "on"])
        #expect(strategies[0].evidence.requires == [StageRequirement(feature: "grading_service", stage: "10%")])
    }

    static let minimal = """
        features:
          enrollment_service:
            stages:
              - name: "off"
                env: [FEATURE_ENROLLMENT_SERVICE=false]
              - name: "on"
                env: [FEATURE_ENROLLMENT_SERVICE=true]
        """

    @Test func minimalPlanParses() throws {
        let plan = try RolloutPlan.parse(Self.minimal, file: "plan.yaml")
        #expect(plan.featureNames == ["enrollment_service"])
        #expect(plan.feature("enrollment_service")?.stages.map(\.line) == [4, 6])
    }

    @Test(arguments: [
        ("", nil, "", "the plan is empty"),
        ("features:\n  - a\n  b: c\n", 3, "", "not valid YAML"),
        ("feature:\n  x: 1\n", 1, "feature", "unknown field (expected: features)"),
        ("features: {}\n", 1, "features", "lists no feature"),
        ("features:\n  nope:\n    stages: []\n", 2, "features.nope", "unknown feature"),
        ("features:\n  enrollment_service:\n    stages: []\n", 3, "features.enrollment_service.stages", "lists no stage"),
        ("features:\n  enrollment_service:\n    stage: []\n", 3, "features.enrollment_service.stage", "unknown field"),
        ("features:\n  enrollment_service:\n    stages:\n      - env: [FEATURE_ENROLLMENT_SERVICE=false]\n",
         4, "features.enrollment_service.stages[0]", "missing field \"name\""),
        ("features:\n  enrollment_service:\n    stages:\n      - name: a\n        env: [FEATURE_ENROLLMENT_SERVICE]\n",
         5, "features.enrollment_service.stages[0].env[0]", "is not KEY=value"),
        ("features:\n  enrollment_service:\n    stages:\n      - name: a\n        env: [FEATURE_ENROLLMENT_SERVICE=off]\n",
         5, "features.enrollment_service.stages[0].env[0]", "would turn the feature ON"),
        ("features:\n  enrollment_service:\n    stages:\n      - name: a\n        env: [ROLLOUT_ENROLLMENT_SERVICE=101]\n",
         5, "features.enrollment_service.stages[0].env[0]", "outside 0...100"),
        ("features:\n  enrollment_service:\n    stages:\n      - name: a\n        env: [\"FEATURE_PILOT_USERS=1,x\"]\n",
         5, "features.enrollment_service.stages[0].env[0]", "is not a user id"),
        ("features:\n  enrollment_service:\n    stages:\n      - name: a\n        env: [FEATURE_PILOT_USERS=]\n",
         5, "features.enrollment_service.stages[0].env[0]", "needs at least one user id"),
        ("features:\n  enrollment_service:\n    stages:\n      - name: a\n        env: [\"BAD KEY=1\"]\n",
         5, "features.enrollment_service.stages[0].env[0]", "is not a .env key"),
        ("features:\n  enrollment_service:\n    stages:\n      - name: a\n        env: []\n",
         5, "features.enrollment_service.stages[0].env", "lists no assignment"),
        ("features:\n  enrollment_service:\n    stages:\n      - name: a\n        env: [FEATURE_ENROLLMENT_SERVICE=false]\n"
            + "      - name: a\n        env: [FEATURE_ENROLLMENT_SERVICE=true]\n",
         6, "features.enrollment_service.stages[1].name", "duplicate stage name"),
        ("features:\n  enrollment_service:\n    stages:\n      - name: a\n        env: [FEATURE_ENROLLMENT_SERVICE=false]\n"
            + "      - name: b\n        env: [FEATURE_ENROLLMENT_SERVICE=0]\n",
         6, "features.enrollment_service.stages[1].env", "could not be told apart"),
        ("features:\n  enrollment_service:\n    stages:\n      - name: a\n        env: [FEATURE_ENROLLMENT_SERVICE=false]\n"
            + "        evidence: {minComparison: 5}\n",
         6, "features.enrollment_service.stages[0].evidence.minComparison", "unknown field"),
        ("features:\n  enrollment_service:\n    stages:\n      - name: a\n        env: [FEATURE_ENROLLMENT_SERVICE=false]\n"
            + "        evidence: {minComparisons: -5}\n      - name: b\n        env: [FEATURE_ENROLLMENT_SERVICE=true]\n",
         6, "features.enrollment_service.stages[0].evidence.minComparisons", "not a whole number"),
        ("features:\n  enrollment_service:\n    stages:\n      - name: a\n        env: [FEATURE_ENROLLMENT_SERVICE=false]\n"
            + "        evidence: {minComparisons: 5}\n",
         6, "features.enrollment_service.stages[0].evidence", "evidence would never be used"),
        ("features:\n  enrollment_service:\n    stages:\n      - name: a\n        env: [FEATURE_ENROLLMENT_SERVICE=false]\n"
            + "        evidence: {requires: {grading_service: 10%}}\n      - name: b\n        env: [FEATURE_ENROLLMENT_SERVICE=true]\n",
         4, "features.enrollment_service.stages[0].evidence.requires[0]", "has no stages in this plan"),
    ] as [(String, Int?, String, String)])
    func parseErrorsNameFileLineAndField(text: String, line: Int?, field: String, message: String) {
        let known = Set(RolloutFixtures.features)
        let error = #expect(throws: RolloutPlanError.self) { try RolloutPlan.parse(text, file: "plan.yaml", knownFeatures: known) }
        #expect(error?.file == "plan.yaml")
        #expect(error?.line == line, "\(error?.description ?? "")")
        #expect(error?.field == field, "\(error?.description ?? "")")
        #expect(error?.message.contains(message) == true, "\(error?.description ?? "")")
        if let line { #expect(error?.description.hasPrefix("plan.yaml:\(line): ") == true) }
    }

    @Test func missingFileIsAnError() {
        let error = #expect(throws: RolloutPlanError.self) { try RolloutPlan.load(path: "/nonexistent/rollout.yaml") }
        #expect(error?.description == "/nonexistent/rollout.yaml: cannot read the rollout plan")
    }
}

// MARK: - Stages

@Suite struct StageDetectionTests {
    func stage(_ feature: String, _ text: String) throws -> String {
        try #require(try RolloutFixtures.plan().feature(feature)).position(in: RolloutFixtures.env(text)).description
    }

    @Test func emptyEnvIsTheFirstStageOfEveryFeature() throws {
        let plan = try RolloutFixtures.plan()
        let env = try RolloutFixtures.env("APP_NAME=LMS\n")
        for feature in plan.features {
            #expect(feature.position(in: env) == .stage(index: 0, name: feature.stages[0].name), "\(feature.feature)")
        }
    }

    @Test func servicesFollowTheirKeys() throws {
        #expect(try stage("enrollment_service", "FEATURE_ENROLLMENT_SERVICE=false\nROLLOUT_ENROLLMENT_SERVICE=0\n") == "off")
        #expect(try stage("enrollment_service", "FEATURE_ENROLLMENT_SERVICE=0\n") == "off")  // compared by meaning
        #expect(try stage("enrollment_service", "ROLLOUT_ENROLLMENT_SERVICE=10\n") == "10%")
        #expect(try stage("enrollment_service", "ROLLOUT_ENROLLMENT_SERVICE=\"50\"\n") == "50%")
        #expect(try stage("enrollment_service", "FEATURE_ENROLLMENT_SERVICE=true\nROLLOUT_ENROLLMENT_SERVICE=0\n") == "100%")
        // The last assignment wins, as in Laravel's loader.
        #expect(try stage("enrollment_service", "ROLLOUT_ENROLLMENT_SERVICE=50\nROLLOUT_ENROLLMENT_SERVICE=10\n") == "10%")
    }

    @Test func sharedPilotListPutsEveryServiceAtPilot() throws {
        let text = "FEATURE_PILOT_USERS=9,5,4,3,2,1\nROLLOUT_PROGRESS_SERVICE=10\n"
        #expect(try stage("enrollment_service", text) == "pilot")
        #expect(try stage("grading_service", text) == "pilot")
        #expect(try stage("progress_service", text) == "10%")  // a percentage stage ignores pilots
        #expect(try stage("course_state_machine", text) == "shadow")
        // A list without all of the plan's pilots is not the pilot stage.
        #expect(try stage("enrollment_service", "FEATURE_PILOT_USERS=1,2\n") == "off")
        // An unreadable list holds for no stage that needs it.
        #expect(try stage("enrollment_service", "FEATURE_PILOT_USERS=1,two\n") == "off")
    }

    @Test func anythingElseIsUnknownCustom() throws {
        let plan = try RolloutFixtures.plan()
        let service = try #require(plan.feature("enrollment_service"))
        for text in ["ROLLOUT_ENROLLMENT_SERVICE=25\n",
                     "FEATURE_ENROLLMENT_SERVICE=true\nROLLOUT_ENROLLMENT_SERVICE=10\n",  // the guide's own week 5+
                     "FEATURE_ENROLLMENT_SERVICE=off\n",  // Laravel reads "off" as true
                     "ROLLOUT_ENROLLMENT_SERVICE=ten\n"] {
            let position = service.position(in: try RolloutFixtures.env(text))
            #expect(position.index == nil, "\(text)")
            #expect(position.description == "unknown/custom")
        }
        let position = service.position(in: try RolloutFixtures.env("ROLLOUT_ENROLLMENT_SERVICE=25\n"))
        let absent: String? = nil
        let expected: [String: String?] = ["FEATURE_ENROLLMENT_SERVICE": absent, "ROLLOUT_ENROLLMENT_SERVICE": "25",
                                           "FEATURE_PILOT_USERS": absent]
        #expect(position == .custom(values: expected))
    }

    @Test func enteringPilotAddsMissingIdsAndKeepsOthers() throws {
        let pilot = try #require(try RolloutFixtures.plan().feature("progress_service")).stages[1]
        let env = try RolloutFixtures.env("FEATURE_PILOT_USERS=7,3\nROLLOUT_PROGRESS_SERVICE=0\n")
        let edits = try RolloutPlan.edits(for: pilot.assignments, in: env)
        // FEATURE_PROGRESS_SERVICE=false and ROLLOUT_PROGRESS_SERVICE=0 already hold: not rewritten.
        #expect(edits.map(\.key) == ["FEATURE_PILOT_USERS"])
        #expect(edits.map(\.value) == ["7,3,1,2,4,5"])
        let already = try RolloutFixtures.env("FEATURE_PILOT_USERS=5,4,3,2,1\n")
        #expect(try RolloutPlan.edits(for: pilot.assignments, in: already).isEmpty)
    }
}

// MARK: - Advance

@Suite struct AdvanceTests {
    let directory: TemporaryDirectory
    let envPath: String
    static let original = """
        # LMS settings
        APP_NAME="Learning Platform"
        export APP_ENV=production

        # Rollout flags (see docs/rollout.md)
        FEATURE_ENROLLMENT_SERVICE=false   # Phase 2
        ROLLOUT_ENROLLMENT_SERVICE=0
        FEATURE_PILOT_USERS=

        """

    init() throws {
        directory = try TemporaryDirectory()
        envPath = try directory.write(".env", Self.original)
    }

    func envText() throws -> String { String(decoding: try directory.read(".env"), as: UTF8.self) }

    @Test func passingGateMovesExactlyOneStageAndRecordsIt() throws {
        let store = try Fixtures.memoryStore(schemas: [RolloutTables.schema])
        let runId = try RolloutFixtures.passingRun(store)
        let engine = try RolloutFixtures.engine(store)
        let report = try engine.advance(feature: "enrollment_service", envPath: envPath, reason: "week 4")
        #expect(report.outcome == .advanced)
        #expect(report.exitCode == 0)
        #expect((report.fromStage, report.toStage) == ("off", "pilot"))
        #expect(report.changes.map(\.key) == ["FEATURE_PILOT_USERS"])
        #expect(try envText() == Self.original.replacingOccurrences(
            of: "FEATURE_PILOT_USERS=\n", with: "FEATURE_PILOT_USERS=1,2,3,4,5\n"))
        #expect(String(decoding: try directory.read(".env.bak"), as: UTF8.self) == Self.original)
        let plan = try RolloutFixtures.plan()
        #expect(try plan.feature("enrollment_service")?.position(in: DotEnvFile.load(contentsOf: envPath)).description == "pilot")
        // The shared pilot list also moves the other services from off to pilot, and the report says so.
        #expect(report.alsoMoved.map(\.feature) == ["progress_service", "grading_service"])
        #expect(report.message.contains("progress_service (off → pilot)"))

        let entries = try store.ledgerEntries()
        #expect(entries.count == 1)
        let entry = try #require(entries.first)
        #expect(entry.action == .advance)
        #expect((entry.fromStage, entry.toStage) == ("off", "pilot"))
        #expect(entry.actor == "ci")
        #expect(entry.reason.hasPrefix("week 4: "))
        let evidence = try JSONValue.parse(Array(entry.evidence.utf8))
        #expect(evidence["runId"] == .int(Int(runId)))
        #expect(evidence["gate"]?["verdict"] == .string("pass"))
        #expect(evidence["gate"]?["features"]?["enrollment_service"]?["verdict"] == .string("pass"))
        #expect(evidence["changes"] == .array([.object(["key": .string("FEATURE_PILOT_USERS"), "old": .string(""),
                                                        "new": .string("1,2,3,4,5"), "line": .int(8)])]))
        #expect(try RolloutFixtures.count(store, "gate_decisions") == 1)
        #expect(try store.verifyLedger() == .intact(count: 1))
    }

    @Test func oneRunJustifiesOneStepOnly() throws {
        let store = try Fixtures.memoryStore(schemas: [RolloutTables.schema])
        let first = try RolloutFixtures.passingRun(store)
        let engine = try RolloutFixtures.engine(store)
        #expect(try engine.advance(feature: "enrollment_service", envPath: envPath).outcome == .advanced)
        let again = try engine.advance(feature: "enrollment_service", envPath: envPath)
        #expect(again.outcome == .staleEvidence)
        #expect(again.exitCode == 2)
        #expect(again.message.contains("run \(first) is not newer than run \(first)"))
        #expect(again.checks.contains(EvidenceCheck(name: "freshRun", required: "a complete run newer than run \(first)",
                                                    measured: "run \(first)", met: false)))
        try RolloutFixtures.passingRun(store)
        let third = try engine.advance(feature: "enrollment_service", envPath: envPath)
        #expect(third.outcome == .advanced)
        #expect((third.fromStage, third.toStage) == ("pilot", "10%"))
        #expect(try envText().contains("\nROLLOUT_ENROLLMENT_SERVICE=10\n"))
        // Another feature's step does not use up the run for this one.
        let other = try engine.advance(feature: "progress_service", envPath: envPath)
        #expect(other.outcome == .advanced)
        #expect((other.fromStage, other.toStage) == ("pilot", "10%"))
        #expect(try store.ledgerEntries().map(\.action) == [.advance, .refusedAdvance, .advance, .advance])
    }

    @Test func failingGateRefusesWithExitOne() throws {
        let store = try Fixtures.memoryStore(schemas: [RolloutTables.schema])
        try RolloutFixtures.completeRun(store, ["enrollment_service": RolloutFixtures.counts(20_000, mismatches: 400)])
        let report = try RolloutFixtures.engine(store).advance(feature: "enrollment_service", envPath: envPath)
        #expect(report.outcome == .gateFailed)
        #expect(report.exitCode == 1)
        #expect(report.message.contains("the gate fails for enrollment_service on run 1: Mismatch rate: 400 unexpected divergences"))
        #expect(report.changes.isEmpty)
        #expect(try envText() == Self.original)
        #expect(!FileManager.default.fileExists(atPath: directory.file(".env.bak")))
        let entry = try #require(try store.ledgerEntries().last)
        #expect(entry.action == .refusedAdvance)
        #expect((entry.fromStage, entry.toStage) == ("off", "pilot"))
        #expect(try JSONValue.parse(Array(entry.evidence.utf8))["gate"]?["verdict"] == .string("fail"))
    }

    @Test func tooLittleDataIsInconclusiveWithExitTwo() throws {
        // No run at all.
        let store = try Fixtures.memoryStore(schemas: [RolloutTables.schema])
        let none = try RolloutFixtures.engine(store).advance(feature: "enrollment_service", envPath: envPath)
        #expect(none.outcome == .gateInconclusive)
        #expect(none.exitCode == 2)
        #expect(none.message.contains("no complete run"))
        // A run with 1,000 clean comparisons: the error-rate bound cannot be below 0.1% yet.
        try RolloutFixtures.completeRun(store, ["enrollment_service": RolloutFixtures.counts(1000)])
        let few = try RolloutFixtures.engine(store).advance(feature: "enrollment_service", envPath: envPath)
        #expect(few.outcome == .gateInconclusive)
        #expect(few.message.contains("more clean comparisons"))
        #expect(try envText() == Self.original)
        #expect(try store.ledgerEntries().map(\.action) == [.refusedAdvance, .refusedAdvance])
    }

    @Test func onlyCompleteRunsCount() throws {
        let store = try Fixtures.memoryStore(schemas: [RolloutTables.schema])
        let complete = try RolloutFixtures.passingRun(store)
        let aborted = try store.beginRun(RunMetadata(subject: "t", startedAt: Fixtures.start, seed: nil, inputs: [],
                                                     config: [:], toolVersion: "t", workers: 1))
        try store.abortRun(aborted, error: "bad.jsonl:3: bad", finishedAt: Fixtures.start)
        _ = try store.beginRun(RunMetadata(subject: "t", startedAt: Fixtures.start, seed: nil, inputs: [], config: [:],
                                           toolVersion: "t", workers: 1))
        let report = try RolloutFixtures.engine(store).advance(feature: "enrollment_service", envPath: envPath)
        #expect(report.outcome == .advanced)
        #expect(report.gate.runId == complete)
    }

    @Test func stageEvidenceMinimumsAreChecked() throws {
        let store = try Fixtures.memoryStore(schemas: [RolloutTables.schema])
        // The anytime gate passes on 4,900 clean comparisons (its bound on the 0.1% error rate needs about 4,700), but
        // off asks for 3,000 and pilot for 5,000; the second advance pools only the run after the first.
        try RolloutFixtures.completeRun(store, ["enrollment_service": RolloutFixtures.counts(4900)], hours: 30)
        let engine = try RolloutFixtures.engine(store)
        #expect(try engine.advance(feature: "enrollment_service", envPath: envPath).outcome == .advanced)
        try RolloutFixtures.completeRun(store, ["enrollment_service": RolloutFixtures.counts(4900)], hours: 30)
        let report = try engine.advance(feature: "enrollment_service", envPath: envPath)
        #expect(report.outcome == .insufficientEvidence)
        #expect(report.exitCode == 2)
        #expect(report.message.contains("4,900 pooled comparisons of enrollment_service"))
        #expect(report.message.contains("5,000 needed (100 more)"))
        #expect(report.checks.contains(EvidenceCheck(name: "minComparisons", required: "5,000", measured: "4,900", met: false)))
        #expect(report.checks.contains(EvidenceCheck(name: "minScenarioHours", required: "4 h", measured: "30 h", met: true)))
        #expect(try RolloutFixtures.plan().feature("enrollment_service")?
            .position(in: DotEnvFile.load(contentsOf: envPath)).description == "pilot")
    }

    @Test func frozenFeatureIsRefusedWithExitOne() throws {
        let store = try Fixtures.memoryStore(schemas: [RolloutTables.schema])
        try RolloutFixtures.passingRun(store)
        let freeze = try store.freeze(feature: "enrollment_service", at: RolloutFixtures.now, actor: "ana",
                                      reason: "errors spiking")
        #expect(freeze.created)
        let report = try RolloutFixtures.engine(store).advance(feature: "enrollment_service", envPath: envPath)
        #expect(report.outcome == .frozen)
        #expect(report.exitCode == 1)
        #expect(report.message == "enrollment_service is frozen since 2026-11-24T10:00:00.000Z by ana (errors spiking): "
                + "unfreeze with `shadowgate unfreeze enrollment_service --reason TEXT`")
        #expect(try envText() == Self.original)
        // Unfrozen, the same passing run carries it.
        #expect(try store.unfreeze(feature: "enrollment_service", at: RolloutFixtures.now, actor: "ana", reason: "fixed") != nil)
        #expect(try RolloutFixtures.engine(store).advance(feature: "enrollment_service", envPath: envPath).outcome == .advanced)
        #expect(try store.ledgerEntries().map(\.action) == [.freeze, .refusedAdvance, .unfreeze, .advance])
    }

    @Test func theSharedPilotListNeverMovesAFrozenFeature() throws {
        let store = try Fixtures.memoryStore(schemas: [RolloutTables.schema])
        try RolloutFixtures.passingRun(store)
        _ = try store.freeze(feature: "progress_service", at: RolloutFixtures.now, actor: "ana", reason: "incident 7")
        let report = try RolloutFixtures.engine(store).advance(feature: "enrollment_service", envPath: envPath)
        #expect(report.outcome == .frozen)
        #expect(report.exitCode == 1)
        #expect(report.message.contains("progress_service (frozen since"))
        #expect(try envText() == Self.original)
    }

    @Test func lastStageAndCustomStageAreRefused() throws {
        let store = try Fixtures.memoryStore(schemas: [RolloutTables.schema])
        try RolloutFixtures.passingRun(store)
        let engine = try RolloutFixtures.engine(store)
        let atEnd = try directory.write("end.env", "FEATURE_ENROLLMENT_SERVICE=true\nROLLOUT_ENROLLMENT_SERVICE=0\n")
        let last = try engine.advance(feature: "enrollment_service", envPath: atEnd)
        #expect(last.outcome == .lastStage)
        #expect(last.exitCode == 2)
        #expect(last.message.contains("already at its last stage (100%)"))

        let customText = "FEATURE_ENROLLMENT_SERVICE=true\nROLLOUT_ENROLLMENT_SERVICE=10\n"
        let custom = try directory.write("custom.env", customText)
        let report = try engine.advance(feature: "enrollment_service", envPath: custom)
        #expect(report.outcome == .unknownStage)
        #expect(report.exitCode == 2)
        #expect(report.fromStage == "unknown/custom")
        #expect(report.message.contains("FEATURE_ENROLLMENT_SERVICE=true, ROLLOUT_ENROLLMENT_SERVICE=10, FEATURE_PILOT_USERS absent"))
        #expect(report.message.contains("100%: FEATURE_ENROLLMENT_SERVICE=true ROLLOUT_ENROLLMENT_SERVICE=0"))
        #expect(report.message.contains("shadowgate rollback enrollment_service"))
        #expect(String(decoding: try directory.read("custom.env"), as: UTF8.self) == customText)
    }

    @Test func dryRunWritesNothing() throws {
        let store = try Fixtures.memoryStore(schemas: [RolloutTables.schema])
        try RolloutFixtures.passingRun(store)
        let report = try RolloutFixtures.engine(store).advance(feature: "enrollment_service", envPath: envPath, dryRun: true)
        #expect(report.outcome == .wouldAdvance)
        #expect(report.exitCode == 0)
        #expect(report.changes.map(\.newValue) == ["1,2,3,4,5"])
        #expect(report.ledgerEntry == nil)
        #expect(try envText() == Self.original)
        #expect(!FileManager.default.fileExists(atPath: directory.file(".env.bak")))
        #expect(try RolloutFixtures.count(store, "ledger") == 0)
        #expect(try RolloutFixtures.count(store, "gate_decisions") == 0)
        // And a refused dry run records nothing either.
        _ = try store.freeze(feature: "enrollment_service", at: RolloutFixtures.now, actor: "a", reason: "r")
        let refused = try RolloutFixtures.engine(store).advance(feature: "enrollment_service", envPath: envPath, dryRun: true)
        #expect(refused.outcome == .frozen)
        #expect(try RolloutFixtures.count(store, "ledger") == 1)  // the freeze only
    }

    @Test func gradingStrategiesWaitForTheGradingServiceABArm() throws {
        let store = try Fixtures.memoryStore(schemas: [RolloutTables.schema])
        try RolloutFixtures.passingRun(store)
        let engine = try RolloutFixtures.engine(store)
        let env = try directory.write("ab.env", "ROLLOUT_GRADING_SERVICE=0\n")
        let refused = try engine.advance(feature: "grading_strategies", envPath: env)
        #expect(refused.outcome == .requirementNotMet)
        #expect(refused.exitCode == 2)
        #expect(refused.message == "grading_strategies may leave off only once grading_service is at 10% or later (now off)")
        try directory.write("ab.env", "ROLLOUT_GRADING_SERVICE=10\n")
        let report = try engine.advance(feature: "grading_strategies", envPath: env)
        #expect(report.outcome == .advanced)
        #expect(String(decoding: try directory.read("ab.env"), as: UTF8.self)
                == "ROLLOUT_GRADING_SERVICE=10\nFEATURE_GRADING_STRATEGIES=true\n")
    }

    @Test func anEditMadeMeanwhileIsNeverOverwritten() throws {
        let read = try DotEnvFile.load(contentsOf: envPath)
        let (edited, _) = try read.setting([("ROLLOUT_ENROLLMENT_SERVICE", "10")])
        let meanwhile = Self.original + "FEATURE_DOMAIN_EVENTS=true\n"
        try directory.write(".env", meanwhile)
        let error = #expect(throws: DotEnvError.self) { try RolloutEngine.write(edited, over: read, to: envPath) }
        #expect(error?.description.contains("the file changed while the edit was being prepared") == true)
        #expect(try envText() == meanwhile)
        #expect(!FileManager.default.fileExists(atPath: directory.file(".env.bak")))
        // Redone on what is there now, it goes through and keeps the other edit.
        let fresh = try DotEnvFile.load(contentsOf: envPath)
        let (redone, _) = try fresh.setting([("ROLLOUT_ENROLLMENT_SERVICE", "10")])
        try RolloutEngine.write(redone, over: fresh, to: envPath)
        #expect(try envText() == meanwhile.replacingOccurrences(of: "ROLLOUT_ENROLLMENT_SERVICE=0", with: "ROLLOUT_ENROLLMENT_SERVICE=10"))
    }

    @Test func unknownFeatureAndUnreadableEnvAreErrors() throws {
        let engine = try RolloutFixtures.engine(try Fixtures.memoryStore(schemas: [RolloutTables.schema]))
        #expect(throws: RolloutError.self) { try engine.advance(feature: "nope", envPath: envPath) }
        do {
            _ = try engine.advance(feature: "enrollment_service", envPath: directory.file("missing.env"))
            Issue.record("a missing .env must be an error")
        } catch {
            guard case .env(let inner) = error else { Issue.record("expected an .env error, got \(error)"); return }
            #expect(inner.description.contains("missing.env"))
        }
    }
}

// MARK: - Rollback

@Suite struct RollbackTests {
    static let original = """
        # Production flags\r
        APP_KEY='base64:abc=='   # keep me
        export FEATURE_ENROLLMENT_SERVICE=true  # Phase 2
        ROLLOUT_ENROLLMENT_SERVICE=50
        FEATURE_PILOT_USERS="1,2,3,4,5"

        FEATURE_COURSE_STATE_MACHINE=true
        FEATURE_DOMAIN_EVENTS=off
        FEATURE_PROGRESS_SERVICE=true
        # appended by the guide's emergency script (cat .env.rollback >> .env):
        FEATURE_PROGRESS_SERVICE=false
        MAIL_FROM="ops@example.com"
        """

    @Test func oneFeatureIsTurnedOffInPlace() throws {
        let plan = try RolloutFixtures.plan()
        let env = try RolloutFixtures.env(Self.original)
        let edit = try RolloutEngine.rollbackEdit(env: env, features: ["enrollment_service"], plan: plan, clearPilotUsers: false)
        #expect(edit.edited.text == Self.original
            .replacingOccurrences(of: "export FEATURE_ENROLLMENT_SERVICE=true  #", with: "export FEATURE_ENROLLMENT_SERVICE=false  #")
            .replacingOccurrences(of: "ROLLOUT_ENROLLMENT_SERVICE=50", with: "ROLLOUT_ENROLLMENT_SERVICE=0"))
        #expect(edit.changes.map(\.key) == ["FEATURE_ENROLLMENT_SERVICE", "ROLLOUT_ENROLLMENT_SERVICE"])
        #expect(edit.before == ["enrollment_service": "unknown/custom"])  // true with 50%
        #expect(edit.after == ["enrollment_service": "pilot"])  // pilots still get it
        #expect(edit.remainingPilotUsers == [1, 2, 3, 4, 5])
        #expect(!edit.clearedPilotUsers)
        let again = try RolloutEngine.rollbackEdit(env: edit.edited, features: ["enrollment_service"], plan: plan,
                                                   clearPilotUsers: false)
        #expect(!again.changed)
        #expect(again.edited.text == edit.edited.text)
    }

    @Test func everythingIsTurnedOffWithoutDuplicates() throws {
        let plan = try RolloutFixtures.plan()
        let env = try RolloutFixtures.env(Self.original)
        let edit = try RolloutEngine.rollbackEdit(env: env, features: plan.featureNames, plan: plan, clearPilotUsers: true)
        let expected = """
            # Production flags\r
            APP_KEY='base64:abc=='   # keep me
            export FEATURE_ENROLLMENT_SERVICE=false  # Phase 2
            ROLLOUT_ENROLLMENT_SERVICE=0
            FEATURE_PILOT_USERS=

            FEATURE_COURSE_STATE_MACHINE=false
            FEATURE_DOMAIN_EVENTS=false
            # appended by the guide's emergency script (cat .env.rollback >> .env):
            FEATURE_PROGRESS_SERVICE=false
            MAIL_FROM="ops@example.com"
            """
        #expect(edit.edited.text == expected)
        #expect(edit.clearedPilotUsers)
        #expect(edit.remainingPilotUsers.isEmpty)
        for feature in plan.featureNames {
            #expect(edit.edited[FlagConfiguration.flagKey(for: feature)].map { $0 == "false" } ?? true, "\(feature)")
            #expect(edit.after[feature] == plan.feature(feature)?.stages[0].name, "\(feature) is at its first stage")
            #expect(edit.edited.entries.filter { $0.key == FlagConfiguration.flagKey(for: feature) }.count <= 1)
        }
        // State machines, events and strategies have no ROLLOUT_ key in the app: none is invented.
        #expect(edit.edited["ROLLOUT_COURSE_STATE_MACHINE"] == nil)
        // The app reads the result as all off.
        let flags = try FlagConfiguration(features: plan.featureNames, environment: edit.edited)
        #expect(flags.enabledFeatures(userId: 1, bucketing: .modulo).isEmpty)
        #expect(flags.enabledFeatures(userId: 42, bucketing: .murmur3).isEmpty)
        let again = try RolloutEngine.rollbackEdit(env: edit.edited, features: plan.featureNames, plan: plan, clearPilotUsers: true)
        #expect(!again.changed)
    }

    @Test func worksWithoutAPlan() throws {
        let env = try RolloutFixtures.env("FEATURE_DOMAIN_EVENTS=true\nROLLOUT_DOMAIN_EVENTS=20\n")
        let edit = try RolloutEngine.rollbackEdit(env: env, features: ["domain_events", "attempt_state_machine"], plan: nil,
                                                  clearPilotUsers: true)
        // Absent keys already read as off (`env('FEATURE_X', false)`), so nothing is appended for them.
        #expect(edit.edited.text == "FEATURE_DOMAIN_EVENTS=false\nROLLOUT_DOMAIN_EVENTS=0\n")
        #expect(edit.before["domain_events"] == "unknown (no plan)")
    }

    @Test func recordingNeedsNoRunAndFreezesOnce() throws {
        let store = try Fixtures.memoryStore(schemas: [RolloutTables.schema])
        let plan = try RolloutFixtures.plan()
        let env = try RolloutFixtures.env(Self.original)
        let edit = try RolloutEngine.rollbackEdit(env: env, features: ["enrollment_service"], plan: plan, clearPilotUsers: false)
        let first = try RolloutEngine.recordRollback(edit, envPath: ".env", store: store, actor: "oncall", reason: "5xx",
                                                     at: RolloutFixtures.now)
        #expect(first.latestCompleteRunId == nil)
        #expect(first.newFreezes.map(\.feature) == ["enrollment_service"])
        let second = try RolloutEngine.recordRollback(
            try RolloutEngine.rollbackEdit(env: edit.edited, features: ["enrollment_service"], plan: plan, clearPilotUsers: false),
            envPath: ".env", store: store, actor: "oncall", reason: "5xx again", at: RolloutFixtures.now)
        #expect(second.newFreezes.isEmpty)
        #expect(second.existingFreezes.map(\.actor) == ["oncall"])
        let entries = try store.ledgerEntries()
        #expect(entries.map(\.action) == [.rollback, .freeze, .rollback])
        #expect(entries[0].reason == "5xx")
        #expect((entries[0].fromStage, entries[0].toStage) == ("unknown/custom", "pilot"))
        #expect(entries[2].reason == "5xx again (nothing changed: the .env already had the rollback values)")
        let evidence = try JSONValue.parse(Array(entries[2].evidence.utf8))
        #expect(evidence["changed"] == .bool(false))
        #expect(evidence["changes"] == .array([]))
        #expect(try store.freeze(of: "enrollment_service")?.reason == "rollback: 5xx")
    }

    @Test func aRollbackResetsTheEvidenceFloor() throws {
        let directory = try TemporaryDirectory()
        let envPath = try directory.write(".env", "FEATURE_PILOT_USERS=\n")
        let store = try Fixtures.memoryStore(schemas: [RolloutTables.schema])
        let plan = try RolloutFixtures.plan()
        let run = try RolloutFixtures.passingRun(store)
        let edit = try RolloutEngine.rollbackEdit(env: DotEnvFile.load(contentsOf: envPath), features: ["enrollment_service"],
                                                  plan: plan, clearPilotUsers: false)
        _ = try RolloutEngine.recordRollback(edit, envPath: envPath, store: store, actor: "a", reason: "r", at: RolloutFixtures.now)
        _ = try store.unfreeze(feature: "enrollment_service", at: RolloutFixtures.now, actor: "a", reason: "fixed")
        let engine = try RolloutFixtures.engine(store)
        let stale = try engine.advance(feature: "enrollment_service", envPath: envPath)
        #expect(stale.outcome == .staleEvidence)
        #expect(stale.message.contains("run \(run) is not newer than run \(run)"))
        try RolloutFixtures.passingRun(store)
        #expect(try engine.advance(feature: "enrollment_service", envPath: envPath).outcome == .advanced)
    }

    @Test(.enabled(if: PHPDotenv.phpExecutable != nil, "php is not on PATH (apt-get install php-cli php-vlucas-phpdotenv)"))
    func laravelsLoaderReadsTheRolledBackFileAsIntended() throws {
        let directory = try TemporaryDirectory()
        let plan = try RolloutFixtures.plan()
        let path = try directory.write(".env", Self.original)
        let edit = try RolloutEngine.rollbackEdit(env: DotEnvFile.load(contentsOf: path), features: plan.featureNames,
                                                  plan: plan, clearPilotUsers: true)
        try DotEnvFile.writeAtomically(edit.edited.text, to: path)
        #expect(String(decoding: try directory.read(".env.bak"), as: UTF8.self) == Self.original)
        let values = try PHPDotenv.load(path)
        for feature in plan.featureNames {
            if let value = values[FlagConfiguration.flagKey(for: feature)] {
                #expect(value == "false", "\(feature)")
            }
        }
        #expect(values["FEATURE_ENROLLMENT_SERVICE"] == .some("false"))
        #expect(values["FEATURE_PROGRESS_SERVICE"] == .some("false"))
        #expect(values["FEATURE_DOMAIN_EVENTS"] == .some("false"))
        #expect(values["ROLLOUT_ENROLLMENT_SERVICE"] == .some("0"))
        #expect(values["FEATURE_PILOT_USERS"] == .some(""))
        #expect(values["APP_KEY"] == .some("base64:abc=="))
        #expect(values["MAIL_FROM"] == .some("ops@example.com"))
    }
}
