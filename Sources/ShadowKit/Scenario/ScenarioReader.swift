import Foundation

/// One command of a scenario, decoded, with where it came from.
public struct InputCommand<Command: Sendable>: Sendable {
    public var seq: Int
    /// Seconds since 1970, UTC.
    public var at: Double
    public var op: String
    /// 1-based line number in `ScenarioInput.file`.
    public var line: Int
    public var command: Command

    public init(seq: Int, at: Double, op: String, line: Int, command: Command) {
        self.seq = seq
        self.at = at
        self.op = op
        self.line = line
        self.command = command
    }
}

/// All commands of one scenario, in `seq` order: the unit the runner applies to a fresh pair of worlds.
///
/// A scenario too long to hold at once (a recorded production log is one long scenario) comes in consecutive
/// parts with the same id and ordinal: every part but the last `continues`, every part but the first
/// `continuesPrevious`, and the runner applies each part to the worlds the one before left.
public struct ScenarioInput<Command: Sendable>: Sendable {
    public var id: String
    public var file: String
    /// Position of this scenario in the whole input (0-based), the tiebreak that makes output order stable.
    public var ordinal: Int
    public var commands: [InputCommand<Command>]
    /// More commands of this scenario follow, in the next part.
    public var continues = false
    /// This part goes on from the previous one, on its worlds.
    public var continuesPrevious = false
    /// Generated traffic: its clock is made up, so its time is no measure of real hours (see ``CorpusHeader``).
    public var synthetic = false

    public init(id: String, file: String, ordinal: Int, commands: [InputCommand<Command>]) {
        self.id = id
        self.file = file
        self.ordinal = ordinal
        self.commands = commands
    }
}

/// Streams scenarios out of a JSON Lines file, validating every line, without reading the file whole.
///
/// A scenario's lines must be contiguous (the generator and recorders write them so); a scenario that comes
/// back after another one started is refused rather than silently split into two worlds. A scenario longer
/// than `maxPartCommands` is handed out in parts (see ``ScenarioInput``), so memory does not grow with it.
public struct ScenarioReader<Command: Sendable> {
    public typealias Decode = @Sendable (ScenarioLine) throws(FieldError) -> Command
    /// Seconds a command moves the scenario clock (``ShadowSubject/clockAdvance(of:)``).
    public typealias ClockAdvance = @Sendable (Command) -> Double?

    public static var defaultMaxLineBytes: Int { 1 << 20 }
    /// Commands per part of a long scenario: a few MB of decoded commands.
    public static var defaultMaxPartCommands: Int { 16_384 }

    private let path: String
    private let displayName: String
    private let handle: FileHandle
    private let decode: Decode
    private let clockAdvance: ClockAdvance?
    /// The current scenario's clock: its latest `at`, moved on by clock advances.
    private var clock = 0.0
    private let maxLineBytes: Int
    private var buffer: [UInt8] = []
    private var bufferStart = 0
    private var endOfFile = false
    private var lineNumber = 0
    private var seenScenarios: Set<String> = []
    private var pending: (ScenarioLine, Int)?
    /// The last line of a scenario whose earlier part was handed out; `pending` holds its next line.
    private var unfinished: ScenarioLine?
    private let maxPartCommands: Int
    private var nextOrdinal: Int
    /// Whether the first non-blank line was read (only it may be a ``CorpusHeader``).
    private var readFirstLine = false
    /// The file's header, when its first line is one.
    public private(set) var header: CorpusHeader?
    /// Number of lines read so far, blank ones included.
    package var linesRead: Int { lineNumber }

    /// Opens `path`; `firstOrdinal` continues ordinals across several input files.
    public init(path: String, displayName: String? = nil, firstOrdinal: Int = 0,
                maxLineBytes: Int = ScenarioReader.defaultMaxLineBytes,
                maxPartCommands: Int = ScenarioReader.defaultMaxPartCommands,
                clockAdvance: ClockAdvance? = nil,
                decode: @escaping Decode) throws(ScenarioError) {
        self.clockAdvance = clockAdvance
        self.maxPartCommands = max(1, maxPartCommands)
        self.path = path
        self.displayName = displayName ?? path
        // A directory opens but cannot be read: it is no input either.
        var isDirectory: ObjCBool = false
        guard !(FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue),
              let handle = FileHandle(forReadingAtPath: path) else {
            throw ScenarioError(file: displayName ?? path, line: 0, message: "cannot open the file for reading",
                                unreadable: true)
        }
        self.handle = handle
        self.decode = decode
        self.maxLineBytes = maxLineBytes
        self.nextOrdinal = firstOrdinal
    }

