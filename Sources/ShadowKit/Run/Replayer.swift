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

    /// Every command up to `upto` (inclusive) with both outcomes.
    public func replay(_ scenario: ScenarioInput<Subject.Command>, upto: Int? = nil) -> [ReplayStep] {
        var truncated = scenario
        if let upto { truncated.commands = scenario.commands.filter { $0.seq <= upto } }
        let subject = runner.subject
        let divergences = divergences(of: truncated)
        var control = subject.makeControlWorld()
        var candidate = subject.makeCandidateWorld()
        var now = truncated.commands.first?.at ?? 0
        var steps: [ReplayStep] = []
        for input in truncated.commands {
            now = max(now, input.at)
            let date = Date(timeIntervalSince1970: now)
            let a = Result { try subject.applyControl(input.command, to: &control, now: date) }
            let b = Result { try subject.applyCandidate(input.command, to: &candidate, now: date) }
            if let seconds = subject.clockAdvance(of: input.command) { now += seconds }
            func tree(_ result: Result<Subject.Outcome, any Error>) -> JSONValue {
                switch result {
                case .success(let outcome): subject.outcomeTree(outcome)
                case .failure(let error): .object(["error": .string("\(error)")])
                }
            }
            steps.append(ReplayStep(seq: input.seq, op: input.op, line: input.line, control: tree(a), candidate: tree(b),
                                    divergences: divergences.filter { $0.seq == input.seq }))
        }
        return steps
    }
}
