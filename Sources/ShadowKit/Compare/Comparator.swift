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

/// A configuration file that could not be read: `file:line: what is wrong` (the line when it is known).
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var message: String
    public init(file: String, line: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }
    public var description: String { line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)" }
}

/// The keys a YAML document may have, so a misspelt key is an error instead of a silently ignored field
/// (a rule's `path:` for `paths:` would otherwise widen it to any path).
indirect enum KeySchema: Sendable {
    case any
    case mapping([String: KeySchema])
    case sequence(KeySchema)

    func check(_ node: Node, at location: String, file: String) throws(ConfigError) {
        switch self {
        case .any:
            return
        case .sequence(let element):
            guard let sequence = node.sequence else { return }
            for (index, item) in sequence.enumerated() {
                try element.check(item, at: "\(location)[\(index)]", file: file)
            }
        case .mapping(let keys):
            guard let mapping = node.mapping else { return }
            for (key, value) in mapping {
                let name = key.string ?? ""
                guard let schema = keys[name] else {
                    throw ConfigError(file: file, line: key.mark?.line,
                                      message: "\(location.isEmpty ? "" : location + ": ")unknown key \"\(name)\" "
                                        + "(expected one of: \(keys.keys.sorted().joined(separator: ", ")))")
                }
                try schema.check(value, at: location.isEmpty ? name : "\(location).\(name)", file: file)
            }
        }
    }
}

/// Loads YAML configuration files with messages that name the line and field at fault.
enum ConfigFile {
    static func load<T: Decodable>(_ type: T.Type, path: String, keys: KeySchema = .any) throws(ConfigError) -> T {
        guard let data = FileManager.default.contents(atPath: path),
              let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, message: "cannot read the file")
        }
        return try decode(type, text: text, path: path, keys: keys)
    }

    static func decode<T: Decodable>(_ type: T.Type, text: String, path: String,
                                     keys: KeySchema = .any) throws(ConfigError) -> T {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            // Yams describes syntax errors as "LINE:COLUMN: error: ...".
            let description = "\(error)"
            let line = description.split(separator: ":", maxSplits: 1).first.flatMap { Int($0) }
            throw ConfigError(file: path, line: line, message: line == nil ? description
                                : String(description.drop(while: { $0 != " " }).dropFirst()))
        }
        if let root { try keys.check(root, at: "", file: path) }
        do {
            return try YAMLDecoder().decode(type, from: text)
        } catch let error as DecodingError {
            throw ConfigError(file: path, line: root.flatMap { line(of: error, in: $0) }, message: describe(error))
        } catch {
            throw ConfigError(file: path, message: "\(error)")
        }
    }

    /// The line of the deepest node on the error's coding path that exists in the document.
    static func line(of error: DecodingError, in root: Node) -> Int? {
        let path: [any CodingKey]
        switch error {
        case .keyNotFound(_, let context), .typeMismatch(_, let context), .valueNotFound(_, let context),
             .dataCorrupted(let context):
            path = context.codingPath
        @unknown default:
            return root.mark?.line
        }
        var node = root
        for key in path {
            if let index = key.intValue, let next = node.sequence.flatMap({ index < $0.count ? $0[index] : nil }) {
                node = next
            } else if let next = node.mapping?[key.stringValue] {
                node = next
            } else {
                break
            }
        }
        return node.mark?.line
    }
    static func describe(_ error: DecodingError) -> String {
        func at(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
                .trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(at(context.codingPath + [key])): missing field \"\(key.stringValue)\""
        case .typeMismatch(let type, let context):
            return "\(at(context.codingPath)): expected \(type)"
        case .valueNotFound(let type, let context):
            return "\(at(context.codingPath)): expected \(type), found nothing"
        case .dataCorrupted(let context):
            return "\(at(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
