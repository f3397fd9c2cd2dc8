/// Something wrong with a file the user gave: `FILE:LINE: what is wrong`, or `FILE: what is wrong` when the
/// whole file is at fault (it cannot be read, it lacks something). Every parser's error conforms, so a
/// caller (the CLI's exit-code mapping) handles all malformed input in one place.
public protocol InputError: Error, Sendable, CustomStringConvertible {
    /// The file at fault, as the user named it.
    var inputFile: String { get }
    /// The 1-based line at fault, or nil when no line is (or the whole file is).
    var inputLine: Int? { get }
    /// What is wrong, without the location.
    var problem: String { get }
    /// The file could not be read at all (it does not exist, is a directory, is not readable): the CLI exits 66
    /// (no input) rather than 65 (malformed input), as sysexits has it.
    var isUnreadable: Bool { get }
}

extension InputError {
    /// `FILE:LINE: problem` (or `FILE: problem`, or the problem alone when no file is involved): the one
    /// format every input error is shown in.
    public var located: String {
        if inputFile.isEmpty { return problem }
        return inputLine.map { "\(inputFile):\($0): \(problem)" } ?? "\(inputFile): \(problem)"
    }

    public var description: String { located }

    public var isUnreadable: Bool { false }
}

/// An input error with nothing more to say than where and what: configuration files (comparison rules,
/// accepted divergences, redaction, report settings) and whatever a command finds wrong with a file it read.
public struct LocatedError: InputError, Equatable {
    public var file: String
    /// 1-based, when known.
    public var line: Int?
    public var message: String
    /// The file could not be read at all (see ``InputError/isUnreadable``).
    public var unreadable: Bool

    public init(file: String, line: Int? = nil, message: String, unreadable: Bool = false) {
        self.file = file
        self.line = line
        self.message = message
        self.unreadable = unreadable
    }

    public var inputFile: String { file }
    public var inputLine: Int? { line }
    public var problem: String { message }
    public var isUnreadable: Bool { unreadable }
}

/// A configuration file (YAML) that could not be read.
public typealias ConfigError = LocatedError
