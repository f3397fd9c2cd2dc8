import Foundation

/// Rules that say what they accept, and the counterfactual check: a divergence a rule accepts (or a difference
/// a tolerance absorbs) is confirmed only when the control, with the quirks of the rules that apply to the
/// command switched off, run on a copy of its world as it was before the command, agrees with the candidate.
///
/// Two more checks follow from the same idea. On a command where both sides *agree* although a quirk that a rule
/// says the candidate fixes was triggered in the control, the control without the rules' quirks must agree too;
/// if it does not, the candidate reproduces the quirk (``ShadowRunner/reproduction(_:check:)``). And a knock-on
/// of an explained root is checked against a *corrected* control world: the control's world from before that
/// root, run from there on with every quirk the rules name switched off, which is what the candidate's world
/// should be (``ShadowRunner/refuteKnockOn(_:_:check:)``).
///
/// Kept apart from `ShadowRunner.swift`: the runner calls ``CheckState/begin`` before a command,
/// ``CheckState/end()`` after it, and ``ShadowRunner/explain(rule:_:check:)`` (by rule index), ``ShadowRunner/refuteTolerated(_:_:check:)``,
/// ``ShadowRunner/reproduction(_:check:)`` and ``ShadowRunner/refuteKnockOn(_:_:check:)`` where it classifies.
extension ShadowRunner {
    /// Which part of an outcome a comparison looked at.
    enum Part: Sendable { case behaviour, sideEffects }

    /// The outcome a divergence's candidate side had, and the part compared, for the check.
    struct CheckInput {
        var candidate: Result<Subject.Outcome, any Error>
        var part: Part
    }

    /// Per scenario (carried from part to part): the control's world before the current command (a copy, taken only when the check
    /// can run), the counterfactual outcomes computed for the command, and whether the command is downstream of an
    /// earlier divergence of its scenario (a knock-on: its worlds already differ).
    final class CheckState: @unchecked Sendable {
        var before: Subject.ControlWorld?
        var command: Subject.Command?
        /// The current command's op and seq.
        var op = ""
        var seq: Int?
        var now = Date(timeIntervalSince1970: 0)
        var outcomes: [Set<String>: Result<Subject.Outcome, any Error>?] = [:]
        /// The command touches an entity an earlier divergence of its scenario touched (set by the knock-on tracking).
        var downstream = false
        /// The switchable quirks triggered in the control by the command (``ShadowSubject/triggeredQuirks(in:)``).
        var triggered: [String] = []
        /// The seqs of this scenario's roots whose divergence the check explained: their knock-ons are
        /// checked against the corrected world.
        var explainedRoots: Set<Int> = []
        /// The corrected control world: the control's world from before the first explained root, run from
        /// there on without ``correctedQuirks``. It is brought up to date only when a knock-on needs it:
        /// `pending` holds the commands not applied to it yet, the current one last.
        var corrected: Subject.ControlWorld?
        var correctedQuirks: Set<String> = []
        var pending: [(command: Subject.Command, now: Date)] = []
        /// The corrected world's outcome for the current command, once computed.
        var correctedOutcome: Result<Subject.Outcome, any Error>??
        /// The seq of the command the corrected world started before.
        var correctedFrom = 0
        /// Set once a knock-on was found not explained: no corrected world for the rest of the scenario.
        var retired = false

        init() {}

        func begin(before world: Subject.ControlWorld, command: Subject.Command, op: String, seq: Int, now: Date) {
            before = world
            self.command = command
            self.op = op
            self.seq = seq
            self.now = now
            outcomes.removeAll(keepingCapacity: true)
            if corrected != nil { pending.append((command, now)) }
        }

        /// Retires the corrected world after the current command (whose other part may still be checked).
        func retireCorrectedWorld() { retired = true }

        func end() {
            before = nil
            command = nil
            seq = nil
            downstream = false
            correctedOutcome = nil
            if retired, corrected != nil || !explainedRoots.isEmpty {
                corrected = nil
                pending.removeAll()
                explainedRoots.removeAll()
            }
            if !triggered.isEmpty { triggered.removeAll(keepingCapacity: true) }
        }
    }

    /// Whether the run checks accepted divergences against the control with quirks switched off.
    var checksCounterfactuals: Bool {
        !quirks.switchable.isEmpty
            && (!options.accepted.rules.isEmpty || options.comparator.rules.tolerances.contains { $0.quirk != nil })
    }

    /// The outcome of a check.
    enum Explanation {
        case explained
        /// Could not be checked (quirk not switchable, rule names none the subject knows, downstream divergence).
        case unexplained
        /// Checked and not explained: the reason, for the divergence's note.
        case refuted(String)
    }