    /// Opens `path` with `subject`'s decoding and clock: a clock advanced past the supported range
    /// (``Timestamp/maxSeconds``) is bad input at the advancing line.
    public init<Subject: ShadowSubject>(path: String, subject: Subject, displayName: String? = nil, firstOrdinal: Int = 0,
                                        maxLineBytes: Int = ScenarioReader.defaultMaxLineBytes,
                                        maxPartCommands: Int = ScenarioReader.defaultMaxPartCommands)
        throws(ScenarioError) where Subject.Command == Command {
        try self.init(path: path, displayName: displayName, firstOrdinal: firstOrdinal, maxLineBytes: maxLineBytes,
                      maxPartCommands: maxPartCommands, clockAdvance: { subject.clockAdvance(of: $0) },
                      decode: { line throws(FieldError) in try subject.decode(line) })
    }

    /// The next scenario (or part of a long one), or `nil` at the end of the file.
    public mutating func nextScenario() throws(ScenarioError) -> ScenarioInput<Command>? {
        let start: (ScenarioLine, Int)?
        if let pending {
            start = pending
        } else {
            start = try nextLine()
        }
        guard let (first, firstLine) = start else { return nil }
        pending = nil
        let continuing = unfinished
        unfinished = nil
        if let continuing {
            try checkOrder(first, after: continuing, line: firstLine)
        } else {
            guard seenScenarios.insert(first.scenario).inserted else {
                throw error(firstLine, "scenario \"\(first.scenario)\" continues here after other scenarios; keep each scenario's lines together")
            }
            clock = first.at
        }
        var scenario = ScenarioInput(id: first.scenario, file: displayName, ordinal: nextOrdinal,
                                     commands: [try inputCommand(first, line: firstLine)])
        scenario.continuesPrevious = continuing != nil
        scenario.synthetic = header?.traffic == .generated
        var previous = first
        while let (line, number) = try nextLine() {
            guard line.scenario == first.scenario else {
                pending = (line, number)
                break
            }
            try checkOrder(line, after: previous, line: number)
            if scenario.commands.count == maxPartCommands {
                // The scenario goes on: hand out this part, and go on from this line next time.
                pending = (line, number)
                unfinished = previous
                scenario.continues = true
                return scenario
            }
            scenario.commands.append(try inputCommand(line, line: number))
            previous = line
        }
        nextOrdinal += 1
        return scenario
    }

    /// Reads on to the scenario with this id, whole (its parts joined); `nil` when the file has none.
    public mutating func scenario(withID id: String) throws(ScenarioError) -> ScenarioInput<Command>? {
        while var scenario = try nextScenario() {
            guard scenario.id == id else { continue }
            while scenario.continues, let part = try nextScenario() {
                scenario.commands += part.commands
                scenario.continues = part.continues
            }
            return scenario
        }
        return nil
    }

    private func checkOrder(_ line: ScenarioLine, after previous: ScenarioLine, line number: Int) throws(ScenarioError) {
        guard line.seq > previous.seq else {
            throw error(number, "seq \(line.seq) is out of order (after seq \(previous.seq) of scenario \"\(line.scenario)\")")
        }
        guard line.at >= previous.at else {
            throw error(number, "time goes backwards: \(Timestamp.format(line.at)) is before \(Timestamp.format(previous.at)) (seq \(previous.seq))")
        }
    }

    private func error(_ line: Int, _ message: String) -> ScenarioError {
        ScenarioError(file: displayName, line: line, message: message)
    }

    private mutating func inputCommand(_ line: ScenarioLine, line number: Int) throws(ScenarioError) -> InputCommand<Command> {
        let command: Command
        do {
            command = try decode(line)
        } catch {
            throw self.error(number, error.message)
        }
        clock = max(clock, line.at)
        if let seconds = clockAdvance?(command) {
            let moved = clock + seconds
            guard Timestamp.isSupported(moved) else {
                throw self.error(number, "advancing the clock by \(seconds) seconds from \(Timestamp.format(clock)) goes "
                                 + "past \(Timestamp.format(Timestamp.maxSeconds)), the latest supported time")
            }
            clock = moved
        }
        return InputCommand(seq: line.seq, at: line.at, op: line.op, line: number, command: command)
    }

    /// The next non-blank line, parsed and its envelope checked; a header on the first line is kept aside.
    private mutating func nextLine() throws(ScenarioError) -> (ScenarioLine, Int)? {
        while let bytes = try nextRawLine() {
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            var object = try parseObject(bytes)
            if !readFirstLine {
                readFirstLine = true
                if object["scenario"] == nil, object[CorpusHeader.key] != nil {
                    header = try CorpusHeader(object, file: displayName, line: lineNumber)
                    continue
                }
            }
            return (try parse(&object), lineNumber)
        }
        return nil
    }

