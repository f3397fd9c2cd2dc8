import Foundation
import ShadowKit

/// Which values a report must not show: `scenarios/report.yaml`.
///
/// ```yaml
/// sensitive: [userId, instructorId, title]     # values of these fields, wherever they occur
/// embedded:                                     # ids inside other strings: one capture group each
///   - field: userId
///     pattern: 'enrollment:(\d+)/'
/// ```
/// Each distinct value of a field becomes a stable placeholder named after the field without its `Id` suffix
/// (`userId` → `user-1`, `user-2`, ...; `title` → `title-1`), numbered in order of first appearance in the report.
public struct RedactionConfig: Sendable, Equatable {
    /// A pattern for a sensitive value embedded in a longer string (an entity key, a message).
    public struct Embedded: Sendable, Equatable {
        public var field: String
        public var pattern: String

        init(field: String, pattern: String) {
            self.field = field
            self.pattern = pattern
        }
    }

    public var sensitive: [String]
    public var embedded: [Embedded]

    public init(sensitive: [String] = [], embedded: [Embedded] = []) {
        self.sensitive = sensitive
        self.embedded = embedded
    }

    /// Nothing redacted.
    public static let none = RedactionConfig()

    public static func load(path: String) throws(ConfigError) -> RedactionConfig {
        try parse(ConfigFile.text(path: path), path: path)
    }

    /// Parses and checks the YAML: field names must be non-empty, every pattern must compile with exactly one
    /// capture group and name a field listed under `sensitive`.
    public static func parse(_ text: String, path: String) throws(ConfigError) -> RedactionConfig {
        let file = try ConfigFile.decode(File.self, text: text, path: path)
        let sensitive = file.sensitive ?? []
        for (index, field) in sensitive.enumerated() where field.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ConfigError(file: path, message: "sensitive[\(index)]: field name must not be empty")
        }
        var embedded: [Embedded] = []
        for (index, entry) in (file.embedded ?? []).enumerated() {
            let at = "embedded[\(index)]"
            guard sensitive.contains(entry.field) else {
                throw ConfigError(file: path, message: "\(at): field \"\(entry.field)\" is not listed under sensitive")
            }
            guard let regex = try? NSRegularExpression(pattern: entry.pattern) else {
                throw ConfigError(file: path, message: "\(at): \"\(entry.pattern)\" is not a valid regular expression")
            }
            guard regex.numberOfCaptureGroups == 1 else {
                throw ConfigError(file: path, message: "\(at): pattern needs exactly one capture group (the value), has \(regex.numberOfCaptureGroups)")
            }
            embedded.append(Embedded(field: entry.field, pattern: entry.pattern))
        }
        return RedactionConfig(sensitive: sensitive, embedded: embedded)
    }

    /// `userId` → `user`, `course_id` → `course`, `title` → `title`.
    static func placeholderPrefix(for field: String) -> String {
        for suffix in ["Id", "_id", "ID", "Ids", "_ids"] where field.hasSuffix(suffix) && field.count > suffix.count {
            return String(field.dropLast(suffix.count))
        }
        return field
    }

    private struct File: Decodable {
        struct Entry: Decodable {
            var field: String
            var pattern: String
        }
        var sensitive: [String]?
        var embedded: [Entry]?
    }
}

/// Replaces sensitive values with placeholders, remembering each mapping so a value gets the same placeholder
/// everywhere in one report. Feed it values in the order the report shows them.
public struct Redactor: Sendable {
    public let config: RedactionConfig
    private let sensitive: Set<String>
    private let patterns: [(field: String, regex: NSRegularExpression)]
    /// Field → value text → placeholder.
    private var assigned: [String: [String: String]] = [:]

    init(_ config: RedactionConfig) {
        self.config = config
        sensitive = Set(config.sensitive)
        patterns = config.embedded.compactMap { entry in
            (try? NSRegularExpression(pattern: entry.pattern)).map { (entry.field, $0) }
        }
    }

    /// Distinct values replaced, per field.
    var replacedCounts: [String: Int] { assigned.mapValues(\.count) }

    /// The placeholder of `value` as a value of `field`, assigning the next number on first sight.
    public mutating func placeholder(field: String, value: String) -> String {
        if let known = assigned[field]?[value] { return known }
        let next = "\(RedactionConfig.placeholderPrefix(for: field))-\((assigned[field]?.count ?? 0) + 1)"
        assigned[field, default: [:]][value] = next
        return next
    }

    /// A JSON tree with sensitive values replaced; `field` is the key the value sits under, if any.
    /// Object keys are visited in sorted order, the order every renderer prints them in.
    mutating func redact(_ value: JSONValue, field: String? = nil) -> JSONValue {
        switch value {
        case .object(let object):
            var out: [String: JSONValue] = [:]
            for key in object.keys.sorted() {
                guard let child = object[key] else { continue }
                let redactedKey = redactText(key)
                out[redactedKey] = redact(child, field: key)
            }
            return .object(out)
        case .array(let values):
            return .array(values.map { redact($0, field: field) })
        case .string(let text):
            if let field, sensitive.contains(field) { return .string(placeholder(field: field, value: text)) }
            return .string(redactText(text))
        case .int, .double:
            if let field, sensitive.contains(field) { return .string(placeholder(field: field, value: value.jsonText)) }
            return value
        case .null, .bool:
            return value
        }
    }

    /// A value found at `path` (`$.events[0].payload.userId`): redacted as a value of the path's last key.
    mutating func redact(_ value: JSONValue, atPath path: String) -> JSONValue {
        redact(value, field: Self.lastKey(of: path))
    }

    /// Free text with every embedded pattern's captured value replaced.
    mutating func redactText(_ text: String) -> String {
        guard !patterns.isEmpty else { return text }
        var result = text
        for (field, regex) in patterns {
            let source = result as NSString
            let matches = regex.matches(in: result, range: NSRange(location: 0, length: source.length))
            guard !matches.isEmpty else { continue }
            var rebuilt = ""
            var cursor = 0
            for match in matches {
                let range = match.range(at: 1)
                guard range.location != NSNotFound, range.location >= cursor else { continue }
                rebuilt += source.substring(with: NSRange(location: cursor, length: range.location - cursor))
                rebuilt += placeholder(field: field, value: source.substring(with: range))
                cursor = range.location + range.length
            }
            rebuilt += source.substring(from: cursor)
            result = rebuilt
        }
        return result
    }

    /// The key a path ends in, skipping trailing indices: `$.a.userId[2]` → `userId`; nil for `$` or `$[0]`.
    static func lastKey(of path: String) -> String? {
        var trimmed = Substring(path)
        while trimmed.hasSuffix("]"), let open = trimmed.lastIndex(of: "[") { trimmed = trimmed[..<open] }
        guard let dot = trimmed.lastIndex(of: ".") else { return nil }
        let key = trimmed[trimmed.index(after: dot)...]
        return key.isEmpty ? nil : String(key)
    }
}
