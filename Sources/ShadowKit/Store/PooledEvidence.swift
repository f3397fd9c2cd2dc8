import Foundation
import GRDB

/// The evidence `advance` decides on: the complete runs of one candidate version since a feature's last
/// stage change, each distinct input (a generator seed, a file's content) counted once.
public struct PooledEvidence: Sendable, Equatable, Codable {
    /// The candidate version of the pool (the latest complete run's); nil when the runs did not record one.
    public var candidateVersion: String?
    /// The pooled runs, oldest first.
    public var runIds: [Int64]
    /// Only runs newer than this one count (the run the feature's last stage change rested on).
    public var afterRunId: Int64?
    /// Distinct inputs counted, in the order first seen.
    public var inputs: [String]
    /// Input rows left out because an earlier pooled run already counted that input.
    public var repeatedInputs: Int
    /// Complete runs since the stage change left out because another candidate version ran after them.
    public var otherVersionRuns: Int
    /// Pooled comparisons, unexpected divergences and candidate errors of the feature.
    public var comparisons: Int
    public var mismatches: Int
    public var candidateErrors: Int

    public init(candidateVersion: String?, runIds: [Int64], afterRunId: Int64?, inputs: [String], repeatedInputs: Int,
                otherVersionRuns: Int, comparisons: Int, mismatches: Int, candidateErrors: Int) {
        self.candidateVersion = candidateVersion
        self.runIds = runIds
        self.afterRunId = afterRunId
        self.inputs = inputs
        self.repeatedInputs = repeatedInputs
        self.otherVersionRuns = otherVersionRuns
        self.comparisons = comparisons
        self.mismatches = mismatches
        self.candidateErrors = candidateErrors
    }

    /// One line for reasons and the ledger.
    public var summary: String {
        guard let first = runIds.first, let last = runIds.last else {
            return "no complete run" + (afterRunId.map { " after run \($0)" } ?? "") + " to pool"
        }
        let runs = first == last ? "run \(first)" : "\(runIds.count) runs (\(first)–\(last))"
        var text = "pooled over \(runs) of candidate \(candidateVersion ?? "(version not recorded)"): "
            + "\(inputs.count) distinct input(s), \(Format.count(comparisons)) comparisons"
        if repeatedInputs > 0 { text += ", \(repeatedInputs) repeated input(s) counted once" }
        if otherVersionRuns > 0 { text += ", \(otherVersionRuns) earlier run(s) of another version left out" }
        return text
    }
}

extension Store {
    /// The pool for `feature`: the unbroken sequence of complete runs newer than `afterRunId` that ends at the
    /// latest complete run and has its candidate version (a new version starts a new pool), each input
    /// identity counted in the oldest run that has it. Runs stored before inputs were recorded contribute
    /// nothing (no evidence is never a pass).
    public func pooledEvidence(feature: String, afterRunId: Int64?) throws(StoreError) -> PooledEvidence {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, candidate_version FROM runs WHERE status = 'complete' AND id > ? ORDER BY id DESC
                """, arguments: [afterRunId ?? 0])
            var pool = PooledEvidence(candidateVersion: nil, runIds: [], afterRunId: afterRunId, inputs: [],
                                      repeatedInputs: 0, otherVersionRuns: 0, comparisons: 0, mismatches: 0,
                                      candidateErrors: 0)
            guard let latest = rows.first else { return pool }
            let version: String? = latest["candidate_version"]
            pool.candidateVersion = version
            for row in rows {
                let other: String? = row["candidate_version"]
                guard other == version else { break }
                pool.runIds.append(row["id"])
            }
            pool.otherVersionRuns = rows.count - pool.runIds.count
            pool.runIds.reverse()
            var seen = Set<String>()
            for runId in pool.runIds {
                for stat in try Row.fetchAll(db, sql: """
                    SELECT input, comparisons, mismatches, candidate_errors FROM input_stats
                    WHERE run_id = ? AND feature = ? ORDER BY source
                    """, arguments: [runId, feature]) {
                    let input: String = stat["input"]
                    guard seen.insert(input).inserted else {
                        pool.repeatedInputs += 1
                        continue
                    }
                    pool.inputs.append(input)
                    pool.comparisons += stat["comparisons"] as Int
                    pool.mismatches += stat["mismatches"] as Int
                    pool.candidateErrors += stat["candidate_errors"] as Int
                }
            }
            return pool
        }
    }
}