    private func parseObject(_ raw: ArraySlice<UInt8>) throws(ScenarioError) -> [String: JSONValue] {
        var bytes = Array(raw)
        if bytes.last == 0x0D { bytes.removeLast() }
        if lineNumber == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw error(lineNumber, "invalid UTF-8 at byte \(firstInvalidUTF8Offset(bytes) + 1)")
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw self.error(lineNumber, "invalid JSON at \(error.description)")
        }
        guard case .object(let object) = value else {
            throw error(lineNumber, "expected a JSON object, got \(value.typeName)")
        }
        return object
    }

    private func parse(_ object: inout [String: JSONValue]) throws(ScenarioError) -> ScenarioLine {
        guard case .string(let scenario)? = object["scenario"], !scenario.isEmpty else {
            throw error(lineNumber, envelopeMessage("scenario", "a non-empty string", object["scenario"]))
        }
        guard case .int(let seq)? = object["seq"], seq >= 0 else {
            throw error(lineNumber, envelopeMessage("seq", "a non-negative integer", object["seq"]))
        }
        guard case .string(let atText)? = object["at"] else {
            throw error(lineNumber, envelopeMessage("at", "an RFC 3339 time string", object["at"]))
        }
        guard let at = Timestamp.parse(atText) else {
            throw error(lineNumber, "field \"at\": \"\(atText)\" is not an RFC 3339 time like 2026-11-24T10:00:00Z")
        }
        guard Timestamp.isSupported(at) else {
            throw error(lineNumber, "field \"at\": \"\(atText)\" is outside the supported years 0001 to 9999 (UTC)")
        }
        guard case .string(let op)? = object["op"] else {
            throw error(lineNumber, envelopeMessage("op", "an operation name string", object["op"]))
        }
        for key in ScenarioLine.envelopeKeys { object[key] = nil }
        return ScenarioLine(scenario: scenario, seq: seq, at: at, op: op, fields: object)
    }

    private func envelopeMessage(_ field: String, _ expected: String, _ value: JSONValue?) -> String {
        guard let value else { return "missing field \"\(field)\" (expected \(expected))" }
        return "field \"\(field)\": expected \(expected), got \(value.typeName)"
    }

    /// 0-based offset of the first byte that cannot start or continue a valid UTF-8 sequence.
    private func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .error: return offset
            case .emptyInput: return offset
            }
        }
    }

    /// The bytes of the next line without its newline; enforces the size limit while reading.
    private mutating func nextRawLine() throws(ScenarioError) -> ArraySlice<UInt8>? {
        var searchFrom = bufferStart
        while true {
            if let newline = buffer[searchFrom...].firstIndex(of: 0x0A) {
                lineNumber += 1
                let line = buffer[bufferStart..<newline]
                bufferStart = newline + 1
                guard line.count <= maxLineBytes else { throw tooLong(line.count) }
                return line
            }
            if buffer.count - bufferStart > maxLineBytes {
                lineNumber += 1
                throw tooLong(buffer.count - bufferStart)
            }
            if endOfFile {
                guard bufferStart < buffer.count else { return nil }
                lineNumber += 1
                let line = buffer[bufferStart...]
                bufferStart = buffer.count
                return line
            }
            searchFrom = buffer.count
            if bufferStart > 0 {
                buffer.removeSubrange(0..<bufferStart)
                searchFrom -= bufferStart
                bufferStart = 0
            }
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: 1 << 20)
            } catch {
                throw ScenarioError(file: displayName, line: lineNumber, message: "read failed: \(error.localizedDescription)")
            }
            if let chunk, !chunk.isEmpty {
                buffer.append(contentsOf: chunk)
            } else {
                endOfFile = true
            }
        }
    }

    private func tooLong(_ count: Int) -> ScenarioError {
        error(lineNumber, "line is longer than the limit of \(maxLineBytes) bytes (\(count)+ bytes)")
    }
}

/// An output file that could not be written.
public struct OutputError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { "\(path): \(message)" }
}

/// Writes scenario lines, buffered, to a file.
public struct ScenarioWriter: ~Copyable {
    private let handle: FileHandle
    private var buffer = ""
    private let path: String

    public init(path: String) throws(OutputError) {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw OutputError(path: path, message: "cannot create the file (does its directory exist?)")
        }
        self.handle = handle
    }

    /// Writes the file's header; call before the first line.
    public mutating func write(_ header: CorpusHeader) throws(OutputError) {
        buffer += header.jsonLine
        buffer += "\n"
    }

    public mutating func write(_ line: ScenarioLine) throws(OutputError) {
        buffer += line.jsonLine
        buffer += "\n"
        if buffer.utf8.count > 1 << 20 { try flush() }
    }

    mutating func flush() throws(OutputError) {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: Data(buffer.utf8))
        } catch {
            throw OutputError(path: path, message: "write failed: \(error.localizedDescription)")
        }
        buffer = ""
    }

    public consuming func close() throws(OutputError) {
        try flush()
        try? handle.close()
    }
}
