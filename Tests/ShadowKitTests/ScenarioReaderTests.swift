import Foundation
import LMS
import LMSShadow
import ShadowKit
import ShadowTestSupport
import Testing

/// The streaming scenario reader: valid files in every shape, and every kind of bad input stopping at the
/// first bad line with `FILE:LINE: what is wrong`.
@Suite struct ScenarioReaderTests {
    static let name = "input.jsonl"

    static func line(_ scenario: String = "s-1", seq: Int, at: String = "2026-11-24T10:00:00Z", op: String,
                     _ fields: String = "") -> String {
        "{\"scenario\":\"\(scenario)\",\"seq\":\(seq),\"at\":\"\(at)\",\"op\":\"\(op)\"\(fields.isEmpty ? "" : "," + fields)}"
    }

    static let create = line(seq: 1, op: "course.create", #""courseId":7,"title":"Intro""#)
    static let lesson = line(seq: 2, at: "2026-11-24T10:01:00Z", op: "course.addLesson", #""courseId":7,"lessonId":1,"title":"L1""#)
    static let publish = line(seq: 3, at: "2026-11-24T10:02:00Z", op: "course.publish", #""courseId":7"#)

    /// Reads every scenario of `bytes` with the LMS codec.
    static func readAll(bytes: [UInt8], maxLineBytes: Int = ScenarioReader<LMSCommand>.defaultMaxLineBytes,
                        firstOrdinal: Int = 0) throws -> Result<[ScenarioInput<LMSCommand>], ScenarioError> {
        let directory = try TemporaryDirectory()
        let path = try directory.write(name, bytes: bytes)
        do {
            var reader = try ScenarioReader<LMSCommand>(path: path, displayName: name, firstOrdinal: firstOrdinal,
                                                        maxLineBytes: maxLineBytes, decode: LMSCommandCodec.decode)
            var scenarios: [ScenarioInput<LMSCommand>] = []
            while let scenario = try reader.nextScenario() { scenarios.append(scenario) }
            return .success(scenarios)
        } catch {
            return .failure(error)
        }
    }

    static func readAll(_ lines: [String], maxLineBytes: Int = ScenarioReader<LMSCommand>.defaultMaxLineBytes)
        throws -> Result<[ScenarioInput<LMSCommand>], ScenarioError> {
        try readAll(bytes: Array(lines.map { $0 + "\n" }.joined().utf8), maxLineBytes: maxLineBytes)
    }

    /// The error reading `lines` must produce: at `line`, with `message` in it.
    static func expectError(_ lines: [String], line: Int, _ message: String, maxLineBytes: Int = 1 << 20,
                            sourceLocation: SourceLocation = #_sourceLocation) throws {
        try expectError(bytes: Array(lines.map { $0 + "\n" }.joined().utf8), line: line, message,
                        maxLineBytes: maxLineBytes, sourceLocation: sourceLocation)
    }

    static func expectError(bytes: [UInt8], line: Int, _ message: String, maxLineBytes: Int = 1 << 20,
                            sourceLocation: SourceLocation = #_sourceLocation) throws {
        switch try readAll(bytes: bytes, maxLineBytes: maxLineBytes) {
        case .success(let scenarios):
            Issue.record("read \(scenarios.count) scenarios, expected an error at line \(line)", sourceLocation: sourceLocation)
        case .failure(let error):
            #expect(error.file == name, sourceLocation: sourceLocation)
            #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
            #expect(error.message.contains(message), "\(error)", sourceLocation: sourceLocation)
            #expect(error.description == "\(name):\(line): \(error.message)", sourceLocation: sourceLocation)
        }
    }

    // MARK: Valid input

    @Test func readsScenariosInOrderWithLineNumbers() throws {
        let lines = [Self.create, Self.lesson, Self.publish,
                     Self.line("s-2", seq: 1, op: "course.create", #""courseId":8,"title":"Other""#),
                     Self.line("s-2", seq: 5, at: "2026-11-24T10:00:00Z", op: "clock.advance", #""seconds":60"#)]
        let scenarios = try Self.readAll(lines).get()
        #expect(scenarios.map(\.id) == ["s-1", "s-2"])
        #expect(scenarios.map(\.ordinal) == [0, 1])
        #expect(scenarios.allSatisfy { $0.file == Self.name })
        #expect(scenarios[0].commands.map(\.seq) == [1, 2, 3])
        #expect(scenarios[0].commands.map(\.line) == [1, 2, 3])
        #expect(scenarios[0].commands.map(\.op) == ["course.create", "course.addLesson", "course.publish"])
        #expect(scenarios[0].commands[0].command == .courseCreate(courseId: 7, title: "Intro", instructorId: nil,
                                                                    capacity: nil, certificateTemplate: nil))
        #expect(scenarios[0].commands[2].command == .coursePublish(courseId: 7))
        #expect(scenarios[0].commands.map(\.at) == [Fixtures.start, Fixtures.start + 60, Fixtures.start + 120])
        // Seq may jump; equal times are not "backwards".
        #expect(scenarios[1].commands.map(\.seq) == [1, 5])
        #expect(scenarios[1].commands.map(\.line) == [4, 5])
        #expect(scenarios[1].commands[1].command == .advanceClock(seconds: 60))
    }

    @Test func firstOrdinalContinuesNumbering() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("a.jsonl", lines: [Self.create, Self.line("s-2", seq: 1, op: "course.publish", #""courseId":1"#)])
        var reader = try ScenarioReader<LMSCommand>(path: path, firstOrdinal: 10, decode: LMSCommandCodec.decode)
        #expect(try reader.nextScenario()?.ordinal == 10)
        let second = try reader.nextScenario()
        #expect(second?.ordinal == 11)
        #expect(second?.file == path, "without a display name the path is used")
        #expect(try reader.nextScenario() == nil)
        #expect(try reader.nextScenario() == nil, "stays at the end")
        #expect(reader.linesRead == 2)
    }

    @Test func blankLinesAreSkippedButCounted() throws {
        let lines = ["", Self.create, "   ", "\t", Self.lesson, "", Self.publish, ""]
        let scenarios = try Self.readAll(lines).get()
        #expect(scenarios.count == 1)
        #expect(scenarios[0].commands.map(\.line) == [2, 5, 7])
        // An error after blank lines names the physical line.
        try Self.expectError(["", "", Self.create, "", "{oops"], line: 5, "invalid JSON")
    }

    @Test func crlfLineEndingsWork() throws {
        let text = [Self.create, Self.lesson, "", Self.publish].map { $0 + "\r\n" }.joined()
        let scenarios = try Self.readAll(bytes: Array(text.utf8)).get()
        #expect(scenarios.first?.commands.map(\.line) == [1, 2, 4])
        #expect(scenarios.first?.commands.last?.command == .coursePublish(courseId: 7))
        // Errors in a CRLF file keep their line numbers.
        let bad = [Self.create, Self.lesson, Self.line(seq: 3, at: "2026-11-24T10:02:00Z", op: "course.delete", #""courseId":7"#)].map { $0 + "\r\n" }.joined()
        try Self.expectError(bytes: Array(bad.utf8), line: 3, "unknown op \"course.delete\"")
    }

    @Test func lastLineWithoutNewlineWorks() throws {
        let text = [Self.create, Self.lesson, Self.publish].joined(separator: "\n")
        let scenarios = try Self.readAll(bytes: Array(text.utf8)).get()
        #expect(scenarios.first?.commands.map(\.line) == [1, 2, 3])
        #expect(scenarios.first?.commands.last?.command == .coursePublish(courseId: 7))
        // The same with CRLF and a final CR only.
        let crlf = [Self.create, Self.publish.replacingOccurrences(of: "\"seq\":3", with: "\"seq\":2")].joined(separator: "\r\n") + "\r"
        #expect(try Self.readAll(bytes: Array(crlf.utf8)).get().first?.commands.count == 2)
        // And an error on an unterminated last line has its number.
        try Self.expectError(bytes: Array(([Self.create, Self.lesson, "[1]"].joined(separator: "\n")).utf8), line: 3,
                             "expected a JSON object")
    }

    @Test func emptyFileHasNoScenarios() throws {
        #expect(try Self.readAll(bytes: []).get().isEmpty)
        #expect(try Self.readAll(bytes: Array("\n\n  \n".utf8)).get().isEmpty)
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let scenarios = try Self.readAll(bytes: [0xEF, 0xBB, 0xBF] + Array((Self.create + "\n").utf8)).get()
        #expect(scenarios.first?.commands.count == 1)
    }

    @Test func timesWithOffsetsAndFractions() throws {
        let lines = [Self.line(seq: 1, at: "2026-11-24T11:00:00+01:00", op: "course.publish", #""courseId":1"#),
                     Self.line(seq: 2, at: "2026-11-24T10:00:00.250Z", op: "course.publish", #""courseId":1"#),
                     Self.line(seq: 3, at: "2026-11-24T05:30:01-04:30", op: "course.publish", #""courseId":1"#)]
        let commands = try #require(try Self.readAll(lines).get().first?.commands)
        #expect(commands.map(\.at) == [Fixtures.start, Fixtures.start + 0.25, Fixtures.start + 1])
    }

    @Test(arguments: [0, 0.5, 0.25, 0.001, 0.0004, 0.9994, 0.9996, 59.9999, 86_399.9999])
    func timestampsRoundTripToTheMillisecond(offset: Double) throws {
        let seconds = Fixtures.start + offset
        let text = Timestamp.format(seconds)
        let parsed = try #require(Timestamp.parse(text), "\(text) does not parse")
        #expect(abs(parsed - seconds) <= 0.0005 + 1e-9, "\(offset) → \(text)")
        #expect(text.count == 20 || text.count == 24, "\(text)")
    }

    @Test func timestampsFormatWholeSecondsWithoutAFraction() {
        #expect(Timestamp.format(Fixtures.start) == "2026-11-24T10:00:00Z")
        #expect(Timestamp.format(Fixtures.start + 1.25) == "2026-11-24T10:00:01.250Z")
        #expect(Timestamp.format(0) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.format(951_782_400) == "2000-02-29T00:00:00Z")
        #expect(Timestamp.parse("2000-02-29T00:00:00Z") == 951_782_400)
        #expect(Timestamp.parse("2026-11-24t10:00:00z") == Fixtures.start)
    }

    @Test func missingFileIsAnError() throws {
        let directory = try TemporaryDirectory()
        let error = #expect(throws: ScenarioError.self) {
            _ = try ScenarioReader<LMSCommand>(path: directory.file("nope.jsonl"), decode: LMSCommandCodec.decode)
        }
        #expect(error?.line == 0)
        #expect(error?.message.contains("cannot open") == true)
        #expect(error?.isUnreadable == true)
        #expect(error?.description == "\(directory.file("nope.jsonl")): \(error?.message ?? "")")
        // A directory opens, but it is no more an input than a missing file.
        let notAFile = #expect(throws: ScenarioError.self) {
            _ = try ScenarioReader<LMSCommand>(path: directory.path, decode: LMSCommandCodec.decode)
        }
        #expect(notAFile?.isUnreadable == true)
        #expect(notAFile?.line == 0)
    }

    // MARK: Malformed input, each with its line

    @Test func badJSON() throws {
        try Self.expectError([Self.create, #"{"scenario":"s-1","seq":2,"#], line: 2, "invalid JSON at column 27")
        try Self.expectError([Self.create, Self.lesson, "{\"scenario\": s-1}"], line: 3, "invalid JSON at column 14: unexpected character")
        try Self.expectError(["not json at all"], line: 1, "invalid JSON")
    }

    @Test func stopsAtTheFirstBadLine() throws {
        try Self.expectError([Self.create, Self.lesson, "{bad", "{worse", Self.publish], line: 3, "invalid JSON")
    }

    @Test func unknownOp() throws {
        try Self.expectError([Self.create, Self.line(seq: 2, op: "course.delete", #""courseId":7"#)], line: 2,
                             "unknown op \"course.delete\"")
    }

    @Test func missingField() throws {
        try Self.expectError([Self.create, Self.lesson, Self.line(seq: 3, at: "2026-11-24T10:02:00Z", op: "course.publish")], line: 3,
                             "\"course.publish\" needs field \"courseId\"")
        try Self.expectError([Self.line(seq: 1, op: "course.create", #""courseId":7"#)], line: 1,
                             "\"course.create\" needs field \"title\"")
    }

    @Test func mistypedField() throws {
        try Self.expectError([Self.create, Self.line(seq: 2, op: "course.publish", #""courseId":"7""#)], line: 2,
                             "field \"courseId\": expected integer, got string")
        try Self.expectError([Self.create, Self.lesson, Self.line(seq: 3, at: "2026-11-24T10:02:00Z", op: "course.publish", #""courseId":1.5"#)], line: 3,
                             "field \"courseId\": expected integer, got number")
        try Self.expectError([Self.line(seq: 1, op: "attempt.submit", #""attemptId":1,"answers":[1,"x"]"#)], line: 1,
                             "field \"answers[1]\": expected number, got string")
        try Self.expectError([Self.line(seq: 1, op: "course.create", #""courseId":1,"title":null"#)], line: 1,
                             "field \"title\": expected string, got null")
    }

    @Test func seqOutOfOrder() throws {
        try Self.expectError([Self.create, Self.lesson, Self.line(seq: 2, at: "2026-11-24T10:03:00Z", op: "course.publish", #""courseId":7"#)],
                             line: 3, "seq 2 is out of order (after seq 2 of scenario \"s-1\")")
        try Self.expectError([Self.create, Self.publish, Self.line(seq: 1, at: "2026-11-24T10:03:00Z", op: "course.publish", #""courseId":7"#)],
                             line: 3, "seq 1 is out of order (after seq 3")
    }

    @Test func timeGoingBackwards() throws {
        try Self.expectError([Self.create, Self.lesson, Self.line(seq: 3, at: "2026-11-24T10:00:59Z", op: "course.publish", #""courseId":7"#)],
                             line: 3, "time goes backwards: 2026-11-24T10:00:59Z is before 2026-11-24T10:01:00Z (seq 2)")
    }

    @Test func invalidUTF8() throws {
        // A lone continuation byte as the 15th byte of the line.
        var bytes = Array((Self.create + "\n").utf8)
        bytes += Array("{\"scenario\":\"s".utf8) + [0x80] + Array("\",\"seq\":2}\n".utf8)
        try Self.expectError(bytes: bytes, line: 2, "invalid UTF-8 at byte 15")
        // A truncated sequence at the end of a string.
        let truncated = Array("{\"scenario\":\"s".utf8) + [0xE2, 0x82] + Array("\",\"seq\":1}\n".utf8)
        try Self.expectError(bytes: truncated, line: 1, "invalid UTF-8")
    }

    /// 0xFF can never start a UTF-8 sequence: the byte reported must be the 0xFF itself.
    @Test func invalidUTF8NamesTheBadByte() throws {
        let bytes = Array("{\"scenario\":\"s".utf8) + [0xFF] + Array("x\",\"seq\":1}\n".utf8)
        try Self.expectError(bytes: bytes, line: 1, "invalid UTF-8 at byte 15")
    }

    @Test func lineOverTheSizeLimit() throws {
        let long = Self.line(seq: 2, at: "2026-11-24T10:01:00Z", op: "course.create",
                             #""courseId":2,"title":""# + "\"" + String(repeating: "x", count: 300) + "\"")
        try Self.expectError([Self.create, long, Self.publish], line: 2, "line is longer than the limit of 200 bytes",
                             maxLineBytes: 200)
        // The same as the last line, without a newline.
        let text = Self.create + "\n" + long
        try Self.expectError(bytes: Array(text.utf8), line: 2, "longer than the limit of 200 bytes", maxLineBytes: 200)
        // Lines at the limit are fine.
        let exact = Self.line(seq: 1, op: "course.create", #""courseId":2,"title":"x""#)
        #expect(try Self.readAll([exact], maxLineBytes: exact.utf8.count).get().count == 1)
        try Self.expectError([exact], line: 1, "longer than the limit", maxLineBytes: exact.utf8.count - 1)
    }

    @Test func lineOverTheLimitLargerThanAReadChunk() throws {
        // Bigger than the reader's 1 MiB chunk: the limit must be enforced while reading, before the newline.
        let huge = "{\"scenario\":\"" + String(repeating: "y", count: (1 << 20) + 10) + "\"}"
        try Self.expectError([Self.create, huge], line: 2, "longer than the limit of 4096 bytes", maxLineBytes: 4096)
    }

    @Test func scenarioResumingAfterAnother() throws {
        let lines = [Self.create, Self.lesson,
                     Self.line("s-2", seq: 1, op: "course.create", #""courseId":8,"title":"B""#),
                     Self.line("s-1", seq: 3, at: "2026-11-24T10:05:00Z", op: "course.publish", #""courseId":7"#)]
        try Self.expectError(lines, line: 4, "scenario \"s-1\" continues here after other scenarios")
    }

    @Test func notAnObject() throws {
        try Self.expectError([Self.create, "[1,2,3]"], line: 2, "expected a JSON object, got array")
        try Self.expectError(["\"text\""], line: 1, "expected a JSON object, got string")
        try Self.expectError(["42"], line: 1, "expected a JSON object, got integer")
        try Self.expectError(["null"], line: 1, "expected a JSON object, got null")
    }

    @Test(arguments: ["scenario", "seq", "at", "op"])
    func missingEnvelopeField(field: String) throws {
        var object: [String: JSONValue] = ["scenario": .string("s-1"), "seq": .int(2), "at": .string("2026-11-24T10:01:00Z"),
                                           "op": .string("course.publish"), "courseId": .int(7)]
        object[field] = nil
        try Self.expectError([Self.create, JSONValue.object(object).jsonText], line: 2, "missing field \"\(field)\"")
    }

    @Test func mistypedEnvelopeFields() throws {
        try Self.expectError([#"{"scenario":1,"seq":1,"at":"2026-11-24T10:00:00Z","op":"course.publish","courseId":1}"#],
                             line: 1, "field \"scenario\": expected a non-empty string, got integer")
        try Self.expectError([#"{"scenario":"","seq":1,"at":"2026-11-24T10:00:00Z","op":"course.publish","courseId":1}"#],
                             line: 1, "field \"scenario\": expected a non-empty string, got string")
        try Self.expectError([#"{"scenario":"s","seq":"1","at":"2026-11-24T10:00:00Z","op":"course.publish","courseId":1}"#],
                             line: 1, "field \"seq\": expected a non-negative integer, got string")
        try Self.expectError([#"{"scenario":"s","seq":1.5,"at":"2026-11-24T10:00:00Z","op":"course.publish","courseId":1}"#],
                             line: 1, "field \"seq\": expected a non-negative integer, got number")
        try Self.expectError([#"{"scenario":"s","seq":-1,"at":"2026-11-24T10:00:00Z","op":"course.publish","courseId":1}"#],
                             line: 1, "field \"seq\": expected a non-negative integer, got integer")
        try Self.expectError([#"{"scenario":"s","seq":1,"at":1795514400,"op":"course.publish","courseId":1}"#],
                             line: 1, "field \"at\": expected an RFC 3339 time string, got integer")
        try Self.expectError([#"{"scenario":"s","seq":1,"at":"2026-11-24T10:00:00Z","op":7,"courseId":1}"#],
                             line: 1, "field \"op\": expected an operation name string, got integer")
    }

    @Test(arguments: ["2026-11-24 10:00:00Z", "2026-11-24T10:00:00", "2026-13-01T10:00:00Z", "2026-02-30T10:00:00Z",
                      "2026-11-24T24:00:00Z", "2026-11-24T10:60:00Z", "24/11/2026", "", "2026-11-24T10:00:00.Z",
                      "2026-11-24T10:00:00+0100", "2026-11-24T10:00:00Zjunk"])
    func badTimeFormat(text: String) throws {
        try Self.expectError([Self.create, Self.line(seq: 2, at: text, op: "course.publish", #""courseId":7"#)], line: 2,
                             "field \"at\": \"\(text)\" is not an RFC 3339 time like 2026-11-24T10:00:00Z")
    }

    // MARK: Writing

    @Test func jsonLineHasTheEnvelopeFirstAndSortedFields() {
        let line = ScenarioLine(scenario: "s-000017", seq: 1, at: Fixtures.start, op: "course.create",
                                fields: ["title": .string("Intro"), "courseId": .int(7)])
        #expect(line.jsonLine == #"{"scenario":"s-000017","seq":1,"at":"2026-11-24T10:00:00Z","op":"course.create","courseId":7,"title":"Intro"}"#)
        let fraction = ScenarioLine(scenario: "a\"b", seq: 2, at: Fixtures.start + 0.5, op: "x", fields: [:])
        #expect(fraction.jsonLine == #"{"scenario":"a\"b","seq":2,"at":"2026-11-24T10:00:00.500Z","op":"x"}"#)
    }

    @Test func writerOutputReadsBackToTheSameCommands() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("generated.jsonl")
        let generator = TrafficGenerator(seed: 7)
        var expected: [[LMSCommand]] = []
        var writer = try ScenarioWriter(path: path)
        for index in 0..<40 {
            let lines = GeneratedSource.lines(generator.scenario(index), index: index)
            for line in lines { try writer.write(line) }
            expected.append(generator.scenario(index).commands.map(\.command))
        }
        try writer.close()
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        #expect(text.hasSuffix("}\n"))
        var reader = try ScenarioReader<LMSCommand>(path: path, decode: LMSCommandCodec.decode)
        var read: [ScenarioInput<LMSCommand>] = []
        while let scenario = try reader.nextScenario() { read.append(scenario) }
        #expect(read.map { $0.commands.map(\.command) } == expected)
        #expect(read.map(\.id) == (0..<40).map { generator.scenario($0).id })
        var generated = GeneratedSource(seed: 7, count: 40)
        var index = 0
        while let scenario = try generated.nextScenario() {
            #expect(scenario.commands.map(\.at) == read[index].commands.map(\.at))
            #expect(scenario.commands.map(\.seq) == read[index].commands.map(\.seq))
            index += 1
        }
    }

    @Test func writerCannotCreateAFileInAMissingDirectory() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: OutputError.self) { _ = try ScenarioWriter(path: directory.file("missing/dir/out.jsonl")) }
    }

    @Test func chainedSourcesContinueOrdinals() throws {
        let directory = try TemporaryDirectory()
        let first = try directory.write("a.jsonl", lines: [Self.create, Self.line("s-2", seq: 1, op: "course.publish", #""courseId":1"#)])
        let second = try directory.write("b.jsonl", lines: [Self.line("s-3", seq: 1, op: "course.publish", #""courseId":1"#)])
        var chained = ChainedSource<LMSCommand>([
            try ScenarioReader(path: first, displayName: "a.jsonl", decode: LMSCommandCodec.decode),
            try ScenarioReader(path: second, displayName: "b.jsonl", decode: LMSCommandCodec.decode),
        ])
        var seen: [(String, String, Int)] = []
        while let scenario = try chained.nextScenario() { seen.append((scenario.id, scenario.file, scenario.ordinal)) }
        #expect(seen.map(\.0) == ["s-1", "s-2", "s-3"])
        #expect(seen.map(\.1) == ["a.jsonl", "a.jsonl", "b.jsonl"])
        #expect(seen.map(\.2) == [0, 1, 2])
    }

    // MARK: Long scenarios, in parts

    static let longScenario: [String] = (1...7).map { seq in
        line("long", seq: seq, at: "2026-11-24T10:0\(seq):00Z", op: "course.publish", #""courseId":7"#)
    }

    @Test func aLongScenarioComesInPartsWithOneOrdinal() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(Self.name, lines: [Self.create] + Self.longScenario
                                                      + [Self.line("s-3", seq: 1, op: "course.publish", #""courseId":1"#)])
        var reader = try ScenarioReader<LMSCommand>(path: path, displayName: Self.name, maxPartCommands: 3,
                                                    decode: LMSCommandCodec.decode)
        var parts: [ScenarioInput<LMSCommand>] = []
        while let part = try reader.nextScenario() { parts.append(part) }
        #expect(parts.map(\.id) == ["s-1", "long", "long", "long", "s-3"])
        #expect(parts.map(\.ordinal) == [0, 1, 1, 1, 2])
        #expect(parts.map { $0.commands.map(\.seq) } == [[1], [1, 2, 3], [4, 5, 6], [7], [1]])
        #expect(parts.map(\.continues) == [false, true, true, false, false])
        #expect(parts.map(\.continuesPrevious) == [false, false, true, true, false])
        #expect(parts[2].commands.map(\.line) == [5, 6, 7])

        var chained = ChainedSource<LMSCommand>([
            try ScenarioReader(path: path, displayName: Self.name, maxPartCommands: 3, decode: LMSCommandCodec.decode),
            try ScenarioReader(path: path, displayName: "again", maxPartCommands: 3, decode: LMSCommandCodec.decode),
        ])
        var ordinals: [Int] = []
        while let part = try chained.nextScenario() { ordinals.append(part.ordinal) }
        #expect(ordinals == [0, 1, 1, 1, 2, 3, 4, 4, 4, 5])
    }

    @Test func aLongScenarioIsCheckedAcrossItsParts() throws {
        var lines = Self.longScenario
        // Line 5 repeats seq 4, which ended the first part's look-ahead and started the second part.
        lines[4] = Self.line("long", seq: 4, at: "2026-11-24T10:05:00Z", op: "course.publish", #""courseId":7"#)
        let directory = try TemporaryDirectory()
        let path = try directory.write(Self.name, lines: lines)
        var reader = try ScenarioReader<LMSCommand>(path: path, displayName: Self.name, maxPartCommands: 3,
                                                    decode: LMSCommandCodec.decode)
        #expect(try reader.nextScenario()?.commands.count == 3)
        #expect(throws: ScenarioError(file: Self.name, line: 5,
                                      message: "seq 4 is out of order (after seq 4 of scenario \"long\")")) {
            _ = try reader.nextScenario()
        }
    }

    @Test func findingALongScenarioByIDJoinsItsParts() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(Self.name, lines: Self.longScenario + [Self.create])
        var reader = try ScenarioReader<LMSCommand>(path: path, displayName: Self.name, maxPartCommands: 2,
                                                    decode: LMSCommandCodec.decode)
        let long = try #require(try reader.scenario(withID: "long"))
        #expect(long.commands.map(\.seq) == Array(1...7))
        #expect(!long.continues && !long.continuesPrevious)
        #expect(try reader.nextScenario()?.id == "s-1")
    }

    // MARK: The fake subject's codec, used by the engine tests

    @Test func fakeSubjectRoundTripsThroughAFile() throws {
        let subject = FakeSubject()
        let commands: [FakeCommand] = [
            .agree("alpha.one", .value(3, events: ["A"], failedJobs: ["J"], transitions: [FakeTransition("thing", "1", from: "a", to: "b")])),
            .differ("beta.two", control: .rejected("nope"), candidate: .crash("boom")),
            .advance(30), .agree("alpha.count", .counter), .agree("alpha.time", .clock),
        ]
        let directory = try TemporaryDirectory()
        let path = try directory.write("fake.jsonl", lines: Fixtures.lines(subject, scenario: "f-1", commands))
        var reader = try ScenarioReader<FakeCommand>(path: path, decode: subject.decode)
        #expect(try reader.nextScenario()?.commands.map(\.command) == commands)
        let bad = try directory.write("bad.jsonl", lines: [#"{"scenario":"f","seq":1,"at":"2026-11-24T10:00:00Z","op":"gamma.x","control":{"value":1}}"#])
        var badReader = try ScenarioReader<FakeCommand>(path: bad, displayName: "bad.jsonl", decode: subject.decode)
        #expect(throws: ScenarioError(file: "bad.jsonl", line: 1, message: "unknown op \"gamma.x\"")) {
            _ = try badReader.nextScenario()
        }
    }
}
