import ArgumentParser
import Foundation
import ShadowKit

/// Prints the nightly-gate simulation of BENCHMARKS.md ("A gate asked every night").
struct SimulateGateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate-gate",
        abstract: "Simulate a gate asked every night: false advances of the anytime bound vs a per-run bound.",
        discussion: """
            Seeded (SplitMix64): each rollout sees --comparisons a night with Binomial mismatches at 1.5× and \
            0.5× the target, for --nights nights; prints how many advance under the anytime bound on pooled \
            evidence (what `advance` uses) and under each night's Clopper–Pearson bound alone, and the nights needed.
            """)

    @Option(name: .long, help: "Mismatch-rate target, as a fraction (0.005 = 0.5%).") var target: Double = 0.005
    @Option(name: .long, help: "Comparisons per nightly run.") var comparisons: Int = 1_000
    @Option(name: .long, help: "Nights per rollout.") var nights: Int = 30
    @Option(name: .long, help: "Simulated rollouts.") var rollouts: Int = 2_000
    @Option(name: .long, help: "Seed.") var seed: UInt64 = 20_261_125

    func validate() throws {
        guard target > 0, target < 1 else { throw ValidationError("--target must be a fraction in (0, 1)") }
        guard comparisons > 0, nights > 0, rollouts > 0 else {
            throw ValidationError("--comparisons, --nights and --rollouts must be positive")
        }
    }

    func run() throws {
        let simulation = NightlySimulation(target: target, comparisonsPerNight: comparisons, nights: nights,
                                           rollouts: rollouts, seed: seed)
        print(simulation.table(), terminator: "")
    }
}