    /// The first unexpired rule that accepts the divergence, values included, and the expired ones before it
    /// that would have. `controlTree` and `candidateTree` build the parts of the outcomes' trees a selection
    /// names; each rule asks for the parts its constraints read, and only if it constrains values.
    func acceptingRule(_ candidates: [(index: Int, expired: Bool)], controlTree: (TreeSelection) -> JSONValue,
                       candidateTree: (TreeSelection) -> JSONValue,
                       command: Subject.Command) -> (rule: Int?, expired: [String]) {
        var expired: [String] = []
        var fields: JSONValue?
        func commandFields() -> JSONValue {
            if let fields { return fields }
            let encoded = JSONValue.object(subject.encode(command).fields)
            fields = encoded
            return encoded
        }
        for (index, isExpired) in candidates {
            let rule = options.accepted.rules[index]
            if rule.constrainsValues {
                let parts = valueTrees[index]
                guard rule.valuesHold(control: controlTree(parts.control), candidate: candidateTree(parts.candidate),
                                      command: commandFields()) else { continue }
            }
            if isExpired { expired.append(rule.id) } else { return (index, expired) }
        }
        return (nil, expired)
    }

    /// The counterfactual check of a divergence accepted by `rule`.
    func explain(rule index: Int, _ input: CheckInput, check: CheckState?) -> Explanation {
        guard let check, let command = check.command else { return .unexplained }
        let rule = options.accepted.rules[index]
        let known = self.quirks.switchable
        let own = self.quirks.own[index]
        guard own.allSatisfy(known.contains) else { return .unexplained }
        let quirks = checkQuirks(for: command, op: check.op).union(own)
        guard let counterfactual = counterfactual(quirks, check) else { return .unexplained }
        guard let difference = disagreement(counterfactual, input.candidate, input.part, without: quirks) else {
            if isRoot(check) { startCorrectedWorld(check) }
            return .explained
        }
        guard isRoot(check) else { return .unexplained }
        let how = rule.constrainsValues ? "" : " by paths"
        return .refuted("matches rule \(rule.id)\(how), but \(own.joined(separator: ", ")) does not explain it: "
                        + "legacy without \(quirks.sorted().joined(separator: ", ")) gives \(difference)")
    }

    /// A difference tolerances absorbed (indices into the comparator's tolerances), checked the same way;
    /// `nil` when explained or not checkable, else the reason it is unexpected.
    func refuteTolerated(_ tolerances: [Int], _ input: CheckInput, check: CheckState?) -> String? {
        guard let check, let command = check.command else { return nil }
        let named = Set(tolerances.compactMap { options.comparator.rules.tolerances[$0].quirk })
        guard !named.isEmpty, named.isSubset(of: self.quirks.switchable) else { return nil }
        let quirks = checkQuirks(for: command, op: check.op).union(named)
        guard let counterfactual = counterfactual(quirks, check),
              let difference = disagreement(counterfactual, input.candidate, input.part, without: quirks),
              isRoot(check) else { return nil }
        return "tolerated by the quirk \(named.sorted().joined(separator: ", ")), which does not explain it: "
            + "legacy without \(quirks.sorted().joined(separator: ", ")) gives \(difference)"
    }

    /// A candidate that agrees with the control on a command where the control triggered a quirk that the rules
    /// applying to the command (or a tolerance) say the candidate fixes: the control without those quirks is run,
    /// and if it disagrees with the candidate, the candidate reproduces the quirk. Only at roots (downstream the
    /// worlds already differ). Returns the counterfactual outcome, its differences from the candidate and the reason.
    func reproduction(_ input: CheckInput, check: CheckState?) -> Reproduction? {
        guard let check, !check.triggered.isEmpty, let command = check.command, isRoot(check) else { return nil }
        let quirks = checkQuirks(for: command, op: check.op)
        let reproduced = Set(check.triggered.filter(quirks.contains))
        guard !reproduced.isEmpty, let counterfactual = counterfactual(quirks, check),
              let entries = counterfactualDifferences(counterfactual, input.candidate, input.part, without: quirks) else { return nil }
        let names = reproduced.sorted().joined(separator: ", ")
        return Reproduction(control: counterfactual, entries: entries, quirks: names,
                            reason: "reproduces \(names), which the rules say modern fixes: legacy without "
                                + "\(quirks.sorted().joined(separator: ", ")) gives \(Self.describe(entries)), "
                                + "where modern agrees with legacy")
    }

