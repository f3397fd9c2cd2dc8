import Foundation
import GRDB

/// A run as read back from the database: its `runs` row, and the per-feature counts and latency the gate and
/// reports need.
public struct StoredRun: Sendable {
    public var header: RunHeaderRow
    public var features: [String: FeatureCounts]
    public var featureOrder: [String]
    public var controlLatency: [String: LatencySummary]
    public var candidateLatency: [String: LatencySummary]
    /// The control timed twice (A/A) per feature: this machine's timing noise.
    package var repeatLatency: [String: RepeatTiming] = [:]

    public var id: Int64 { header.id }
    public var status: RunStatus { header.status }
    public var error: String? { header.error }
    public var startedAt: String { header.startedAt }
    public var scenarioSeconds: Double { header.scenarioSeconds }
    public var commands: Int { header.commands }
    public var scenarios: Int { header.scenarios }

    public init(header: RunHeaderRow, features: [String: FeatureCounts], featureOrder: [String],
                controlLatency: [String: LatencySummary] = [:], candidateLatency: [String: LatencySummary] = [:]) {
        self.header = header
        self.features = features
        self.featureOrder = featureOrder
        self.controlLatency = controlLatency
        self.candidateLatency = candidateLatency
    }

    /// A run with only what the gate reads set (the rest of its `runs` row left blank), for tests and tools.
    public init(id: Int64, status: RunStatus, error: String? = nil, startedAt: String = "", scenarioSeconds: Double,
                commands: Int = 0, scenarios: Int = 0, trafficSeconds: Double? = nil, syntheticCommands: Int? = nil,
                features: [String: FeatureCounts], featureOrder: [String],
                controlLatency: [String: LatencySummary] = [:], candidateLatency: [String: LatencySummary] = [:],
                repeatLatency: [String: RepeatTiming] = [:]) {
        self.init(header: RunHeaderRow(id: id, status: status, error: error, subject: "", startedAt: startedAt,
                                       finishedAt: nil, durationSeconds: nil, seed: nil, inputs: [], config: [:],
                                       toolVersion: "", workers: 0, commands: commands, scenarios: scenarios,
                                       scenarioSeconds: scenarioSeconds, trafficSeconds: trafficSeconds,
                                       syntheticCommands: syntheticCommands),
                  features: features, featureOrder: featureOrder, controlLatency: controlLatency,
                  candidateLatency: candidateLatency)
        self.repeatLatency = repeatLatency
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
            var run = StoredRun(header: Self.runHeader(row), features: [:], featureOrder: [])
            let runId = run.id
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
                c.abandoned = stat["abandoned"]
                c.noise = stat["noise"]
                c.controlFailedJobs = stat["control_failed_jobs"]
                c.downstream = stat["downstream"]
                c.tolerated = stat["tolerated"]
                let feature: String = stat["feature"]
                run.features[feature] = c
                run.featureOrder.append(feature)
            }
            var repeatFirst: [String: LatencySummary] = [:]
            var repeatSecond: [String: LatencySummary] = [:]
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
                switch LatencySide(rawValue: latency["side"]) {
                case .control?: run.controlLatency[feature] = summary
                case .candidate?: run.candidateLatency[feature] = summary
                case .repeatFirst?: repeatFirst[feature] = summary
                case .repeatSecond?: repeatSecond[feature] = summary
                case nil: break
                }
            }
            for (feature, first) in repeatFirst {
                guard let second = repeatSecond[feature] else { continue }
                run.repeatLatency[feature] = RepeatTiming(first: first, second: second)
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
