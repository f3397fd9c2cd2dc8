import Foundation
import SplitMix

/// Exact interval bounds and bootstrap intervals the gate uses to decide on evidence, not point estimates.
///
/// Everything here is a pure function of its arguments (the bootstrap takes an explicit seed), so
/// every number the gate prints can be reproduced.
public enum Statistics {

    // MARK: - Special functions

    /// The regularized incomplete beta function I_x(a, b).
    ///
    /// Evaluated with the modified Lentz continued fraction, switching to 1 − I_{1−x}(b, a) where the
    /// fraction would converge slowly — except for small x above the mean, where 1 − x cannot be
    /// represented precisely enough (Beta(6, 10⁹) lives around 10⁻⁸) and a positive-term series is
    /// summed instead. Relative accuracy is about 1e-12 and stays near that for shapes up to 10⁹.
    /// Returns NaN when `a` or `b` is not positive or `x` is NaN.
    static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        guard a > 0, b > 0, !x.isNaN else { return .nan }
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        // ln(1 − x) through log1p: with shapes near 10⁹, rounding 1 − x would cost 8 digits.
        let logX = log(x)
        let logComplement = log1p(-x)
        if x > (a + 1) / (a + b + 2) {
            if x <= 0.5 && (a + b) * x / (1 - x) <= 50_000 {
                return betaBySeries(x: x, logX: logX, logComplement: logComplement, a: a, b: b)
            }
            return 1 - betaByContinuedFraction(x: 1 - x, logX: logComplement, logComplement: logX, a: b, b: a)
        }
        return betaByContinuedFraction(x: x, logX: logX, logComplement: logComplement, a: a, b: b)
    }

    /// The x with I_x(a, b) = p: the p-quantile of a Beta(a, b) distribution.
    ///
    /// Halley steps from a closed-form first guess, always kept inside a shrinking bracket and
    /// replaced by bisection when they leave it, so it converges even where Newton would not.
    static func inverseRegularizedIncompleteBeta(_ p: Double, a: Double, b: Double) -> Double {
        guard a > 0, b > 0, !p.isNaN else { return .nan }
        if p <= 0 { return 0 }
        if p >= 1 { return 1 }
        let logNormalizer = logBeta(a, b)
        return solveIncreasing(
            target: p, lower: 0, upper: 1, initialGuess: betaQuantileGuess(p, a: a, b: b),
            value: { regularizedIncompleteBeta($0, a: a, b: b) },
            density: { x in exp((a - 1) * log(x) + (b - 1) * log1p(-x) - logNormalizer) },
            densitySlopeRatio: { x in (a - 1) / x - (b - 1) / (1 - x) }
        )
    }

    /// The regularized lower incomplete gamma function P(a, x) = γ(a, x) / Γ(a).
    ///
    /// Series below x = a + 1, Lentz continued fraction for Q = 1 − P above. Returns NaN when `a`
    /// is not positive or `x` is NaN.
    static func regularizedGammaP(a: Double, x: Double) -> Double {
        guard a > 0, !x.isNaN else { return .nan }
        if x <= 0 { return 0 }
        if x.isInfinite { return 1 }
        if x < a + 1 {
            return gammaSeries(a: a, x: x)
        }
        return 1 - gammaContinuedFraction(a: a, x: x)
    }

    /// The x with P(a, x) = p: the p-quantile of a Gamma(a, 1) distribution.
    static func inverseRegularizedGammaP(_ p: Double, a: Double) -> Double {
        guard a > 0, !p.isNaN else { return .nan }
        if p <= 0 { return 0 }
        if p >= 1 { return .infinity }
        let logGammaA = logGamma(a)
        // Grow an upper bracket from the guess; P(a, ·) is increasing, so doubling terminates.
        let guess = gammaQuantileGuess(p, a: a)
        var upper = max(guess, a + 1)
        while regularizedGammaP(a: a, x: upper) < p, upper < .greatestFiniteMagnitude / 4 {
            upper *= 2
        }
        return solveIncreasing(
            target: p, lower: 0, upper: upper, initialGuess: guess,
            value: { regularizedGammaP(a: a, x: $0) },
            density: { x in exp((a - 1) * log(x) - x - logGammaA) },
            densitySlopeRatio: { x in (a - 1) / x - 1 }
        )
    }

    // MARK: - Binomial and Poisson bounds

    /// Exact one-sided upper confidence bound (Clopper–Pearson) on a binomial proportion.
    ///
    /// The p with P(X ≤ k | n, p) = 1 − confidence, i.e. the `confidence` quantile of
    /// Beta(k + 1, n − k). With no trials there is no evidence, so the bound is 1.
    /// - Precondition: 0 ≤ k ≤ n and 0 < confidence < 1.
    public static func clopperPearsonUpper(failures k: Int, trials n: Int, confidence: Double = 0.95) -> Double {
        precondition(k >= 0 && k <= n, "failures must be in 0...trials (got \(k) of \(n))")
        precondition(confidence > 0 && confidence < 1, "confidence must be in (0, 1)")
        if n == 0 || k == n { return 1 }
        if k == 0 {
            // Closed form of the Beta(1, n) quantile; expm1/log1p keep precision for large n.
            return -expm1(log1p(-confidence) / Double(n))
        }
        return inverseRegularizedIncompleteBeta(confidence, a: Double(k + 1), b: Double(n - k))
    }

    /// The fewest additional comparisons, all clean, after which the Clopper–Pearson upper bound
    /// drops strictly below `target`; 0 when it already is.
    ///
    /// Returns nil when `target` is not positive or more than a billion further trials would be needed.
    static func additionalCleanTrialsNeeded(
        failures k: Int, trials n: Int, target: Double, confidence: Double = 0.95
    ) -> Int? {
        guard target > 0 else { return nil }
        func passes(_ extra: Int) -> Bool {
            clopperPearsonUpper(failures: k, trials: n + extra, confidence: confidence) < target
        }
        return fewestCleanTrials(passes)
    }

    /// The fewest additional clean trials (0 when none are needed) for which `passes` holds, assuming it stays
    /// true once true; nil beyond a billion. Exponential search for a passing count, then binary search for the
    /// smallest one.
    static func fewestCleanTrials(_ passes: (Int) -> Bool) -> Int? {
        if passes(0) { return 0 }
        let limit = 1_000_000_000
        var failing = 0
        var passing = 1
        while !passes(passing) {
            if passing >= limit { return nil }
            failing = passing
            passing = min(passing * 2, limit)
        }
        while passing - failing > 1 {
            let middle = failing + (passing - failing) / 2
            if passes(middle) { passing = middle } else { failing = middle }
        }
        return passing
    }

    /// Exact one-sided upper confidence bound on a Poisson mean after observing `events`:
    /// ½·χ²(confidence; 2(k + 1)), the `confidence` quantile of Gamma(k + 1, 1).
    ///
    /// Divide by the exposure (e.g. hours of scenario time) to bound a rate.
    /// - Precondition: events ≥ 0 and 0 < confidence < 1.
    static func poissonUpper(events: Int, confidence: Double = 0.95) -> Double {
        precondition(events >= 0, "events must not be negative (got \(events))")
        precondition(confidence > 0 && confidence < 1, "confidence must be in (0, 1)")
        if events == 0 { return -log1p(-confidence) }
        return inverseRegularizedGammaP(confidence, a: Double(events + 1))
    }

    // MARK: - Weighted samples

    /// Nearest-rank q-quantile of a weighted sample (value, count); nil when the sample is empty.
    ///
    /// Entries with a non-positive count or a NaN value are ignored; `q` is clamped to [0, 1].
    static func quantile(of histogram: [(value: Double, count: Int)], _ q: Double) -> Double? {
        guard let distribution = EmpiricalDistribution(histogram) else { return nil }
        return distribution.value(atRank: distribution.nearestRank(q))
    }

    /// Percentile bootstrap interval for the ratio candidate q-quantile / control q-quantile.
    ///
    /// Works from histograms without resampling individual observations: the q-quantile of a
    /// bootstrap resample of size n is the r-th order statistic (r = ⌈q·n⌉), which is distributed as
    /// F̂⁻¹(U) with U ~ Beta(r, n − r + 1). Each resample draws one such U per sample, so the cost
    /// does not depend on the number of observations. The same seed gives the same interval.
    ///
    /// Returns nil when either sample is empty or the control quantile is 0.
    static func bootstrapQuantileRatio(
        control: [(value: Double, count: Int)],
        candidate: [(value: Double, count: Int)],
        quantile q: Double = 0.95,
        resamples: Int = 2000,
        confidence: Double = 0.95,
        seed: UInt64
    ) -> BootstrapInterval? {
        precondition(resamples > 0, "resamples must be positive")
        precondition(confidence > 0 && confidence < 1, "confidence must be in (0, 1)")
        guard let controlDistribution = EmpiricalDistribution(control),
              let candidateDistribution = EmpiricalDistribution(candidate)
        else { return nil }
        let controlRank = controlDistribution.nearestRank(q)
        let candidateRank = candidateDistribution.nearestRank(q)
        let controlQuantile = controlDistribution.value(atRank: controlRank)
        guard controlQuantile != 0 else { return nil }
        let estimate = candidateDistribution.value(atRank: candidateRank) / controlQuantile

        var generator = SeededGenerator(seed: seed)
        var ratios: [Double] = []
        ratios.reserveCapacity(resamples)
        for _ in 0..<resamples {
            let controlDraw = controlDistribution.resampledOrderStatistic(rank: controlRank, using: &generator)
            let candidateDraw = candidateDistribution.resampledOrderStatistic(rank: candidateRank, using: &generator)
            // A resampled control of 0 makes the ratio unbounded; +∞ sorts last and widens the interval honestly.
            ratios.append(controlDraw == 0 ? .infinity : candidateDraw / controlDraw)
        }
        ratios.sort()
        let tail = (1 - confidence) / 2
        return BootstrapInterval(
            lower: nearestRankElement(ratios, tail),
            estimate: estimate,
            upper: nearestRankElement(ratios, 1 - tail),
            resamples: resamples
        )
    }

    // MARK: - Random variates

    /// A standard normal draw (Marsaglia polar method; the second variate of each pair is discarded).
    static func standardNormal<G: RandomNumberGenerator>(using generator: inout G) -> Double {
        while true {
            let u = 2 * openUnitInterval(using: &generator) - 1
            let v = 2 * openUnitInterval(using: &generator) - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                return u * (-2 * log(s) / s).squareRoot()
            }
        }
    }

    /// A Gamma(shape, 1) draw (Marsaglia–Tsang; shapes below 1 use the U^(1/shape) boost).
    static func gammaVariate<G: RandomNumberGenerator>(shape: Double, using generator: inout G) -> Double {
        precondition(shape > 0, "gamma shape must be positive")
        if shape < 1 {
            let boosted = gammaVariate(shape: shape + 1, using: &generator)
            return boosted * pow(openUnitInterval(using: &generator), 1 / shape)
        }
        let d = shape - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            let x = standardNormal(using: &generator)
            var v = 1 + c * x
            if v <= 0 { continue }
            v = v * v * v
            let u = openUnitInterval(using: &generator)
            let xSquared = x * x
            if u < 1 - 0.0331 * xSquared * xSquared { return d * v }
            if log(u) < 0.5 * xSquared + d * (1 - v + log(v)) { return d * v }
        }
    }

    /// A Beta(a, b) draw as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b).
    static func betaVariate<G: RandomNumberGenerator>(a: Double, b: Double, using generator: inout G) -> Double {
        let x = gammaVariate(shape: a, using: &generator)
        let y = gammaVariate(shape: b, using: &generator)
        return x / (x + y)
    }

    /// A uniform draw in the open interval (0, 1), so logarithms and powers of it stay finite.
    static func openUnitInterval<G: RandomNumberGenerator>(using generator: inout G) -> Double {
        (Double(generator.next() >> 11) + 0.5) * 0x1p-53
    }
}

