// A plain driver for the benchmark workloads, without package-benchmark's malloc interposer, so that it
// runs under `valgrind --tool=callgrind` and `/usr/bin/time`:
//
//   shadowgate-profile bare|bare-parallel|full|no-store [--workers N]
//   shadowgate-profile shrink          # every quirk planted in 1,000 commands: final length and time
//   SHADOWGATE_BENCH_SCENARIOS=200 perf record -g .build/release/shadowgate-profile full
//
// External workers (issue 12; Benchmarks/workers.sh runs these), one pass over a scenario file:
//
//   shadowgate-profile workers-bare|workers-full|workers-no-store|workers-stream \
//       --control CMD --candidate CMD --input FILE [--workers N]
//
// workers-bare drives the workers through the transport only; workers-full is the runner and the store on the
// same scenarios (decoded into memory first, like bare); workers-no-store leaves out the store; workers-stream
// is workers-full reading the file as it goes (what `shadowgate run --input` does). `--workers N` starts N
// workers per side. CPU is this process's own (getrusage RUSAGE_SELF: the harness); the workers' CPU is printed
// apart (RUSAGE_CHILDREN after they are shut down, their start-up included).
//
// Prints the commands and commands per second of one pass over the corpus (generated before timing starts).
import BenchmarkWorkloads
import Foundation
import ShadowKit
import ShadowWorker

let arguments = Array(CommandLine.arguments.dropFirst())
let usage = "usage: shadowgate-profile bare|bare-parallel|full|no-store|shrink [--workers N]\n"
    + "       shadowgate-profile workers-bare|workers-full|workers-no-store|workers-stream --control CMD "
    + "--candidate CMD --input FILE [--workers N]"
guard let mode = arguments.first else {
    FileHandle.standardError.write(Data((usage + "\n").utf8))
    exit(64)
}
var workers = 1
if let flag = arguments.firstIndex(of: "--workers") {
    guard flag + 1 < arguments.count, let value = Int(arguments[flag + 1]), value >= 1 else {
        FileHandle.standardError.write(Data("--workers needs a whole number of at least 1\n".utf8))
        exit(64)
    }
    workers = value
}

if mode == "shrink" {
    // One line per quirk: shrinking is timed by the shrinker itself (planting is not part of it).
    do {
        let shrinker = ShrinkWorkload.shrinker()
        print("quirk | planted in | shrunk to | time (ms) | replays | 1-minimal")
        for planted in try ShrinkWorkload.allPlanted() {
            let result = try shrinker.shrink(planted.scenario, target: planted.target.id)
            print("\(planted.quirk.id) | \(result.originalLength) | \(result.finalLength) | "
                  + "\(String(format: "%.0f", result.elapsedSeconds * 1000)) | \(result.predicateCalls) | "
                  + "\(result.isOneMinimal ? "yes" : "no")")
        }
    } catch {
        FileHandle.standardError.write(Data("shrink failed: \(error)\n".utf8))
        exit(70)
    }
    exit(0)
}

