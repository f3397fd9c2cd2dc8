import Foundation
import ShadowKit

/// Defaults shared by every subject's shrinker.
public enum ShrinkDefaults {
    /// Whether a field holds an identifier, from its name alone: `id`, `courseId`, `user_id`, `orderID`.
    /// Identifiers are renumbered consistently (equal stay equal) instead of being made smaller one by one.
    @Sendable public static func isIDField(_ name: String) -> Bool {
        name == "id" || name.hasSuffix("Id") || name.hasSuffix("ID") || name.hasSuffix("_id")
    }
}

/// Shrinks a divergent scenario to a minimal reproduction of one divergence signature.
///
/// 1. Delta debugging (ddmin) over the commands, kept in their original order, with the predicate "replaying
///    the candidate still produces a divergence with the target signature" — replayed by the same runner,
///    options and accepted rules as a run, so the signature is exactly the one a run reports. Replays are
///    causal (a command's outcome depends only on the commands before it), so every successful candidate is
///    also cut right after the first command that shows the signature. Every feature is compared: knock-on
///    chains cross features, so the target's signature depends on the other features' divergences before it.
/// 2. Value simplification through the subject's wire encoding (`encode` → fields → simpler fields →
///    `decode`, candidates that do not decode are skipped): identifiers renumbered 1, 2, 3… consistently,
///    optional fields dropped, array elements removed, numbers moved toward 0, strings shortened, time gaps
///    between commands closed. Each change is kept only if the signature survives.
/// 3. A pass that tries removing each single command, repeated until none can go: the result is 1-minimal.
///
/// Deterministic: the same scenario, options and target give the same result, as long as the time budget
/// is not what stops it (the call limit stops at the same place on every machine).
public struct ScenarioShrinker<Subject: ShadowSubject>: Sendable {
    public let subject: Subject
    /// The options replays use; side-effect records are switched off since no divergence depends on them.
    public let options: RunOptions
    /// Which fields hold identifiers (renumbered together rather than reduced one by one).
    public let isIDField: @Sendable (String) -> Bool
    private let replayer: Replayer<Subject>

    public init(subject: Subject, options: RunOptions,
                isIDField: @escaping @Sendable (String) -> Bool = ShrinkDefaults.isIDField) {
        var replayOptions = options
        replayOptions.recordSideEffects = false
        replayOptions.workers = 1
        self.subject = subject
        self.options = replayOptions
        self.isIDField = isIDField
        replayer = Replayer(subject: subject, options: replayOptions)
    }

    /// The divergence shrunk when no signature is given: the first unexpected root, else the first root (a
    /// knock-on is not a problem of its own: cutting its root away would change its signature), else the first.
    static func defaultTarget(in divergences: [Divergence]) -> Divergence? {
        divergences.first { $0.acceptedRule == nil && $0.root == nil } ?? divergences.first { $0.root == nil }
            ?? divergences.first
    }

    /// Distinct signatures in the order a replay of `scenario` first shows them.
    public func signatures(of scenario: ScenarioInput<Subject.Command>) -> [Signature] {
        var seen: Set<String> = []
        return replayer.divergences(of: scenario).compactMap { seen.insert($0.signature.id).inserted ? $0.signature : nil }
    }