    /// Why a divergence is unexpected whatever rule matches its shape: the counterfactual check found it so.
    enum Unexpected {
        /// A difference a tolerance absorbed, which the tolerance's quirk does not explain.
        case toleranceNotExplained
        /// The candidate agrees with the control where the control triggered quirks (comma-separated) it fixes.
        case reproduces(String)
        /// A knock-on of an explained root that the corrected world does not explain.
        case knockOnNotExplained

        /// What the signature's text gets, after ` | `.
        var suffix: String {
            switch self {
            case .toleranceNotExplained: "tolerance not explained"
            case .reproduces(let quirks): "reproduces " + quirks
            case .knockOnNotExplained: "knock-on not explained"
            }
        }

        /// A reproduced quirk leaves both worlds equal, so nothing downstream of it can follow from it.
        var startsChain: Bool {
            if case .reproduces = self { return false }
            return true
        }
    }

    /// What ``reproduction(_:check:)`` found: the control without the quirks, and how the candidate differs from it.
    struct Reproduction {
        var control: Result<Subject.Outcome, any Error>
        var entries: [DiffEntry]
        /// The quirks reproduced, comma-separated.
        var quirks: String
        var reason: String
    }

    /// A knock-on of an explained root, checked against the corrected world: `nil` when the corrected control
    /// agrees with the candidate (or cannot be run), else the reason the knock-on is not explained by its root.
    func refuteKnockOn(_ root: KnockOnRoot, _ input: CheckInput, check: CheckState?) -> String? {
        guard let check, check.explainedRoots.contains(root.seq),
              let corrected = correctedOutcome(check),
              let entries = counterfactualDifferences(corrected, input.candidate, input.part, without: check.correctedQuirks)
        else { return nil }
        // From here on the candidate's world differs from the corrected one for a reason no rule explains: later
        // knock-ons of the scenario would only repeat this finding, so they are no longer checked.
        check.retireCorrectedWorld()
        return "a knock-on of the explained divergence at seq \(root.seq), but not explained by it: legacy without "
            + "the \(check.correctedQuirks.count) quirks the rules name, from before seq \(check.correctedFrom) on, "
            + "gives \(Self.describe(entries))"
    }

    /// Starts the corrected world at an explained root (the first of the scenario): the control's world from
    /// before the command, with the command pending.
    func startCorrectedWorld(_ check: CheckState) {
        guard let command = check.command else { return }
        guard !check.retired, let seq = check.seq else { return }
        if check.corrected == nil, let before = check.before {
            check.corrected = before
            check.correctedQuirks = quirks.all
            check.correctedFrom = seq
            check.pending = [(command, check.now)]
        }
        check.explainedRoots.insert(seq)
    }

    /// The corrected world's outcome for the current command: the pending commands are applied to it first.
    func correctedOutcome(_ check: CheckState) -> Result<Subject.Outcome, any Error>? {
        if let known = check.correctedOutcome { return known }
        guard var world = check.corrected, !check.pending.isEmpty else { return nil }
        check.corrected = nil  // applied in place, not on a copy
        var outcome: Result<Subject.Outcome, any Error>?
        for (index, pending) in check.pending.enumerated() {
            do {
                let result = try subject.applyControl(pending.command, without: check.correctedQuirks, to: &world,
                                                      now: pending.now)
                if index == check.pending.count - 1 { outcome = result.map { .success($0) } }
                if result == nil { break }
            } catch {
                if index == check.pending.count - 1 { outcome = .failure(error) }
            }
        }
        check.pending.removeAll(keepingCapacity: true)
        check.corrected = world
        check.correctedOutcome = .some(outcome)
        return outcome
    }

    /// Whether a divergence is a root (not a knock-on; see `KnockOnChains`). A check that agrees explains a
    /// divergence wherever it is; one that disagrees refutes it only at a root, since downstream the worlds
    /// already differ.
    func isRoot(_ check: CheckState) -> Bool { !check.downstream }

    /// The quirks of every unexpired rule that applies to the command (its op, and `when`): quirks combine. The
    /// command is encoded only when a rule's `when` needs its fields.
    func quirksApplying(to command: Subject.Command, op: String) -> Set<String> {
        guard let entry = quirks.byOp[op] else { return [] }
        guard !entry.conditional.isEmpty else { return entry.always }
        var out = entry.always
        let fields = JSONValue.object(subject.encode(command).fields)
        for index in entry.conditional where options.accepted.rules[index].when.hold(in: fields) {
            out.formUnion(quirks.own[index].filter(quirks.switchable.contains))
        }
        return out
    }

