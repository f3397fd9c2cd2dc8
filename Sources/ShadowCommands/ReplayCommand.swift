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

    @OptionGroup var sides: SubjectOptions

    func validate() throws {
        guard (file == nil) != (seed == nil) else { throw ValidationError("give either a FILE or --seed S") }
    }

    func run() throws {
        guard let specification = try sides.specification() else {
            try replay(LMSSubject(), labels: ("legacy", "modern"))
            return
        }
        let subject = try specification.start(pairs: 1)
        defer { subject.shutdown() }
        try replay(subject, labels: ("control", "candidate"))
    }

    private func replay<Subject: GeneratedTrafficSubject>(_ subject: Subject, labels: (control: String, candidate: String))
        throws {
        let (comparator, accepted) = try rules.load()
        let options = RunOptions(workers: 1, comparator: comparator, accepted: accepted, day: rules.effectiveDay)
        guard let input = try subject.findScenario(id: scenario, file: file, seed: seed) else {
            throw CommandError.scenarioNotFound(scenario, in: file ?? "generated traffic")
        }
        let steps = try Replayer(subject: subject, options: options).replay(input, upto: upto)
        var diverging = 0
        for step in steps {
            let mark = step.divergences.isEmpty ? " " : "✗"
            print("\(mark) seq \(step.seq)  \(step.op)\(step.line > 0 ? "  (\(input.file):\(step.line))" : "")")
            print("    \(labels.control): \(step.control.jsonText)")
            print("    \(labels.candidate): \(step.candidate.jsonText)")
            for divergence in step.divergences {
                diverging += 1
                let status = divergence.kind == .noise ? "noise"
                    : divergence.acceptedRule.map { "accepted by \($0)" } ?? "UNEXPECTED"
                print("    ✗ \(divergence.kind.rawValue) [\(divergence.feature)] \(status), signature \(divergence.signature.id)")
                for entry in divergence.diff {
                    print("        \(entry.path): \(labels.control) \(entry.control?.jsonText ?? "(absent)") | "
                          + "\(labels.candidate) \(entry.candidate?.jsonText ?? "(absent)")")
                }
            }
        }
        print("\(steps.count) commands, \(diverging) divergences")
    }
}
