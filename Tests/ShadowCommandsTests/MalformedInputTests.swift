import Foundation
import ShadowKit
import ShadowReport
import ShadowRollout
import ShadowTestSupport
import Testing

/// Every kind of malformed scenario input through the CLI: exit 65, `FILE:LINE: message` on standard error,
/// and the run stored as `aborted` with that error and no statistics.
@Suite(.tags(.endToEnd), .timeLimit(.minutes(5)))
struct MalformedInputTests {
    static func line(_ scenario: String = "s-1", seq: Int, at: String = "2026-11-24T10:00:00Z", op: String,
                     _ fields: String) -> String {
        "{\"scenario\":\"\(scenario)\",\"seq\":\(seq),\"at\":\"\(at)\",\"op\":\"\(op)\",\(fields)}"
    }

    static let good = [
        line(seq: 1, op: "course.create", #""courseId":7,"title":"Intro""#),
        line(seq: 2, at: "2026-11-24T10:01:00Z", op: "course.addLesson", #""courseId":7,"lessonId":1,"title":"L1""#),
    ]

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var line: Int
        var message: String
        var testDescription: String { name }

        init(_ name: String, _ lines: [String], line: Int, _ message: String) {
            self.init(name, bytes: Array(lines.map { $0 + "\n" }.joined().utf8), line: line, message)
        }

        init(_ name: String, bytes: [UInt8], line: Int, _ message: String) {
            self.name = name
            self.bytes = bytes
            self.line = line
            self.message = message
        }
    }

    static let cases: [Case] = [
        Case("bad JSON", good + [#"{"scenario":"s-1","seq":3,"#], line: 3, "invalid JSON at column"),
        Case("unknown op", good + [line(seq: 3, at: "2026-11-24T10:02:00Z", op: "course.delete", #""courseId":7"#)], line: 3,
             "unknown op \"course.delete\""),
        Case("missing field", good + [line(seq: 3, at: "2026-11-24T10:02:00Z", op: "course.publish", #""id":7"#)], line: 3,
             "\"course.publish\" needs field \"courseId\""),
        Case("string for an integer", [line(seq: 1, op: "course.create", #""courseId":"seven","title":"t""#)], line: 1,
             "field \"courseId\": expected integer, got string"),
        Case("1.5 for an integer", good + [line(seq: 3, at: "2026-11-24T10:02:00Z", op: "enrollment.enroll", #""userId":1.5,"courseId":7"#)],
             line: 3, "field \"userId\": expected integer, got number"),
        Case("seq out of order", good + [line(seq: 2, at: "2026-11-24T10:02:00Z", op: "course.publish", #""courseId":7"#)], line: 3,
             "seq 2 is out of order"),
        Case("time going backwards", good + [line(seq: 3, at: "2026-11-24T09:59:00Z", op: "course.publish", #""courseId":7"#)],
             line: 3, "time goes backwards"),
        Case("invalid UTF-8", bytes: Array((good.joined(separator: "\n") + "\n").utf8)
                + Array(#"{"scenario":"s-1","seq":3,"at":"2026-11-24T10:02:00Z","op":"course.create","courseId":8,"title":""#.utf8)
                + [0xC3, 0x28] + Array("\"}\n".utf8), line: 3, "invalid UTF-8"),
        Case("line over the size limit", good + [line(seq: 3, at: "2026-11-24T10:02:00Z", op: "course.create",
                                                      #""courseId":8,"title":""# + "\"" + String(repeating: "x", count: (1 << 20) + 1) + "\"")],
             line: 3, "line is longer than the limit of 1048576 bytes"),
        Case("scenario resuming after another", good + [line("s-2", seq: 1, op: "course.create", #""courseId":1,"title":"t""#),
                                                         line(seq: 3, at: "2026-11-24T10:05:00Z", op: "course.publish", #""courseId":7"#)],
             line: 4, "scenario \"s-1\" continues here after other scenarios"),
        Case("not an object", good + ["[1, 2]"], line: 3, "expected a JSON object, got array"),
        Case("missing envelope field", good + [#"{"scenario":"s-1","at":"2026-11-24T10:02:00Z","op":"course.publish","courseId":7}"#],
             line: 3, "missing field \"seq\""),
        Case("bad at format", good + [line(seq: 3, at: "24.11.2026 10:02", op: "course.publish", #""courseId":7"#)], line: 3,
             "is not an RFC 3339 time"),
        Case("blank lines count", ["", good[0], "   ", good[1], "", "{oops"], line: 6, "invalid JSON"),
        Case("CRLF line endings", bytes: Array((good.joined(separator: "\r\n") + "\r\n" + "[]\r\n").utf8), line: 3,
             "expected a JSON object"),
        // Issue 11, item 1: times RFC 3339 cannot write, and clocks moved past them, are bad input (they crashed
        // formatting, or were stored as a complete run with 9.2e18 scenario seconds).
        Case("advance by Int.max seconds", good + [line(seq: 3, at: "2026-11-24T10:02:00Z", op: "clock.advance",
                                                        #""seconds":9223372036854775807"#)], line: 3,
             "advancing the clock by 9.223372036854776e+18 seconds"),
        Case("two advances of 5e18 seconds", good + [
            line(seq: 3, at: "2026-11-24T10:02:00Z", op: "clock.advance", #""seconds":5000000000000000000"#),
            line(seq: 4, at: "2026-11-24T10:02:00Z", op: "clock.advance", #""seconds":5000000000000000000"#),
        ], line: 3, "past 9999-12-31T23:59:59.999Z, the latest supported time"),
        Case("advance past year 9999", good + [line(seq: 3, at: "9999-12-31T23:00:00Z", op: "clock.advance", #""seconds":3600"#)],
             line: 3, "past 9999-12-31T23:59:59.999Z"),
        Case("year 0000", [line(seq: 1, at: "0000-06-01T00:00:00Z", op: "course.create", #""courseId":7,"title":"t""#)], line: 1,
             "is outside the supported years 0001 to 9999"),
        Case("an offset before year 1", [line(seq: 1, at: "0001-01-01T00:00:00+01:00", op: "course.create", #""courseId":7,"title":"t""#)],
             line: 1, "is outside the supported years 0001 to 9999"),
        // Issue 11, item 6: a misspelled field is an error, not silently ignored.
        Case("misspelled optional field", good + [line(seq: 3, at: "2026-11-24T10:02:00Z", op: "course.create",
                                                       #""courseId":8,"title":"t","certificaeTemplate":"gold""#)], line: 3,
             "unknown field \"certificaeTemplate\" for course.create; expected one of \"courseId\", \"title\""),
        Case("field in the wrong case", [line(seq: 1, op: "course.create", #""courseId":8,"title":"t","iNstructorId":3"#)], line: 1,
             "unknown field \"iNstructorId\" for course.create"),
        Case("last line without newline", bytes: Array((good.joined(separator: "\n") + "\n" + "[]").utf8), line: 3,
             "expected a JSON object"),
    ]

    @Test(arguments: cases)
    func malformedInputExitsWith65AndAbortsTheRun(input: Case) throws {
        let directory = try TemporaryDirectory()
        try directory.write("good.jsonl", lines: Self.good)
        try directory.write("bad.jsonl", bytes: input.bytes)
        // The bad file comes second, so its errors name it, not the first input.
        let result = try CLI.run(["run", "--input", "good.jsonl", "--input", "bad.jsonl", "--db", "runs.sqlite", "--workers", "2"]
                                 + CLI.ruleArguments, in: directory.path)
        #expect(result.status == 65, "\(input.name): \(result.stderr)")
        let prefix = "bad.jsonl:\(input.line): "
        let errorLine = try #require(result.stderr.split(separator: "\n").first { $0.contains(prefix) },
                                     "\(input.name): stderr lacks \(prefix): \(result.stderr)")
        #expect(errorLine.hasPrefix("error: " + prefix), "\(errorLine)")
        #expect(errorLine.contains(input.message), "\(input.name): \(errorLine)")
        #expect(result.stdout.isEmpty, "no table for an aborted run: \(result.stdout.prefix(200))")
        #expect(result.stderr.contains("aborted"))

        let database = directory.file("runs.sqlite")
        let runs = try CLI.sqlite(database, "SELECT id, status, error, finished_at IS NOT NULL FROM runs")
        #expect(runs.count == 1)
        let run = try #require(runs.first)
        #expect(run[1] == "aborted")
        #expect(run[2].hasPrefix(prefix), "stored error: \(run[2])")
        #expect(run[2].contains(input.message))
        #expect(run[3] == "1")
        for table in ["feature_stats", "signatures", "latency"] {
            #expect(try CLI.sqlite(database, "SELECT COUNT(*) FROM \(table) WHERE run_id = \(run[0])") == [["0"]], "\(table)")
        }
    }

    @Test func validFilesWithTheSameShapesRun() throws {
        // Blank lines, CRLF and a last line without a newline are all fine.
        let directory = try TemporaryDirectory()
        try directory.write("blank.jsonl", lines: ["", Self.good[0], "  ", Self.good[1], ""])
        try directory.write("crlf.jsonl", bytes: Array(Self.good.joined(separator: "\r\n").utf8) + [0x0D, 0x0A])
        try directory.write("nonl.jsonl", bytes: Array(Self.good.joined(separator: "\n").replacingOccurrences(of: "s-1", with: "s-3").utf8))
        let result = try CLI.run(["run", "--input", "blank.jsonl", "--input", "crlf.jsonl", "nonl.jsonl", "--db", "runs.sqlite",
                                  "--json"] + CLI.ruleArguments, in: directory.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try CLI.sqlite(directory.file("runs.sqlite"), "SELECT status, commands, scenarios FROM runs") == [["complete", "6", "3"]])
    }

    @Test func missingInputFileExitsWith66() throws {
        let directory = try TemporaryDirectory()
        let result = try CLI.run(["run", "--input", "nope.jsonl", "--db", "runs.sqlite"] + CLI.ruleArguments, in: directory.path)
        #expect(result.status == 66)
        #expect(result.stderr.contains("nope.jsonl: cannot open the file for reading"))
        // The run was begun, so it is stored aborted, and the gate does not count it.
        #expect(try CLI.sqlite(directory.file("runs.sqlite"), "SELECT status FROM runs") == [["aborted"]])
    }

    @Test func brokenRulesFileExitsWith65() throws {
        let directory = try TemporaryDirectory()
        try directory.write("accepted.yaml", "rules:\n  - id: x\n    feature: f\n")
        let result = try CLI.run(["run", "--generate", "2", "--db", "runs.sqlite", "--accepted", "accepted.yaml"], in: directory.path)
        #expect(result.status == 65)
        #expect(result.stderr.contains("accepted.yaml:2: rules[0]"))
        #expect(result.stderr.contains("missing field"))
    }
}