/// A two-sided percentile bootstrap interval around a point estimate.
public struct BootstrapInterval: Sendable, Equatable, Codable {
    /// Lower end of the interval.
    var lower: Double
    /// The statistic on the observed samples.
    var estimate: Double
    /// Upper end of the interval.
    public var upper: Double
    /// Number of bootstrap resamples behind the interval.
    var resamples: Int

    init(lower: Double, estimate: Double, upper: Double, resamples: Int) {
        self.lower = lower
        self.estimate = estimate
        self.upper = upper
        self.resamples = resamples
    }
}

/// Deterministic xoshiro256** generator, seeded through SplitMix64 as its authors recommend.
///
/// The standard library's generator is not seedable; this one makes every bootstrap reproducible.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var splitMix = SplitMix64(state: seed)
        state = (splitMix.next(), splitMix.next(), splitMix.next(), splitMix.next())
    }

    public mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = rotateLeft(state.3, 45)
        return result
    }

    private func rotateLeft(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value << count) | (value >> (64 - count))
    }
}

// MARK: - Internals

/// A weighted sample sorted by value, with cumulative counts for rank lookups.
struct EmpiricalDistribution {
    let values: [Double]
    /// cumulativeCounts[i] = number of observations with value ≤ values[i].
    let cumulativeCounts: [Int]
    var total: Int { cumulativeCounts.last ?? 0 }

