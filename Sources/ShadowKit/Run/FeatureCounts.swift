import Foundation
import Histogram

/// Per-feature tallies of one run. Every comparison is exactly one of: match, accepted, mismatch, noise, tolerated;
/// a downstream divergence is not a comparison.
public struct FeatureCounts: Sendable, Codable, Equatable {
    public var comparisons = 0
    public var matches = 0
    /// Divergences explained by an unexpired accepted rule.
    public var accepted = 0
    /// Unexpected divergences: what the mismatch rate counts.
    public var mismatches = 0
    /// Candidate crashes (thrown failures, not domain rejections), accepted or not.
    public var candidateErrors = 0
    /// Control crashes, accepted or not.
    public var controlErrors = 0
    /// The candidate refused a transition the control performed, and no rule accepts it.
    public var stateTransitionErrors = 0
    /// Listener jobs that failed on the candidate side.
    public var failedJobs = 0
    /// Listener jobs that failed on the control side, shown beside the candidate's.
    var controlFailedJobs = 0
    /// Commands the candidate refused with a domain rejection (not errors).
    public var candidateRejections = 0
    /// Commands that could not be compared because a side's world was lost (an external worker that could not
    /// be rebuilt); not comparisons, never silently dropped.
    public var abandoned = 0
    /// Divergences only on paths where the control differs from a second control (`--secondary`): neither a
    /// match nor a mismatch.
    public var noise = 0
    /// Divergences downstream of an earlier divergence of the same scenario (knock-ons: the command touched an
    /// entity an earlier divergent command touched). Not comparisons: they leave the mismatch rate altogether,
    /// numerator and denominator, and are counted under their root's signature.
    public var downstream = 0
    /// Comparisons whose only differences a comparator tolerance absorbed (`$.value.grade` within 0.01): not
    /// matches, not mismatches, shown beside them.
    public var tolerated = 0

    public init() {}

    public mutating func add(_ other: FeatureCounts) {
        comparisons += other.comparisons
        matches += other.matches
        accepted += other.accepted
        mismatches += other.mismatches
        candidateErrors += other.candidateErrors
        controlErrors += other.controlErrors
        stateTransitionErrors += other.stateTransitionErrors
        failedJobs += other.failedJobs
        controlFailedJobs += other.controlFailedJobs
        candidateRejections += other.candidateRejections
        abandoned += other.abandoned
        noise += other.noise
        downstream += other.downstream
        tolerated += other.tolerated
    }

    /// Unexpected divergences per comparison; `nil` with no comparisons (no data is not zero).
    public var mismatchRate: Double? { comparisons > 0 ? Double(mismatches) / Double(comparisons) : nil }
}

/// Time per command on each side, in nanoseconds, as HdrHistograms: the run's, per feature.
struct LatencyPair: Sendable {
    var control: Histogram<UInt64>
    var candidate: Histogram<UInt64>
    /// The control's times on the commands it was timed twice (A/A), and the second timings.
    var repeatFirst: Histogram<UInt64>?
    var repeatSecond: Histogram<UInt64>?

    init() {
        control = LatencyPair.makeHistogram()
        candidate = LatencyPair.makeHistogram()
    }

    /// From 1 ns, at 3 significant digits. The counts grow with the longest time recorded (`autoResize`), from 2,048
    /// (16 KB; sized for 100 s up front it was 28,672). The buckets, and so every percentile, are the same either way.
    static func makeHistogram() -> Histogram<UInt64> {
        Histogram<UInt64>(numberOfSignificantValueDigits: .three)
    }

    /// Records the times of a batch (already at least 1 ns, see ``LatencySamples``).
    mutating func record(_ samples: LatencySamples) {
        for time in samples.control { control.record(time) }
        for time in samples.candidate { candidate.record(time) }
        guard !samples.repeatFirst.isEmpty else { return }
        // Taken out while recording, so that the counts are not copied on write.
        var first = repeatFirst.take() ?? LatencyPair.makeHistogram()
        var second = repeatSecond.take() ?? LatencyPair.makeHistogram()
        for time in samples.repeatFirst { first.record(time) }
        for time in samples.repeatSecond { second.record(time) }
        repeatFirst = first
        repeatSecond = second
    }

    var repeatTiming: RepeatTiming? {
        guard let repeatFirst, let repeatSecond else { return nil }
        return RepeatTiming(first: LatencySummary(repeatFirst), second: LatencySummary(repeatSecond))
    }
}

/// One batch's times per command, in nanoseconds (at least 1), kept as they come and recorded into the run's
/// histograms when the batch is merged: a histogram per feature and batch would allocate and zero its counts for
/// the few dozen commands a batch times.
struct LatencySamples: Sendable {
    var control: [UInt64] = []
    var candidate: [UInt64] = []
    /// The control's times on the commands it ran twice (A/A), and the second times.
    var repeatFirst: [UInt64] = []
    var repeatSecond: [UInt64] = []

    /// Room for a typical batch's commands of one feature up front, so that the arrays do not grow one step at a
    /// time (each step an allocation).
    init() {
        control.reserveCapacity(64)
        candidate.reserveCapacity(64)
    }

    mutating func append(control controlTime: UInt64, candidate candidateTime: UInt64, repeat repeatTime: UInt64?) {
        control.append(max(1, controlTime))
        candidate.append(max(1, candidateTime))
        if let repeatTime {
            repeatFirst.append(max(1, controlTime))
            repeatSecond.append(max(1, repeatTime))
        }
    }
}

/// The control timed twice on the same commands (A/A): two copies of the same code, so any difference between
/// the two is this machine's timing noise, which a latency verdict must clear (as Diffy measures it).
public struct RepeatTiming: Sendable, Codable, Equatable {
    public var first: LatencySummary
    public var second: LatencySummary

    package init(first: LatencySummary, second: LatencySummary) {
        self.first = first
        self.second = second
    }
}

/// Percentiles of one side's latency, in nanoseconds.
public struct LatencySummary: Sendable, Codable, Equatable {
    public var count: Int
    public var p50: Double
    public var p95: Double
    public var p99: Double
    public var max: Double
    /// `[value, count]` pairs of the recorded histogram, for bootstrap bounds and charts.
    public var buckets: [[Double]]

    package init(_ histogram: Histogram<UInt64>) {
        count = Int(histogram.totalCount)
        guard count > 0 else {
            p50 = 0; p95 = 0; p99 = 0; max = 0; buckets = []
            return
        }
        p50 = Double(histogram.valueAtPercentile(50))
        p95 = Double(histogram.valueAtPercentile(95))
        p99 = Double(histogram.valueAtPercentile(99))
        max = Double(histogram.max)
        buckets = histogram.recordedValues().map { [Double($0.value), Double($0.count)] }
    }

    public init(count: Int, p50: Double, p95: Double, p99: Double, max: Double, buckets: [[Double]]) {
        self.count = count
        self.p50 = p50
        self.p95 = p95
        self.p99 = p99
        self.max = max
        self.buckets = buckets
    }

    /// The buckets as weighted samples.
    var weightedSamples: [(value: Double, count: Int)] {
        buckets.compactMap { $0.count == 2 ? ($0[0], Int($0[1])) : nil }
    }
}