    /// Shrinks `scenario` to a minimal scenario that still diverges with signature `target` (an id such as
    /// `6bb6d33fc46b`; default: ``defaultTarget(in:)``), within `budget`.
    public func shrink(_ scenario: ScenarioInput<Subject.Command>, target: String? = nil,
                       budget: ShrinkBudget = .default) throws(ShrinkError) -> ShrinkResult<Subject.Command> {
        let clock = ContinuousClock()
        let started = clock.now
        guard !scenario.commands.isEmpty else { throw .emptyScenario(scenario: scenario.id) }
        let initial = replayer.divergences(of: scenario)
        guard !initial.isEmpty else { throw .noDivergence(scenario: scenario.id) }
        let chosen: Divergence
        if let target {
            guard let match = initial.first(where: { $0.signature.id == target }) else {
                throw .signatureNotFound(signature: target, scenario: scenario.id, available: signatures(of: scenario))
            }
            chosen = match
        } else {
            guard let first = Self.defaultTarget(in: initial) else { throw .noDivergence(scenario: scenario.id) }
            chosen = first
        }

        // Every feature is compared: a divergence in another feature can make the target a knock-on (downstream
        // of it, under another signature), so comparing the target's feature alone could keep a reproduction
        // that a run reports differently.
        let focused = replayer
        var session = ShrinkSession(shrinker: self, replayer: focused, source: scenario, target: chosen.signature.id,
                                    deadline: started.advanced(by: budget.time),
                                    maxCalls: budget.maxPredicateCalls, clock: clock)
        session.calls = 1
        let lines = scenario.commands.map { input in
            let (op, fields) = subject.encode(input.command)
            return WireLine(seq: input.seq, at: input.at, op: op, line: input.line, fields: fields, command: input.command)
        }
        // Causality: nothing after the first occurrence can matter.
        guard let firstHit = lines.firstIndex(where: { $0.seq == chosen.seq }) else {
            throw .noDivergence(scenario: scenario.id)
        }
        session.current = Array(lines.prefix(firstHit + 1))

        session.deltaDebug()
        var isOneMinimal = session.removeSingles()
        for _ in 0..<3 where !session.shouldStop {
            let before = session.current
            session.simplifyValues()
            isOneMinimal = session.removeSingles()
            if session.current == before { break }
        }

        let finalID = scenario.id.hasSuffix("-min") ? scenario.id : scenario.id + "-min"
        var outputLines: [ScenarioLine] = []
        var commands: [InputCommand<Subject.Command>] = []
        for (offset, line) in session.current.enumerated() {
            let (op, fields) = subject.encode(line.command)
            outputLines.append(ScenarioLine(scenario: finalID, seq: offset + 1, at: line.at, op: op, fields: fields))
            commands.append(InputCommand(seq: offset + 1, at: line.at, op: op, line: offset + 1, command: line.command))
        }
        let minimal = ScenarioInput(id: finalID, file: scenario.file, ordinal: scenario.ordinal, commands: commands)
        session.calls += 1
        guard let divergence = focused.divergences(of: minimal).first(where: { $0.signature.id == chosen.signature.id })
        else {
            // Only a subject whose replays differ from one run to the next gets here.
            throw .notReproducible(scenario: scenario.id, signature: chosen.signature.id)
        }
        return ShrinkResult(scenario: minimal, lines: outputLines, target: chosen.signature, divergence: divergence,
                            sourceScenario: scenario.id, sourceFile: scenario.file,
                            originalLength: scenario.commands.count, finalLength: commands.count,
                            predicateCalls: session.calls, valueSimplifications: session.simplifications,
                            elapsed: clock.now - started, isOneMinimal: isOneMinimal && session.stoppedBy == nil,
                            stoppedBy: session.stoppedBy)
    }
}

/// One command in both forms: decoded (to replay) and encoded (to edit values).
private struct WireLine<Command: Sendable>: Sendable {
    var seq: Int
    var at: Double
    var op: String
    var line: Int
    var fields: [String: JSONValue]
    var command: Command
}

extension WireLine: Equatable {
    // The command is a function of the fields (it was decoded from them), so the fields decide equality.
    static func == (lhs: WireLine, rhs: WireLine) -> Bool {
        lhs.seq == rhs.seq && lhs.at == rhs.at && lhs.op == rhs.op && lhs.fields == rhs.fields
    }
}

/// The mutable state of one shrink: the smallest scenario so far, and the budget spent.
private struct ShrinkSession<Subject: ShadowSubject> {
    let shrinker: ScenarioShrinker<Subject>
    let replayer: Replayer<Subject>
    let source: ScenarioInput<Subject.Command>
    let target: String
    let deadline: ContinuousClock.Instant
    let maxCalls: Int
    let clock: ContinuousClock
    var current: [WireLine<Subject.Command>] = []
    var calls = 0
    var simplifications = 0
    var stoppedBy: ShrinkLimit?

    init(shrinker: ScenarioShrinker<Subject>, replayer: Replayer<Subject>, source: ScenarioInput<Subject.Command>,
         target: String, deadline: ContinuousClock.Instant, maxCalls: Int, clock: ContinuousClock) {
        self.shrinker = shrinker
        self.replayer = replayer
        self.source = source
        self.target = target
        self.deadline = deadline
        self.maxCalls = maxCalls
        self.clock = clock
    }

    var shouldStop: Bool { stoppedBy != nil }

    /// Whether the budget is spent; remembers which limit ran out.
    mutating func checkBudget() -> Bool {
        if stoppedBy == nil {
            if calls >= maxCalls {
                stoppedBy = .predicateCalls
            } else if clock.now >= deadline {
                stoppedBy = .time
            }
        }
        return stoppedBy != nil
    }

