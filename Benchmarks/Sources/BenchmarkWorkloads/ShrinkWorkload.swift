import Foundation
import LMS
import LMSShadow
import ShadowKit
import ShadowReport

/// Issue 6's benchmark input: a documented quirk's trigger planted in generated traffic, 1,000 commands in all.
public struct PlantedScenario: Sendable {
    public var quirk: LegacyQuirk
    /// The signature the trigger shows on its last command, in the quirk's first feature.
    public var target: Signature
    public var scenario: ScenarioInput<LMSCommand>
}

public enum ShrinkWorkload {
    /// Commands in a planted scenario (noise + trigger).
    public static let length = 1_000
    /// Seed of the noise traffic.
    public static let noiseSeed: UInt64 = 42
    /// Identifiers of planted commands are moved this far, out of the generator's range.
    static let idOffset = 1_000_000_000

    public static let subject = LMSSubject()
    static let replayer = Replayer(subject: subject, options: Corpus.runOptions(workers: 1))

    public static func shrinker() -> ScenarioShrinker<LMSSubject> {
        ScenarioShrinker(subject: subject, options: Corpus.runOptions(workers: 1))
    }

    /// The quirk's trigger, its ids shifted, spread evenly through generated scenarios that do not show the
    /// target signature themselves (so the only way to the signature is the planted trigger), cut to
    /// ``length`` commands. `nil` when the trigger shows no divergence in its first feature.
    public static func planted(_ quirk: LegacyQuirk) throws -> PlantedScenario? {
        guard let target = target(of: quirk) else { return nil }
        let trigger = try ScenarioComposer.shiftingIDs(quirk.trigger, by: idOffset, subject: subject)
        let noiseLength = length - trigger.count
        var source = GeneratedSource(seed: noiseSeed, count: 10_000)
        var parts: [ScenarioInput<LMSCommand>] = []
        var total = 0
        while total < noiseLength, let next = try source.nextScenario() {
            guard !replayer.divergences(of: next).contains(where: { $0.signature.id == target.id }) else { continue }
            parts.append(next)
            total += next.commands.count
        }
        var noise = ScenarioComposer.concatenate(parts, id: "planted-\(quirk.id)", file: "benchmark", subject: subject)
        noise.commands = Array(noise.commands.prefix(noiseLength))
        let scenario = ScenarioComposer.plant(trigger, into: noise, subject: subject)
        guard replayer.divergences(of: scenario).contains(where: { $0.signature.id == target.id }) else { return nil }
        return PlantedScenario(quirk: quirk, target: target, scenario: scenario)
    }

    /// The signature a quirk's trigger shows on its last command, in the quirk's first feature.
    static func target(of quirk: LegacyQuirk) -> Signature? {
        let commands = quirk.trigger.enumerated().map { offset, command in
            // All at one time: only clock.advance moves the clock, as in the quirk catalogue.
            InputCommand(seq: offset + 1, at: GeneratedSource.epoch, op: command.op.rawValue, line: offset + 1,
                         command: command)
        }
        let trigger = ScenarioInput(id: quirk.id, file: "quirks", ordinal: 0, commands: commands)
        return replayer.divergences(of: trigger).first {
            $0.seq == commands.count && $0.feature == quirk.features[0].rawValue
        }?.signature
    }

    /// Every quirk that can be planted, in catalogue order.
    public static func allPlanted() throws -> [PlantedScenario] {
        try LegacyQuirk.all.compactMap { try planted($0) }
    }
}