    init?(_ histogram: [(value: Double, count: Int)]) {
        let entries = histogram.filter { $0.count > 0 && !$0.value.isNaN }.sorted { $0.value < $1.value }
        guard !entries.isEmpty else { return nil }
        values = entries.map(\.value)
        var running = 0
        cumulativeCounts = entries.map { entry in
            running += entry.count
            return running
        }
    }

    /// The 1-based nearest rank ⌈q·n⌉, clamped to 1...n.
    func nearestRank(_ q: Double) -> Int {
        let clamped = min(max(q.isNaN ? 0 : q, 0), 1)
        return min(max(Statistics.ceilingOfProduct(clamped, total), 1), total)
    }

    /// The value of the observation at a 1-based rank (binary search over cumulative counts).
    func value(atRank rank: Int) -> Double {
        var low = 0
        var high = cumulativeCounts.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulativeCounts[middle] >= rank { high = middle } else { low = middle + 1 }
        }
        return values[low]
    }

    /// The rank-th order statistic of one bootstrap resample, drawn as F̂⁻¹(U), U ~ Beta(rank, n − rank + 1).
    func resampledOrderStatistic<G: RandomNumberGenerator>(rank: Int, using generator: inout G) -> Double {
        let u = Statistics.betaVariate(a: Double(rank), b: Double(total - rank + 1), using: &generator)
        let drawnRank = Int((u * Double(total)).rounded(.up))
        return value(atRank: min(max(drawnRank, 1), total))
    }
}