    /// The quirks every check of a command switches off: those of the rules applying to it and those the
    /// tolerances stand for (quirks combine). One set per command, so that a subject computing the counterfactual
    /// ahead (a worker's probe) answers every check of it.
    func checkQuirks(for command: Subject.Command, op: String) -> Set<String> {
        quirksApplying(to: command, op: op).union(quirks.tolerance)
    }

    /// The quirks the check would switch off for a command, told to the subject ahead (``ShadowSubject/begin(_:times:probes:control:candidate:)``):
    /// ``checkQuirks(for:op:)``, or none when the run does no check or no rule applies to the command. A subject that
    /// computes the counterfactual ahead computes exactly this set; a check asking another set gets no outcome
    /// (unexplained).
    func probeQuirks(for command: Subject.Command) -> Set<String> {
        guard checksCounterfactuals else { return [] }
        let op = subject.encode(command).op
        return quirks.byOp[op] == nil ? [] : checkQuirks(for: command, op: op)
    }

    /// The control's outcome without `quirks`, computed once per command and set.
    func counterfactual(_ quirks: Set<String>, _ check: CheckState) -> Result<Subject.Outcome, any Error>? {
        if let known = check.outcomes[quirks] { return known }
        guard let before = check.before, let command = check.command else { return nil }
        let outcome: Result<Subject.Outcome, any Error>?
        do {
            outcome = try subject.applyControl(command, without: quirks, on: before, now: check.now).map { .success($0) }
        } catch {
            outcome = .failure(error)
        }
        check.outcomes[quirks] = outcome
        return outcome
    }

    /// How the counterfactual control and the candidate differ on the part compared, as
    /// `$.value.passed=true, modern gives false`; `nil` when they agree (tolerances named by a switched-off
    /// quirk do not apply).
    func disagreement(_ control: Result<Subject.Outcome, any Error>, _ candidate: Result<Subject.Outcome, any Error>,
                      _ part: Part, without quirks: Set<String>) -> String? {
        counterfactualDifferences(control, candidate, part, without: quirks).map(Self.describe)
    }

    /// `$.value.passed=true, modern gives false (and 2 more)`.
    static func describe(_ entries: [DiffEntry]) -> String {
        guard let first = entries.first else { return "the same" }
        if first.path == "$.error" {
            return first.control != nil ? "an error (\(first.control?.jsonText ?? "")), modern does not"
                : "an outcome, modern an error (\(first.candidate?.jsonText ?? ""))"
        }
        let more = entries.count > 1 ? " (and \(entries.count - 1) more)" : ""
        return "\(first.path)=\(first.control?.jsonText ?? "nothing"), modern gives "
            + "\(first.candidate?.jsonText ?? "nothing")\(more)"
    }

    /// The differences between the counterfactual control and the candidate on the part compared under the
    /// comparator's rules; `nil` when they agree. Tolerances named by a switched-off quirk do not apply. A crash
    /// on one side only is one entry at `$.error`.
    func counterfactualDifferences(_ control: Result<Subject.Outcome, any Error>, _ candidate: Result<Subject.Outcome, any Error>,
                     _ part: Part, without quirks: Set<String>) -> [DiffEntry]? {
        switch (control, candidate) {
        case (.failure, .failure):
            return nil
        case (.failure(let error), .success):
            return [DiffEntry(path: "$.error", control: .string("\(error)"), candidate: nil)]
        case (.success, .failure(let error)):
            return [DiffEntry(path: "$.error", control: nil, candidate: .string("\(error)"))]
        case (.success(let a), .success(let b)):
            let equal = part == .behaviour ? subject.behavioursEqual(a, b) : subject.sideEffectsEqual(a, b)
            if equal { return nil }
            var rules = options.comparator.rules
            rules.tolerances = rules.tolerances.map { tolerance in
                var tolerance = tolerance
                // A negative bound absorbs nothing: the quirk the tolerance stands for is switched off.
                if let quirk = tolerance.quirk, quirks.contains(quirk) { tolerance.absolute = -1 }
                return tolerance
            }
            var builder = DiffBuilder(comparator: OutcomeComparator(rules: rules))
            if part == .behaviour { subject.diffBehaviour(a, b, into: &builder) } else { subject.diffSideEffects(a, b, into: &builder) }
            var entries = builder.entries
            _ = rules.resolve(builder.tolerated, into: &entries) {
                part == .behaviour ? (subject.behaviourTree(a), subject.behaviourTree(b))
                    : (subject.sideEffectsTree(a), subject.sideEffectsTree(b))
            }
            return entries.isEmpty ? nil : entries
        }
    }
}
