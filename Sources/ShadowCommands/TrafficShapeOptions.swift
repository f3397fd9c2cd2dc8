import ArgumentParser
import LMS

/// The shape of generated traffic, shared by `generate` and `coverage` so both describe the same corpus.
struct TrafficShapeOptions: ParsableArguments {
    @Option(name: .long, help: "Share of scenarios with edge cases, 0...1.")
    var edgeCases: Double = TrafficProfile.default.edgeCaseShare

    @Option(name: .long, help: "Share of the edge-case scenarios whose edge cases also sit at the domain's thresholds (exactly and one step either side) and walk every state-machine transition, 0...1.")
    var boundaryShare: Double = TrafficProfile.default.boundaryShare

    func validate() throws {
        guard (0...1).contains(edgeCases) else { throw ValidationError("--edge-cases must be within 0...1") }
        guard (0...1).contains(boundaryShare) else { throw ValidationError("--boundary-share must be within 0...1") }
    }

    var profile: TrafficProfile {
        var profile = TrafficProfile.default
        profile.edgeCaseShare = edgeCases
        profile.boundaryShare = boundaryShare
        return profile
    }
}
