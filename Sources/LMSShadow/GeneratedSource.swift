import Foundation
import LMS
import ShadowKit

/// Generated traffic as a scenario source, without a file in between.
public struct GeneratedSource: ScenarioSource {
    public typealias Command = LMSCommand

    /// Scenario `i` starts at this time plus `i × spacing`, so a corpus covers a day or so of scenario time.
    public static let epoch = Timestamp.parse("2026-01-05T09:00:00Z") ?? 0
    static let spacing = 30.0

    let generator: TrafficGenerator
    let count: Int
    let label: String
    var next = 0

    /// Scenarios `startingAt ..< count` of the traffic generated from `seed`.
    public init(seed: UInt64, count: Int, startingAt first: Int = 0, profile: TrafficProfile = .default) {
        generator = TrafficGenerator(seed: seed, profile: profile)
        self.count = count
        next = first
        label = GeneratedInput.label(seed: seed)
    }

    /// Regenerates the generated scenario with this id (`s-000017`), or `nil` when the id is not a generated one.
    public static func scenario(id: String, seed: UInt64) -> ScenarioInput<LMSCommand>? {
        guard let index = index(of: id) else { return nil }
        var source = GeneratedSource(seed: seed, count: index + 1, startingAt: index)
        return try? source.nextScenario()
    }

    /// The generator index of a generated scenario id (`s-000017` → 17).
    public static func index(of id: String) -> Int? {
        guard id.hasPrefix("s-") else { return nil }
        return Int(id.dropFirst(2))
    }

    public mutating func nextScenario() throws(ScenarioError) -> ScenarioInput<LMSCommand>? {
        guard next < count else { return nil }
        defer { next += 1 }
        return Self.input(generator.scenario(next), index: next, file: label)
    }

    static func input(_ scenario: GeneratedScenario, index: Int, file: String) -> ScenarioInput<LMSCommand> {
        let start = epoch + Double(index) * spacing
        let commands = scenario.commands.enumerated().map { offset, timed in
            InputCommand(seq: offset + 1, at: start + Double(timed.offset), op: timed.command.op.rawValue,
                         line: 0, command: timed.command)
        }
        var input = ScenarioInput(id: scenario.id, file: file, ordinal: index, commands: commands)
        input.synthetic = true
        return input
    }

    /// The header `generate` writes first: the file holds generated traffic (its clock is not real time).
    public static func header(seed: UInt64, count: Int) -> CorpusHeader {
        CorpusHeader(traffic: .generated, details: ["generator": .string("lms"), "seed": seed <= UInt64(Int.max) ? .int(Int(seed)) : .string("\(seed)"),
                                                    "count": .int(count)])
    }

    /// Scenario lines of generated scenario `index`, as `generate` writes them.
    public static func lines(_ scenario: GeneratedScenario, index: Int) -> [ScenarioLine] {
        input(scenario, index: index, file: "").commands.map { command in
            let (op, fields) = LMSCommandCodec.encode(command.command)
            return ScenarioLine(scenario: scenario.id, seq: command.seq, at: command.at, op: op, fields: fields)
        }
    }
}
