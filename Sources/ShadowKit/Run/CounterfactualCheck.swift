import Foundation

/// Rules that say what they accept, and the counterfactual check: a divergence a rule accepts (or a difference
/// a tolerance absorbs) is confirmed only when the control, with the quirks of the rules that apply to the
/// command switched off, run on a copy of its world as it was before the command, agrees with the candidate.
///
/// Kept apart from `ShadowRunner.swift`: the runner calls ``CheckState/begin`` before a command,
/// ``CheckState/end()`` after it, and ``ShadowRunner/acceptance(…)`` / ``ShadowRunner/checkTolerated(…)``
/// where it classifies.
extension ShadowRunner {
    /// Which part of an outcome a comparison looked at.
    enum Part: Sendable { case behaviour, sideEffects }

    /// The outcome a divergence's candidate side had, and the part compared, for the check.
    struct CheckInput {
        var candidate: Result<Subject.Outcome, any Error>
        var part: Part
    }

    /// Per scenario part: the control's world before the current command (a copy, taken only when the check
    /// can run), the counterfactual outcomes computed for the command, and whether the command is downstream of an
    /// earlier divergence of its scenario (a knock-on: its worlds already differ).
    final class CheckState: @unchecked Sendable {
        var before: Subject.ControlWorld?
        var command: Subject.Command?
        var now = Date(timeIntervalSince1970: 0)
        var outcomes: [Set<String>: Result<Subject.Outcome, any Error>?] = [:]
        /// The command touches an entity an earlier divergence of its scenario touched (set by the knock-on tracking).
        var downstream = false

        init() {}

        func begin(before world: Subject.ControlWorld, command: Subject.Command, now: Date) {
            before = world
            self.command = command
            self.now = now
            outcomes.removeAll(keepingCapacity: true)
        }

        func end() {
            before = nil
            command = nil
            downstream = false
        }
    }

    /// Whether the run checks accepted divergences against the control with quirks switched off.
    var checksCounterfactuals: Bool {
        !subject.switchableQuirks.isEmpty
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
    /// that would have. `trees` are the control's and candidate's outcome trees, built only if a rule asks.
    func acceptingRule(_ candidates: [(index: Int, expired: Bool)], trees: () -> (JSONValue, JSONValue),
                       command: Subject.Command) -> (rule: Int?, expired: [String]) {
        var built: (JSONValue, JSONValue, JSONValue)?
        var expired: [String] = []
        for (index, isExpired) in candidates {
            let rule = options.accepted.rules[index]
            if rule.constrainsValues {
                if built == nil {
                    let (control, candidate) = trees()
                    built = (control, candidate, .object(subject.encode(command).fields))
                }
                guard let (control, candidate, fields) = built,
                      rule.valuesHold(control: control, candidate: candidate, command: fields) else { continue }
            }
            if isExpired { expired.append(rule.id) } else { return (index, expired) }
        }
        return (nil, expired)
    }

    /// The counterfactual check of a divergence accepted by `rule`.
    func explain(rule: AcceptedRule, _ input: CheckInput, check: CheckState?) -> Explanation {
        guard let check, let command = check.command else { return .unexplained }
        let known = subject.switchableQuirks
        let own = rule.quirkIds(known: known)
        guard own.allSatisfy(known.contains) else { return .unexplained }
        let quirks = quirksApplying(to: command).union(own)
        guard let counterfactual = counterfactual(quirks, check) else { return .unexplained }
        guard let difference = disagreement(counterfactual, input.candidate, input.part, without: quirks) else {
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
        guard !named.isEmpty, named.isSubset(of: subject.switchableQuirks) else { return nil }
        let quirks = quirksApplying(to: command).union(named)
        guard let counterfactual = counterfactual(quirks, check),
              let difference = disagreement(counterfactual, input.candidate, input.part, without: quirks),
              isRoot(check) else { return nil }
        return "tolerated by the quirk \(named.sorted().joined(separator: ", ")), which does not explain it: "
            + "legacy without \(quirks.sorted().joined(separator: ", ")) gives \(difference)"
    }

    /// Whether a divergence is a root (not a knock-on; see `KnockOnChains`). A check that agrees explains a
    /// divergence wherever it is; one that disagrees refutes it only at a root, since downstream the worlds
    /// already differ.
    func isRoot(_ check: CheckState) -> Bool { !check.downstream }

    /// The quirks of every unexpired rule that applies to the command (its op, and `when`): quirks combine.
    func quirksApplying(to command: Subject.Command) -> Set<String> {
        let op = subject.encode(command).op
        let known = subject.switchableQuirks
        var out = Set<String>()
        var fields: JSONValue?
        for rule in options.accepted.rules where !rule.isExpired(on: options.day) {
            let applies = rule.applies(toOp: op) {
                if let fields { return fields }
                fields = .object(subject.encode(command).fields)
                return fields ?? .null
            }
            if applies { out.formUnion(rule.quirkIds(known: known).filter(known.contains)) }
        }
        return out
    }

    /// The quirks the check would switch off for a command, told to the subject ahead (``ShadowSubject/begin(_:times:probes:control:candidate:)``):
    /// the set of ``quirksApplying(to:)``, or none when the run does no check. A subject that computes the
    /// counterfactual ahead computes exactly this set; a check asking another set gets no outcome (unexplained).
    func probeQuirks(for command: Subject.Command) -> Set<String> {
        checksCounterfactuals ? quirksApplying(to: command) : []
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
        switch (control, candidate) {
        case (.failure, .failure):
            return nil
        case (.failure(let error), .success):
            return "an error (\(error)), modern does not"
        case (.success, .failure(let error)):
            return "an outcome, modern an error (\(error))"
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
            guard let first = entries.first else { return nil }
            let more = entries.count > 1 ? " (and \(entries.count - 1) more)" : ""
            return "\(first.path)=\(first.control?.jsonText ?? "nothing"), modern gives "
                + "\(first.candidate?.jsonText ?? "nothing")\(more)"
        }
    }
}
