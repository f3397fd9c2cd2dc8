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

    @OptionGroup var shape: TrafficShapeOptions

    func validate() throws {
        guard count >= 0 else { throw ValidationError("--count must be zero or more") }
    }

    func run() throws {
        let generator = TrafficGenerator(seed: seed, profile: shape.profile)
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
