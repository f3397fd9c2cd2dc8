import Histogram
@testable import ShadowKit
import Testing

/// The latency histograms start small and grow with the longest time recorded; what they report must be what a
/// histogram sized for 100 s up front (the earlier layout) reports.
@Suite struct LatencyPairTests {
    static let times: [UInt64] = [1, 2, 999, 2_047, 2_048, 2_049, 2_500, 3_100, 4_097, 65_536, 1_000_000, 3_000_000,
                                  2_000_000_000, 99_999_999_999]

    static func sizedFor100Seconds() -> Histogram<UInt64> {
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 100_000_000_000, numberOfSignificantValueDigits: .three)
    }

    @Test func summariesEqualThoseOfAHistogramSizedUpFront() {
        var grown = LatencyPair.makeHistogram()
        var sized = Self.sizedFor100Seconds()
        for (index, time) in Self.times.enumerated() {
            let recorded = (grown.record(time, count: UInt64(index + 1)), sized.record(time, count: UInt64(index + 1)))
            #expect(recorded == (true, true))
            #expect(LatencySummary(grown) == LatencySummary(sized), "after \(time) ns")
        }
        #expect(LatencySummary(grown).max >= 99_999_999_999 * 0.999)
    }

    /// A batch keeps its times as they come; merged into the run's pair they give the histograms of every time
    /// recorded directly, A/A repeats included, whatever the order of the batches.
    @Test func batchesMergeIntoTheRunsHistograms() {
        var first = LatencySamples()
        first.append(control: 3_000, candidate: 0, repeat: nil)
        first.append(control: 5_000_000_000, candidate: 10, repeat: 7_000_000)
        var second = LatencySamples()
        second.append(control: 1, candidate: 2_500, repeat: 40)
        var whole = (control: Self.sizedFor100Seconds(), candidate: Self.sizedFor100Seconds(),
                     first: Self.sizedFor100Seconds(), second: Self.sizedFor100Seconds())
        for time: UInt64 in [3_000, 5_000_000_000, 1] { _ = whole.control.record(time) }
        for time: UInt64 in [1, 10, 2_500] { _ = whole.candidate.record(time) }  // a time of 0 counts as 1 ns
        for time: UInt64 in [5_000_000_000, 1] { _ = whole.first.record(time) }
        for time: UInt64 in [7_000_000, 40] { _ = whole.second.record(time) }

        for batches in [[first, second], [second, first]] {
            var run = LatencyPair()
            for batch in batches { run.record(batch) }
            #expect(LatencySummary(run.control) == LatencySummary(whole.control))
            #expect(LatencySummary(run.candidate) == LatencySummary(whole.candidate))
            #expect(run.repeatTiming == RepeatTiming(first: LatencySummary(whole.first), second: LatencySummary(whole.second)))
        }
        #expect(LatencyPair().repeatTiming == nil)
    }
}
