import Benchmark
import BenchmarkWorkloads
import Foundation
import LMS
import LMSShadow
import ShadowKit

/// Commands per second of one iteration, computed from the iteration's own wall time.
let commandsPerSecond = BenchmarkMetric.custom("commands/s", polarity: .prefersLarger, useScalingFactor: false)

/// Times `work` (which returns the commands it handled) and records its commands per second.
func measureThroughput(_ benchmark: Benchmark, _ work: () async throws -> Int) async rethrows {
    let clock = ContinuousClock()
    benchmark.startMeasurement()
    let start = clock.now
    let commands = try await work()
    let elapsed = clock.now - start
    benchmark.stopMeasurement()
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    benchmark.measurement(commandsPerSecond, Int((Double(commands) / max(seconds, 1e-9)).rounded()))
}

let benchmarks: @Sendable () -> Void = {
    let throughput = Benchmark.Configuration(
        metrics: [.wallClock, commandsPerSecond, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .milliseconds, warmupIterations: 1, maxDuration: .seconds(20), maxIterations: 7)
    // Generating the corpus (and loading the rules) happens here, before warm-up and outside every timed region.
    let prepare: Benchmark.BenchmarkSetupHook = {
        _ = Corpus.announced
        _ = Corpus.rules
    }
    // (a) The limit: both implementations, no comparison, no store.
    Benchmark("bare/1-worker", configuration: throughput, closure: { benchmark in
        await measureThroughput(benchmark) {
            let result = Bare.apply(Corpus.scenarios[...])
            blackHole(result.checksum)
            return result.commands
        }
    }, setup: prepare)

    Benchmark("bare/2-workers", configuration: throughput, closure: { benchmark in
        await measureThroughput(benchmark) {
            let result = await Bare.applyInParallel(Corpus.scenarios, workers: 2)
            blackHole(result.checksum)
            return result.commands
        }
    }, setup: prepare)

    // (b) A full shadow run: runner, comparator, accepted rules, SQLite store (WAL) through StoreSink.
    for workers in [1, 2] {
        Benchmark("full/\(workers)-worker\(workers == 1 ? "" : "s")", configuration: throughput,
                  closure: { benchmark in
            // A new database file per iteration, opened and migrated before the timed region.
            let path = Full.temporaryDatabase()
            defer { Full.removeDatabase(path) }
            do {
                let store = try Store(path: path)
                try await measureThroughput(benchmark) {
                    try await Full.run(Corpus.scenarios, workers: workers, store: store)
                }
            } catch {
                benchmark.error("full run failed: \(error)")
            }
        }, setup: prepare)
    }

    // Diagnostic: the runner without the store, to split (b)'s extra cost into comparing and storing.
    Benchmark("runner-no-store/1-worker", configuration: throughput, closure: { benchmark in
        do {
            try await measureThroughput(benchmark) {
                let (commands, rows) = try await Full.runWithoutStore(Corpus.scenarios, workers: 1)
                blackHole(rows)
                return commands
            }
        } catch {
            benchmark.error("run failed: \(error)")
        }
    }, setup: prepare)

    registerShrinkBenchmarks()
}
