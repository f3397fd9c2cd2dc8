import Foundation
import Yams

/// An intended difference, written down by an engineer: it is counted as *accepted*, never hidden, and it
/// stops matching on its expiry date so that nothing stays accepted by accident.
///
/// Besides the shape of a divergence (feature, op, kind, codes, paths), a rule can say what it accepts:
/// the values on each side at given paths (`control`, `candidate`) and conditions on the command's fields
/// (`when`). A rule that says nothing about values matches by paths alone and is reported with a warning.
public struct AcceptedRule: Sendable, Equatable {
    public var id: String
    public var feature: String
    public var ops: [String]
    var kinds: [DivergenceKind]
    /// Required control rejection code (`accepted` for "the control carried it out"); `nil` = any.
    public var controlCode: String?
    /// Required candidate rejection code (`accepted` for "the candidate carried it out"); `nil` = any.
    public var candidateCode: String?
    /// Every differing path must be covered by one of these; empty = any paths.
    public var paths: [PathPattern]
    /// Values the control's outcome must have (`{"$.value.passed": false}`).
    public var control: ValueConditions
    /// Values the candidate's outcome must have.
    public var candidate: ValueConditions
    /// Conditions on the command's fields (`{"$.answers[*]": {min: 0, max: 1}}`).
    public var when: ValueConditions
    /// The quirks the rule stands for: the counterfactual check switches them off. Empty = the rule id,
    /// or its longest `.`-prefix the subject knows as a quirk (`legacy.x.events` → `legacy.x`).
    public var quirks: [String]
    public var reason: String
    public var owner: String
    /// The last day (UTC) the rule matches, `yyyy-mm-dd`.
    public var expires: String

    public init(id: String, feature: String, ops: [String], kinds: [DivergenceKind], controlCode: String? = nil,
                candidateCode: String? = nil, paths: [PathPattern] = [], control: ValueConditions = ValueConditions(),
                candidate: ValueConditions = ValueConditions(), when: ValueConditions = ValueConditions(),
                quirks: [String] = [], reason: String, owner: String, expires: String) {
        self.id = id
        self.feature = feature
        self.ops = ops
        self.kinds = kinds
        self.controlCode = controlCode
        self.candidateCode = candidateCode
        self.paths = paths
        self.control = control
        self.candidate = candidate
        self.when = when
        self.quirks = quirks
        self.reason = reason
        self.owner = owner
        self.expires = expires
    }

    func isExpired(on day: String) -> Bool { day > expires }

    /// Whether the rule constrains values (sides or command); without, it matches by paths alone.
    var constrainsValues: Bool { !(control.isEmpty && candidate.isEmpty && when.isEmpty) }

    /// Whether the rule says nothing of what it accepts: no values, no command condition, not both codes.
    var matchesByPathsAlone: Bool { !constrainsValues && (controlCode == nil || candidateCode == nil) }

    /// Whether this rule explains the divergence by its shape alone (ignoring expiry and values).
    public func matches(_ divergence: Divergence) -> Bool {
        guard divergence.feature == feature, ops.contains(divergence.op), kinds.contains(divergence.kind) else {
            return false
        }
        if let controlCode, controlCode != (divergence.controlCode ?? "accepted") { return false }
        if let candidateCode, candidateCode != (divergence.candidateCode ?? "accepted") { return false }
        if !paths.isEmpty {
            for path in divergence.paths where !paths.contains(where: { $0.covers(rendered: path) }) {
                return false
            }
        }
        return true
    }

    /// Whether the values hold: `control` in the control's outcome tree, `candidate` in the candidate's,
    /// `when` in the command's fields. A tree is built only if a condition reads it, and only until one fails.
    func valuesHold(control controlTree: @autoclosure () -> JSONValue,
                    candidate candidateTree: @autoclosure () -> JSONValue,
                    command: @autoclosure () -> JSONValue) -> Bool {
        (when.isEmpty || when.hold(in: command())) && (control.isEmpty || control.hold(in: controlTree()))
            && (candidate.isEmpty || candidate.hold(in: candidateTree()))
    }

    /// Whether the rule applies to a command at all: its op, and `when` on the command's fields.
    public func applies(toOp op: String, command: () -> JSONValue) -> Bool {
        ops.contains(op) && (when.isEmpty || when.hold(in: command()))
    }

    /// The quirks to switch off for this rule, given the quirks the subject can switch off.
    func quirkIds(known: Set<String>) -> [String] {
        if !quirks.isEmpty { return quirks }
        var parts = id.split(separator: ".").map(String.init)
        while !parts.isEmpty {
            let candidate = parts.joined(separator: ".")
            if known.contains(candidate) { return [candidate] }
            parts.removeLast()
        }
        return [id]
    }
}

/// The accepted-divergences file (`scenarios/accepted.yaml`) and the day it is applied on.
public struct AcceptedRules: Sendable, Equatable {
    public var rules: [AcceptedRule]

    public init(rules: [AcceptedRule] = []) { self.rules = rules }

    /// The first unexpired rule that matches (by shape; values are not looked at), and the expired rules
    /// that would have matched.
    func classify(_ divergence: Divergence, on day: String) -> (rule: String?, expired: [String]) {
        var expired: [String] = []
        for rule in rules where rule.matches(divergence) {
            if rule.isExpired(on: day) {
                expired.append(rule.id)
            } else {
                return (rule.id, expired)
            }
        }
        return (nil, expired)
    }

