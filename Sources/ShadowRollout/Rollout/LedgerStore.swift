import Foundation
import ShadowKit
import GRDB

/// A feature whose advancement is frozen (by a rollback or by hand) until someone lifts it.
public struct FeatureFreeze: Sendable, Equatable, Codable {
    public var feature: String
    /// `2026-11-24T10:00:00.000Z`.
    public var frozenAt: String
    public var actor: String
    public var reason: String

    public init(feature: String, frozenAt: String, actor: String, reason: String) {
        self.feature = feature
        self.frozenAt = frozenAt
        self.actor = actor
        self.reason = reason
    }
}

/// A ledger row as stored. ``entry`` is nil when the row cannot even be read back as an entry (an
/// unknown action or an unreadable time, which only a hand edit produces); ``problem`` says why.
public struct StoredLedgerRow: Sendable, Equatable {
    public var sequence: Int
    public var entry: LedgerEntry?
    public var problem: String?
}

/// Ledger and freeze persistence in the run database (tables `ledger` and `feature_freezes`).
extension Store {
    /// Appends an entry sealed after the last stored one, in one transaction, and returns it.
    @discardableResult
    func appendLedger(
        at: Date, actor: String, action: LedgerAction, feature: String, fromStage: String?, toStage: String?,
        reason: String, evidence: String
    ) throws(StoreError) -> LedgerEntry {
        try write { db in
            let previous = try Self.lastLedgerEntry(db)
            let entry = LedgerEntry.sealed(
                after: previous, at: at, actor: actor, action: action, feature: feature,
                fromStage: fromStage, toStage: toStage, reason: reason, evidence: evidence)
            try Self.insert(entry, db)
            return entry
        }
    }

