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

/// A numeric tolerance: differences up to `absolute` at `pattern` are *tolerated* (counted, not matches).
public struct Tolerance: Sendable, Equatable {
    public var pattern: PathPattern
    public var absolute: Double
    /// Conditions on the compared trees, checked on both sides; a `[*]` takes the index of the tolerated path's
    /// `[*]` in the same position (`$.events[*].name` for `$.events[3].payload.score` reads `$.events[3].name`).
    public var when: ValueConditions
    /// The quirk that explains the difference: the counterfactual check switches it off. `nil` = none named.
    public var quirk: String?

    public init(pattern: PathPattern, absolute: Double, when: ValueConditions = ValueConditions(), quirk: String? = nil) {
        self.pattern = pattern
        self.absolute = absolute
        self.when = when
        self.quirk = quirk
    }
}

/// A difference a tolerance absorbed, with the tolerances that could absorb it (first whose condition holds)
/// and where it would stand among the diff's entries if none does.
public struct ToleratedEntry: Sendable, Equatable {
    public var entry: DiffEntry
    public var tolerances: [Int]
    public var position: Int
}

/// How outcome trees are compared: paths to ignore, numeric tolerances, lists whose order does not matter.
public struct ComparatorRules: Sendable, Equatable {
    public var ignored: [PathPattern]
    public var tolerances: [Tolerance]
    public var unordered: [PathPattern]

    public init(ignored: [PathPattern] = [], tolerances: [Tolerance] = [], unordered: [PathPattern] = []) {
        self.ignored = ignored
        self.tolerances = tolerances
        self.unordered = unordered
    }

    /// Whether some tolerance has conditions (then tolerated entries are resolved on the trees).
    var hasConditionalTolerances: Bool { tolerances.contains { !$0.when.isEmpty } }

    /// Splits tolerated entries into those a tolerance absorbs (its condition holding on both trees) and
    /// those that are differences after all, put back into `entries` where they stood.
    func resolve(_ tolerated: [ToleratedEntry], into entries: inout [DiffEntry],
                        trees: () -> (JSONValue, JSONValue)) -> [(entry: DiffEntry, tolerance: Int)] {
        var kept: [(entry: DiffEntry, tolerance: Int)] = []
        var back: [ToleratedEntry] = []
        var cached: (JSONValue, JSONValue)?
        for item in tolerated {
            var chosen: Int?
            for index in item.tolerances {
                let tolerance = tolerances[index]
                if tolerance.when.isEmpty { chosen = index; break }
                let (control, candidate) = cached ?? trees()
                cached = (control, candidate)
                let bound = tolerance.pattern.wildcardBindings(PathStep.parse(item.entry.path) ?? []) ?? []
                if tolerance.when.hold(in: control, bindings: bound), tolerance.when.hold(in: candidate, bindings: bound) {
                    chosen = index
                    break
                }
            }
            if let chosen { kept.append((item.entry, chosen)) } else { back.append(item) }
        }
        for item in back.reversed() { entries.insert(item.entry, at: min(item.position, entries.count)) }
        return kept
    }

    public static func == (lhs: ComparatorRules, rhs: ComparatorRules) -> Bool {
        lhs.ignored == rhs.ignored && lhs.unordered == rhs.unordered
            && lhs.tolerances == rhs.tolerances
    }

