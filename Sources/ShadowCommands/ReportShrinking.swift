import Foundation
import LMS
import LMSShadow
import ShadowKit
import ShadowReport
import ShadowRollout

/// Minimal reproductions for a report: the first example of each unexpected signature, shrunk within a time
/// budget shared by the whole report, with the `shadowgate shrink` command that prints the same result.
struct ReportShrinking: Sendable {
    let options: RunOptions
    let deadline: Date
    let perSignature: Double
    /// The workers the run drove, started again (nil for the built-in pair).
    let external: (subject: TreeSubject, specification: SubjectSpecification)?

    /// Uses the run's own accepted rules, comparator rules and day, so signatures match the run's.
    init(header: RunHeaderRow, budget: Double) throws {
        let rules = try RulesOptions.parse(["--accepted", header.config["accepted"] ?? RulesOptions.defaultAccepted,
                                            "--comparator", header.config["comparator"] ?? RulesOptions.defaultComparator]
                                           + (header.config["day"].map { ["--day", $0] } ?? []))
        let (comparator, accepted) = try rules.load()
        options = RunOptions(workers: 1, comparator: comparator, accepted: accepted, day: rules.effectiveDay)
        deadline = Date().addingTimeInterval(budget)
        perSignature = min(budget, 5)
        external = try SubjectSpecification.fromRun(header.config).map { specification in
            (try specification.start(pairs: 1), specification)
        }
    }

    /// Stops the workers started for the reproductions.
    func shutdown() { external?.subject.shutdown() }

    func reproduce(_ request: ReproductionRequest) -> ReportReproduction? {
        if let external {
            return reproduce(request, subject: external.subject, sides: " " + external.specification.arguments)
        }
        return reproduce(request, subject: LMSSubject(), sides: "")
    }

    private func reproduce<Subject: GeneratedTrafficSubject>(_ request: ReproductionRequest, subject: Subject,
                                                             sides: String) -> ReportReproduction? {
        let remaining = deadline.timeIntervalSinceNow
        guard request.acceptedRule == nil, remaining > 0.05,
              let scenario = try? subject.findScenario(id: request.scenario, file: request.file,
                                                       seed: GeneratedInput.seed(of: request.file)) else { return nil }
        // The whole scenario, as the printed `shadowgate shrink` command shrinks it, so both give the same result.
        let shrinker = ScenarioShrinker(subject: subject, options: options)
        guard let result = try? shrinker.shrink(scenario, target: request.signature,
                                                budget: .seconds(min(perSignature, remaining))) else { return nil }
        let lines = result.lines.compactMap { try? JSONValue.parse(Array($0.jsonLine.utf8)) }
        // No file is written: it would hold values the report redacts. The shrink is deterministic, so this
        // command prints the same minimal scenario from the original input.
        let source = GeneratedInput.seed(of: request.file).map { "--seed \($0)" } ?? "--input \(request.file)"
        let replay = "shadowgate shrink \(source) --scenario \(request.scenario) --signature \(request.signature)\(sides)"
        var note = "shrunk from \(result.originalLength) to \(result.finalLength) commands in "
            + String(format: "%.2f s (%d replays)", result.elapsedSeconds, result.predicateCalls)
        note += result.isOneMinimal ? ", 1-minimal" : ", budget ran out before 1-minimality was proven"
        return ReportReproduction(lines: lines, replayCommand: replay, note: note)
    }
}
