import Foundation
import GRDB
@testable import ShadowRollout
import ShadowKit
import ShadowTestSupport
import Testing

/// The guide's rollout monitor: its thresholds at the edges, windows of scenario time, which rows count.
@Suite struct MonitorTests {
    // MARK: Recommendation

    @Test(arguments: [
        (0, 0, MonitorRecommendation.normal),
        (10, 0, .normal),    // the guide: > 10, so 10 is still normal
        (11, 0, .rollback),
        (0, 5, .normal),     // > 5
        (0, 6, .rollback),
        (10, 5, .normal),
        (11, 6, .rollback),
    ] as [(Int, Int, MonitorRecommendation)])
    func thresholdsAreTheGuides(errors: Int, failedJobs: Int, expected: MonitorRecommendation) {
        let (recommendation, reasons) = RolloutMonitor.recommend(errors: errors, failedJobs: failedJobs)
        #expect(recommendation == expected, "\(errors) errors, \(failedJobs) failed jobs")
        #expect(!reasons.isEmpty)
        if errors > 10 { #expect(reasons.contains("\(errors) errors in the window, above 10")) }
        if failedJobs > 5 { #expect(reasons.contains("\(failedJobs) failed jobs in the window, above 5")) }
    }

    @Test func thresholdsCanBeChosen() {
        let strict = MonitorThresholds(errors: 0, failedJobs: 0)
        #expect(RolloutMonitor.recommend(errors: 1, failedJobs: 0, thresholds: strict).0 == .rollback)
        #expect(RolloutMonitor.recommend(errors: 0, failedJobs: 0, thresholds: strict).0 == .normal)
    }

    // MARK: Window

    @Test(arguments: [("90s", 90.0), ("30m", 1800), ("1h", 3600), ("24h", 86_400), ("2d", 172_800)] as [(String, Double)])
    func windowsParse(text: String, seconds: Double) {
        #expect(RolloutMonitor.parseWindow(text) == seconds)
    }

    @Test(arguments: ["", "h", "1", "0h", "-1h", "1.5h", "1w", "1 h", " 1h", "1H", "١h", "99999999999999999999h"])
    func badWindowsAreRefused(text: String) {
        #expect(RolloutMonitor.parseWindow(text) == nil, "\(text)")
    }

    // MARK: Counts

    static func insert(_ store: Store, run: Int64, events: [(String, String)] = [], transitions: [String] = [],
                       failed: [String] = []) throws {
        try store.write { db in
            for (name, at) in events {
                try db.execute(sql: """
                    INSERT INTO domain_event_log (run_id, scenario, seq, event_name, payload, occurred_at)
                    VALUES (?, 's', 1, ?, '{}', ?)
                    """, arguments: [run, name, at])
            }
            for at in transitions {
                try db.execute(sql: """
                    INSERT INTO state_transitions (run_id, scenario, seq, entity, entity_id, from_state, to_state, transitioned_at)
                    VALUES (?, 's', 1, 'course', '1', 'draft', 'published', ?)
                    """, arguments: [run, at])
            }
            for at in failed {
                try db.execute(sql: """
                    INSERT INTO failed_jobs (run_id, scenario, seq, job, event, exception, failed_at)
                    VALUES (?, 's', 1, 'SendMail', 'EnrollmentCreated', 'boom', ?)
                    """, arguments: [run, at])
            }
        }
    }

    @Test func countsTheLastWindowOfScenarioTimeOfTheLatestCompleteRun() throws {
        let store = try Fixtures.memoryStore(schemas: [RolloutTables.schema])
        let older = try RolloutFixtures.passingRun(store, comparisons: 10)
        let run = try RolloutFixtures.passingRun(store, comparisons: 10)
        let aborted = try store.beginRun(RunMetadata(subject: "t", startedAt: Fixtures.start, seed: nil, inputs: [],
                                                     config: [:], toolVersion: "t", workers: 1))
        try store.abortRun(aborted, error: "x", finishedAt: Fixtures.start)
        // The run ends at 12:00:00.000; the 1h window is [11:00:00.000, 12:00:00.000].
        try Self.insert(store, run: run, events: [
            ("SendMail.failed", "2026-01-05T10:59:59.999Z"),   // just before the window
            ("SendMail.failed", "2026-01-05T11:00:00.000Z"),   // first instant inside
            ("Grade.failed", "2026-01-05T11:30:00.000Z"),
            ("EnrollmentCreated", "2026-01-05T11:31:00.000Z"),  // not an error
            ("failed.Enrollment", "2026-01-05T11:32:00.000Z"),  // does not end in .failed
            ("X.failedAgain", "2026-01-05T11:33:00.000Z"),
            ("Notify.failed", "2026-01-05T12:00:00.000Z"),     // the end itself
        ], transitions: ["2026-01-05T09:00:00.000Z", "2026-01-05T11:00:00.000Z", "2026-01-05T11:59:00.000Z"],
           failed: ["2026-01-05T10:00:00.000Z", "2026-01-05T11:45:00.000Z"])
        // Other runs' rows never count, even inside the window.
        try Self.insert(store, run: older, events: [("A.failed", "2026-01-05T11:30:00.000Z")],
                        transitions: ["2026-01-05T11:30:00.000Z"], failed: ["2026-01-05T11:30:00.000Z"])
        try Self.insert(store, run: aborted, events: [("A.failed", "2026-01-05T13:00:00.000Z")])

        let counts = try #require(try store.monitorCounts(windowSeconds: 3600))
        #expect(counts == MonitorCounts(runId: run, windowSeconds: 3600, windowStart: "2026-01-05T11:00:00.000Z",
                                        windowEnd: "2026-01-05T12:00:00.000Z", errors: 3, stateTransitions: 2,
                                        failedJobs: 1))
        let day = try #require(try store.monitorCounts(windowSeconds: 86_400))
        #expect((day.errors, day.stateTransitions, day.failedJobs) == (4, 3, 2))
        let minute = try #require(try store.monitorCounts(windowSeconds: 60))
        #expect((minute.errors, minute.stateTransitions, minute.failedJobs) == (1, 1, 0))
    }

