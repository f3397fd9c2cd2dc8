import ArgumentParser
import Foundation
import LMS
import LMSShadow
import ShadowKit
import ShadowReport
import ShadowRollout

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Re-run one scenario and show both outcomes of every command side by side, divergences marked.")

    @Argument(help: "The scenario file. Leave out with --seed to regenerate a generated scenario.")
    var file: String?

    @Option(name: .long, help: "Scenario id, e.g. s-000017.")
    var scenario: String

    @Option(name: .long, help: "Stop after this seq.")
    var upto: Int?

    @Option(name: .long, help: "Regenerate the scenario from this seed instead of reading a file.")
    var seed: UInt64?

    @OptionGroup var rules: RulesOptions

    func validate() throws {
        guard (file == nil) != (seed == nil) else { throw ValidationError("give either a FILE or --seed S") }
    }

    func run() throws {
        let subject = LMSSubject()
        let (comparator, accepted) = try rules.load()
        let options = RunOptions(workers: 1, comparator: comparator, accepted: accepted, day: rules.effectiveDay)
        guard let input = try findScenario(id: scenario, file: file, seed: seed) else {
            throw UserFacingError(message: "scenario \"\(scenario)\" not found in \(file ?? "generated traffic")",
                                  code: ExitCodes.malformedInput)
        }
        let steps = try Replayer(subject: subject, options: options).replay(input, upto: upto)
        var diverging = 0
        for step in steps {
            let mark = step.divergences.isEmpty ? " " : "✗"
            print("\(mark) seq \(step.seq)  \(step.op)\(step.line > 0 ? "  (\(input.file):\(step.line))" : "")")
            print("    legacy: \(step.control.jsonText)")
            print("    modern: \(step.candidate.jsonText)")
            for divergence in step.divergences {
                diverging += 1
                let status = divergence.acceptedRule.map { "accepted by \($0)" } ?? "UNEXPECTED"
                print("    ✗ \(divergence.kind.rawValue) [\(divergence.feature)] \(status), signature \(divergence.signature.id)")
                for entry in divergence.diff {
                    print("        \(entry.path): legacy \(entry.control?.jsonText ?? "(absent)") | modern \(entry.candidate?.jsonText ?? "(absent)")")
                }
            }
        }
        print("\(steps.count) commands, \(diverging) divergences")
    }
}
