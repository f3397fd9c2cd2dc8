import Foundation

/// An intended difference, written down by an engineer: it is counted as *accepted*, never hidden, and it
/// stops matching on its expiry date so that nothing stays accepted by accident.
public struct AcceptedRule: Sendable, Equatable {
    public var id: String
    public var feature: String
    public var ops: [String]
    public var kinds: [DivergenceKind]
    /// Required control rejection code (`accepted` for "the control carried it out"); `nil` = any.
    public var controlCode: String?
    /// Required candidate rejection code (`accepted` for "the candidate carried it out"); `nil` = any.
    public var candidateCode: String?
    /// Every differing path must be covered by one of these; empty = any paths.
    public var paths: [PathPattern]
    public var reason: String
    public var owner: String
    /// The last day (UTC) the rule matches, `yyyy-mm-dd`.
    public var expires: String

    public func isExpired(on day: String) -> Bool { day > expires }

    /// Whether this rule explains the divergence (ignoring expiry).
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
}

/// The accepted-divergences file (`scenarios/accepted.yaml`) and the day it is applied on.
public struct AcceptedRules: Sendable, Equatable {
    public var rules: [AcceptedRule]

    public init(rules: [AcceptedRule] = []) { self.rules = rules }

    /// The first unexpired rule that matches, and the expired rules that would have matched.
    public func classify(_ divergence: Divergence, on day: String) -> (rule: String?, expired: [String]) {
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

    public static func load(path: String) throws(ConfigError) -> AcceptedRules {
        guard let data = FileManager.default.contents(atPath: path),
              let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, message: "cannot read the file")
        }
        return try parse(text, path: path)
    }

    /// Parses the YAML text; every field is checked and errors name the rule.
    public static func parse(_ text: String, path: String) throws(ConfigError) -> AcceptedRules {
        let ruleKeys = ["id", "feature", "op", "kind", "controlCode", "candidateCode", "paths", "reason", "owner", "expires"]
        let schema = KeySchema.mapping(["rules": .sequence(.mapping(Dictionary(uniqueKeysWithValues: ruleKeys.map { ($0, .any) })))])
        let file = try ConfigFile.decode(RulesFile.self, text: text, path: path, keys: schema)
        var seen = Set<String>()
        var rules: [AcceptedRule] = []
        for (index, raw) in file.rules.enumerated() {
            let at = "rules[\(index)] (\(raw.id))"
            guard seen.insert(raw.id).inserted else { throw ConfigError(file: path, message: "\(at): duplicate id") }
            let ops = raw.op.values
            guard !ops.isEmpty else { throw ConfigError(file: path, message: "\(at): op must name at least one operation") }
            guard !raw.kind.values.isEmpty else {
                throw ConfigError(file: path, message: "\(at): kind must name at least one divergence kind")
            }
            var kinds: [DivergenceKind] = []
            for name in raw.kind.values {
                guard let kind = DivergenceKind(rawValue: name) else {
                    let known = DivergenceKind.allCases.map(\.rawValue).joined(separator: ", ")
                    throw ConfigError(file: path, message: "\(at): unknown kind \"\(name)\" (known: \(known))")
                }
                kinds.append(kind)
            }
            var patterns: [PathPattern] = []
            for text in raw.paths ?? [] {
                guard let pattern = PathPattern(text) else {
                    throw ConfigError(file: path, message: "\(at): \"\(text)\" is not a path like $.value.percent")
                }
                patterns.append(pattern)
            }
            guard isDay(raw.expires) else {
                throw ConfigError(file: path, message: "\(at): expires \"\(raw.expires)\" is not a date like 2027-03-31")
            }
            for (name, value) in [("reason", raw.reason), ("owner", raw.owner)] where value.trimmingCharacters(in: .whitespaces).isEmpty {
                throw ConfigError(file: path, message: "\(at): \(name) must not be empty")
            }
            rules.append(AcceptedRule(id: raw.id, feature: raw.feature, ops: ops, kinds: kinds,
                                      controlCode: raw.controlCode, candidateCode: raw.candidateCode,
                                      paths: patterns, reason: raw.reason, owner: raw.owner, expires: raw.expires))
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
