import Foundation

// MARK: - Anytime-valid bound on a Bernoulli rate

extension Statistics {
    /// Anytime-valid one-sided upper bound on a Bernoulli rate after `failures` in `trials`: the beta-binomial
    /// mixture confidence sequence of Howard, Ramdas, McAuliffe & Sekhon, "Time-uniform, nonparametric,
    /// nonasymptotic confidence sequences" (Ann. Statist. 2021), with a Beta(a, b) mixing distribution.
    ///
    /// For a rate p the mixture martingale is
    /// `M_t(p) = B(a + S, b + t − S) / B(a, b) / (p^S (1 − p)^(t − S))`; by Ville's inequality
    /// P(∃t: M_t(p) ≥ 1/α) ≤ α when p is the true rate, so the bound — the largest p in [S/t, 1] with
    /// `M_t(p) < 1/α` — covers the true rate at every t at once with probability ≥ 1 − α. It may be looked at
    /// after every run and the evidence pooled as it grows without losing its level, which a fixed-n bound
    /// (Clopper–Pearson) re-tested nightly does not.
    ///
    /// `M_t(p)` increases in p on [S/t, 1], so the bound is found by bisection (to 1e-12) on the log scale
    /// with log-beta from `lgamma`. No trials is no evidence: the bound is 1.
    /// - Precondition: 0 ≤ failures ≤ trials, a > 0, b > 0, 0 < alpha < 1.
    static func betaBinomialMixtureUpper(failures s: Int, trials t: Int, a: Double, b: Double,
                                                alpha: Double) -> Double {
        precondition(s >= 0 && s <= t, "failures must be in 0...trials (got \(s) of \(t))")
        precondition(a > 0 && b > 0 && a.isFinite && b.isFinite, "the mixing Beta(a, b) needs finite positive shapes")
        precondition(alpha > 0 && alpha < 1, "alpha must be in (0, 1)")
        if t == 0 || s == t { return 1 }
        let threshold = -log(alpha)
        func logMartingale(_ p: Double) -> Double {
            betaBinomialLogMartingale(failures: s, trials: t, rate: p, a: a, b: b)
        }
        var low = Double(s) / Double(t)
        guard logMartingale(low) < threshold else { return low }
        var high = 1.0
        // M_t(1) is infinite (t − S > 0), so the crossing is inside (low, 1).
        for _ in 0..<200 where high - low > 1e-12 {
            let middle = (low + high) / 2
            if logMartingale(middle) < threshold { low = middle } else { high = middle }
        }
        return high
    }

    /// ln M_t(p) of the beta-binomial mixture: ln B(a + S, b + t − S) − ln B(a, b) − S ln p − (t − S) ln(1 − p).
    /// - Precondition: 0 < p < 1.
    static func betaBinomialLogMartingale(failures s: Int, trials t: Int, rate p: Double, a: Double,
                                                 b: Double) -> Double {
        let successes = Double(s)
        let rest = Double(t - s)
        let likelihood = (s > 0 ? successes * log(p) : 0) + (t > s ? rest * log1p(-p) : 0)
        return logBeta(a + successes, b + rest) - logBeta(a, b) - likelihood
    }

    /// The gate's anytime bound for a rate criterion whose target is `target`: the beta-binomial mixture
    /// with Beta(1, 1/target) mixing (its mass where the decision is made: near the target), at
    /// `alpha = 1 − confidence`.
    /// - Precondition: target > 0.
    static func anytimeUpper(failures s: Int, trials t: Int, target: Double, confidence: Double = 0.95) -> Double {
        precondition(target > 0, "the mixing Beta(1, 1/target) needs a positive target")
        return betaBinomialMixtureUpper(failures: s, trials: t, a: 1, b: 1 / target, alpha: 1 - confidence)
    }

    /// The fewest additional comparisons, all clean, after which the anytime bound drops strictly below
    /// `target`; 0 when it already is, nil when `target` is not positive or more than a billion are needed.
    static func additionalCleanTrialsNeededAnytime(
        failures s: Int, trials t: Int, target: Double, confidence: Double = 0.95
    ) -> Int? {
        guard target > 0 else { return nil }
        return Statistics.fewestCleanTrials {
            anytimeUpper(failures: s, trials: t + $0, target: target, confidence: confidence) < target
        }
    }
}

/// Which upper bound a rate verdict used.
public enum BoundMethod: String, Sendable, Codable, Equatable {
    /// Exact one-sided Clopper–Pearson bound of one run: valid once, for a fixed number of comparisons.
    case clopperPearson = "clopper-pearson"
    /// Beta-binomial mixture confidence sequence (Howard et al. 2021), mixing Beta(1, 1/target): valid at
    /// every look, over evidence pooled as it grows.
    case betaBinomialMixture = "beta-binomial-mixture"

    /// How reasons and tables name it.
    public var label: String {
        switch self {
        case .clopperPearson: "Clopper–Pearson"
        case .betaBinomialMixture: "anytime (beta-binomial mixture)"
        }
    }
}
