import ArgumentParser
import Foundation
import LMS

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

    @Option(name: .long, help: "Share of scenarios with edge cases, 0...1.")
    var edgeCases: Double = TrafficProfile.default.edgeCaseShare

    @Option(name: .long, help: "Share of the edge-case scenarios that also get boundary cases, 0...1.")
    var boundaryShare: Double = TrafficProfile.default.boundaryShare

    @Flag(name: .long, help: "JSON instead of Markdown.")
    var json = false

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
        let coverage = CorpusCoverage.measure((0..<count).lazy.map { generator.scenario($0) })
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(coverage.summary)
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(coverage.markdown, terminator: "")
        }
    }
}