/// The value after `flag`, if given.
func option(_ flag: String) -> String? {
    guard let index = arguments.firstIndex(of: flag), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

/// User + system CPU seconds of this process's reaped children (the worker processes, once shut down).
func childCPUSeconds() -> Double {
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(RUSAGE_CHILDREN.rawValue, &usage)
    #else
    getrusage(RUSAGE_CHILDREN, &usage)
    #endif
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

if mode.hasPrefix("workers-") {
    guard let control = option("--control"), let candidate = option("--candidate"), let input = option("--input") else {
        FileHandle.standardError.write(Data((usage + "\n").utf8))
        exit(64)
    }
    _ = Corpus.rules
    let clock = ContinuousClock()
    let subject: TreeSubject
    let scenarios: [ScenarioInput<TreeCommand>]
    do {
        // Workers start and shake hands, and the file is decoded, before timing starts.
        subject = try WorkerCorpus.subject(control: control, candidate: candidate, pairs: workers)
        scenarios = mode == "workers-stream" ? [] : try WorkerCorpus.load(path: input, subject: subject)
    } catch {
        FileHandle.standardError.write(Data("\(mode) could not start: \(error)\n".utf8))
        exit(70)
    }
    var cpuBefore = cpuSeconds()
    var start = clock.now
    let commands: Int
    do {
        switch mode {
        case "workers-bare":
            let result = await WorkerBare.applyInParallel(scenarios, subject: subject, pairs: workers)
            commands = result.commands
            print("checksum \(result.checksum)")
        case "workers-full", "workers-stream":
            let path = Full.temporaryDatabase()
            defer { Full.removeDatabase(path) }
            let store = try Store(path: path)
            // Opening and migrating the database is not timed.
            cpuBefore = cpuSeconds()
            start = clock.now
            commands = mode == "workers-full"
                ? try await WorkerFull.run(scenarios, subject: subject, pairs: workers, store: store)
                : try await WorkerFull.run(streaming: input, subject: subject, pairs: workers, store: store)
        case "workers-no-store":
            commands = try await WorkerFull.runWithoutStore(scenarios, subject: subject, pairs: workers)
        default:
            FileHandle.standardError.write(Data((usage + "\n").utf8))
            exit(64)
        }
    } catch {
        FileHandle.standardError.write(Data("\(mode) failed: \(error)\n".utf8))
        exit(70)
    }
    let elapsed = clock.now - start
    let cpu = cpuSeconds() - cpuBefore
    WorkerCorpus.shutdown(subject)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    print("\(mode) workers=\(workers): \(commands) commands in \(String(format: "%.3f", seconds)) s wall = "
          + "\(Int(Double(commands) / seconds)) commands/s; harness CPU \(String(format: "%.3f", cpu)) s = "
          + "\(String(format: "%.2f", cpu / Double(max(commands, 1)) * 1e6)) us/command; "
          + "workers CPU \(String(format: "%.3f", childCPUSeconds())) s")
    exit(0)
}

_ = Corpus.announced
_ = Corpus.rules
/// User + system CPU seconds of the whole process so far (all threads).
func cpuSeconds() -> Double {
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

let clock = ContinuousClock()
let cpuBefore = cpuSeconds()
let commands: Int
let elapsed: Duration
do {
    switch mode {
    case "bare":
        let start = clock.now
        let result = Bare.apply(Corpus.scenarios[...])
        elapsed = clock.now - start
        commands = result.commands
        print("checksum \(result.checksum)")
    case "bare-parallel":
        let start = clock.now
        let result = await Bare.applyInParallel(Corpus.scenarios, workers: workers)
        elapsed = clock.now - start
        commands = result.commands
        print("checksum \(result.checksum)")
    case "full":
        // SHADOWGATE_BENCH_KEEP_DB=path keeps the database for inspection (a new file is expected there).
        let kept = ProcessInfo.processInfo.environment["SHADOWGATE_BENCH_KEEP_DB"]
        let path = kept ?? Full.temporaryDatabase()
        defer { if kept == nil { Full.removeDatabase(path) } }
        let store = try Store(path: path)
        let start = clock.now
        commands = try await Full.run(Corpus.scenarios, workers: workers, store: store)
        elapsed = clock.now - start
    case "no-store":
        let start = clock.now
        let result = try await Full.runWithoutStore(Corpus.scenarios, workers: workers)
        elapsed = clock.now - start
        commands = result.commands
        print("rows \(result.rows)")
    default:
        FileHandle.standardError.write(Data((usage + "\n").utf8))
        exit(64)
    }
} catch {
    FileHandle.standardError.write(Data("\(mode) failed: \(error)\n".utf8))
    exit(70)
}
let cpu = cpuSeconds() - cpuBefore
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print("\(mode) workers=\(workers): \(commands) commands in \(String(format: "%.3f", seconds)) s wall = "
      + "\(Int(Double(commands) / seconds)) commands/s; CPU \(String(format: "%.3f", cpu)) s = "
      + "\(Int(Double(commands) / cpu)) commands per CPU-second")
