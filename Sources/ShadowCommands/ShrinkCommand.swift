import ArgumentParser
import Foundation
import LMS
import LMSShadow
import ShadowKit
import ShadowReport
import ShadowRollout

struct ShrinkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shrink",
        abstract: "Shrink a divergent scenario to a minimal reproduction of one divergence signature.",
        discussion: """
            Delta debugging over the commands, then simpler values (ids renumbered, fields dropped, fewer array \
            elements, numbers toward 0, shorter strings, closed time gaps); every step keeps the signature. \
            The result is 1-minimal: removing any single command loses the divergence. Prints the statistics, \
            then the minimal scenario as JSON Lines. Exit 64 when the scenario does not diverge (with that signature).
            """)

    @Option(name: .long, help: "The scenario file (JSON Lines).")
    var input: String?

    @Option(name: .long, help: "Regenerate the scenario from this seed instead of reading a file.")
    var seed: UInt64?

    @Option(name: .long, help: "Scenario id, e.g. s-000017.")
    var scenario: String

    @Option(name: .long, help: "Signature id to keep (default: the scenario's first unexpected one, else its first).")
    var signature: String?

    @Option(name: .long, help: "Also write the minimal scenario to this file.")
    var out: String?

    @Flag(name: .long, help: "Save into the regression corpus as <signature>.jsonl with a <signature>.meta.json sidecar.")
    var save = false

    @Option(name: .long, help: "Directory of the regression corpus.")
    var regressions: String = RegressionCorpus.defaultDirectory

    @Option(name: .long, help: "Time budget in seconds; the best scenario so far is printed when it runs out.")
    var budget: Double = 10

    @Option(name: .long, help: "At most this many replays (a budget that stops at the same place on every machine).")
    var maxCalls: Int = ShrinkBudget.default.maxPredicateCalls

    @OptionGroup var rules: RulesOptions

    @OptionGroup var sides: SubjectOptions

    func validate() throws {
        guard (input == nil) != (seed == nil) else { throw ValidationError("give either --input FILE or --seed S") }
        guard budget > 0, budget.isFinite else { throw ValidationError("--budget must be a positive number of seconds") }
        guard maxCalls >= 1 else { throw ValidationError("--max-calls must be at least 1") }
    }

    func run() throws {
        guard let specification = try sides.specification() else {
            try shrink(LMSSubject())
            return
        }
        let subject = try specification.start(pairs: 1)
        defer { subject.shutdown() }
        try shrink(subject)
    }

    private func shrink<Subject: GeneratedTrafficSubject>(_ subject: Subject) throws {
        let (comparator, accepted) = try rules.load()
        let options = RunOptions(workers: 1, comparator: comparator, accepted: accepted, day: rules.effectiveDay)
        guard let source = try subject.findScenario(id: scenario, file: input, seed: seed) else {
            throw CommandError.scenarioNotFound(scenario, in: input ?? "generated traffic of seed \(seed ?? 0)")
        }
        let shrinker = ScenarioShrinker(subject: subject, options: options)
        var limits = ShrinkBudget.seconds(budget)
        limits.maxPredicateCalls = maxCalls
        let result = try shrinker.shrink(source, target: signature, budget: limits)
        print(Self.summary(result), terminator: "")
        for line in result.lines { print(line.jsonLine) }
        if let out {
            var writer = try ScenarioWriter(path: out)
            for line in result.lines { try writer.write(line) }
            try writer.close()
            printError("wrote \(out)")
        }
        if save {
            let files = try RegressionCorpus.save(result, to: regressions)
            printError("saved \(files.scenario) and \(files.metadata)")
        }
    }

    /// Two lines: the signature and its status, then what the shrink did.
    static func summary<Command>(_ result: ShrinkResult<Command>) -> String {
        let status = result.divergence.acceptedRule.map { "accepted by \($0)" } ?? "UNEXPECTED"
        var text = "signature \(result.target.id)  \(status)  \(result.target.text)\n"
        text += "shrunk \(result.sourceScenario) (\(result.sourceFile)) from \(result.originalLength) to "
        text += "\(result.finalLength) command\(result.finalLength == 1 ? "" : "s"): \(result.predicateCalls) replays, "
        text += "\(result.valueSimplifications) values simplified, \(String(format: "%.3f", result.elapsedSeconds)) s, "
        switch (result.isOneMinimal, result.stoppedBy) {
        case (true, _): text += "1-minimal\n"
        case (false, .time?): text += "not proven 1-minimal: the time budget ran out (raise --budget)\n"
        case (false, .predicateCalls?): text += "not proven 1-minimal: the replay limit ran out (raise --max-calls)\n"
        case (false, nil): text += "not proven 1-minimal\n"
        }
        return text
    }
}