extension Statistics {
    /// ln Γ(x) for x > 0, through the thread-safe (lgamma_r) overload.
    static func logGamma(_ x: Double) -> Double {
        let (value, _): (Double, Int) = lgamma(x)
        return value
    }

    /// ln B(a, b), computed so that it keeps its precision when a shape is very large
    /// (e.g. Beta(6, 10⁹) for a Clopper–Pearson bound on a billion comparisons), where
    /// lgamma(a) + lgamma(b) − lgamma(a + b) would cancel catastrophically.
    static func logBeta(_ a: Double, _ b: Double) -> Double {
        let small = min(a, b)
        let large = max(a, b)
        let sum = a + b
        if large < 10 {
            return logGamma(a) + logGamma(b) - logGamma(sum)
        }
        if small < 10 {
            // lgamma(large) − lgamma(sum) from Stirling's series, with the ratio kept in log1p.
            let difference = -(large - 0.5) * log1p(small / large) - small * log(sum) + small
                + stirlingCorrection(large) - stirlingCorrection(sum)
            return logGamma(small) + difference
        }
        return 0.5 * log(2 * Double.pi) - 0.5 * log(sum)
            - (a - 0.5) * log1p(b / a) - (b - 0.5) * log1p(a / b)
            + stirlingCorrection(a) + stirlingCorrection(b) - stirlingCorrection(sum)
    }

    /// ln Γ(x) − [(x − ½)ln x − x + ½ ln 2π], accurate to double precision for x ≥ 10.
    static func stirlingCorrection(_ x: Double) -> Double {
        let inverse = 1 / x
        let inverseSquared = inverse * inverse
        return inverse * (1.0 / 12 - inverseSquared * (1.0 / 360 - inverseSquared * (1.0 / 1260
            - inverseSquared * (1.0 / 1680 - inverseSquared / 1188))))
    }

