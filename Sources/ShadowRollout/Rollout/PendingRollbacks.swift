import Foundation
import GRDB
import ShadowKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A rollback as the ledger records it, independent of the database: what `rollback` writes to the pending
/// journal beside the `.env` *before* it edits the file, so no `.env` change is ever without a durable record.
public struct PendingRollback: Sendable, Codable, Equatable {
    /// Unique per rollback; kept in the ledger evidence, so an entry is never recorded twice.
    public var id: String
    /// Milliseconds since 1970 (the ledger's precision).
    var atMillis: Int64
    public var actor: String
    public var reason: String
    public var envPath: String
    public var features: [String]
    public var before: [String: String]
    public var after: [String: String]
    public var changes: [DotEnvChange]
    public var remainingPilotUsers: [Int]

    public init(_ edit: RollbackEdit, envPath: String, actor: String, reason: String, at: Date) {
        id = UUID().uuidString.lowercased()
        atMillis = Int64((at.timeIntervalSince1970 * 1000).rounded())
        self.actor = actor
        self.reason = reason
        self.envPath = envPath
        features = edit.features
        before = edit.before
        after = edit.after
        changes = edit.changes
        remainingPilotUsers = edit.remainingPilotUsers
    }

    public var at: Date { Date(timeIntervalSince1970: Double(atMillis) / 1000) }
}

/// The pending journal `<env>.shadowgate-pending.jsonl`: one JSON line per rollback not yet in the ledger.
public enum PendingJournal {
    public static func path(forEnv envPath: String) -> String { envPath + ".shadowgate-pending.jsonl" }

    /// The journal's entries in the order they were written.
    public static func entries(forEnv envPath: String) throws(DotEnvError) -> [PendingRollback] {
        let path = path(forEnv: envPath)
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let bytes = try DotEnvFileIO.readAll(path)
        var entries: [PendingRollback] = []
        for line in bytes.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            // A line cut short by a crash while appending it was never followed by an .env edit: skip it.
            if let entry = try? JSONDecoder().decode(PendingRollback.self, from: Data(line)) { entries.append(entry) }
        }
        return entries
    }

    /// Appends `entry` and makes it durable (file and directory synced) before returning.
    public static func append(_ entry: PendingRollback, envPath: String) throws(DotEnvError) {
        let path = path(forEnv: envPath)
        var line: [UInt8]
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            line = Array(try encoder.encode(entry))
        } catch {
            throw .io(path: path, operation: "encode the pending rollback", reason: "\(error)")
        }
        line.append(UInt8(ascii: "\n"))
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw DotEnvFileIO.failure(path, "open the pending journal") }
        defer { close(descriptor) }
        let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == line.count else { throw DotEnvFileIO.failure(path, "write the pending journal") }
        guard fsync(descriptor) == 0 else { throw DotEnvFileIO.failure(path, "sync the pending journal") }
        let directory = open((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent,
                             O_RDONLY | O_CLOEXEC)
        if directory >= 0 {
            _ = fsync(directory)
            close(directory)
        }
    }

    /// Removes entries by id (the rollback that wrote one could not edit the `.env` after all, or they are in
    /// the ledger now); deletes the journal when nothing is left.
    public static func remove(ids: Set<String>, envPath: String) throws(DotEnvError) {
        let path = path(forEnv: envPath)
        let left = try entries(forEnv: envPath).filter { !ids.contains($0.id) }
        if left.isEmpty {
            guard unlink(path) == 0 || errno == ENOENT else { throw DotEnvFileIO.failure(path, "remove the pending journal") }
            return
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bytes: [UInt8] = []
        for entry in left {
            guard let data = try? encoder.encode(entry) else { continue }
            bytes += Array(data) + [UInt8(ascii: "\n")]
        }
        try DotEnvFileIO.replace(path, with: bytes, mode: 0o600, owner: nil)
    }
}

extension RolloutEngine {
    /// Records every pending rollback of `envPath`'s journal in the ledger, in journal order and in one
    /// transaction (rollback entries, freezes), skipping any already recorded, then removes the journal.
    /// Returns what was recorded per pending rollback.
    @discardableResult
    public static func recordPendingRollbacks(envPath: String, store: Store) throws -> [(PendingRollback, RollbackRecord)] {
        let pending = try PendingJournal.entries(forEnv: envPath)
        guard !pending.isEmpty else { return [] }
        let records = try store.write { db in
            var records: [(PendingRollback, RollbackRecord)] = []
            for entry in pending {
                let recorded = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM ledger WHERE instr(evidence, ?) > 0)",
                                                 arguments: ["\"pendingId\":\"\(entry.id)\""]) ?? false
                if recorded { continue }
                records.append((entry, try record(entry, db)))
            }
            return records
        }
        try PendingJournal.remove(ids: Set(pending.map(\.id)), envPath: envPath)
        return records
    }

    /// Writes one rollback's ledger entries and freezes inside the caller's transaction.
    static func record(_ rollback: PendingRollback, _ db: Database) throws -> RollbackRecord {
        let latest = try Int64.fetchOne(db, sql: "SELECT id FROM runs WHERE status = 'complete' ORDER BY id DESC LIMIT 1")
        var record = RollbackRecord(rollbackEntries: [], newFreezes: [], existingFreezes: [], latestCompleteRunId: latest)
        for feature in rollback.features {
            let keys: Set<String> = [FlagConfiguration.flagKey(for: feature), FlagConfiguration.rolloutKey(for: feature),
                                     FlagConfiguration.pilotUsersKey]
            let changes = rollback.changes.filter { keys.contains($0.key) }
            let note = changes.isEmpty ? " (nothing changed: the .env already had the rollback values)" : ""
            let evidence = JSONValue.object([
                "env": .string(rollback.envPath),
                "scope": .string(rollback.features.count > 1 ? "all" : "feature"),
                "changes": changesJSON(changes),
                "changed": .bool(!changes.isEmpty),
                "latestCompleteRunId": latest.map { .int(Int($0)) } ?? .null,
                "pilotUsersRemaining": .array(rollback.remainingPilotUsers.map { .int($0) }),
                "pendingId": .string(rollback.id),
            ])
            let entry = LedgerEntry.sealed(
                after: try Store.lastLedgerEntry(db), at: rollback.at, actor: rollback.actor, action: .rollback,
                feature: feature, fromStage: rollback.before[feature], toStage: rollback.after[feature],
                reason: rollback.reason + note, evidence: evidence.jsonText)
            try Store.insert(entry, db)
            record.rollbackEntries.append(entry)
            if let existing = try Store.currentFreeze(of: feature, db) {
                record.existingFreezes.append(existing)
                continue
            }
            let reason = "rollback: \(rollback.reason)"
            let freeze = FeatureFreeze(feature: feature, frozenAt: LedgerEntry.canonicalTimestamp(rollback.at),
                                       actor: rollback.actor, reason: reason)
            try db.execute(sql: "INSERT INTO feature_freezes (feature, frozen_at, actor, reason) VALUES (?, ?, ?, ?)",
                           arguments: [feature, freeze.frozenAt, rollback.actor, reason])
            try Store.insert(LedgerEntry.sealed(
                after: try Store.lastLedgerEntry(db), at: rollback.at, actor: rollback.actor, action: .freeze,
                feature: feature, fromStage: nil, toStage: nil, reason: reason,
                evidence: JSONValue.object(["rollbackEntry": .int(entry.sequence)]).jsonText), db)
            record.newFreezes.append(freeze)
        }
        return record
    }
}
