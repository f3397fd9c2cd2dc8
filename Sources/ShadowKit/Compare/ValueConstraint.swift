import Foundation
import Yams

/// What a value at a path must be, as written in `accepted.yaml` and `comparator.yaml`:
/// a literal (`true`, `"course_full"`, `80`), one of a set (`{in: [latest, average]}`) or a range
/// (`{min: 79.99, max: 80.01}`, either bound may be left out; both inclusive).
public enum ValueConstraint: Sendable, Equatable, CustomStringConvertible {
    case equals(JSONValue)
    case oneOf([JSONValue])
    case range(min: Double?, max: Double?)

    /// Whether `value` satisfies the constraint; a missing value is `null`. Numbers compare by value (80 = 80.0).
    public func accepts(_ value: JSONValue?) -> Bool {
        let value = value ?? .null
        switch self {
        case .equals(let expected): return Self.same(expected, value)
        case .oneOf(let values): return values.contains { Self.same($0, value) }
        case let .range(min, max):
            guard let number = value.numberValue else { return false }
            return (min.map { number >= $0 } ?? true) && (max.map { number <= $0 } ?? true)
        }
    }

    static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if let x = a.numberValue, let y = b.numberValue { return x == y }
        return a == b
    }

    public var description: String {
        switch self {
        case .equals(let value): value.jsonText
        case .oneOf(let values): "one of [" + values.map(\.jsonText).joined(separator: ", ") + "]"
        case let .range(min, max): "in [\(min.map { "\($0)" } ?? "-∞"), \(max.map { "\($0)" } ?? "∞")]"
        }
    }
}

/// Constraints on the values at some paths of one tree: every one must hold.
public struct ValueConditions: Sendable, Equatable {
    public var entries: [(pattern: PathPattern, constraint: ValueConstraint)]

    public init(_ entries: [(pattern: PathPattern, constraint: ValueConstraint)] = []) { self.entries = entries }

    public var isEmpty: Bool { entries.isEmpty }

    /// The paths the constraints read.
    var patterns: [PathPattern] { entries.map(\.pattern) }

    public static func == (lhs: ValueConditions, rhs: ValueConditions) -> Bool {
        lhs.entries.map(\.pattern) == rhs.entries.map(\.pattern)
            && lhs.entries.map(\.constraint) == rhs.entries.map(\.constraint)
    }

    /// Whether every constraint holds in `tree`. A pattern with wildcards must hold for every value it reaches;
    /// a path that reaches nothing reads as `null`. `bindings` fill the pattern's `[*]`s in order (a tolerance's
    /// condition `$.events[*].name` takes the index of the tolerated `$.events[3].payload.score`).
    func hold(in tree: JSONValue, bindings: [Int] = []) -> Bool {
        entries.allSatisfy { entry in
            let values = entry.pattern.values(in: tree, bindings: bindings)
            return values.isEmpty ? entry.constraint.accepts(nil) : values.allSatisfy(entry.constraint.accepts)
        }
    }

    /// The first constraint that does not hold, as `$.value.passed is false, not true`, for explanations.
    func firstFailure(in tree: JSONValue) -> String? {
        for entry in entries {
            let values = entry.pattern.values(in: tree, bindings: [])
            let failing = values.isEmpty ? (entry.constraint.accepts(nil) ? nil : JSONValue.null)
                : values.first { !entry.constraint.accepts($0) }
            if let failing { return "\(entry.pattern) is \(failing.jsonText), not \(entry.constraint)" }
        }
        return nil
    }
}

extension PathPattern {
    /// The values the pattern reaches in `tree` (exact: a pattern does not cover what lies below it here).
    /// The n-th `[*]` is the n-th of `bindings` when there is one.
    func values(in tree: JSONValue, bindings: [Int]) -> [JSONValue] {
        var current = [tree]
        var wildcard = 0
        for step in steps {
            var next: [JSONValue] = []
            for value in current {
                switch (step, value) {
                case (.key(let key), .object(let object)):
                    if let child = object[key] { next.append(child) }
                case (.anyKey, .object(let object)):
                    next += object.keys.sorted().compactMap { object[$0] }
                case (.index(let index), .array(let array)) where index >= 0 && index < array.count:
                    next.append(array[index])
                case (.anyIndex, .array(let array)):
                    if wildcard < bindings.count {
                        let index = bindings[wildcard]
                        if index >= 0 && index < array.count { next.append(array[index]) }
                    } else {
                        next += array
                    }
                default:
                    break
                }
            }
            if case .anyIndex = step { wildcard += 1 }
            current = next
        }
        return current
    }
}

/// Reading constraints out of a YAML node, with the line of whatever is wrong.
enum ConstraintParser {
    /// `{"$.value.passed": true, "$.value.grade": {min: 0, max: 50}}`; `nil` node = no conditions.
    static func conditions(_ node: Node?, file: String, at: String) throws(ConfigError) -> ValueConditions {
        guard let node else { return ValueConditions() }
        guard let mapping = node.mapping else {
            throw ConfigError(file: file, line: line(node), message: "\(at): expected a mapping of paths to values")
        }
        var out = ValueConditions()
        for (key, value) in mapping {
            let text = key.string ?? ""
            guard let pattern = PathPattern(text) else {
                throw ConfigError(file: file, line: line(key), message: "\(at): \"\(text)\" is not a path like $.value.passed")
            }
            out.entries.append((pattern, try constraint(value, file: file, at: "\(at).\(text)")))
        }
        return out
    }

    static func constraint(_ node: Node, file: String, at: String) throws(ConfigError) -> ValueConstraint {
        if let mapping = node.mapping {
            let keys = Set(mapping.keys.compactMap(\.string))
            if keys == ["in"], let list = mapping["in"]?.sequence {
                guard !list.isEmpty else { throw ConfigError(file: file, line: line(node), message: "\(at): `in` is empty") }
                var values: [JSONValue] = []
                for item in list { values.append(try scalar(item, file: file, at: at)) }
                return .oneOf(values)
            }
            if !keys.isEmpty, keys.isSubset(of: ["min", "max"]) {
                var bounds: [String: Double] = [:]
                for name in keys {
                    guard let node = mapping[name], let number = try scalar(node, file: file, at: at).numberValue else {
                        throw ConfigError(file: file, line: line(mapping[name] ?? node), message: "\(at): \(name) must be a number")
                    }
                    bounds[name] = number
                }
                if let min = bounds["min"], let max = bounds["max"], min > max {
                    throw ConfigError(file: file, line: line(node), message: "\(at): min \(min) is above max \(max)")
                }
                return .range(min: bounds["min"], max: bounds["max"])
            }
            throw ConfigError(file: file, line: line(node),
                              message: "\(at): expected a value, {in: [...]} or {min: ..., max: ...}, found keys "
                                + keys.sorted().joined(separator: ", "))
        }
        return .equals(try scalar(node, file: file, at: at))
    }

    /// A YAML scalar as JSON: plain `true`, `12`, `1.5`, `null` are typed; quoted text stays a string.
    static func scalar(_ node: Node, file: String, at: String) throws(ConfigError) -> JSONValue {
        guard case .scalar(let scalar) = node else {
            throw ConfigError(file: file, line: line(node), message: "\(at): expected a single value (text, number, true/false or null)")
        }
        if scalar.style != .plain { return .string(scalar.string) }
        if let bool = node.bool { return .bool(bool) }
        if let int = node.int { return .int(int) }
        if let double = node.float { return .double(double) }
        if node.null != nil { return .null }
        return .string(scalar.string)
    }

    /// 1-based line of a node.
    static func line(_ node: Node) -> Int? { node.mark.map(\.line) }
}