    /// I_x(a, b) by the continued fraction, valid where x < (a + 1)/(a + b + 2).
    /// The logarithms of x and 1 − x come from the caller, computed from the unrounded argument.
    private static func betaByContinuedFraction(
        x: Double, logX: Double, logComplement: Double, a: Double, b: Double
    ) -> Double {
        let logFront = a * logX + b * logComplement - logBeta(a, b)
        let tiny = 1e-300
        let sum = a + b
        var c = 1.0
        var d = 1 - sum * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var fraction = d
        // Convergence takes O(√max(a, b)) terms at worst; the cap only guards against NaN loops.
        let maximumTerms = 10_000 + Int(min(max(a, b), 1e12).squareRoot() * 10)
        for m in 1...maximumTerms {
            let mDouble = Double(m)
            let twoM = 2 * mDouble
            var numerator = mDouble * (b - mDouble) * x / ((a - 1 + twoM) * (a + twoM))
            d = 1 + numerator * d
            if abs(d) < tiny { d = tiny }
            c = 1 + numerator / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            fraction *= d * c
            numerator = -(a + mDouble) * (sum + mDouble) * x / ((a + twoM) * (a + 1 + twoM))
            d = 1 + numerator * d
            if abs(d) < tiny { d = tiny }
            c = 1 + numerator / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            fraction *= step
            if abs(step - 1) <= Double.ulpOfOne { break }
        }
        return exp(logFront) * fraction / a
    }

    /// I_x(a, b) = xᵃ(1 − x)ᵇ / (a·B(a, b)) · ₂F₁(a + b, 1; a + 1; x). Every term is positive, so there
    /// is no cancellation; it needs about (a + b)·x / (1 − x) terms, which the caller keeps bounded.
    private static func betaBySeries(
        x: Double, logX: Double, logComplement: Double, a: Double, b: Double
    ) -> Double {
        var term = 1.0
        var sum = 1.0
        // Far in the upper tail the terms peak beyond Double's range while the prefactor underflows;
        // rescale both as we go and fold the scale into the logarithm.
        var logScale = 0.0
        var n = 0.0
        while n < 1e6 {
            n += 1
            let ratio = (a + b + n - 1) / (a + n) * x
            term *= ratio
            sum += term
            if sum > 0x1p900 {
                term *= 0x1p-900
                sum *= 0x1p-900
                logScale += 900 * M_LN2
            }
            // Past the peak the ratios only shrink, so the tail is below term · ratio / (1 − ratio).
            if ratio < 1 && term * ratio / (1 - ratio) <= Double.ulpOfOne * sum { break }
        }
        let result = exp(a * logX + b * logComplement - logBeta(a, b) + logScale) * sum / a
        return min(result, 1)
    }

    private static func gammaSeries(a: Double, x: Double) -> Double {
        var term = 1 / a
        var sum = term
        var denominator = a
        let maximumTerms = 10_000 + Int(min(a, 1e12).squareRoot() * 10)
        for _ in 0..<maximumTerms {
            denominator += 1
            term *= x / denominator
            sum += term
            if abs(term) < abs(sum) * Double.ulpOfOne { break }
        }
        return sum * exp(-x + a * log(x) - logGamma(a))
    }

    /// Q(a, x) = 1 − P(a, x) by the Lentz continued fraction, valid for x ≥ a + 1.
    private static func gammaContinuedFraction(a: Double, x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var fraction = d
        let maximumTerms = 10_000 + Int(min(a, 1e12).squareRoot() * 10)
        for i in 1...maximumTerms {
            let iDouble = Double(i)
            let numerator = -iDouble * (iDouble - a)
            b += 2
            d = numerator * d + b
            if abs(d) < tiny { d = tiny }
            c = b + numerator / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            fraction *= step
            if abs(step - 1) <= Double.ulpOfOne { break }
        }
        return exp(-x + a * log(x) - logGamma(a)) * fraction
    }