    @Test func windowEndsAtTheLatestRowOfAnyTable() throws {
        let store = try Fixtures.memoryStore(schemas: [RolloutTables.schema])
        let run = try RolloutFixtures.passingRun(store, comparisons: 10)
        try Self.insert(store, run: run, events: [("A.failed", "2026-01-05T10:00:00.000Z")],
                        failed: ["2026-01-05T12:00:00.000Z"])
        let counts = try #require(try store.monitorCounts(windowSeconds: 3600))
        #expect(counts.windowEnd == "2026-01-05T12:00:00.000Z")
        #expect((counts.errors, counts.failedJobs) == (0, 1))
    }

    @Test func noCompleteRunMeansNoData() throws {
        let store = try Fixtures.memoryStore(schemas: [RolloutTables.schema])
        #expect(try store.monitorCounts(windowSeconds: 3600) == nil)
        let report = try RolloutMonitor.report(store: store, windowSeconds: 3600, env: nil, features: [], plan: nil)
        #expect(report.recommendation == .noData)
        // A complete run without any side effect has an empty window and zero counts.
        let run = try RolloutFixtures.passingRun(store, comparisons: 10)
        let counts = try #require(try store.monitorCounts(windowSeconds: 3600))
        #expect(counts == MonitorCounts(runId: run, windowSeconds: 3600, windowStart: nil, windowEnd: nil, errors: 0,
                                        stateTransitions: 0, failedJobs: 0))
    }

    @Test func reportCombinesCountsFlagsStagesAndFreezes() throws {
        let store = try Fixtures.memoryStore(schemas: [RolloutTables.schema])
        let run = try RolloutFixtures.passingRun(store, comparisons: 10)
        try Self.insert(store, run: run, events: (0..<11).map { ("Job\($0).failed", "2026-01-05T11:00:00.000Z") })
        _ = try store.freeze(feature: "domain_events", at: RolloutFixtures.now, actor: "ana", reason: "listeners failing")
        let env = try RolloutFixtures.env("""
            FEATURE_PILOT_USERS=1,2,3,4,5
            ROLLOUT_PROGRESS_SERVICE=10
            FEATURE_COURSE_STATE_MACHINE=true
            FEATURE_DOMAIN_EVENTS=maybe
            """)
        let plan = try RolloutFixtures.plan()
        let report = try RolloutMonitor.report(store: store, windowSeconds: 3600, env: env, features: plan.featureNames,
                                               plan: plan)
        #expect(report.recommendation == .rollback)
        #expect(report.reasons == ["11 errors in the window, above 10"])
        #expect(report.pilotUsers == [1, 2, 3, 4, 5])
        #expect(report.frozen.map(\.feature) == ["domain_events"])
        let byFeature = Dictionary(uniqueKeysWithValues: report.flags.map { ($0.feature, $0) })
        #expect(byFeature["enrollment_service"] == MonitorFlagStatus(feature: "enrollment_service", directFlag: false,
                                                                     percentage: 0, stage: "pilot", problem: nil))
        #expect(byFeature["progress_service"]?.percentage == 10)
        #expect(byFeature["progress_service"]?.stage == "10%")
        #expect(byFeature["course_state_machine"]?.directFlag == true)
        #expect(byFeature["course_state_machine"]?.stage == "on")
        #expect(byFeature["domain_events"]?.directFlag == nil)
        #expect(byFeature["domain_events"]?.stage == "unknown/custom")
        #expect(byFeature["domain_events"]?.problem?.contains("\"maybe\" is not a boolean") == true)
    }
}