    /// Reads `scenarios/comparator.yaml`:
    /// ```yaml
    /// ignore:    [{path: "$.jobs[*].id", reason: "..."}]
    /// tolerance: [{path: "$.value.grade", absolute: 0.01, quirk: legacy.x, reason: "..."},
    ///             {path: "$.events[*].payload.score", absolute: 0.01,
    ///              when: {"$.events[*].name": CourseGradeCalculated}, reason: "..."}]
    /// unordered: [{path: "$.snapshot", reason: "..."}]
    /// ```
    public static func load(path: String) throws(ConfigError) -> ComparatorRules {
        let entry = KeySchema.mapping(["path": .any, "reason": .any])
        let file = try ConfigFile.load(ComparatorFile.self, path: path, keys: .mapping([
            "ignore": .sequence(entry), "unordered": .sequence(entry),
            "tolerance": .sequence(.mapping(["path": .any, "absolute": .any, "when": .any, "quirk": .any, "reason": .any])),
        ]))
        let toleranceNodes = try ConfigFile.compose(ConfigFile.text(path: path), path: path)?.mapping?["tolerance"]?.sequence
        var rules = ComparatorRules()
        for (index, entry) in (file.ignore ?? []).enumerated() {
            rules.ignored.append(try pattern(entry.path, path, "ignore[\(index)]"))
        }
        for (index, entry) in (file.tolerance ?? []).enumerated() {
            let node = toleranceNodes.flatMap { index < $0.count ? $0[index] : nil }
            guard entry.absolute >= 0 else {
                throw ConfigError(file: path, line: node?.mapping?["absolute"].flatMap(ConstraintParser.line),
                                  message: "tolerance[\(index)]: absolute must be zero or more")
            }
            let when = try ConstraintParser.conditions(node?.mapping?["when"], file: path, at: "tolerance[\(index)].when")
            rules.tolerances.append(Tolerance(pattern: try pattern(entry.path, path, "tolerance[\(index)]"),
                                              absolute: entry.absolute, when: when, quirk: entry.quirk))
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
            var quirk: String?
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
        diffTolerated(control, candidate).entries
    }

    /// The differing leaves, and the differences a tolerance absorbed (with the tolerance's index).
    func diffTolerated(_ control: JSONValue, _ candidate: JSONValue)
        -> (entries: [DiffEntry], tolerated: [(entry: DiffEntry, tolerance: Int)]) {
        var entries: [DiffEntry] = []
        var tolerated: [ToleratedEntry] = []
        var path: [PathStep] = []
        walk(control, candidate, &path, &entries, &tolerated)
        let kept = rules.resolve(tolerated, into: &entries) { (control, candidate) }
        return (entries, kept)
    }

    func walk(_ a: JSONValue?, _ b: JSONValue?, _ path: inout [PathStep], _ out: inout [DiffEntry],
              _ tolerated: inout [ToleratedEntry]) {
        if rules.ignored.contains(where: { $0.covers(path) }) { return }
        switch (a, b) {
        case let (.object(left)?, .object(right)?):
            for key in Set(left.keys).union(right.keys).sorted() {
                path.append(.key(key))
                walk(left[key], right[key], &path, &out, &tolerated)
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
                walk(index < left.count ? left[index] : nil, index < right.count ? right[index] : nil, &path, &out,
                     &tolerated)
                path.removeLast()
            }
        default:
            compareLeaf(a, b, path, &out, &tolerated)
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
    /// A difference within a tolerance goes to `tolerated` (conditions are checked later, on the trees).
    func compareLeaf(_ a: JSONValue?, _ b: JSONValue?, _ path: [PathStep], _ out: inout [DiffEntry],
                     _ tolerated: inout [ToleratedEntry]) {
        if a == b { return }
        // 80 and 80.0 are the same number whichever way a side spelled it.
        if let x = a?.numberValue, let y = b?.numberValue, x == y { return }
        let entry = DiffEntry(path: renderPath(path), control: a, candidate: b)
        if let x = a?.numberValue, let y = b?.numberValue, !rules.tolerances.isEmpty {
            let covering = rules.tolerances.indices.filter {
                rules.tolerances[$0].pattern.covers(path) && abs(x - y) <= rules.tolerances[$0].absolute + 1e-12
            }
            if !covering.isEmpty {
                tolerated.append(ToleratedEntry(entry: entry, tolerances: covering, position: out.count))
                return
            }
        }
        out.append(entry)
    }
}
