import Foundation
import GRDB

/// What the `runs` table says about one run, as a report shows it.
public struct RunHeaderRow: Sendable, Equatable, Codable {
    public var id: Int64
    public var status: RunStatus
    public var error: String?
    public var subject: String
    public var startedAt: String
    public var finishedAt: String?
    public var durationSeconds: Double?
    /// The generator seed, when the run generated traffic.
    public var seed: UInt64?
    public var inputs: [String]
    public var config: [String: String]
    public var toolVersion: String
    public var workers: Int
    public var commands: Int
    public var scenarios: Int
    public var scenarioSeconds: Double
    /// The time recorded traffic spans (union of its scenarios' intervals); nil for runs stored before it was kept.
    public var trafficSeconds: Double? = nil
    /// Commands of generated traffic (no real hours); nil for runs stored before it was kept.
    public var syntheticCommands: Int? = nil
    /// The candidate's name and version, when the run recorded it (runs of one version pool their evidence).
    public var candidateVersion: String? = nil
}

extension Store {
    /// The id of the newest run of any status, or nil on an empty database.
    public func latestRunId() throws(StoreError) -> Int64? {
        try read { db in try Int64.fetchOne(db, sql: "SELECT id FROM runs ORDER BY id DESC LIMIT 1") }
    }

    /// The `runs` row of `runId`, or nil when there is no such run.
    public func runHeader(runId: Int64) throws(StoreError) -> RunHeaderRow? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [runId]).map(Self.runHeader)
        }
    }

    /// Decodes a `runs` row; an unknown status reads as aborted (it never counts).
    package static func runHeader(_ row: Row) -> RunHeaderRow {
        let seed: Int64? = row["seed"]
        return RunHeaderRow(
            id: row["id"], status: RunStatus(rawValue: row["status"]) ?? .aborted, error: row["error"],
            subject: row["subject"], startedAt: row["started_at"], finishedAt: row["finished_at"],
            durationSeconds: row["duration_seconds"], seed: seed.map { UInt64(bitPattern: $0) },
            inputs: strings(row["inputs"]), config: stringMap(row["config"]),
            toolVersion: row["tool_version"], workers: row["workers"], commands: row["commands"],
            scenarios: row["scenarios"], scenarioSeconds: row["scenario_seconds"],
            trafficSeconds: row["traffic_seconds"], syntheticCommands: row["synthetic_commands"],
            candidateVersion: row["candidate_version"])
    }

    static func strings(_ text: String?) -> [String] {
        guard let text, case .array(let values)? = try? JSONValue.parse(Array(text.utf8)) else { return [] }
        return values.compactMap { if case .string(let s) = $0 { s } else { nil } }
    }

    static func stringMap(_ text: String?) -> [String: String] {
        guard let text, case .object(let object)? = try? JSONValue.parse(Array(text.utf8)) else { return [:] }
        return object.compactMapValues { if case .string(let s) = $0 { s } else { nil } }
    }
}

/// The `side` column of the `latency` table.
enum LatencySide: String, Sendable, CaseIterable {
    case control, candidate
    /// The control's times on the commands it was timed twice (A/A), and the second timings.
    case repeatFirst = "control-aa-first"
    case repeatSecond = "control-aa-second"
}
