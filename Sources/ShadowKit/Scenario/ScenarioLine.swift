import Foundation

/// One line of a scenario file: the envelope every line has, and the operation's own fields.
public struct ScenarioLine: Sendable, Equatable {
    public var scenario: String
    public var seq: Int
    /// Seconds since 1970, UTC.
    public var at: Double
    public var op: String
    /// Every field of the line except the envelope (`scenario`, `seq`, `at`, `op`).
    public var fields: [String: JSONValue]

    public init(scenario: String, seq: Int, at: Double, op: String, fields: [String: JSONValue]) {
        self.scenario = scenario
        self.seq = seq
        self.at = at
        self.op = op
        self.fields = fields
    }

    static let envelopeKeys: Set<String> = ["scenario", "seq", "at", "op"]

    /// The line as it is written to a file: envelope first, then the fields in sorted order.
    public var jsonLine: String {
        var out = "{\"scenario\":"
        JSONValue.writeString(scenario, to: &out)
        out += ",\"seq\":\(seq),\"at\":\"\(Timestamp.format(at))\",\"op\":"
        JSONValue.writeString(op, to: &out)
        for key in fields.keys.sorted() {
            out += ","
            JSONValue.writeString(key, to: &out)
            out += ":"
            out += fields[key]?.jsonText ?? "null"
        }
        return out + "}"
    }
}

/// Bad scenario input: `file:line: what is wrong`. The run that read it is recorded as aborted.
public struct ScenarioError: InputError, Equatable {
    public var file: String
    public var line: Int
    public var message: String
    /// The file could not be opened (see ``InputError/isUnreadable``).
    public var unreadable: Bool

    public init(file: String, line: Int, message: String, unreadable: Bool = false) {
        self.file = file
        self.line = line
        self.message = message
        self.unreadable = unreadable
    }

    public var inputFile: String { file }
    /// Line 0 stands for the whole file (it cannot be opened).
    public var inputLine: Int? { line > 0 ? line : nil }
    public var problem: String { message }
    public var isUnreadable: Bool { unreadable }
}

/// What a subject reports when an operation's fields are wrong; the reader adds file and line.
public struct FieldError: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }

    public static func missing(_ field: String, op: String) -> FieldError {
        FieldError("\"\(op)\" needs field \"\(field)\"")
    }

    public static func mistyped(_ field: String, expected: String, got value: JSONValue) -> FieldError {
        FieldError("field \"\(field)\": expected \(expected), got \(value.typeName)")
    }
}

/// Typed access to a line's fields with the error messages users see.
public struct FieldReader: Sendable {
    public let op: String
    public let fields: [String: JSONValue]

    public init(op: String, fields: [String: JSONValue]) {
        self.op = op
        self.fields = fields
    }

    /// Refuses a field the op does not take: a misspelled optional field (`certificaeTemplate`) would
    /// otherwise be dropped silently and the command run without it.
    public func onlyFields(_ known: [String]) throws(FieldError) {
        for name in fields.keys.sorted() where !known.contains(name) {
            let expected = known.map { "\"\($0)\"" }.joined(separator: ", ")
            throw FieldError("unknown field \"\(name)\" for \(op); expected one of \(expected)")
        }
    }

    public func int(_ name: String) throws(FieldError) -> Int {
        guard let value = fields[name] else { throw .missing(name, op: op) }
        guard case .int(let int) = value else { throw .mistyped(name, expected: "integer", got: value) }
        return int
    }

    public func optionalInt(_ name: String) throws(FieldError) -> Int? {
        guard let value = fields[name], value != .null else { return nil }
        return try int(name)
    }

    public func number(_ name: String) throws(FieldError) -> Double {
        guard let value = fields[name] else { throw .missing(name, op: op) }
        guard let number = value.numberValue else { throw .mistyped(name, expected: "number", got: value) }
        return number
    }

    public func string(_ name: String) throws(FieldError) -> String {
        guard let value = fields[name] else { throw .missing(name, op: op) }
        guard case .string(let string) = value else { throw .mistyped(name, expected: "string", got: value) }
        return string
    }

    public func optionalString(_ name: String) throws(FieldError) -> String? {
        guard let value = fields[name], value != .null else { return nil }
        return try string(name)
    }

    public func numbers(_ name: String) throws(FieldError) -> [Double] {
        guard let value = fields[name] else { throw .missing(name, op: op) }
        guard case .array(let array) = value else { throw .mistyped(name, expected: "array of numbers", got: value) }
        var numbers: [Double] = []
        numbers.reserveCapacity(array.count)
        for (index, element) in array.enumerated() {
            guard let number = element.numberValue else {
                throw .mistyped("\(name)[\(index)]", expected: "number", got: element)
            }
            numbers.append(number)
        }
        return numbers
    }
}

/// How a run names generated input instead of a file (`generated:seed=42`), so replay commands and reports
/// can regenerate a scenario from its seed.
public enum GeneratedInput {
    static let prefix = "generated:seed="

    public static func label(seed: UInt64) -> String { prefix + String(seed) }

    /// The seed of a generated-input label, `nil` for a file path.
    public static func seed(of file: String) -> UInt64? {
        file.hasPrefix(prefix) ? UInt64(file.dropFirst(prefix.count)) : nil
    }
}
