import Foundation

extension GateEvaluator {
    /// The gate `advance` asks: the rate rows (mismatch rate, error rate) on the evidence pooled since the
    /// feature's last stage change, judged by the anytime-valid bound (``Statistics/anytimeUpper``, mixing
    /// Beta(1, 1/target) at the row's target), so asking every night keeps the 5% error however often it is
    /// asked; the other rows on the latest complete run, as `gate` judges them.
    ///
    /// Fails closed: no complete run, or no pooled comparison of the feature, is inconclusive.
    public func evaluate(pooled pool: PooledEvidence, latest run: StoredRun?, feature: String) -> GateDecision {
        guard let run else {
            var decision = GateDecision(verdict: .inconclusive, runId: nil, runStatus: nil,
                                        reason: "no complete run in the database: run `shadowgate run` first", features: [])
            decision.pool = pool
            return decision
        }
        var gate = evaluate(feature: feature, run: run)
        let single = gate.criteria
        gate.criteria = table.rows.map { row in
            switch row.metric {
            case .mismatchRate:
                rate(row, failures: pool.mismatches, trials: pool.comparisons, what: "unexpected divergences",
                     method: .betaBinomialMixture)
            case .errorRate:
                rate(row, failures: pool.candidateErrors, trials: pool.comparisons, what: "candidate errors",
                     method: .betaBinomialMixture)
            default:
                single.first { $0.line == row.line }
                    ?? evaluate(row, counts: run.features[feature] ?? FeatureCounts(), feature: feature, run: run)
            }
        }
        let measurable = gate.criteria.map(\.verdict).filter { $0 != .notMeasured }
        gate.verdict = pool.comparisons > 0 && run.features[feature] != nil ? Self.combine(measurable) : .inconclusive
        var reason = "\(feature): \(pool.summary); other criteria on run \(run.id)"
        if pool.comparisons == 0 { reason += "; no pooled comparisons of \(feature): nothing to judge" }
        var decision = GateDecision(verdict: gate.verdict, runId: run.id, runStatus: run.status.rawValue, reason: reason,
                                    features: [gate])
        decision.pool = pool
        return decision
    }
}
