import Foundation
import ShadowKit
import GRDB

/// A row of the `signatures` table: one distinct problem of a complete run, with its exact count.
public struct SignatureRow: Sendable, Equatable, Codable {
    /// Where a signature was seen.
    public struct Place: Sendable, Equatable, Codable {
        public var scenario: String
        public var seq: Int
        public var file: String
        public var line: Int
    }

    public var id: String
    public var description: String
    public var feature: String
    public var op: String
    public var kind: String
    public var count: Int
    public var acceptedRule: String?
    public var first: Place
    public var last: Place
    /// For knock-ons: the root signature they follow from (then this row is not a problem of its own).
    public var downstreamOf: String? = nil
    /// For a root signature: the knock-on divergences its occurrences caused.
    public var caused = 0
    /// Of an accepted signature's divergences, those the counterfactual check explained, and those it could not check.
    public var explained = 0
    public var unexplained = 0
}

/// A row of the `divergences` table: one kept example of a signature, outcomes still as stored JSON text.
public struct DivergenceRow: Sendable, Equatable {
    public var ordinal: Int
    public var feature: String
    public var op: String
    public var scenario: String
    public var seq: Int
    public var file: String
    public var line: Int
    public var kind: String
    public var signature: String
    public var paths: String
    public var diff: String
    public var controlOutcome: String
    public var candidateOutcome: String
    public var acceptedRule: String?
    /// For a knock-on: the scenario, seq and signature of the divergence it follows from.
    var rootScenario: String? = nil
    var rootSeq: Int? = nil
    var rootSignature: String? = nil
    /// Why a rule's match is unexpected after all (the counterfactual check), or `nil`.
    public var note: String? = nil
}

/// Comparisons and unexpected divergences of one feature in one run, for the trend.
public struct TrendCounts: Sendable, Equatable, Codable {
    public var comparisons: Int
    public var mismatches: Int

    init(comparisons: Int, mismatches: Int) {
        self.comparisons = comparisons
        self.mismatches = mismatches
    }

    /// Unexpected divergences per comparison; `nil` without comparisons.
    public var rate: Double? { comparisons > 0 ? Double(mismatches) / Double(comparisons) : nil }
}

/// One complete run on the trend: when it started and each feature's counts.
public struct TrendRow: Sendable, Equatable, Codable {
    public var runId: Int64
    public var startedAt: String
    public var features: [String: TrendCounts]
}

/// Read-only queries the report needs; none of them writes.
extension Store {
    /// The signatures of a run, most frequent first (ties by id, so the order is stable).
    func signatureRows(runId: Int64) throws(StoreError) -> [SignatureRow] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM signatures WHERE run_id = ? ORDER BY count DESC, signature",
                             arguments: [runId]).map { row in
                SignatureRow(
                    id: row["signature"], description: row["description"], feature: row["feature"], op: row["op"],
                    kind: row["kind"], count: row["count"], acceptedRule: row["accepted_rule"],
                    first: .init(scenario: row["first_scenario"], seq: row["first_seq"], file: row["first_file"],
                                 line: row["first_line"]),
                    last: .init(scenario: row["last_scenario"], seq: row["last_seq"], file: row["last_file"],
                                line: row["last_line"]),
                    downstreamOf: row["downstream_of"], caused: row["caused"],
                    explained: row["explained"] ?? 0, unexplained: row["unexplained"] ?? 0)
            }
        }
    }

    /// The first `limit` kept divergences of each signature, in input order (ordinal, then seq).
    func divergenceExamples(runId: Int64, signatures: [String], limit: Int) throws(StoreError)
        -> [String: [DivergenceRow]] {
        guard limit > 0, !signatures.isEmpty else { return [:] }
        return try read { db in
            let statement = try db.makeStatement(sql: """
                SELECT * FROM divergences WHERE run_id = ? AND signature = ? ORDER BY ordinal, seq, id LIMIT ?
                """)
            var examples: [String: [DivergenceRow]] = [:]
            for signature in signatures {
                examples[signature] = try Row.fetchAll(statement, arguments: [runId, signature, limit]).map { row in
                    DivergenceRow(
                        ordinal: row["ordinal"], feature: row["feature"], op: row["op"], scenario: row["scenario"],
                        seq: row["seq"], file: row["file"], line: row["line"], kind: row["kind"],
                        signature: row["signature"], paths: row["paths"], diff: row["diff"],
                        controlOutcome: row["control_outcome"], candidateOutcome: row["candidate_outcome"],
                        acceptedRule: row["accepted_rule"], rootScenario: row["root_scenario"], rootSeq: row["root_seq"],
                        rootSignature: row["root_signature"], note: row["note"])
                }
            }
            return examples
        }
    }

    /// The newest complete run older than `runId`: the baseline "new" signatures are measured against.
    func previousCompleteRunId(before runId: Int64) throws(StoreError) -> Int64? {
        try read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM runs WHERE status = 'complete' AND id < ? ORDER BY id DESC LIMIT 1",
                               arguments: [runId])
        }
    }

    /// The signature ids a run recorded (root signatures: knock-ons are not problems of their own).
    func signatureIds(runId: Int64) throws(StoreError) -> Set<String> {
        try read { db in
            Set(try String.fetchAll(db, sql: "SELECT signature FROM signatures WHERE run_id = ? AND downstream_of IS NULL", arguments: [runId]))
        }
    }

    /// Expired accepted rules that would have matched in a run, with how many divergences each would have accepted.
    public func expiredRuleHits(runId: Int64) throws(StoreError) -> [(rule: String, wouldMatch: Int)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT rule_id, would_match FROM expired_rules WHERE run_id = ? ORDER BY rule_id",
                             arguments: [runId]).map { ($0["rule_id"], $0["would_match"]) }
        }
    }

    /// Per-feature counts of the last `limit` complete runs up to and including `runId`, oldest first.
    public func trend(upTo runId: Int64, limit: Int) throws(StoreError) -> [TrendRow] {
        guard limit > 0 else { return [] }
        return try read { db in
            let runs = try Row.fetchAll(db, sql: """
                SELECT id, started_at FROM runs WHERE status = 'complete' AND id <= ? ORDER BY id DESC LIMIT ?
                """, arguments: [runId, limit])
            let stats = try db.makeStatement(sql: "SELECT feature, comparisons, mismatches FROM feature_stats WHERE run_id = ?")
            return try runs.reversed().map { run in
                let id: Int64 = run["id"]
                var features: [String: TrendCounts] = [:]
                for row in try Row.fetchAll(stats, arguments: [id]) {
                    features[row["feature"]] = TrendCounts(comparisons: row["comparisons"], mismatches: row["mismatches"])
                }
                return TrendRow(runId: id, startedAt: run["started_at"], features: features)
            }
        }
    }
}
