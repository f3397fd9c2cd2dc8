import Foundation

/// One command of a replayed scenario with both outcomes and the divergences it produced.
public struct ReplayStep: Sendable {
    public var seq: Int
    public var op: String
    public var line: Int
    public var control: JSONValue
    public var candidate: JSONValue
    public var divergences: [Divergence]
}

/// Re-runs one scenario command by command, for a person reading a divergence (`shadowgate replay`).
public struct Replayer<Subject: ShadowSubject>: Sendable {
    public let runner: ShadowRunner<Subject>

    public init(subject: Subject, options: RunOptions) {
        // Replays (and every step of a shrink) need signatures and diffs, never the stored example outcomes.
        var options = options
        options.examplesPerSignature = 0
        options.keepsEveryDivergence = true
        runner = ShadowRunner(subject: subject, options: options)
    }

    /// The divergences a scenario produces, exactly as a run would classify them.
    public func divergences(of scenario: ScenarioInput<Subject.Command>) -> [Divergence] {
        var result = ShadowRunner<Subject>.BatchResult(index: 0, features: runner.featureOrder.count)
        runner.run(scenario, into: &result)
        return result.divergences
    }

    /// Every command up to `upto` (inclusive) with both outcomes. Throws what would stop a run (bad input a
    /// subject found, an unavailable subject).
    public func replay(_ scenario: ScenarioInput<Subject.Command>, upto: Int? = nil) throws -> [ReplayStep] {
        var truncated = scenario
        if let upto { truncated.commands = scenario.commands.filter { $0.seq <= upto } }
        let subject = runner.subject
        func tree(_ result: Result<Subject.Outcome, any Error>) -> JSONValue {
            switch result {
            case .success(let outcome): subject.outcomeTree(outcome)
            case .failure(let error): .object(["error": .string("\(error)")])
            }
        }
        var steps: [ReplayStep] = []
        var result = ShadowRunner<Subject>.BatchResult(index: 0, features: runner.featureOrder.count)
        runner.run(truncated, into: &result) { input, control, candidate in
            steps.append(ReplayStep(seq: input.seq, op: input.op, line: input.line, control: tree(control),
                                    candidate: tree(candidate), divergences: []))
        }
        if let fatal = result.fatal { throw fatal }
        for divergence in result.divergences {
            guard let index = steps.firstIndex(where: { $0.seq == divergence.seq }) else { continue }
            steps[index].divergences.append(divergence)
        }
        return steps
    }
}
