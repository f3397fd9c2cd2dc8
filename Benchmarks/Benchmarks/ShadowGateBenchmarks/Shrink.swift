import Benchmark
import BenchmarkWorkloads
import LMS
import ShadowKit
import ShadowReport

/// Commands left after shrinking (for several scenarios: the longest result).
let shrunkLength = BenchmarkMetric.custom("commands after shrink", polarity: .prefersSmaller, useScalingFactor: false)

/// Issue 6: a divergence planted in a 1,000-command scenario shrinks to at most 5 commands in under 1 second.
func registerShrinkBenchmarks() {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, shrunkLength, .mallocCountTotal], timeUnits: .milliseconds, warmupIterations: 1,
        maxDuration: .seconds(20), maxIterations: 7)

    // The example: publish of an empty course, whose minimal form is create, publish.
    Benchmark("shrink/publish_without_lessons", configuration: configuration) { benchmark in
        guard let quirk = LegacyQuirk.all.first(where: { $0.id == "legacy.publish_without_lessons" }),
              let planted = try ShrinkWorkload.planted(quirk) else {
            benchmark.error("legacy.publish_without_lessons cannot be planted")
            return
        }
        let shrinker = ShrinkWorkload.shrinker()
        benchmark.startMeasurement()
        let result = try shrinker.shrink(planted.scenario, target: planted.target.id)
        benchmark.stopMeasurement()
        benchmark.measurement(shrunkLength, result.finalLength)
    }

    // Every documented quirk planted the same way, shrunk one after the other.
    Benchmark("shrink/all-quirks", configuration: configuration) { benchmark in
        let planted = try ShrinkWorkload.allPlanted()
        let shrinker = ShrinkWorkload.shrinker()
        var longest = 0
        benchmark.startMeasurement()
        for scenario in planted {
            let result = try shrinker.shrink(scenario.scenario, target: scenario.target.id)
            longest = max(longest, result.finalLength)
        }
        benchmark.stopMeasurement()
        benchmark.measurement(shrunkLength, longest)
    }
}
