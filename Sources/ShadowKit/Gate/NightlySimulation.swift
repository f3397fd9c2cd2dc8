import Foundation
import SplitMix

/// A seeded simulation of a gate asked every night (issue 14, item 5): each simulated rollout sees
/// `comparisonsPerNight` comparisons a night whose mismatches are Binomial(comparisons, true rate), and
/// advances the first night its rule passes. Compares the anytime bound on the pooled evidence with the
/// plain per-run Clopper–Pearson bound re-tested nightly. Pure and deterministic for a seed (SplitMix64).
public struct NightlySimulation: Sendable {
    public var target: Double
    public var comparisonsPerNight: Int
    public var nights: Int
    public var rollouts: Int
    var confidence: Double
    public var seed: UInt64

    public init(target: Double = 0.005, comparisonsPerNight: Int = 1_000, nights: Int = 30, rollouts: Int = 2_000,
                confidence: Double = 0.95, seed: UInt64 = 20_261_125) {
        self.target = target
        self.comparisonsPerNight = comparisonsPerNight
        self.nights = nights
        self.rollouts = rollouts
        self.confidence = confidence
        self.seed = seed
    }

    /// What happened to the simulated rollouts under one rule.
    public struct Outcome: Sendable, Equatable {
        var method: BoundMethod
        var trueRate: Double
        public var rollouts: Int
        /// The night (1-based) each advanced rollout advanced on, in rollout order.
        var advanceNights: [Int]

        public var advanced: Int { advanceNights.count }
        var advanceRate: Double { Double(advanced) / Double(max(1, rollouts)) }

        /// The `q` quantile (nearest rank) of the nights advanced rollouts needed; nil when none advanced.
        public func nights(quantile q: Double) -> Int? {
            let sorted = advanceNights.sorted()
            guard !sorted.isEmpty else { return nil }
            let rank = min(sorted.count, max(1, Int((q * Double(sorted.count)).rounded(.up))))
            return sorted[rank - 1]
        }
    }

    /// Every rollout at `trueRate` under `method`: `.betaBinomialMixture` pools all nights so far
    /// (``Statistics/anytimeUpper``), `.clopperPearson` judges each night's run alone. The same seed gives
    /// both rules the same nights.
    public func run(trueRate: Double, method: BoundMethod) -> Outcome {
        var outcome = Outcome(method: method, trueRate: trueRate, rollouts: rollouts, advanceNights: [])
        for rollout in 0..<rollouts {
            var random = SplitMix64(state: SplitMix64.mix(seed &+ UInt64(rollout) &* SplitMix64.golden))
            var failures = 0
            for night in 1...max(1, nights) {
                let tonight = Self.binomial(comparisonsPerNight, trueRate, &random)
                failures += tonight
                let upper = switch method {
                case .betaBinomialMixture:
                    Statistics.anytimeUpper(failures: failures, trials: night * comparisonsPerNight, target: target,
                                            confidence: confidence)
                case .clopperPearson:
                    Statistics.clopperPearsonUpper(failures: tonight, trials: comparisonsPerNight, confidence: confidence)
                }
                if upper < target {
                    outcome.advanceNights.append(night)
                    break
                }
            }
        }
        return outcome
    }

    /// One Binomial(n, p) draw by inversion of its CDF (one uniform; exact for the small means simulated).
    static func binomial(_ n: Int, _ p: Double, _ random: inout SplitMix64) -> Int {
        guard p > 0 else { return 0 }
        guard p < 1 else { return n }
        let u = Double(random.next() >> 11) * 0x1p-53
        var k = 0
        var probability = pow(1 - p, Double(n))
        var cumulative = probability
        let odds = p / (1 - p)
        while cumulative <= u, k < n {
            probability *= Double(n - k) / Double(k + 1) * odds
            k += 1
            cumulative += probability
        }
        return k
    }

    /// The table BENCHMARKS.md shows: false advances at 1.5× the target under both rules, and the nights a
    /// feature at 0.5× the target needs under the anytime rule.
    public func table() -> String {
        let bad = 1.5 * target
        let good = 0.5 * target
        var rows: [[String]] = [["true rate", "rule", "advanced", "share", "nights p10", "median", "p90"]]
        for (rate, method) in [(bad, BoundMethod.betaBinomialMixture), (bad, .clopperPearson),
                               (good, .betaBinomialMixture), (good, .clopperPearson)] {
            let o = run(trueRate: rate, method: method)
            let night = { (q: Double) in o.nights(quantile: q).map(String.init) ?? "-" }
            rows.append([String(format: "%.2f%% (%.1f× target)", rate * 100, rate / target),
                         method == .betaBinomialMixture ? "anytime, pooled" : "Clopper–Pearson, per run",
                         "\(o.advanced) of \(o.rollouts)", Format.percent(o.advanceRate),
                         night(0.1), night(0.5), night(0.9)])
        }
        return "Target < \(Format.percent(target)), \(Format.count(comparisonsPerNight)) comparisons a night, "
            + "\(nights) nights, \(Format.count(rollouts)) rollouts, seed \(seed), \(Int(confidence * 100))% bounds\n\n"
            + Format.table(rows, rightAligned: [2, 3, 4, 5, 6])
    }
}
