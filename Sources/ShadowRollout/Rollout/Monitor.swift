import Foundation
import ShadowKit
import GRDB

/// What the guide's `rollout:monitor` counts, over a window of *scenario* time: the window ends at the
/// latest timestamp the latest complete run recorded (not at the wall clock, which has nothing to do with
/// a replayed or generated scenario), and starts `windowSeconds` earlier, inclusive, as the guide's
/// `where(..., '>=', now()->subHour())`.
public struct MonitorCounts: Sendable, Codable, Equatable {
    public var runId: Int64
    public var windowSeconds: Double
    /// `2026-01-05T08:00:00.000Z`; nil when the run recorded no side effects at all.
    public var windowStart: String?
    public var windowEnd: String?
    /// `domain_event_log` rows whose `event_name` ends in `.failed`.
    public var errors: Int
    /// `state_transitions` rows.
    public var stateTransitions: Int
    /// `failed_jobs` rows.
    public var failedJobs: Int
}

/// The guide's advice: roll back when errors or failed jobs are above its thresholds.
public enum MonitorRecommendation: String, Sendable, Codable {
    /// Counts within the thresholds.
    case normal
    /// Errors above 10 or failed jobs above 5 in the window: run `shadowgate rollback --all`.
    case rollback
    /// No complete run to look at.
    case noData = "no_data"
}

/// The guide's thresholds: more than `errors` errors or more than `failedJobs` failed jobs recommends rollback.
public struct MonitorThresholds: Sendable, Codable, Equatable {
    public var errors: Int
    public var failedJobs: Int

    /// The guide's `$errorCount > 10 || $failedJobs > 5`.
    public static let guide = MonitorThresholds(errors: 10, failedJobs: 5)

    public init(errors: Int, failedJobs: Int) {
        self.errors = errors
        self.failedJobs = failedJobs
    }
}

/// One feature's flags as the monitor shows them.
public struct MonitorFlagStatus: Sendable, Codable, Equatable {
    public var feature: String
    public var directFlag: Bool?
    public var percentage: Int?
    /// The plan stage, or `unknown/custom`; nil without a plan.
    public var stage: String?
    /// Why the flags could not be read (then `directFlag` and `percentage` are nil).
    public var problem: String?
}

/// The monitor's whole answer.
public struct MonitorReport: Sendable, Codable, Equatable {
    public var counts: MonitorCounts?
    public var thresholds: MonitorThresholds
    public var recommendation: MonitorRecommendation
    /// Sentences explaining the recommendation.
    public var reasons: [String]
    public var flags: [MonitorFlagStatus]
    public var pilotUsers: [Int]
    public var frozen: [FeatureFreeze]
}

/// The guide's rollout monitor (§8.6) over the run database.
public enum RolloutMonitor {
    /// The recommendation for counts in a window: rollback when errors or failed jobs exceed the thresholds.
    static func recommend(errors: Int, failedJobs: Int, thresholds: MonitorThresholds = .guide)
        -> (MonitorRecommendation, reasons: [String])
    {
        var reasons: [String] = []
        if errors > thresholds.errors {
            reasons.append("\(errors) errors in the window, above \(thresholds.errors)")
        }
        if failedJobs > thresholds.failedJobs {
            reasons.append("\(failedJobs) failed jobs in the window, above \(thresholds.failedJobs)")
        }
        guard reasons.isEmpty else { return (.rollback, reasons) }
        return (.normal, ["errors \(errors) ≤ \(thresholds.errors) and failed jobs \(failedJobs) ≤ \(thresholds.failedJobs)"])
    }