/// Hidden: writes one long scenario of generated traffic with a documented quirk planted in it, the input of
/// the shrink benchmark (`shadowgate plant --length 1000 --out planted.jsonl`, then `shadowgate shrink`).
struct PlantCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plant",
        abstract: "Write generated traffic as one scenario with a legacy quirk's trigger planted in it (shrink benchmark).",
        shouldDisplay: false)

    @Option(name: .long, help: "The quirk whose trigger is planted (an id from LegacyQuirk.all).")
    var quirk: String = "legacy.publish_without_lessons"

    @Option(name: .long, help: "Total commands in the scenario, trigger included.")
    var length: Int = 1000

    @Option(name: .long, help: "Seed of the generated traffic around the trigger.")
    var seed: UInt64 = 42

    @Option(name: .long, help: "Scenario id.")
    var scenario: String = "planted"

    @Option(name: .long, help: "Output file (JSON Lines).")
    var out: String

    func validate() throws {
        guard let found = LegacyQuirk.all.first(where: { $0.id == quirk }) else {
            throw ValidationError("unknown quirk \"\(quirk)\"; known: \(LegacyQuirk.all.map(\.id).joined(separator: ", "))")
        }
        guard length >= found.trigger.count else {
            throw ValidationError("--length must be at least the trigger's \(found.trigger.count) commands")
        }
    }

    func run() throws {
        let subject = LMSSubject()
        guard let found = LegacyQuirk.all.first(where: { $0.id == quirk }) else { return }
        let planted = try Self.planted(found.trigger, length: length, seed: seed, id: scenario, subject: subject)
        var writer = try ScenarioWriter(path: out)
        for input in planted.commands {
            let (op, fields) = subject.encode(input.command)
            try writer.write(ScenarioLine(scenario: planted.id, seq: input.seq, at: input.at, op: op, fields: fields))
        }
        try writer.close()
        printError("wrote \(planted.commands.count) commands (\(found.id) planted) to \(out)")
    }

    /// Generated traffic of `seed` as one scenario of `length` commands with `trigger` (ids moved out of the
    /// generator's range) spread through it, its last command last.
    static func planted(_ trigger: [LMSCommand], length: Int, seed: UInt64, id: String,
                        subject: LMSSubject) throws(FieldError) -> ScenarioInput<LMSCommand> {
        let needed = max(0, length - trigger.count)
        var source = GeneratedSource(seed: seed, count: Int.max)
        var parts: [ScenarioInput<LMSCommand>] = []
        var total = 0
        while total < needed, let next = try? source.nextScenario() {
            parts.append(next)
            total += next.commands.count
        }
        var noise = ScenarioComposer.concatenate(parts, id: id, file: GeneratedInput.label(seed: seed), subject: subject)
        noise.commands = Array(noise.commands.prefix(needed))
        let fresh = try ScenarioComposer.shiftingIDs(trigger, by: 1_000_000_000, subject: subject)
        return ScenarioComposer.plant(fresh, into: noise, subject: subject)
    }
}
