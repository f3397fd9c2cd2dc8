import ArgumentParser
import Foundation
import LMS
import ShadowKit

/// Thin CLI over ``CorpusCoverage``: the transition coverage of both sides and the boundary counts of a
/// generated corpus, as Markdown or JSON.
struct CoverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "Transition coverage (legacy and modern) and boundary counts of a generated corpus.")

    @Option(name: .long, help: "Seed.")
    var seed: UInt64 = 20_261_125

    @Option(name: .long, help: "Number of scenarios.")
    var count: Int = 3000

    @OptionGroup var shape: TrafficShapeOptions

    @Flag(name: .long, help: "JSON instead of Markdown.")
    var json = false

    func validate() throws {
        guard count >= 0 else { throw ValidationError("--count must be zero or more") }
    }

    func run() throws {
        let generator = TrafficGenerator(seed: seed, profile: shape.profile)
        let coverage = CorpusCoverage.measure((0..<count).lazy.map { generator.scenario($0) })
        if json {
            print(JSONOutput.text(coverage.summary, pretty: true))
        } else {
            print(coverage.markdown, terminator: "")
        }
    }
}