    /// Builds the report: counts from the latest complete run, flags from `env` (when given) with stages
    /// from `plan` (when given), and the freezes in force.
    public static func report(store: Store, windowSeconds: Double, env: DotEnvFile?, features: [String],
                              plan: RolloutPlan?, thresholds: MonitorThresholds = .guide)
        throws(StoreError) -> MonitorReport
    {
        let counts = try store.monitorCounts(windowSeconds: windowSeconds)
        var recommendation = MonitorRecommendation.noData
        var reasons = ["no complete run in the database: run `shadowgate run` first"]
        if let counts {
            (recommendation, reasons) = recommend(errors: counts.errors, failedJobs: counts.failedJobs, thresholds: thresholds)
        }
        var flags: [MonitorFlagStatus] = []
        var pilots: [Int] = []
        if let env {
            for feature in features {
                let stage = plan?.feature(feature)?.position(in: env).ledgerName
                do {
                    let configuration = try FlagConfiguration(features: [feature], environment: env)
                    let setting = configuration.settings[feature] ?? FeatureSetting()
                    flags.append(MonitorFlagStatus(feature: feature, directFlag: setting.directFlag,
                                                   percentage: setting.percentage, stage: stage, problem: nil))
                    pilots = configuration.pilotUserIds
                } catch {
                    flags.append(MonitorFlagStatus(feature: feature, directFlag: nil, percentage: nil, stage: stage,
                                                   problem: error.description))
                }
            }
        }
        return MonitorReport(counts: counts, thresholds: thresholds, recommendation: recommendation, reasons: reasons,
                             flags: flags, pilotUsers: pilots, frozen: try store.freezes())
    }

    /// Parses a window such as `90s`, `30m`, `1h`, `2d` into seconds; nil when it is not a positive whole
    /// number followed by one of those units.
    public static func parseWindow(_ text: String) -> Double? {
        guard let unit = text.last, text.count >= 2 else { return nil }
        let digits = text.dropLast()
        guard digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let value = Int(digits), value > 0 else {
            return nil
        }
        switch unit {
        case "s": return Double(value)
        case "m": return Double(value) * 60
        case "h": return Double(value) * 3600
        case "d": return Double(value) * 86_400
        default: return nil
        }
    }
}

extension Store {
    /// Counts of the guide's monitor over the last `windowSeconds` of scenario time of the latest complete
    /// run; nil when there is no complete run. Timestamps are stored with milliseconds, so comparing the
    /// text compares the times.
    func monitorCounts(windowSeconds: Double) throws(StoreError) -> MonitorCounts? {
        try read { db in
            guard let runId = try Int64.fetchOne(
                db, sql: "SELECT id FROM runs WHERE status = 'complete' ORDER BY id DESC LIMIT 1") else { return nil }
            let end = try String.fetchOne(db, sql: """
                SELECT MAX(t) FROM (
                    SELECT MAX(occurred_at) AS t FROM domain_event_log WHERE run_id = :run
                    UNION ALL SELECT MAX(transitioned_at) FROM state_transitions WHERE run_id = :run
                    UNION ALL SELECT MAX(failed_at) FROM failed_jobs WHERE run_id = :run)
                """, arguments: ["run": runId])
            guard let end, let endSeconds = Timestamp.parse(end) else {
                return MonitorCounts(runId: runId, windowSeconds: windowSeconds, windowStart: nil, windowEnd: nil,
                                     errors: 0, stateTransitions: 0, failedJobs: 0)
            }
            // A window reaching before year 1 covers the whole run.
            let start = StoreTime.text(max(Timestamp.minSeconds, endSeconds - windowSeconds))
            let arguments: StatementArguments = ["run": runId, "start": start, "end": end]
            let errors = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM domain_event_log WHERE run_id = :run AND event_name LIKE '%.failed'
                    AND occurred_at >= :start AND occurred_at <= :end
                """, arguments: arguments) ?? 0
            let transitions = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM state_transitions WHERE run_id = :run
                    AND transitioned_at >= :start AND transitioned_at <= :end
                """, arguments: arguments) ?? 0
            let failed = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM failed_jobs WHERE run_id = :run AND failed_at >= :start AND failed_at <= :end
                """, arguments: arguments) ?? 0
            return MonitorCounts(runId: runId, windowSeconds: windowSeconds, windowStart: start, windowEnd: end,
                                 errors: errors, stateTransitions: transitions, failedJobs: failed)
        }
    }
}