    /// Replays `lines`; `nil` when the target signature is gone, else how many leading lines produce it.
    mutating func evaluate(_ lines: [WireLine<Subject.Command>]) -> Int? {
        guard !lines.isEmpty else { return nil }
        calls += 1
        let input = ScenarioInput(id: source.id, file: source.file, ordinal: source.ordinal, commands: lines.map {
            InputCommand(seq: $0.seq, at: $0.at, op: $0.op, line: $0.line, command: $0.command)
        })
        guard let hit = replayer.divergences(of: input).first(where: { $0.signature.id == target }),
              let position = lines.firstIndex(where: { $0.seq == hit.seq }) else { return nil }
        return position + 1
    }

    // MARK: Commands

    mutating func deltaDebug() {
        let start = current
        let result = DeltaDebugging.minimizeIndices(count: start.count, shouldStop: { checkBudget() }) { subset in
            evaluate(subset.map { start[$0] })
        }
        current = result.kept.map { start[$0] }
    }

    /// Removes single commands until none can go; `true` when that was checked for every command.
    mutating func removeSingles() -> Bool {
        let start = current
        let result = DeltaDebugging.removeSingles(Array(start.indices), shouldStop: { checkBudget() }) { subset in
            evaluate(subset.map { start[$0] }).map { Array(subset.prefix($0)) }
        }
        current = result.kept.map { start[$0] }
        return result.complete
    }

    // MARK: Values

    /// Replaces the scenario by `candidate` if it decodes and keeps the signature.
    mutating func attempt(_ candidate: [WireLine<Subject.Command>]) -> Bool {
        guard !checkBudget(), candidate != current else { return false }
        var decoded = candidate
        for index in decoded.indices where index >= current.count || decoded[index].fields != current[index].fields {
            let line = decoded[index]
            let scenarioLine = ScenarioLine(scenario: source.id, seq: line.seq, at: line.at, op: line.op, fields: line.fields)
            guard let command = try? shrinker.subject.decode(scenarioLine) else { return false }
            decoded[index].command = command
        }
        guard let needed = evaluate(decoded) else { return false }
        current = Array(decoded.prefix(needed))
        simplifications += 1
        return true
    }

    /// The fields of line `index` as one object, or `nil` once a shorter scenario has cut that line off.
    func tree(_ index: Int) -> JSONValue? {
        index < current.count ? .object(current[index].fields) : nil
    }

    /// Tries line `index` with the value at `path` replaced (or removed when `replacement` is `nil`).
    mutating func attempt(line index: Int, path: [PathStep], _ replacement: JSONValue?) -> Bool {
        guard let root = tree(index), case .object(let fields)? = root.replacing(at: path[...], with: replacement)
        else { return false }
        var candidate = current
        candidate[index].fields = fields
        return attempt(candidate)
    }

    mutating func simplifyValues() {
        renumberIDs()
        for index in current.indices where !shouldStop {
            simplify(line: index, path: [])
        }
        compressTimes()
    }

    /// Identifier leaves (integers in id-like fields) of the whole scenario, in a stable order.
    func idLeaves() -> [(line: Int, path: [PathStep], family: String, value: Int)] {
        current.indices.flatMap { index in
            JSONValue.object(current[index].fields).leaves().compactMap { leaf in
                guard case .int(let value) = leaf.value, let family = leaf.path.fieldName,
                      shrinker.isIDField(family) else { return nil }
                return (index, leaf.path, family, value)
            }
        }
    }

    /// Maps the distinct id values of `families` (all of them when `nil`) to 1, 2, 3… in order of first
    /// appearance; `perFamily` numbers each family separately, else one numbering across all families.
    func renumbered(families: Set<String>?, perFamily: Bool) -> [WireLine<Subject.Command>]? {
        var mapping: [String: [Int: Int]] = [:]
        var candidate = current
        var before = 0
        var after = 0
        for leaf in idLeaves() where families?.contains(leaf.family) ?? true {
            let key = perFamily ? leaf.family : ""
            let number = mapping[key]?[leaf.value] ?? ((mapping[key]?.count ?? 0) + 1)
            mapping[key, default: [:]][leaf.value] = number
            before += leaf.value.magnitude > UInt(Int.max / 4) ? Int.max / 4 : Int(leaf.value.magnitude)
            after += number
            guard case .object(let fields)? = JSONValue.object(candidate[leaf.line].fields)
                .replacing(at: leaf.path[...], with: .int(number)) else { return nil }
            candidate[leaf.line].fields = fields
        }
        // Only a change toward smaller numbers counts as simpler; this also keeps the passes terminating.
        return after < before ? candidate : nil
    }

