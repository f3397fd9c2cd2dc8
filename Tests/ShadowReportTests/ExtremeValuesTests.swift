import Foundation
import LMS
import LMSShadow
import ShadowKit
import ShadowReport
import ShadowTestSupport
import Testing

/// Issue 11, item 1: extreme numbers in every input-derived field (ids, seconds, weights, answers, seq, at)
/// through run, replay and shrink, in process. Each file either runs to a complete run that every consumer
/// (store, gate, report text) can handle, or stops with a located `FILE:LINE:` error; nothing traps.
@Suite(.timeLimit(.minutes(5)))
struct ExtremeValuesTests {
    /// Integers that have broken arithmetic somewhere, as JSON text; some overflow Int and parse as numbers.
    static let integers = ["9223372036854775807", "-9223372036854775808", "5000000000000000000", "-1", "0", "1",
                           "2", "7", "4611686018427387904", "9223372036854775808", "86400", "315569520000"]
    /// Numbers for weights, answers and pass marks.
    static let numbers = ["1e308", "-1e308", "1e-320", "0.5", "1000", "-1000", "1000.0001", "9223372036854775807",
                          "-0", "3", "1e6", "100"]
    static let times = ["2026-11-24T10:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "0000-01-01T00:00:00Z",
                        "9999-12-31T23:59:59.999-23:59", "0001-01-01T00:00:00+00:01", "1970-01-01T00:00:00Z"]

    static func pick<T>(_ values: [T], _ generator: inout SeededGenerator) -> T {
        values[Int(generator.next() % UInt64(values.count))]
    }

    /// One scenario line with extreme values in its fields.
    static func line(seq: String, at: String, _ generator: inout SeededGenerator) -> String {
        func int() -> String { pick(integers, &generator) }
        func number() -> String { pick(numbers, &generator) }
        func list() -> String { "[" + (0..<Int(generator.next() % 4)).map { _ in number() }.joined(separator: ",") + "]" }
        let fields: (String, String)
        switch generator.next() % 10 {
        case 0: fields = ("course.create", "\"courseId\":\(int()),\"title\":\"t\",\"capacity\":\(int()),\"instructorId\":\(int())")
        case 1: fields = ("course.addQuiz", "\"courseId\":\(int()),\"quizId\":\(int()),\"maxAttempts\":\(int()),"
                          + "\"timeLimitMinutes\":\(int()),\"passingScore\":\(number()),\"strategy\":\"average\",\"weights\":\(list())")
        case 2: fields = ("course.publish", "\"courseId\":\(int())")
        case 3: fields = ("enrollment.enroll", "\"userId\":\(int()),\"courseId\":\(int())")
        case 4: fields = ("attempt.start", "\"userId\":\(int()),\"quizId\":\(int()),\"attemptId\":\(int())")
        case 5: fields = ("attempt.submit", "\"attemptId\":\(int()),\"answers\":\(list())")
        case 6: fields = ("attempt.grade", "\"attemptId\":\(int())")
        case 7: fields = ("grade.final", "\"userId\":\(int()),\"courseId\":\(int())")
        case 8: fields = ("course.addLesson", "\"courseId\":\(int()),\"lessonId\":\(int()),\"title\":\"l\"")
        default: fields = ("clock.advance", "\"seconds\":\(int())")
        }
        return "{\"scenario\":\"s\",\"seq\":\(seq),\"at\":\"\(at)\",\"op\":\"\(fields.0)\",\(fields.1)}"
    }

    /// A file of one scenario: mostly ordinary envelopes (so the fields are reached), sometimes extreme ones.
    static func file(_ generator: inout SeededGenerator) -> [String] {
        let count = 1 + Int(generator.next() % 12)
        var seq = 0
        var lines: [String] = []
        for _ in 0..<count {
            seq += 1
            let extremeEnvelope = generator.next() % 8 == 0
            let seqText = extremeEnvelope ? pick(["9223372036854775807", "-1", "5e18", String(seq)], &generator) : String(seq)
            let at = extremeEnvelope ? pick(times, &generator) : "2026-11-24T10:00:00Z"
            lines.append(line(seq: seqText, at: at, &generator))
        }
        return lines
    }

