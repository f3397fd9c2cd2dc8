import Foundation
import GRDB

/// A run as read back from the database, with what the gate and reports need.
public struct StoredRun: Sendable {
    public var id: Int64
    public var status: RunStatus
    public var error: String?
    public var startedAt: String
    public var scenarioSeconds: Double
    public var commands: Int
    public var scenarios: Int
    public var features: [String: FeatureCounts]
    public var featureOrder: [String]
    public var controlLatency: [String: LatencySummary]
    public var candidateLatency: [String: LatencySummary]

    public init(id: Int64, status: RunStatus, error: String? = nil, startedAt: String = "", scenarioSeconds: Double,
                commands: Int = 0, scenarios: Int = 0, features: [String: FeatureCounts], featureOrder: [String],
                controlLatency: [String: LatencySummary] = [:], candidateLatency: [String: LatencySummary] = [:]) {
        self.id = id
        self.status = status
        self.error = error
        self.startedAt = startedAt
        self.scenarioSeconds = scenarioSeconds
        self.commands = commands
        self.scenarios = scenarios
        self.features = features
        self.featureOrder = featureOrder
        self.controlLatency = controlLatency
        self.candidateLatency = candidateLatency
    }
}

extension Store {
    /// The run with this id, or the latest run (of any status) when `id` is nil; nil when there is none.
    public func run(id: Int64?) throws(StoreError) -> StoredRun? {
        try read { db in
            let row: Row?
            if let id {
                row = try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id])
            } else {
                row = try Row.fetchOne(db, sql: "SELECT * FROM runs ORDER BY id DESC LIMIT 1")
            }
            guard let row else { return nil }
            let runId: Int64 = row["id"]
            var run = StoredRun(id: runId, status: RunStatus(rawValue: row["status"]) ?? .aborted, error: row["error"],
                                startedAt: row["started_at"], scenarioSeconds: row["scenario_seconds"],
                                commands: row["commands"], scenarios: row["scenarios"], features: [:], featureOrder: [],
                                controlLatency: [:], candidateLatency: [:])
            for stat in try Row.fetchAll(db, sql: "SELECT * FROM feature_stats WHERE run_id = ? ORDER BY rowid", arguments: [runId]) {
                var c = FeatureCounts()
                c.comparisons = stat["comparisons"]
                c.matches = stat["matches"]
                c.accepted = stat["accepted"]
                c.mismatches = stat["mismatches"]
                c.candidateErrors = stat["candidate_errors"]
                c.controlErrors = stat["control_errors"]
                c.stateTransitionErrors = stat["state_transition_errors"]
                c.failedJobs = stat["failed_jobs"]
                c.candidateRejections = stat["candidate_rejections"]
                let feature: String = stat["feature"]
                run.features[feature] = c
                run.featureOrder.append(feature)
            }
            for latency in try Row.fetchAll(db, sql: "SELECT * FROM latency WHERE run_id = ?", arguments: [runId]) {
                var buckets: [[Double]] = []
                if let text: String = latency["histogram"], case .array(let pairs)? = try? JSONValue.parse(Array(text.utf8)) {
                    buckets = pairs.compactMap {
                        guard case .array(let pair) = $0 else { return nil }
                        return pair.compactMap(\.numberValue)
                    }
                }
                let summary = LatencySummary(count: latency["count"], p50: latency["p50_ns"], p95: latency["p95_ns"],
                                             p99: latency["p99_ns"], max: latency["max_ns"], buckets: buckets)
                let feature: String = latency["feature"]
                if latency["side"] as String == "control" {
                    run.controlLatency[feature] = summary
                } else {
                    run.candidateLatency[feature] = summary
                }
            }
            return run
        }
    }

    /// Records a gate decision (the JSON document the gate printed).
    /// "not measured" is never a decision; it is stored as inconclusive.
    public func recordGateDecision(runId: Int64?, verdict: Verdict, document: String, at: Double) throws(StoreError) {
        let stored = verdict == .pass || verdict == .fail ? verdict.rawValue : Verdict.inconclusive.rawValue
        try write { db in
            try db.execute(sql: "INSERT INTO gate_decisions (run_id, decided_at, verdict, decision) VALUES (?, ?, ?, ?)",
                           arguments: [runId, StoreTime.text(at), stored, document])
        }
    }
}