    mutating func renumberIDs() {
        if let all = renumbered(families: nil, perFamily: true), attempt(all) { return }
        if let global = renumbered(families: nil, perFamily: false) { _ = attempt(global) }
        let families = Set(idLeaves().map(\.family)).sorted()
        for family in families where !shouldStop {
            if let one = renumbered(families: [family], perFamily: true) { _ = attempt(one) }
        }
    }

    /// Simplifies the value at `path` of line `index` and everything below it.
    mutating func simplify(line index: Int, path: [PathStep]) {
        guard !shouldStop, let value = tree(index)?.value(at: path[...]) else { return }
        switch value {
        case .object(let object):
            for key in object.keys.sorted() where !shouldStop {
                let child = path + [.key(key)]
                if attempt(line: index, path: child, nil) { continue }
                simplify(line: index, path: child)
            }
        case .array(let array):
            guard !array.isEmpty else { return }
            if attempt(line: index, path: path, .array([])) { return }
            for element in array.indices.reversed() where !shouldStop {
                _ = attempt(line: index, path: path + [.index(element)], nil)
            }
            guard case .array(let left)? = tree(index)?.value(at: path[...]) else { return }
            for element in left.indices where !shouldStop {
                simplify(line: index, path: path + [.index(element)])
            }
        case .int(let number):
            if let field = path.fieldName, shrinker.isIDField(field) { return }
            simplify(integer: number, line: index, path: path)
        case .double(let number):
            if attempt(line: index, path: path, .int(0)) { return }
            // A whole number reads more simply than a fraction (0 was just tried).
            if number.magnitude >= 1, number.magnitude < 1e15,
               attempt(line: index, path: path, .int(Int(number.rounded(.towardZero)))) {
                simplify(line: index, path: path)
            }
        case .string(let text):
            simplify(string: text, line: index, path: path)
        case .bool, .null:
            return
        }
    }

    /// Tries 0, then bisects between 0 and the value for the smallest magnitude that keeps the signature.
    mutating func simplify(integer number: Int, line index: Int, path: [PathStep]) {
        guard number != 0, !attempt(line: index, path: path, .int(0)) else { return }
        var lost = 0
        var kept = number
        while (kept - lost).magnitude > 1, !shouldStop {
            let middle = lost + (kept - lost) / 2
            if attempt(line: index, path: path, .int(middle)) { kept = middle } else { lost = middle }
        }
    }

    /// Tries the empty string, then one character, then halves, while a shorter string keeps the signature.
    mutating func simplify(string text: String, line index: Int, path: [PathStep]) {
        var text = text
        while !text.isEmpty, !shouldStop {
            let shorter = ["", String(text.prefix(1)), String(text.prefix(text.count / 2))]
            var seen: Set<String> = []
            guard let kept = shorter.first(where: { candidate in
                candidate.count < text.count && seen.insert(candidate).inserted
                    && attempt(line: index, path: path, .string(candidate))
            }) else { return }
            text = kept
        }
    }

    /// Closes the time gaps between commands: all at once, else gap by gap, each as far as the signature allows.
    mutating func compressTimes() {
        guard current.count >= 2, !shouldStop else { return }
        let start = current[0].at
        if current.contains(where: { $0.at != start }) {
            var flat = current
            for index in flat.indices { flat[index].at = start }
            if attempt(flat) { return }
        }
        var index = 1
        while index < current.count, !shouldStop {
            let gap = current[index].at - current[index - 1].at
            if gap > 0, !attempt(shifted(from: index, by: -gap)) {
                var lost = 0.0
                var kept = gap
                while kept - lost > 1, !shouldStop, index < current.count {
                    let middle = (lost + (kept - lost) / 2).rounded(.down)
                    let now = current[index].at - current[index - 1].at
                    if attempt(shifted(from: index, by: middle - now)) { kept = middle } else { lost = middle }
                }
            }
            index += 1
        }
    }

    /// The scenario with the times of line `index` and every later line moved by `delta` seconds.
    func shifted(from index: Int, by delta: Double) -> [WireLine<Subject.Command>] {
        var candidate = current
        for later in index..<candidate.count { candidate[later].at += delta }
        return candidate
    }
}
