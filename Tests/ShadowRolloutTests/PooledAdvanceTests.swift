import Foundation
@testable import ShadowRollout
import ShadowKit
import ShadowTestSupport
import Testing

/// Issue 14, item 5: `advance` decides on the evidence pooled since the feature's last stage change, for one
/// candidate version, each input once, with the anytime bound; no pooled data is never an advance.
@Suite struct PooledAdvanceTests {
    let directory: TemporaryDirectory
    let envPath: String

    init() throws {
        directory = try TemporaryDirectory()
        envPath = try directory.write(".env", AdvanceTests.original)
    }

    static let feature = "enrollment_service"

    @discardableResult static func run(_ store: Store, _ comparisons: Int, mismatches: Int = 0, version: String = "modern 1",
                                       input: String? = nil) throws -> Int64 {
        try RolloutFixtures.completeRun(store, [feature: RolloutFixtures.counts(comparisons, mismatches: mismatches)],
                                        version: version, input: input)
    }

    @Test func eachInputCountsOnceAndANewVersionStartsANewPool() throws {
        let store = try Fixtures.memoryStore(schemas: [RolloutTables.schema])
        let first = try Self.run(store, 10_000, mismatches: 3, input: "sha256:aa")
        let again = try Self.run(store, 10_000, mismatches: 3, input: "sha256:aa")
        let other = try Self.run(store, 5_000, mismatches: 1, input: "generated:seed=7")
        var pool = try store.pooledEvidence(feature: Self.feature, afterRunId: nil)
        #expect(pool.runIds == [first, again, other])
        #expect(pool.inputs == ["sha256:aa", "generated:seed=7"])
        #expect(pool.repeatedInputs == 1)
        #expect(pool.comparisons == 15_000)
        #expect(pool.mismatches == 4)
        #expect(pool.candidateVersion == "modern 1")
        // Only runs after the stage change count.
        pool = try store.pooledEvidence(feature: Self.feature, afterRunId: first)
        #expect(pool.runIds == [again, other])
        #expect(pool.comparisons == 15_000)
        // A new candidate version starts over, even with an input the old version saw.
        let next = try Self.run(store, 2_000, version: "modern 2", input: "sha256:aa")
        pool = try store.pooledEvidence(feature: Self.feature, afterRunId: nil)
        #expect(pool.runIds == [next])
        #expect(pool.otherVersionRuns == 3)
        #expect(pool.comparisons == 2_000)
        #expect(pool.summary.contains("candidate modern 2"))
    }

    @Test func twoNightsTogetherAdvanceWhatNeitherDoesAlone() throws {
        let store = try Fixtures.memoryStore(schemas: [RolloutTables.schema])
        let engine = try RolloutFixtures.engine(store)
        // 3,000 clean comparisons: the anytime bound on the 0.1% error rate is about 0.15%.
        try Self.run(store, 3_000)
        let alone = try engine.advance(feature: Self.feature, envPath: envPath)
        #expect(alone.outcome == .gateInconclusive)
        let row = try #require(alone.gate.features.first?.criteria.first { $0.metric == "Error rate" })
        #expect(row.bound == .betaBinomialMixture)
        #expect((row.needed ?? 0) > 0)
        #expect(row.reason.contains("anytime"))
        try Self.run(store, 3_000)
        let pooled = try engine.advance(feature: Self.feature, envPath: envPath)
        #expect(pooled.outcome == .advanced)
        #expect(pooled.gate.pool?.comparisons == 6_000)
        #expect(pooled.message.contains("anytime"))
        // The JSON says which bound, with numbers as numbers.
        let json = JSONOutput.value(pooled.document(env: envPath, dryRun: false))
        let criteria = json["gate"]?["features"]?[Self.feature]?["criteria"]
        guard case .array(let rows)? = criteria, case .object(let mismatch)? = rows.first else {
            Issue.record("no criteria in \(json.jsonText)")
            return
        }
        #expect(mismatch["bound"] == .string("beta-binomial-mixture"))
        #expect(mismatch["comparisons"] == .int(6_000))
        #expect(json["gate"]?["pool"]?["comparisons"] == .int(6_000))
    }

    @Test func theSameInputTwiceIsNotNewEvidence() throws {
        let store = try Fixtures.memoryStore(schemas: [RolloutTables.schema])
        let engine = try RolloutFixtures.engine(store)
        try Self.run(store, 3_000, input: "sha256:bb")
        try Self.run(store, 3_000, input: "sha256:bb")
        let report = try engine.advance(feature: Self.feature, envPath: envPath)
        #expect(report.outcome == .gateInconclusive)
        #expect(report.gate.pool?.comparisons == 3_000)
        #expect(report.message.contains("1 repeated input(s) counted once"))
    }

    @Test func runsWithoutRecordedInputsAreNoEvidence() throws {
        let store = try Fixtures.memoryStore(schemas: [RolloutTables.schema])
        // A run stored without per-input counts (as before this version) pools nothing: fail closed.
        let id = try store.beginRun(RunMetadata(subject: "old", startedAt: Fixtures.start, seed: nil, inputs: [],
                                                config: [:], toolVersion: "old", workers: 1))
        let totals = RunTotals(features: [Self.feature: RolloutFixtures.counts(1_000_000)], featureOrder: [Self.feature],
                               latency: [:], candidateLatency: [:], signatures: [], expiredRuleHits: [:], commands: 0,
                               scenarios: 0, scenarioSeconds: 3600 * 30)
        try store.completeRun(id, totals: totals, finishedAt: Fixtures.start + 1, duration: 1)
        let report = try RolloutFixtures.engine(store).advance(feature: Self.feature, envPath: envPath)
        #expect(report.outcome == .gateInconclusive)
        #expect(report.gate.verdict == .inconclusive)
        #expect(report.message.contains("no comparisons"))
    }

    @Test func aFailingPoolRefuses() throws {
        let store = try Fixtures.memoryStore(schemas: [RolloutTables.schema])
        try Self.run(store, 20_000)
        try Self.run(store, 20_000, mismatches: 400)
        let report = try RolloutFixtures.engine(store).advance(feature: Self.feature, envPath: envPath)
        // 400 of 40,000 pooled is 1%: the rate itself breaches 0.5%.
        #expect(report.outcome == .gateFailed)
        #expect(report.message.contains("400 unexpected divergences in 40,000"))
    }
}
