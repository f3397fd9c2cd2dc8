import Foundation
import ShadowKit

/// Builds long scenarios out of short ones: for shrink tests and benchmarks, where a known divergence is
/// planted among ordinary traffic and the shrinker must dig it out again.
public enum ScenarioComposer {
    /// Commands with every identifier field (see ``ShrinkDefaults/isIDField(_:)``) moved by `offset`, through the
    /// subject's wire encoding, so planted commands cannot touch the entities of the traffic around them.
    public static func shiftingIDs<Subject: ShadowSubject>(
        _ commands: [Subject.Command], by offset: Int, subject: Subject,
        isIDField: (String) -> Bool = ShrinkDefaults.isIDField
    ) throws(FieldError) -> [Subject.Command] {
        var shifted: [Subject.Command] = []
        for command in commands {
            let (op, fields) = subject.encode(command)
            var root = JSONValue.object(fields)
            for leaf in root.leaves() {
                guard case .int(let value) = leaf.value, let field = leaf.path.fieldName, isIDField(field),
                      let edited = root.replacing(at: leaf.path[...], with: .int(value + offset)) else { continue }
                root = edited
            }
            guard case .object(let edited) = root else { continue }
            shifted.append(try subject.decode(ScenarioLine(scenario: "composed", seq: 0, at: 0, op: op, fields: edited)))
        }
        return shifted
    }

    /// One scenario made of `scenarios` one after the other, each keeping its own time gaps and starting when
    /// the previous one's clock (times and `clock.advance` together) stopped. Seq and line run `1...n`.
    public static func concatenate<Subject: ShadowSubject>(
        _ scenarios: [ScenarioInput<Subject.Command>], id: String, file: String, subject: Subject
    ) -> ScenarioInput<Subject.Command> {
        var commands: [InputCommand<Subject.Command>] = []
        var clock: ScenarioClock?
        for scenario in scenarios {
            guard let first = scenario.commands.first?.at else { continue }
            let base = clock?.now ?? first
            let shifted = scenario.commands.map { input in
                InputCommand(seq: commands.count + 1, at: base + (input.at - first), op: input.op, line: 0,
                             command: input.command)
            }
            var stepped = clock ?? ScenarioClock(start: base)
            _ = ScenarioClock.times(shifted, clock: &stepped, advance: subject.clockAdvance(of:))
            clock = stepped
            for input in shifted {
                commands.append(InputCommand(seq: commands.count + 1, at: input.at, op: input.op, line: commands.count + 1,
                                             command: input.command))
            }
        }
        return ScenarioInput(id: id, file: file, ordinal: 0, commands: commands)
    }

    /// `scenario` with `planted` spread evenly through it, in their order, the last one at the very end.
    /// A planted command takes the time of the command before it; seq and line are renumbered `1...n`.
    public static func plant<Subject: ShadowSubject>(
        _ planted: [Subject.Command], into scenario: ScenarioInput<Subject.Command>, subject: Subject
    ) -> ScenarioInput<Subject.Command> {
        let noise = scenario.commands
        var result: [InputCommand<Subject.Command>] = []
        var taken = 0
        var at = noise.first?.at ?? 0
        func append(_ command: Subject.Command, at time: Double) {
            result.append(InputCommand(seq: result.count + 1, at: time, op: subject.encode(command).op,
                                       line: result.count + 1, command: command))
        }
        for (index, command) in planted.enumerated() {
            // Planted command k follows noise command (k + 1)·N/m − 1, so the last one closes the scenario.
            let until = (index + 1) * noise.count / max(1, planted.count)
            while taken < until {
                at = noise[taken].at
                append(noise[taken].command, at: at)
                taken += 1
            }
            append(command, at: at)
        }
        while taken < noise.count {
            append(noise[taken].command, at: noise[taken].at)
            taken += 1
        }
        return ScenarioInput(id: scenario.id, file: scenario.file, ordinal: scenario.ordinal, commands: result)
    }
}