    @Test func extremeValuesNeverCrashRunReplayOrShrink() async throws {
        let directory = try TemporaryDirectory()
        let subject = LMSSubject()
        let options = RunOptions(workers: 2, day: "2026-11-24", examplesPerSignature: 2)
        let criteria = try GateEvaluator(table: CriteriaTable.parse("""
            | Metric | Target | Measured |
            |---|---|---|
            | Mismatch rate | < 0.5% | |
            | Failed jobs | < 1/hour | |
            """, file: "criteria.md"))
        var generator = SeededGenerator(seed: 0x11_0001)
        var outcomes = (complete: 0, located: 0)
        for index in 0..<150 {
            let name = "extreme-\(index).jsonl"
            let lines = Self.file(&generator)
            let path = try directory.write(name, lines: lines)

            // run, into a real (in-memory) store
            let store = try Store(path: ":memory:")
            let runId = try store.beginRun(RunMetadata(subject: "lms", startedAt: 0, seed: nil, inputs: [name], config: [:],
                                                       toolVersion: "test", workers: 2))
            var source = try ScenarioReader(path: path, subject: subject)
            var sink = store.sink(runId: runId)
            do {
                let totals = try await ShadowRunner(subject: subject, options: options).run(&source, sink: &sink)
                try store.completeRun(runId, totals: totals, finishedAt: 1, duration: 1)
                #expect(totals.scenarioSeconds <= Timestamp.maxSeconds - Timestamp.minSeconds, "\(lines)")
                _ = ReportText.duration(totals.scenarioSeconds)
                _ = criteria.evaluate(try store.run(id: runId), features: [])
                outcomes.complete += 1
            } catch let error as ScenarioError {
                #expect(error.file == path && (1...lines.count).contains(error.line), "not located: \(error)")
                try store.abortRun(runId, error: error.description, finishedAt: 1)
                outcomes.located += 1
                continue
            }

            // replay and shrink the scenario the run accepted
            var reader = try ScenarioReader(path: path, subject: subject)
            let scenario = try #require(try reader.scenario(withID: "s"))
            let replayer = Replayer(subject: subject, options: options)
            let steps = try replayer.replay(scenario)
            #expect(steps.count == scenario.commands.count)
            let shrinker = ScenarioShrinker(subject: subject, options: options)
            do {
                let result = try shrinker.shrink(scenario, budget: .seconds(0.3))
                #expect(!result.lines.isEmpty)
            } catch .noDivergence {
                // nothing to shrink
            } catch {
                Issue.record("shrink of \(name) failed: \(error)")
            }
        }
        // Both shapes occur, so the property covers complete runs as well as located errors.
        #expect(outcomes.complete > 10, "\(outcomes)")
        #expect(outcomes.located > 10, "\(outcomes)")
    }

    @Test func timestampFormattingNeverTraps() {
        for seconds in [Double.nan, .infinity, -.infinity, 1e308, -1e308, 9.2e18, -9.2e18, Timestamp.maxSeconds + 1,
                        Timestamp.minSeconds - 1] {
            #expect(!Timestamp.formatMillis(seconds).isEmpty)
            #expect(!ReportText.duration(seconds).isEmpty)
        }
        #expect(Timestamp.formatMillis(Timestamp.maxSeconds) == "9999-12-31T23:59:59.999Z")
        #expect(Timestamp.formatMillis(Timestamp.minSeconds) == "0001-01-01T00:00:00.000Z")
        #expect(Timestamp.isSupported(Timestamp.parse("9999-12-31T23:59:59.999Z") ?? .nan))
        #expect(!Timestamp.isSupported(Timestamp.parse("0000-12-31T23:59:59Z") ?? .nan))
    }
}