    /// Every ledger row in sequence order.
    public func ledgerRows() throws(StoreError) -> [StoredLedgerRow] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT sequence, \(Self.blobColumns) FROM ledger ORDER BY sequence").map(Self.decode)
        }
    }

    /// The ledger's text columns, read as the bytes stored: SQLite hands text to Swift as a C string, which
    /// ends at the first NUL, so `'r1' || char(0) || ' -- approved by nobody'` would read (and hash) as `r1`.
    static let textColumns = ["at", "actor", "action", "feature", "from_stage", "to_stage", "reason", "evidence",
                              "previous_hash", "hash"]
    static let blobColumns = textColumns.map { "CAST(\($0) AS BLOB) AS \($0)" }.joined(separator: ", ")

    /// A stored text column exactly as stored; `nil` for SQL NULL. Bytes that are not UTF-8 (only a hand edit
    /// writes them) are reported, since decoding them would replace them and hash something else.
    static func storedText(_ row: Row, _ column: String) -> (text: String?, valid: Bool) {
        guard let data = row[column] as Data? else { return (nil, true) }
        guard let text = String(validating: data, as: UTF8.self) else {
            return (String(decoding: data, as: UTF8.self), false)
        }
        return (text, true)
    }

    /// Every ledger entry in sequence order; rows that cannot be read back are skipped (see ``verifyLedger()``).
    func ledgerEntries() throws(StoreError) -> [LedgerEntry] {
        try ledgerRows().compactMap(\.entry)
    }

    /// Checks the stored chain with ``Ledger/verify(_:)``; a row that cannot be read back breaks it there.
    /// An intact chain must also agree with `feature_freezes`: a freeze row the ledger does not show, or a
    /// freeze in the ledger without its row, means the table was edited by hand.
    ///
    /// Entries cut off the end leave a shorter chain that is still intact. `anchor`, the hash of the last
    /// entry as seen earlier (kept outside the database, e.g. by CI), catches that: it must still be in the chain.
    public func verifyLedger(anchor: String? = nil) throws(StoreError) -> LedgerVerification {
        let rows = try ledgerRows()
        var entries: [LedgerEntry] = []
        for row in rows {
            guard let entry = row.entry else {
                // Report the earlier break, if the chain is already broken before this row.
                if case .broken = Ledger.verify(entries) { break }
                return .broken(atSequence: row.sequence, reason: row.problem ?? "the row cannot be read")
            }
            entries.append(entry)
        }
        let chain = Ledger.verify(entries)
        guard case .intact = chain else { return chain }
        if let anchor, !entries.contains(where: { $0.hash == anchor.lowercased() }) {
            return .broken(atSequence: (entries.last?.sequence ?? 0) + 1, reason: "no entry has the anchor hash "
                           + "\(anchor): entries were cut off the end (or the anchor is from another ledger)")
        }
        return try read { db in
            let table = Set(try Data.fetchAll(db, sql: "SELECT CAST(feature AS BLOB) FROM feature_freezes")
                .map { String(decoding: $0, as: UTF8.self) })
            let ledger = try Self.ledgerFreezes(db)
            for (feature, frozen) in ledger.sorted(by: { $0.value.sequence < $1.value.sequence })
            where !table.contains(feature) {
                return .broken(atSequence: frozen.sequence, reason: "this entry froze \(feature) and no unfreeze "
                               + "followed, but feature_freezes has no row for it: the table was altered (advance "
                               + "still treats \(feature) as frozen)")
            }
            for feature in table.sorted() where ledger[feature] == nil {
                return .broken(atSequence: entries.last?.sequence ?? 0, reason: "feature_freezes holds \(feature), "
                               + "which the ledger does not show frozen: the table was altered")
            }
            return chain
        }
    }

    /// The freeze on `feature`, if any: its `feature_freezes` row, or else a freeze the ledger shows without
    /// a row (deleting the row by hand does not lift a freeze; only `unfreeze` does).
    public func freeze(of feature: String) throws(StoreError) -> FeatureFreeze? {
        try read { db in try Self.currentFreeze(of: feature, db) }
    }

    /// Every freeze, by feature name, counted as ``freeze(of:)`` counts them.
    public func freezes() throws(StoreError) -> [FeatureFreeze] {
        try read { db in
            var freezes = try Self.ledgerFreezes(db).mapValues(\.freeze)
            for row in try Row.fetchAll(db, sql: "SELECT * FROM feature_freezes") {
                let freeze = Self.decodeFreeze(row)
                freezes[freeze.feature] = freeze
            }
            return freezes.values.sorted { $0.feature < $1.feature }
        }
    }

    static func currentFreeze(of feature: String, _ db: Database) throws -> FeatureFreeze? {
        if let row = try Row.fetchOne(db, sql: "SELECT * FROM feature_freezes WHERE feature = ?", arguments: [feature]) {
            return decodeFreeze(row)
        }
        return try ledgerFreezes(db)[feature]?.freeze
    }

    /// Features the ledger shows frozen: a `freeze` entry with no `unfreeze` after it, and that entry's sequence.
    static func ledgerFreezes(_ db: Database) throws -> [String: (freeze: FeatureFreeze, sequence: Int)] {
        var frozen: [String: (freeze: FeatureFreeze, sequence: Int)] = [:]
        let rows = try Row.fetchAll(db, sql: """
            SELECT sequence, at, actor, action, feature, reason FROM ledger
            WHERE action IN ('freeze', 'unfreeze') ORDER BY sequence
            """)
        for row in rows {
            let feature: String = row["feature"]
            let action: String = row["action"]
            if action == LedgerAction.freeze.rawValue {
                frozen[feature] = (FeatureFreeze(feature: feature, frozenAt: row["at"], actor: row["actor"],
                                                 reason: row["reason"]), row["sequence"])
            } else {
                frozen[feature] = nil
            }
        }
        return frozen
    }

    /// Freezes `feature` and appends a `freeze` entry, unless it is frozen already (then nothing is written
    /// and the existing freeze is returned with `created == false`).
    public func freeze(feature: String, at: Date, actor: String, reason: String, evidence: String = "{}")
        throws(StoreError) -> (freeze: FeatureFreeze, created: Bool, entry: LedgerEntry?)
    {
        try write { db in
            if let existing = try Self.currentFreeze(of: feature, db) {
                return (existing, false, nil)
            }
            let freeze = FeatureFreeze(feature: feature, frozenAt: LedgerEntry.canonicalTimestamp(at), actor: actor,
                                       reason: reason)
            try db.execute(sql: "INSERT INTO feature_freezes (feature, frozen_at, actor, reason) VALUES (?, ?, ?, ?)",
                           arguments: [feature, freeze.frozenAt, actor, reason])
            let entry = LedgerEntry.sealed(
                after: try Self.lastLedgerEntry(db), at: at, actor: actor, action: .freeze, feature: feature,
                fromStage: nil, toStage: nil, reason: reason, evidence: evidence)
            try Self.insert(entry, db)
            return (freeze, true, entry)
        }
    }

    /// Lifts the freeze on `feature` and appends an `unfreeze` entry; returns the freeze that was lifted,
    /// or nil (and writes nothing) when the feature was not frozen.
    public func unfreeze(feature: String, at: Date, actor: String, reason: String)
        throws(StoreError) -> (lifted: FeatureFreeze, entry: LedgerEntry)?
    {
        try write { db in
            guard let existing = try Self.currentFreeze(of: feature, db) else { return nil }
            try db.execute(sql: "DELETE FROM feature_freezes WHERE feature = ?", arguments: [feature])
            let evidence = JSONValue.object([
                "liftedFreeze": .object([
                    "frozenAt": .string(existing.frozenAt), "actor": .string(existing.actor),
                    "reason": .string(existing.reason),
                ]),
            ]).jsonText
            let entry = LedgerEntry.sealed(
                after: try Self.lastLedgerEntry(db), at: at, actor: actor, action: .unfreeze, feature: feature,
                fromStage: nil, toStage: nil, reason: reason, evidence: evidence)
            try Self.insert(entry, db)
            return (existing, entry)
        }
    }

    /// The id of the newest run whose status is `complete`.
    func latestCompleteRunId() throws(StoreError) -> Int64? {
        try read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM runs WHERE status = 'complete' ORDER BY id DESC LIMIT 1")
        }
    }

    // MARK: Rows

    /// The link a new entry chains to: only its sequence and hash matter to ``LedgerEntry/sealed``, so this
    /// works even after the last row was altered (``verifyLedger()`` still reports that row).
    static func lastLedgerEntry(_ db: Database) throws -> LedgerEntry? {
        guard let row = try Row.fetchOne(db, sql: "SELECT sequence, hash FROM ledger ORDER BY sequence DESC LIMIT 1") else {
            return nil
        }
        return LedgerEntry(sequence: row["sequence"], at: Date(timeIntervalSince1970: 0), actor: "", action: .advance,
                           feature: "", fromStage: nil, toStage: nil, reason: "", evidence: "",
                           previousHash: "", hash: row["hash"])
    }

    static func insert(_ entry: LedgerEntry, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO ledger (sequence, at, actor, action, feature, from_stage, to_stage, reason, evidence,
                previous_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [entry.sequence, LedgerEntry.canonicalTimestamp(entry.at), entry.actor,
                             entry.action.rawValue, entry.feature, entry.fromStage, entry.toStage, entry.reason,
                             entry.evidence, entry.previousHash, entry.hash])
    }

    static func decode(_ row: Row) -> StoredLedgerRow {
        let sequence: Int = row["sequence"]
        var texts: [String: String?] = [:]
        for column in textColumns {
            let (text, valid) = storedText(row, column)
            guard valid else {
                return StoredLedgerRow(sequence: sequence, entry: nil,
                                       problem: "\(column) holds bytes that are not UTF-8 text: the row was altered")
            }
            texts[column] = text
        }
        func text(_ column: String) -> String { (texts[column] ?? nil) ?? "" }
        let actionText = text("action")
        let atText = text("at")
        guard let action = LedgerAction(rawValue: actionText) else {
            return StoredLedgerRow(sequence: sequence, entry: nil,
                                   problem: "action \"\(actionText)\" is not a ledger action: the row was altered")
        }
        guard let seconds = Timestamp.parse(atText) else {
            return StoredLedgerRow(sequence: sequence, entry: nil,
                                   problem: "time \"\(atText)\" is not a timestamp: the row was altered")
        }
        let entry = LedgerEntry(
            sequence: sequence, at: Date(timeIntervalSince1970: seconds), actor: text("actor"), action: action,
            feature: text("feature"), fromStage: texts["from_stage"] ?? nil, toStage: texts["to_stage"] ?? nil,
            reason: text("reason"), evidence: text("evidence"), previousHash: text("previous_hash"), hash: text("hash"))
        // A time written with other digits than the canonical ones would hash the same; treat it as altered.
        if LedgerEntry.canonicalTimestamp(entry.at) != atText {
            return StoredLedgerRow(sequence: sequence, entry: nil,
                                   problem: "time \"\(atText)\" is not in the stored form: the row was altered")
        }
        return StoredLedgerRow(sequence: sequence, entry: entry, problem: nil)
    }

    static func decodeFreeze(_ row: Row) -> FeatureFreeze {
        FeatureFreeze(feature: row["feature"], frozenAt: row["frozen_at"], actor: row["actor"], reason: row["reason"])
    }
}
