import ArgumentParser
import Foundation
import LMS
import LMSShadow
import ShadowKit
import ShadowReport
import ShadowRollout

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write seeded, reproducible LMS traffic as a scenario file (same seed, same bytes).")

    @Option(name: .long, help: "Seed.")
    var seed: UInt64 = 42

    @Option(name: .long, help: "Number of scenarios.")
    var count: Int

    @Option(name: .long, help: "Output file (JSON Lines).")
    var out: String

    @Option(name: .long, help: "Share of scenarios with edge cases, 0...1.")
    var edgeCases: Double = TrafficProfile.default.edgeCaseShare

    @Option(name: .long, help: "Share of the edge-case scenarios whose edge cases also sit at the domain's thresholds (exactly and one step either side) and walk every state-machine transition, 0...1.")
    var boundaryShare: Double = TrafficProfile.default.boundaryShare

    func validate() throws {
        guard count >= 0 else { throw ValidationError("--count must be zero or more") }
        guard (0...1).contains(edgeCases) else { throw ValidationError("--edge-cases must be within 0...1") }
        guard (0...1).contains(boundaryShare) else { throw ValidationError("--boundary-share must be within 0...1") }
    }

    func run() throws {
        var profile = TrafficProfile.default
        profile.edgeCaseShare = edgeCases
        profile.boundaryShare = boundaryShare
        let generator = TrafficGenerator(seed: seed, profile: profile)
        var writer = try ScenarioWriter(path: out)
        var commands = 0
        try writer.write(GeneratedSource.header(seed: seed, count: count))
        for index in 0..<count {
            for line in GeneratedSource.lines(generator.scenario(index), index: index) {
                try writer.write(line)
                commands += 1
            }
        }
        try writer.close()
        printError("wrote \(count) scenarios, \(commands) commands to \(out)")
    }
}
