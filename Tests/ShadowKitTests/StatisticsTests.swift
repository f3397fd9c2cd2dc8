import Foundation
import Testing
@testable import ShadowKit

/// Reference values below come from SciPy (`scipy.special.betainc`, `gammainc`,
/// `scipy.stats.beta.ppf`, `chi2.ppf`), hard-coded so the tests run without Python. For shapes near
/// 10⁹ SciPy itself is off in the 9th digit, so those references were computed with mpmath at
/// 50 digits from the exact binomial-tail identity I_x(a, b) = P(Bin(a + b − 1, x) ≥ a).
@Suite struct StatisticsTests {

    private func expectClose(
        _ actual: Double, _ expected: Double, relative: Double = 1e-10, absolute: Double = 0,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let tolerance = max(absolute, relative * abs(expected))
        #expect(abs(actual - expected) <= tolerance, "got \(actual), expected \(expected) ± \(tolerance)",
                sourceLocation: sourceLocation)
    }

    // MARK: Special functions

    @Test(arguments: [
        (0.5, 2.0, 3.0, 0.6875),
        (0.1, 0.5, 0.5, 0.20483276469913345),
        (0.9, 10.0, 20.0, 0.9999999999999593),
        (0.3, 100.0, 200.0, 0.10884306564490986),
        (0.001, 1.0, 2995.0, 0.9500382966026436),
        (0.7, 1.5, 0.5, 0.3392540508564546),
        (0.25, 5000.0, 15000.0, 0.5010857919043898),
        (0.2, 0.1, 50.0, 0.9999998230095644),
        (1.0e-8, 6.0, 1e9 - 5, 0.93291403806680008839),
        (2.0e-8, 6.0, 1e9 - 5, 0.99992809116771618521),
        (0.0012, 101.0, 99900.0, 0.96541360660429359592),
        (0.26, 5000.0, 15000.0, 0.99940338849419245695),
    ] as [(Double, Double, Double, Double)])  // typed: inferring the literal took 2.8 s of type-checking
    func incompleteBetaMatchesSciPy(x: Double, a: Double, b: Double, expected: Double) {
        expectClose(Statistics.regularizedIncompleteBeta(x, a: a, b: b), expected, relative: 1e-11)
    }

    @Test func incompleteBetaEdgesAndSymmetry() {
        #expect(Statistics.regularizedIncompleteBeta(0, a: 2, b: 3) == 0)
        #expect(Statistics.regularizedIncompleteBeta(1, a: 2, b: 3) == 1)
        #expect(Statistics.regularizedIncompleteBeta(0.5, a: 0, b: 3).isNaN)
        // I_x(a, b) = 1 − I_{1−x}(b, a), whichever branch each side takes.
        for x in stride(from: 0.05, through: 0.95, by: 0.1) {
            let direct = Statistics.regularizedIncompleteBeta(x, a: 3.5, b: 7)
            let mirrored = 1 - Statistics.regularizedIncompleteBeta(1 - x, a: 7, b: 3.5)
            expectClose(direct, mirrored, absolute: 1e-13)
        }
    }

    @Test(arguments: [(0.05, 2.0, 3.0), (0.5, 0.5, 0.5), (0.95, 6.0, 9995.0), (0.999, 1.0, 2995.0), (0.3, 0.2, 40.0), (1e-6, 50.0, 50.0)])
    func inverseBetaInvertsTheCDF(p: Double, a: Double, b: Double) {
        let x = Statistics.inverseRegularizedIncompleteBeta(p, a: a, b: b)
        #expect(x > 0 && x < 1)
        expectClose(Statistics.regularizedIncompleteBeta(x, a: a, b: b), p, relative: 1e-11)
    }

    @Test(arguments: [
        (1.0, 1.0, 0.6321205588285577),
        (0.5, 2.0, 0.9544997361036415),
        (3.0, 2.5, 0.45618688411667035),
        (10.0, 12.0, 0.7576078383294875),
        (100.0, 90.0, 0.15822098918643007),
        (2.5, 0.1, 0.0008861387888124438),
    ])
    func incompleteGammaMatchesSciPy(a: Double, x: Double, expected: Double) {
        expectClose(Statistics.regularizedGammaP(a: a, x: x), expected, relative: 1e-11)
    }

    @Test(arguments: [(0.95, 1.0), (0.05, 3.0), (0.5, 0.3), (0.99, 250.0)])
    func inverseGammaInvertsTheCDF(p: Double, a: Double) {
        let x = Statistics.inverseRegularizedGammaP(p, a: a)
        expectClose(Statistics.regularizedGammaP(a: a, x: x), p, relative: 1e-11)
    }

    // MARK: Clopper–Pearson

    @Test func zeroFailuresIn2995TrialsIsJustUnderOnePerMille() {
        let bound = Statistics.clopperPearsonUpper(failures: 0, trials: 2995)
        #expect(bound < 0.001)
        expectClose(bound, 0.000999744420901142, relative: 1e-12)
        // One trial fewer is not enough evidence.
        #expect(Statistics.clopperPearsonUpper(failures: 0, trials: 2994) >= 0.001)
    }

    @Test func fiveFailuresInTenThousandIsAboutPointOneZeroFivePercent() {
        let bound = Statistics.clopperPearsonUpper(failures: 5, trials: 10_000)
        expectClose(bound, 0.0010510137186384818, absolute: 2e-6)
        expectClose(bound, 0.0010510137186384818, relative: 1e-10)
    }

    @Test(arguments: [
        (0, 2995, 0.000999744420901142),
        (5, 10_000, 0.0010510137186384818),
        (1, 100, 0.046559811453538935),
        (3, 50, 0.14783717636418123),
        (10, 1000, 0.016903175120562504),
        (0, 1, 0.95),
        (0, 10, 0.2588655508930522),
        (2, 5, 0.8107446225622291),
        (49, 50, 0.9989746601327679),
        (100, 100_000, 0.0011806859691734534),
        (7, 7000, 0.0018774771712071643),
        (5, 1_000_000_000, 1.0513034879762168495e-08),
    ])
    func clopperPearsonMatchesSciPy(failures: Int, trials: Int, expected: Double) {
        expectClose(Statistics.clopperPearsonUpper(failures: failures, trials: trials), expected, relative: 1e-9)
    }

    @Test func clopperPearsonAtOtherConfidence() {
        expectClose(Statistics.clopperPearsonUpper(failures: 0, trials: 10, confidence: 0.99), 0.36904265551980675)
        expectClose(Statistics.clopperPearsonUpper(failures: 3, trials: 20, confidence: 0.99), 0.4207289171258154)
    }

    @Test func clopperPearsonWithoutEvidenceOrAllFailuresIsOne() {
        #expect(Statistics.clopperPearsonUpper(failures: 0, trials: 0) == 1)
        #expect(Statistics.clopperPearsonUpper(failures: 7, trials: 7) == 1)
    }

    @Test(arguments: [1, 2, 17, 2995, 123_456, 50_000_000])
    func closedFormForZeroFailuresAgreesWithTheBetaQuantile(trials: Int) {
        let closedForm = Statistics.clopperPearsonUpper(failures: 0, trials: trials)
        let viaBeta = Statistics.inverseRegularizedIncompleteBeta(0.95, a: 1, b: Double(trials))
        expectClose(viaBeta, closedForm, relative: 1e-11)
        expectClose(closedForm, 1 - pow(0.05, 1 / Double(trials)), relative: 1e-8)
    }

    @Test func clopperPearsonShrinksWithMoreCleanTrials() {
        var previous = 1.0
        for trials in [10, 100, 1000, 10_000, 100_000] {
            let bound = Statistics.clopperPearsonUpper(failures: 3, trials: trials)
            #expect(bound < previous)
            #expect(bound > 3 / Double(trials))
            previous = bound
        }
    }

    // MARK: Additional trials

    @Test(arguments: [
        (0, 0, 0.001, 2995),
        (0, 500, 0.001, 2495),
        (5, 10_000, 0.001, 511),
        (1, 100, 0.01, 373),
    ])
    func additionalCleanTrialsMatchesSciPySearch(failures: Int, trials: Int, target: Double, expected: Int) throws {
        let needed = try #require(Statistics.additionalCleanTrialsNeeded(failures: failures, trials: trials, target: target))
        #expect(needed == expected)
        // The defining property: enough with `needed`, not enough with one fewer.
        #expect(Statistics.clopperPearsonUpper(failures: failures, trials: trials + needed) < target)
        #expect(Statistics.clopperPearsonUpper(failures: failures, trials: trials + needed - 1) >= target)
    }

    @Test func additionalCleanTrialsEdgeCases() {
        #expect(Statistics.additionalCleanTrialsNeeded(failures: 0, trials: 10_000, target: 0.001) == 0)
        #expect(Statistics.additionalCleanTrialsNeeded(failures: 0, trials: 100, target: 0) == nil)
        #expect(Statistics.additionalCleanTrialsNeeded(failures: 0, trials: 100, target: -1) == nil)
        // 1,000 failures cannot get under one in ten billion within a billion more trials.
        #expect(Statistics.additionalCleanTrialsNeeded(failures: 1000, trials: 1000, target: 1e-10) == nil)
        // All failures so far: still reachable once clean trials arrive.
        let fromAllFailed = Statistics.additionalCleanTrialsNeeded(failures: 2, trials: 2, target: 0.5)
        #expect(fromAllFailed != nil && fromAllFailed! > 0)
    }

    // MARK: Poisson

    @Test func zeroEventsBoundIsMinusLogFivePercent() {
        expectClose(Statistics.poissonUpper(events: 0), -log(0.05), relative: 1e-14)
        expectClose(Statistics.poissonUpper(events: 0), 2.9957322735539895, relative: 1e-14)
        // 0 failed jobs in 3 hours: rate bound 0.9986/hour, which passes "< 1/hour".
        let ratePerHour = Statistics.poissonUpper(events: 0) / 3
        expectClose(ratePerHour, 0.99857742451799, relative: 1e-12)
        #expect(ratePerHour < 1)
        // …while 0 in 2 hours does not.
        #expect(Statistics.poissonUpper(events: 0) / 2 >= 1)
    }

    @Test(arguments: [
        (1, 4.743864518390577),
        (2, 6.295793621871988),
        (5, 10.513034908741535),
        (10, 16.962219235721903),
        (50, 63.287074095747165),
        (200, 224.87435104933058),
    ])
    func poissonUpperMatchesChiSquared(events: Int, expected: Double) {
        expectClose(Statistics.poissonUpper(events: events), expected, relative: 1e-10)
    }

    @Test func poissonUpperAtNinetyNinePercent() {
        expectClose(Statistics.poissonUpper(events: 3, confidence: 0.99), 10.045117514831617, relative: 1e-10)
    }

    // MARK: Weighted quantile

    @Test func nearestRankQuantileOfWeightedSample() {
        // Unsorted on purpose; expands to 1,1,1,2,5,5,5,5,5,9 (n = 10).
        let histogram: [(value: Double, count: Int)] = [(5, 5), (1, 3), (9, 1), (2, 1), (7, 0)]
        #expect(Statistics.quantile(of: histogram, 0) == 1)
        #expect(Statistics.quantile(of: histogram, 0.3) == 1)
        #expect(Statistics.quantile(of: histogram, 0.31) == 2)
        #expect(Statistics.quantile(of: histogram, 0.4) == 2)
        #expect(Statistics.quantile(of: histogram, 0.5) == 5)
        #expect(Statistics.quantile(of: histogram, 0.9) == 5)
        #expect(Statistics.quantile(of: histogram, 0.95) == 9)
        #expect(Statistics.quantile(of: histogram, 1) == 9)
    }

    @Test func nearestRankIsNotPushedUpByBinaryRounding() {
        // 0.7 · 10 = 7.000000000000001 in Double; the nearest rank is still 7.
        let ten = (1...10).map { (value: Double($0), count: 1) }
        #expect(Statistics.quantile(of: ten, 0.7) == 7)
        #expect(Statistics.quantile(of: ten, 0.71) == 8)
        let hundred = (1...100).map { (value: Double($0), count: 1) }
        for percent in 1...100 {
            #expect(Statistics.quantile(of: hundred, Double(percent) / 100) == Double(percent))
        }
    }

    @Test func quantileOfEmptySampleIsNil() {
        #expect(Statistics.quantile(of: [], 0.5) == nil)
        #expect(Statistics.quantile(of: [(value: 3, count: 0)], 0.5) == nil)
    }

    // MARK: Random variates

    @Test func seededGeneratorIsDeterministic() {
        var first = SeededGenerator(seed: 42)
        var second = SeededGenerator(seed: 42)
        var other = SeededGenerator(seed: 43)
        let a = (0..<16).map { _ in first.next() }
        let b = (0..<16).map { _ in second.next() }
        let c = (0..<16).map { _ in other.next() }
        #expect(a == b)
        #expect(a != c)
        #expect(Set(a).count == 16)
    }

    @Test(arguments: [0.3, 1.0, 4.5, 2_000_000.0])
    func gammaVariatesHaveTheRightMeanAndVariance(shape: Double) {
        var generator = SeededGenerator(seed: 7)
        let draws = (0..<40_000).map { _ in Statistics.gammaVariate(shape: shape, using: &generator) }
        let mean = draws.reduce(0, +) / Double(draws.count)
        let variance = draws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(draws.count - 1)
        // Gamma(shape, 1): mean = variance = shape; 40,000 draws put the mean within ~5 standard errors.
        #expect(abs(mean - shape) < 5 * (shape / Double(draws.count)).squareRoot())
        #expect(abs(variance / shape - 1) < 0.05)
        #expect(draws.allSatisfy { $0 > 0 })
    }

    @Test func betaVariatesFollowTheBetaCDF() {
        var generator = SeededGenerator(seed: 11)
        let a = 3.0, b = 8.0
        let draws = (0..<40_000).map { _ in Statistics.betaVariate(a: a, b: b, using: &generator) }
        for x in [0.1, 0.2, 0.3, 0.5] {
            let empirical = Double(draws.filter { $0 <= x }.count) / Double(draws.count)
            let exact = Statistics.regularizedIncompleteBeta(x, a: a, b: b)
            #expect(abs(empirical - exact) < 0.012, "at \(x): \(empirical) vs \(exact)")
        }
    }

    // MARK: Bootstrap

    /// A right-skewed latency histogram (values in ms) with `scale` times the observations.
    private func latencies(scale: Int, factor: Double = 1) -> [(value: Double, count: Int)] {
        (1...60).map { index in
            let value = Double(index) * 2 * factor
            let count = max(1, Int(1000 * exp(-Double(index) / 12))) * scale / 10
            return (value: value, count: max(count, 1))
        }
    }

    @Test func identicalDistributionsGiveAnIntervalAroundOne() throws {
        let sample = latencies(scale: 10)
        let interval = try #require(Statistics.bootstrapQuantileRatio(control: sample, candidate: sample, seed: 1))
        #expect(interval.estimate == 1)
        #expect(interval.lower <= 1 && interval.upper >= 1)
        #expect(interval.lower < interval.upper)
        #expect(interval.resamples == 2000)
    }

    @Test func doubledCandidateGivesAnIntervalAroundTwoThatExcludesOne() throws {
        let control = latencies(scale: 10)
        let candidate = latencies(scale: 10, factor: 2)
        let interval = try #require(Statistics.bootstrapQuantileRatio(control: control, candidate: candidate, seed: 99))
        #expect(interval.estimate == 2)
        #expect(interval.lower <= 2 && interval.upper >= 2)
        #expect(interval.lower > 1.5)
        #expect(interval.upper < 2.7)
    }

    @Test func smallSamplesGiveWiderIntervalsThanLargeOnes() throws {
        let small = latencies(scale: 1)
        let large = latencies(scale: 1000)
        let smallInterval = try #require(Statistics.bootstrapQuantileRatio(control: small, candidate: small, seed: 5))
        let largeInterval = try #require(Statistics.bootstrapQuantileRatio(control: large, candidate: large, seed: 5))
        #expect(smallInterval.upper - smallInterval.lower > 2 * (largeInterval.upper - largeInterval.lower))
    }

    @Test func sameSeedGivesTheSameInterval() throws {
        let control = latencies(scale: 3)
        let candidate = latencies(scale: 3, factor: 1.1)
        let first = try #require(Statistics.bootstrapQuantileRatio(control: control, candidate: candidate, seed: 2024))
        let second = try #require(Statistics.bootstrapQuantileRatio(control: control, candidate: candidate, seed: 2024))
        #expect(first == second)
    }

    @Test func bootstrapMatchesTheExactOrderStatisticDistribution() throws {
        // Control 1...100 once each, median rank r = 50; candidate constant 100, so the ratio is
        // 100 / X_J with J = ⌈100·U⌉, U ~ Beta(50, 51): P(J ≤ j) = I_{j/100}(50, 51).
        let control = (1...100).map { (value: Double($0), count: 1) }
        let candidate: [(value: Double, count: Int)] = [(value: 100, count: 1)]
        let interval = try #require(Statistics.bootstrapQuantileRatio(
            control: control, candidate: candidate, quantile: 0.5, resamples: 4000, seed: 3))
        func quantileIndex(_ p: Double) -> Int {
            (1...100).first { Statistics.regularizedIncompleteBeta(Double($0) / 100, a: 50, b: 51) >= p } ?? 100
        }
        let lowIndex = quantileIndex(0.025)
        let highIndex = quantileIndex(0.975)
        #expect(interval.estimate == 2)
        // Monte Carlo noise may move each end by one rank.
        #expect(abs(100 / interval.upper - Double(lowIndex)) <= 1, "upper \(interval.upper), exact index \(lowIndex)")
        #expect(abs(100 / interval.lower - Double(highIndex)) <= 1, "lower \(interval.lower), exact index \(highIndex)")
    }

    @Test func bootstrapIsNilWithoutDataOrWithAZeroControlQuantile() {
        let sample = latencies(scale: 1)
        #expect(Statistics.bootstrapQuantileRatio(control: [], candidate: sample, seed: 1) == nil)
        #expect(Statistics.bootstrapQuantileRatio(control: sample, candidate: [], seed: 1) == nil)
        #expect(Statistics.bootstrapQuantileRatio(control: [(value: 0, count: 10)], candidate: sample, seed: 1) == nil)
    }

    @Test func bootstrapHandlesMillionsOfObservationsQuickly() throws {
        let control: [(value: Double, count: Int)] = [(10, 5_000_000), (20, 3_000_000), (40, 2_000_000)]
        let candidate: [(value: Double, count: Int)] = [(10, 4_000_000), (20, 4_000_000), (44, 2_000_000)]
        let start = ContinuousClock.now
        let interval = try #require(Statistics.bootstrapQuantileRatio(control: control, candidate: candidate, seed: 8))
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(interval.estimate == 1.1)
        #expect(interval.lower == 1.1 && interval.upper == 1.1)
    }
}