    /// Solves value(x) = target for an increasing CDF on [lower, upper] with bracketed Halley steps.
    ///
    /// - Parameters:
    ///   - density: the derivative of `value`.
    ///   - densitySlopeRatio: density′/density, for Halley's correction.
    private static func solveIncreasing(
        target: Double, lower: Double, upper: Double, initialGuess: Double,
        value: (Double) -> Double,
        density: (Double) -> Double,
        densitySlopeRatio: (Double) -> Double
    ) -> Double {
        var low = lower
        var high = upper
        var x = initialGuess.isFinite && initialGuess > low && initialGuess < high ? initialGuess : (low + high) / 2
        for _ in 0..<2_000 {
            let error = value(x) - target
            if error == 0 { return x }
            if error < 0 { low = x } else { high = x }
            var next = Double.nan
            let slope = density(x)
            if slope > 0 && slope.isFinite {
                let newtonStep = error / slope
                let halleyDenominator = 1 - 0.5 * min(1, newtonStep * densitySlopeRatio(x))
                next = x - newtonStep / halleyDenominator
            }
            if !(next > low && next < high) {
                // Bisect, geometrically when the bracket spans orders of magnitude (tiny quantiles).
                next = low > 0 && high / low > 4 ? (low * high).squareRoot() : low + (high - low) / 2
            }
            // Done when the step is at the level of the function's own rounding noise, or the
            // bracket has collapsed to neighbouring doubles.
            if !(next > low && next < high) || abs(next - x) <= 1e-15 * abs(next) {
                return next > low && next < high ? next : x
            }
            x = next
        }
        return x
    }

    /// First guess for the Beta quantile (Numerical Recipes 6.4 / Abramowitz & Stegun 26.5.22).
    private static func betaQuantileGuess(_ p: Double, a: Double, b: Double) -> Double {
        if a >= 1 && b >= 1 {
            let tailProbability = p < 0.5 ? p : 1 - p
            let t = (-2 * log(tailProbability)).squareRoot()
            var z = (2.30753 + t * 0.27061) / (1 + t * (0.99229 + t * 0.04481)) - t
            if p < 0.5 { z = -z }
            let al = (z * z - 3) / 6
            let h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1))
            let w = z * (al + h).squareRoot() / h - (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (al + 5.0 / 6 - 2 / (3 * h))
            return a / (a + b * exp(2 * w))
        }
        let logA = log(a / (a + b))
        let logB = log(b / (a + b))
        let t = exp(a * logA) / a
        let u = exp(b * logB) / b
        let w = t + u
        if p < t / w { return pow(a * w * p, 1 / a) }
        return 1 - pow(b * w * (1 - p), 1 / b)
    }

    /// First guess for the Gamma quantile (Wilson–Hilferty for a > 1; Numerical Recipes 6.2 otherwise).
    private static func gammaQuantileGuess(_ p: Double, a: Double) -> Double {
        if a > 1 {
            let tailProbability = p < 0.5 ? p : 1 - p
            let t = (-2 * log(tailProbability)).squareRoot()
            var z = (2.30753 + t * 0.27061) / (1 + t * (0.99229 + t * 0.04481)) - t
            if p < 0.5 { z = -z }
            let cube = 1 - 1 / (9 * a) - z / (3 * a.squareRoot())
            return max(1e-3, a * cube * cube * cube)
        }
        let t = 1 - a * (0.253 + a * 0.12)
        if p < t { return pow(p / t, 1 / a) }
        return 1 - log(1 - (p - t) / (1 - t))
    }

    /// Nearest-rank element of an ascending array.
    private static func nearestRankElement(_ sorted: [Double], _ q: Double) -> Double {
        let rank = ceilingOfProduct(q, sorted.count)
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// ⌈q·n⌉ for a rank, treating a product within rounding error of an integer as that integer:
    /// 0.7 · 10 is 7.000000000000001 in binary floating point, but the 0.7 quantile of 10 is rank 7.
    static func ceilingOfProduct(_ q: Double, _ n: Int) -> Int {
        let product = q * Double(n)
        let nearest = product.rounded()
        if abs(product - nearest) <= 1e-9 * max(1, nearest) { return Int(nearest) }
        return Int(product.rounded(.up))
    }
}
