import Foundation
import ShadowKit

/// A diverging command whose scenario lines the report wants to show.
public struct ScenarioContextRequest: Sendable, Hashable {
    /// The input the divergence came from (a file path, or a label such as `generated:seed=7`).
    public var file: String
    public var scenario: String
    public var seq: Int
    /// Line of the diverging command in `file` (0 when the input is not a file).
    public var line: Int

    init(file: String, scenario: String, seq: Int, line: Int) {
        self.file = file
        self.scenario = scenario
        self.seq = seq
        self.line = line
    }
}

/// The commands that led to a divergence: the last few lines of its scenario up to the diverging one.
public struct ScenarioContext: Sendable, Equatable {
    /// Scenario lines as JSON objects, the diverging command last.
    public var lines: [JSONValue]
    /// Earlier lines of the scenario not included.
    public var omitted: Int

    public init(lines: [JSONValue], omitted: Int) {
        self.lines = lines
        self.omitted = omitted
    }
}

/// Finds scenario lines for the report. Asked once with every request, so an implementation can read each input
/// once however many examples come from it. Requests it cannot answer are left out of the result.
public protocol ScenarioContextProvider: Sendable {
    func contexts(for requests: Set<ScenarioContextRequest>, maxLines: Int) -> [ScenarioContextRequest: ScenarioContext]
}

/// Reads scenario lines back from JSON Lines input files, streaming, stopping after the last line needed.
///
/// Lines of a scenario need not be adjacent; a line is counted when its `scenario` matches and its `seq` is at most
/// the diverging seq. A file that is missing or changed since the run simply gives no context (or lines that no
/// longer end in the diverging seq, which are then dropped).
public struct FileScenarioContexts: ScenarioContextProvider {
    public init() {}

    public func contexts(for requests: Set<ScenarioContextRequest>, maxLines: Int) -> [ScenarioContextRequest: ScenarioContext] {
        guard maxLines > 0 else { return [:] }
        var result: [ScenarioContextRequest: ScenarioContext] = [:]
        let byFile = Dictionary(grouping: requests.filter { $0.line > 0 }, by: \.file)
        for (file, wanted) in byFile {
            guard let reader = LineReader(path: file) else { continue }
            result.merge(Self.scan(reader, wanted, maxLines: maxLines)) { first, _ in first }
        }
        return result
    }

    private static func scan(_ reader: LineReader, _ wanted: [ScenarioContextRequest], maxLines: Int)
        -> [ScenarioContextRequest: ScenarioContext] {
        var reader = reader
        let lastLine = wanted.map(\.line).max() ?? 0
        let scenarios = Set(wanted.map(\.scenario))
        // Per request: the last `maxLines` lines of its scenario before its line, and how many came before them.
        var windows: [ScenarioContextRequest: [JSONValue]] = [:]
        var seen: [ScenarioContextRequest: Int] = [:]
        var found: [ScenarioContextRequest: JSONValue] = [:]
        var number = 0
        while number < lastLine, let bytes = reader.next() {
            number += 1
            // Lines written by the generator start with the scenario id: skip other scenarios without parsing.
            if let quick = Self.leadingScenario(bytes), !scenarios.contains(quick) { continue }
            guard case .object(let object)? = try? JSONValue.parse(bytes),
                  case .string(let scenario)? = object["scenario"], scenarios.contains(scenario) else { continue }
            let seq = object["seq"].flatMap { if case .int(let s) = $0 { s } else { nil } } ?? Int.max
            let value = JSONValue.object(object)
            for request in wanted where request.scenario == scenario && found[request] == nil {
                if number == request.line {
                    if seq == request.seq { found[request] = value }
                } else if number < request.line, seq < request.seq {
                    windows[request, default: []].append(value)
                    seen[request, default: 0] += 1
                    if windows[request, default: []].count > maxLines - 1 { windows[request]?.removeFirst() }
                }
            }
        }
        var result: [ScenarioContextRequest: ScenarioContext] = [:]
        for (request, line) in found {
            let before = windows[request] ?? []
            result[request] = ScenarioContext(lines: before + [line], omitted: (seen[request] ?? 0) - before.count)
        }
        return result
    }
}

extension FileScenarioContexts {
    private static let scenarioPrefix = Array(#"{"scenario":""#.utf8)

    /// The scenario id of a line that starts with `{"scenario":"id"` (no escapes in the id); nil otherwise.
    static func leadingScenario(_ bytes: [UInt8]) -> String? {
        guard bytes.count > scenarioPrefix.count, bytes.starts(with: scenarioPrefix) else { return nil }
        let rest = bytes[scenarioPrefix.count...]
        guard let close = rest.firstIndex(of: UInt8(ascii: "\"")),
              !rest[..<close].contains(UInt8(ascii: "\\")) else { return nil }
        return String(decoding: rest[..<close], as: UTF8.self)
    }
}

/// Byte lines of a file, read in chunks (memory does not grow with the file).
struct LineReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false

    init?(path: String) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        self.handle = handle
    }

    /// The next line without its `\n` (and `\r`), or nil at the end of the file.
    mutating func next() -> [UInt8]? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(buffer[start..<newline])
                start = newline + 1
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return line
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = Array(buffer[start...])
                start = buffer.count
                return line
            }
            buffer.removeFirst(start)
            start = 0
            let chunk = (try? handle.read(upToCount: 1 << 20)) ?? nil
            if let chunk, !chunk.isEmpty {
                buffer.append(contentsOf: chunk)
            } else {
                atEnd = true
                try? handle.close()
            }
        }
    }
}
