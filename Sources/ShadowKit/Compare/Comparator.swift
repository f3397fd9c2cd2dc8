import Foundation
import Yams

/// One difference between the two outcome trees.
public struct DiffEntry: Sendable, Equatable, Codable {
    public var path: String
    public var control: JSONValue?
    public var candidate: JSONValue?

    public init(path: String, control: JSONValue?, candidate: JSONValue?) {
        self.path = path
        self.control = control
        self.candidate = candidate
    }
}

/// How outcome trees are compared: paths to ignore, numeric tolerances, lists whose order does not matter.
public struct ComparatorRules: Sendable, Equatable {
    public var ignored: [PathPattern]
    public var tolerances: [(pattern: PathPattern, absolute: Double)]
    public var unordered: [PathPattern]

    public init(ignored: [PathPattern] = [], tolerances: [(pattern: PathPattern, absolute: Double)] = [],
                unordered: [PathPattern] = []) {
        self.ignored = ignored
        self.tolerances = tolerances
        self.unordered = unordered
    }

    public static func == (lhs: ComparatorRules, rhs: ComparatorRules) -> Bool {
        lhs.ignored == rhs.ignored && lhs.unordered == rhs.unordered
            && lhs.tolerances.map(\.pattern) == rhs.tolerances.map(\.pattern)
            && lhs.tolerances.map(\.absolute) == rhs.tolerances.map(\.absolute)
    }

    /// Reads `scenarios/comparator.yaml`:
    /// ```yaml
    /// ignore:    [{path: "$.jobs[*].id", reason: "..."}]
    /// tolerance: [{path: "$.value.grade", absolute: 0.01, reason: "..."}]
    /// unordered: [{path: "$.snapshot", reason: "..."}]
    /// ```
    public static func load(path: String) throws(ConfigError) -> ComparatorRules {
        let entry = KeySchema.mapping(["path": .any, "reason": .any])
        let file = try ConfigFile.load(ComparatorFile.self, path: path, keys: .mapping([
            "ignore": .sequence(entry), "unordered": .sequence(entry),
            "tolerance": .sequence(.mapping(["path": .any, "absolute": .any, "reason": .any])),
        ]))
        var rules = ComparatorRules()
        for (index, entry) in (file.ignore ?? []).enumerated() {
            rules.ignored.append(try pattern(entry.path, path, "ignore[\(index)]"))
        }
        for (index, entry) in (file.tolerance ?? []).enumerated() {
            guard entry.absolute >= 0 else {
                throw ConfigError(file: path, message: "tolerance[\(index)]: absolute must be zero or more")
            }
            rules.tolerances.append((try pattern(entry.path, path, "tolerance[\(index)]"), entry.absolute))
        }
        for (index, entry) in (file.unordered ?? []).enumerated() {
            rules.unordered.append(try pattern(entry.path, path, "unordered[\(index)]"))
        }
        return rules
    }

    private static func pattern(_ text: String, _ file: String, _ at: String) throws(ConfigError) -> PathPattern {
        guard let pattern = PathPattern(text) else {
            throw ConfigError(file: file, message: "\(at): \"\(text)\" is not a path like $.value.percent or $.events[*].name")
        }
        return pattern
    }

    private struct ComparatorFile: Decodable {
        struct Entry: Decodable {
            var path: String
            var reason: String?
        }
        struct Tolerance: Decodable {
            var path: String
            var absolute: Double
            var reason: String?
        }
        var ignore: [Entry]?
        var tolerance: [Tolerance]?
        var unordered: [Entry]?
    }
}

/// Structural diff of two outcome trees under ``ComparatorRules``.
public struct OutcomeComparator: Sendable {
    public let rules: ComparatorRules

    public init(rules: ComparatorRules = ComparatorRules()) { self.rules = rules }

    /// Every differing leaf path, in document order. Empty means equal under the rules.
    public func diff(_ control: JSONValue, _ candidate: JSONValue) -> [DiffEntry] {
        var entries: [DiffEntry] = []
        var path: [PathStep] = []
        walk(control, candidate, &path, &entries)
        return entries
    }

    func walk(_ a: JSONValue?, _ b: JSONValue?, _ path: inout [PathStep], _ out: inout [DiffEntry]) {
        if rules.ignored.contains(where: { $0.covers(path) }) { return }
        switch (a, b) {
        case let (.object(left)?, .object(right)?):
            for key in Set(left.keys).union(right.keys).sorted() {
                path.append(.key(key))
                walk(left[key], right[key], &path, &out)
                path.removeLast()
            }
        case let (.array(left)?, .array(right)?):
            var left = left
            var right = right
            if rules.unordered.contains(where: { $0.covers(path) }) {
                left.sort { $0.jsonText < $1.jsonText }
                right.sort { $0.jsonText < $1.jsonText }
            }
            for index in 0..<max(left.count, right.count) {
                path.append(.index(index))
                walk(index < left.count ? left[index] : nil, index < right.count ? right[index] : nil, &path, &out)
                path.removeLast()
            }
        default:
            compareLeaf(a, b, path, &out)
        }
    }

    /// The tree with every list under an `unordered` rule sorted as ``diff(_:_:)`` compares it, so a report shows
    /// both sides in the order the comparison saw them.
    public func canonical(_ value: JSONValue, path: [PathStep] = []) -> JSONValue {
        guard !rules.unordered.isEmpty else { return value }
        switch value {
        case .object(let object):
            var out: [String: JSONValue] = [:]
            for (key, child) in object { out[key] = canonical(child, path: path + [.key(key)]) }
            return .object(out)
        case .array(let values):
            var children = values.enumerated().map { canonical($1, path: path + [.index($0)]) }
            if rules.unordered.contains(where: { $0.covers(path) }) { children.sort { $0.jsonText < $1.jsonText } }
            return .array(children)
        default:
            return value
        }
    }

    /// Two values that are not both objects or both lists, at a path no ignore rule covers.
    func compareLeaf(_ a: JSONValue?, _ b: JSONValue?, _ path: [PathStep], _ out: inout [DiffEntry]) {
        if a == b { return }
        // 80 and 80.0 are the same number whichever way a side spelled it.
        if let x = a?.numberValue, let y = b?.numberValue, x == y { return }
        if let x = a?.numberValue, let y = b?.numberValue,
           let tolerance = rules.tolerances.first(where: { $0.pattern.covers(path) }),
           abs(x - y) <= tolerance.absolute + 1e-12 {
            return
        }
        out.append(DiffEntry(path: renderPath(path), control: a, candidate: b))
    }
}