    /// The rules that match the divergence's shape, in order, with whether each has expired.
    public func candidates(_ divergence: Divergence, on day: String) -> [(index: Int, expired: Bool)] {
        rules.indices.filter { rules[$0].matches(divergence) }.map { ($0, rules[$0].isExpired(on: day)) }
    }

    /// Rules that match by paths alone (no `control`, `candidate` or `when`): each is a warning in the run's output.
    public var pathOnlyRules: [String] { rules.filter(\.matchesByPathsAlone).map(\.id) }

    public static func load(path: String) throws(ConfigError) -> AcceptedRules {
        try parse(ConfigFile.text(path: path), path: path)
    }

    /// Parses the YAML text; every field is checked and errors name the rule and its line.
    public static func parse(_ text: String, path: String) throws(ConfigError) -> AcceptedRules {
        let ruleKeys = ["id", "feature", "op", "kind", "controlCode", "candidateCode", "paths", "control", "candidate",
                        "when", "quirk", "reason", "owner", "expires"]
        let schema = KeySchema.mapping(["rules": .sequence(.mapping(Dictionary(uniqueKeysWithValues: ruleKeys.map { ($0, .any) })))])
        let file = try ConfigFile.decode(RulesFile.self, text: text, path: path, keys: schema)
        let nodes = try ConfigFile.compose(text, path: path)?.mapping?["rules"]?.sequence
        var seen = Set<String>()
        var rules: [AcceptedRule] = []
        for (index, raw) in file.rules.enumerated() {
            let at = "rules[\(index)] (\(raw.id))"
            let node = nodes.flatMap { index < $0.count ? $0[index] : nil }
            /// The line of the rule's field `key`, or of the rule.
            func line(_ key: String? = nil) -> Int? {
                (key.flatMap { node?.mapping?[$0] } ?? node).flatMap(ConstraintParser.line)
            }
            func fail(_ message: String, _ key: String? = nil) -> ConfigError {
                ConfigError(file: path, line: line(key), message: "\(at): \(message)")
            }
            guard seen.insert(raw.id).inserted else { throw fail("duplicate id", "id") }
            let ops = raw.op.values
            guard !ops.isEmpty else { throw fail("op must name at least one operation", "op") }
            guard !raw.kind.values.isEmpty else { throw fail("kind must name at least one divergence kind", "kind") }
            var kinds: [DivergenceKind] = []
            for name in raw.kind.values {
                guard let kind = DivergenceKind(rawValue: name) else {
                    let known = DivergenceKind.allCases.map(\.rawValue).joined(separator: ", ")
                    throw fail("unknown kind \"\(name)\" (known: \(known))", "kind")
                }
                kinds.append(kind)
            }
            var patterns: [PathPattern] = []
            for text in raw.paths ?? [] {
                guard let pattern = PathPattern(text) else { throw fail("\"\(text)\" is not a path like $.value.percent", "paths") }
                patterns.append(pattern)
            }
            guard isDay(raw.expires) else { throw fail("expires \"\(raw.expires)\" is not a date like 2027-03-31", "expires") }
            for (name, value) in [("reason", raw.reason), ("owner", raw.owner)] where value.trimmingCharacters(in: .whitespaces).isEmpty {
                throw fail("\(name) must not be empty", name)
            }
            let quirks = raw.quirk?.values ?? []
            if quirks.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                throw fail("quirk must name quirk ids", "quirk")
            }
            rules.append(AcceptedRule(
                id: raw.id, feature: raw.feature, ops: ops, kinds: kinds, controlCode: raw.controlCode,
                candidateCode: raw.candidateCode, paths: patterns,
                control: try ConstraintParser.conditions(node?.mapping?["control"], file: path, at: "\(at).control"),
                candidate: try ConstraintParser.conditions(node?.mapping?["candidate"], file: path, at: "\(at).candidate"),
                when: try ConstraintParser.conditions(node?.mapping?["when"], file: path, at: "\(at).when"),
                quirks: quirks, reason: raw.reason, owner: raw.owner, expires: raw.expires))
        }
        return AcceptedRules(rules: rules)
    }

    /// Refuses rules that can never match: unknown features or operations.
    public func validate(features: Set<String>, ops: Set<String>, path: String) throws(ConfigError) {
        for (index, rule) in rules.enumerated() {
            let at = "rules[\(index)] (\(rule.id))"
            guard features.contains(rule.feature) else {
                throw ConfigError(file: path, message: "\(at): unknown feature \"\(rule.feature)\" (known: \(features.sorted().joined(separator: ", ")))")
            }
            for op in rule.ops where !ops.contains(op) {
                throw ConfigError(file: path, message: "\(at): unknown op \"\(op)\"")
            }
        }
    }

    public static func isDay(_ text: String) -> Bool {
        Timestamp.parse(text + "T00:00:00Z") != nil && text.count == 10
    }

    private struct RulesFile: Decodable {
        var rules: [RawRule]
    }

    private struct RawRule: Decodable {
        var id: String
        var feature: String
        var op: OneOrMany
        var kind: OneOrMany
        var controlCode: String?
        var candidateCode: String?
        var paths: [String]?
        var quirk: OneOrMany?
        var reason: String
        var owner: String
        var expires: String
    }

    /// `op: course.publish` or `op: [course.publish, course.archive]`.
    private struct OneOrMany: Decodable {
        var values: [String]
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let one = try? container.decode(String.self) {
                values = [one]
            } else {
                values = try container.decode([String].self)
            }
        }
    }
}
