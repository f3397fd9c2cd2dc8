import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import LMS
import LMSShadow
@testable import ShadowReport
import ShadowKit
import ShadowTestSupport
import Testing

/// Runs of the real LMS subject over `Fixtures/report-input.jsonl` into a store, for the report tests.
///
/// The input has three file scenarios: `rep-publish-empty` (a course titled `<script>alert(1)</script>` published
/// without lessons: accepted), `rep-user-987601` (enrollment lifecycle of users 987601/987602: unexpected and
/// accepted divergences), `rep-enroll-draft` (enrollments into a draft course: unexpected, used as "new").
enum ReportFixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let input = directory.appendingPathComponent("report-input.jsonl").path
    static let expectedMarkdown = directory.appendingPathComponent("report.md").path
    static let allScenarios: Set<String> = ["rep-publish-empty", "rep-user-987601", "rep-enroll-draft"]

    /// A few rules from the shipped file, pinned here so the fixture does not change when that file does.
    static let rules: AcceptedRules = {
        let yaml = """
            rules:
              - id: legacy.publish_without_lessons
                feature: course_state_machine
                op: course.publish
                kind: rejection_mismatch
                controlCode: accepted
                candidateCode: course_has_no_lessons
                paths: ["$.status", "$.errorCode", "$.value", "$.transitions", "$.snapshot"]
                reason: Legacy publishes a course without lessons.
                owner: courses-team
                expires: "2027-06-30"
              - id: legacy.publish_without_lessons.events
                feature: domain_events
                op: course.publish
                kind: event_mismatch
                paths: ["$.events"]
                reason: The refused publish emits no CoursePublished event.
                owner: courses-team
                expires: "2027-06-30"
              - id: legacy.progress_floor
                feature: progress_service
                op: progress.completeLesson
                kind: value_mismatch
                paths: ["$.value.percent", "$.snapshot[*].progressPercent"]
                reason: Legacy floors the percentage.
                owner: learning-team
                expires: "2027-06-30"
            """
        return (try? AcceptedRules.parse(yaml, path: "report-test-rules.yaml")) ?? AcceptedRules()
    }()

    /// The criteria without the response-time row, whose verdict depends on the machine's timing.
    static let criteriaText = """
        | Metric | Target | Measured |
        |--------|--------|----------|
        | Mismatch rate | < 0.5% | |
        | Error rate | < 0.1% | |
        | Failed jobs | < 1/hour | |
        | State transition errors | 0 | |
        | User complaints | 0 increase | |
        """

    static func gate() throws -> GateEvaluator {
        try GateEvaluator(table: CriteriaTable.parse(criteriaText, file: "criteria.md"))
    }

    /// The shipped redaction config (`scenarios/report.yaml`) plus the user id inside the fixture's scenario id.
    static func redaction() throws -> RedactionConfig {
        var config = try RedactionConfig.load(path: directory.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scenarios/report.yaml").path)
        config.embedded.append(.init(field: "userId", pattern: "rep-user-(\\d+)"))
        return config
    }

    /// One complete run over the chosen file scenarios (and `generated` generated ones, seed 5).
    @discardableResult
    static func run(_ store: Store, scenarios: Set<String> = allScenarios, generated: Int = 0, path: String = input,
                    rules: AcceptedRules = ReportFixture.rules, startedAt: Double = Fixtures.start) async throws -> Int64 {
        let subject = LMSSubject()
        var sources: [any ScenarioSource<LMSCommand>] = [
            Filtered(base: try ScenarioReader(path: path, decode: subject.decode), keep: scenarios),
        ]
        if generated > 0 { sources.append(GeneratedSource(seed: 5, count: generated)) }
        var source = ChainedSource(sources)
        let runId = try store.beginRun(RunMetadata(
            subject: "lms", startedAt: startedAt, seed: generated > 0 ? 5 : nil, inputs: [path],
            config: ["day": Fixtures.day, "generate": "\(generated)"], toolVersion: "9.9.9", workers: 2))
        var sink = store.sink(runId: runId)
        let totals = try await ShadowRunner(subject: subject, options: Fixtures.options(workers: 2, accepted: rules))
            .run(&source, sink: &sink)
        try store.completeRun(runId, totals: totals, finishedAt: startedAt + 12.5, duration: 12.5)
        return runId
    }

    static func options(redaction: RedactionConfig = .none, gate: GateEvaluator? = nil, examples: Int = 3,
                        trend: Int = 20, html: String? = "reports/2/index.html") -> ReportOptions {
        ReportOptions(examplesPerSignature: examples, trendRuns: trend, redaction: redaction, gate: gate,
                      generatedAt: Fixtures.start + 3600, databaseLabel: "reports/shadowgate.sqlite", htmlLocation: html)
    }

    /// Every format of a model, by file name.
    static func formats(_ model: ReportModel) -> [String: String] {
        Dictionary(uniqueKeysWithValues: ReportWriter.files.map { ($0.name, $0.render(model)) })
    }

    /// Keeps only some scenarios of a source.
    struct Filtered<Base: ScenarioSource>: ScenarioSource {
        var base: Base
        let keep: Set<String>

        mutating func nextScenario() throws(ScenarioError) -> ScenarioInput<Base.Command>? {
            while let scenario = try base.nextScenario() {
                if keep.contains(scenario.id) { return scenario }
            }
            return nil
        }
    }
}

@Suite struct ReportTests {
    // MARK: Model from a fixture database

    @Test func modelFromAFixtureRun() async throws {
        let store = try Fixtures.memoryStore()
        let runId = try await ReportFixture.run(store, generated: 12)
        let model = try ReportBuilder.build(store: store, runId: nil, options: ReportFixture.options(gate: try ReportFixture.gate()))
        let run = try #require(try store.run(id: runId))

        #expect(model.run.id == runId)
        #expect(model.run.status == .complete)
        #expect(model.run.seed == 5)
        #expect(model.run.inputs == [ReportFixture.input])
        #expect(model.run.durationSeconds == 12.5)
        #expect(model.run.toolVersion == "9.9.9")
        #expect(model.run.database == "reports/shadowgate.sqlite")
        #expect(model.run.startedAt == "2026-11-24T10:00:00.000Z")
        #expect(model.generatedAt == "2026-11-24T11:00:00Z")
        #expect(model.baselineRunId == nil, "the only run has no baseline")
        #expect(model.features.map(\.name) == run.featureOrder)

        // Counts, rates and bounds come from the run.
        for feature in model.features {
            let counts = try #require(run.features[feature.name])
            #expect(feature.counts == counts)
            #expect(feature.mismatchRate == counts.mismatchRate)
            if counts.comparisons > 0 {
                let bound = Statistics.clopperPearsonUpper(failures: counts.mismatches, trials: counts.comparisons)
                #expect(feature.mismatchUpperBound == bound)
                #expect(bound > feature.mismatchRate ?? 1)
            } else {
                #expect(feature.mismatchUpperBound == nil)
            }
            #expect(feature.criteria.map(\.metric) == ["Mismatch rate", "Error rate", "Failed jobs", "State transition errors",
                                                       "User complaints"])
            #expect(feature.criteria.first?.measured.contains("of \(Format.count(counts.comparisons))") == true
                    || counts.comparisons == 0)
        }
        let decision = try ReportFixture.gate().evaluate(run, features: [])
        #expect(model.verdict == decision.verdict)
        #expect(model.features.map(\.verdict) == decision.features.map(\.verdict))

        // Signatures: exact counts, ranked, shares summing to 1, first/last places and replay commands.
        // (root signatures; knock-on signatures are listed under their roots)
        let rows = try store.signatureRows(runId: runId).filter { $0.downstreamOf == nil }
        #expect(model.signatures.map(\.id) == rows.map(\.id))
        #expect(model.signatures.map(\.count) == model.signatures.map(\.count).sorted(by: >))
        #expect(model.totalDivergences == rows.reduce(0) { $0 + $1.count })
        #expect(abs(model.signatures.reduce(0) { $0 + $1.share } - 1) < 1e-9)
        let publish = try #require(model.signatures.first { $0.op == "course.publish" && $0.feature == "course_state_machine" })
        #expect(publish.acceptedRule == "legacy.publish_without_lessons")
        #expect(publish.first.scenario == "rep-publish-empty")
        #expect(publish.first.line == 2)
        #expect(publish.first.replayCommand == "shadowgate replay \(ReportFixture.input) --scenario rep-publish-empty --upto 2")
        let reactivate = try #require(model.signatures.first { $0.op == "enrollment.reactivate" && $0.first.scenario.hasPrefix("rep-") })
        #expect(reactivate.acceptedRule == nil && reactivate.isUnexpected)

        // Examples: at most N per signature, in input order, outcomes side by side, differing paths, context lines.
        for signature in model.signatures {
            #expect(signature.examples.count == min(3, signature.count))
            #expect(signature.examples.first?.scenario == signature.first.scenario)
            #expect(signature.examples.first?.seq == signature.first.seq)
            for example in signature.examples {
                #expect(!example.paths.isEmpty)
                #expect(example.diff.map(\.path) == example.paths)
                #expect(example.control != example.candidate)
            }
        }
        let example = try #require(reactivate.examples.first)
        #expect(example.replayCommand == "shadowgate replay \(ReportFixture.input) --scenario rep-user-987601 --upto 11")
        #expect(example.line == 12)
        #expect(example.context.count == 6, "five commands before the diverging one, by default")
        #expect(example.contextOmitted == 4)
        #expect(example.context.last?["op"] == .string("enrollment.reactivate"))
        #expect(example.context.last?["seq"] == .int(11))
        #expect(example.context.first?["seq"] == .int(5))
        let percent = try #require(example.diff.first { $0.path == "$.value.percent" })
        #expect(percent.control == example.control["value"]?["percent"])
        #expect(percent.candidate == example.candidate["value"]?["percent"])
        #expect(percent.control != percent.candidate)

        // A generated example replays from its seed.
        let generated = try #require(model.signatures.flatMap(\.examples).first { $0.file == "generated:seed=5" })
        #expect(generated.replayCommand == "shadowgate replay --seed 5 --scenario \(generated.scenario) --upto \(generated.seq)")
        #expect(generated.context.isEmpty, "the engine alone cannot regenerate LMS traffic; the CLI provides it")

        // Latency of both sides, and a one-point trend.
        #expect(model.latency.map(\.feature) == run.featureOrder.filter { run.controlLatency[$0] != nil })
        #expect(model.latency.allSatisfy { ($0.control?.count ?? 0) > 0 && $0.control?.count == $0.candidate?.count })
        #expect(model.trend.map(\.runId) == [runId])
        #expect(model.mismatchRateTarget == 0.005)
    }

    @Test func absentSidesAreToldFromNull() async throws {
        let store = try Fixtures.memoryStore()
        try await ReportFixture.run(store, scenarios: ["rep-publish-empty"])
        let model = try ReportBuilder.build(store: store, runId: nil, options: ReportFixture.options())
        let publish = try #require(model.signatures.first { $0.feature == "course_state_machine" })
        let example = try #require(publish.examples.first)
        // Legacy has no error code, modern has one: the legacy side of $.errorCode is absent, not null.
        let code = try #require(example.diff.first { $0.path == "$.errorCode" })
        #expect(code.control == nil)
        #expect(code.candidate == .string("course_has_no_lessons"))
        let html = HTMLReport.render(model)
        #expect(html.contains("(absent)"))
    }

    @Test func noRunsAndUnknownRunsAreErrors() async throws {
        let store = try Fixtures.memoryStore()
        #expect(throws: ReportError.self) { try ReportBuilder.build(store: store, runId: nil, options: ReportFixture.options()) }
        try await ReportFixture.run(store, scenarios: ["rep-publish-empty"])
        let error = #expect(throws: ReportError.self) {
            try ReportBuilder.build(store: store, runId: 42, options: ReportFixture.options())
        }
        #expect(error?.description.contains("there is no run 42") == true)
    }

    // MARK: Markdown against the expected file

    @Test func markdownMatchesTheExpectedFile() async throws {
        let store = try Fixtures.memoryStore()
        try await ReportFixture.run(store, scenarios: ["rep-publish-empty", "rep-user-987601"], generated: 6)
        try await ReportFixture.run(store, generated: 6, startedAt: Fixtures.start + 86400)
        let model = try ReportBuilder.build(store: store, runId: nil, options: ReportFixture.options(
            redaction: try ReportFixture.redaction(), gate: try ReportFixture.gate()))
        let rendered = MarkdownReport.render(model)
            .replacingOccurrences(of: ReportFixture.directory.path, with: "$FIXTURES")
        if ProcessInfo.processInfo.environment["UPDATE_REPORT_FIXTURES"] == "1" {
            try rendered.write(toFile: ReportFixture.expectedMarkdown, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOfFile: ReportFixture.expectedMarkdown, encoding: .utf8)
        #expect(rendered == expected, "set UPDATE_REPORT_FIXTURES=1 to rewrite Fixtures/report.md after an intended change")
        // Short enough for a PR comment: no giant tables, no outcomes.
        #expect(rendered.split(separator: "\n").count < 60)
        #expect(!rendered.contains("\"events\""))
    }

    // MARK: Escaping

    @Test func markupFromInputsIsEscapedInTheHTML() async throws {
        let directory = try TemporaryDirectory()
        // A scenario id with markup, besides the fixture's course title <script>alert(1)</script>.
        var text = try String(contentsOfFile: ReportFixture.input, encoding: .utf8)
        text = text.replacingOccurrences(of: "rep-enroll-draft", with: "<img src=x onerror=alert(2)>")
        let path = try directory.write("markup.jsonl", text)
        let store = try Fixtures.memoryStore()
        try await ReportFixture.run(store, scenarios: ["rep-publish-empty"], path: path)
        try await ReportFixture.run(store, scenarios: ["rep-publish-empty", "<img src=x onerror=alert(2)>"], path: path)
        let model = try ReportBuilder.build(store: store, runId: nil, options: ReportFixture.options())
        #expect(model.newUnexpectedSignatures.contains { $0.first.scenario == "<img src=x onerror=alert(2)>" })

        let html = HTMLReport.render(model)
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the title is shown, escaped, in the commands before the divergence")
        #expect(html.contains("&lt;img src=x onerror=alert(2)&gt;"))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("onerror=alert(2)>"))
        // No external assets: nothing is loaded from anywhere.
        #expect(!html.contains("src=\""))
        #expect(!html.contains("<link"))
        #expect(!html.contains("http://") && !html.contains("https://"))

        // In Markdown, input text only ever appears inside code spans, where nothing is markup.
        let markdown = MarkdownReport.render(model)
        #expect(markdown.contains("onerror=alert(2)"))
        #expect(!Self.outsideCodeSpans(markdown).contains("<"))
        // JUnit is XML-escaped throughout: it parses.
        #expect(try JUnitCounts.parse(JUnitReport.render(model)) != nil)
    }

    /// The Markdown with every code span removed.
    static func outsideCodeSpans(_ markdown: String) -> String {
        let regex = try? NSRegularExpression(pattern: "(`+)(?:(?!\\1).)*?\\1")
        let range = NSRange(markdown.startIndex..., in: markdown)
        return regex?.stringByReplacingMatches(in: markdown, range: range, withTemplate: "") ?? markdown
    }

    @Test func escapingHelpers() {
        #expect(ReportText.html("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        #expect(ReportText.markdownCode("a`b") == "``a`b``")
        #expect(ReportText.markdownCode("a|b") == "`a\\|b`")
        #expect(ReportText.markdown("<b>*x*</b> | y") == "&lt;b&gt;\\*x\\*&lt;/b&gt; \\| y")
        #expect(ReportText.markdown("grading_service _emphasis_") == "grading_service \\_emphasis\\_")
        #expect(ReplayCommand.shellQuoted("s-000017") == "s-000017")
        #expect(ReplayCommand.shellQuoted("it's here") == #"'it'\''s here'"#)
        #expect(ReplayCommand.text(file: "generated:seed=42", scenario: "s-000001", upto: 3)
                == "shadowgate replay --seed 42 --scenario s-000001 --upto 3")
        #expect(ReplayCommand.text(file: "my dir/a.jsonl", scenario: "x", upto: 1)
                == "shadowgate replay 'my dir/a.jsonl' --scenario x --upto 1")
    }

    // MARK: Redaction

    @Test func redactionAppliesToEveryFormat() async throws {
        let store = try Fixtures.memoryStore()
        try await ReportFixture.run(store, scenarios: ["rep-publish-empty"])
        try await ReportFixture.run(store)
        let model = try ReportBuilder.build(store: store, runId: nil, options: ReportFixture.options(
            redaction: try ReportFixture.redaction(), gate: try ReportFixture.gate()))
        let formats = ReportFixture.formats(model)
        #expect(formats.count == 4)
        let secrets = ["987601", "987602", "987603", "987604", "alert(1)", "Queues in Depth", "Draft Only", "Lesson 31"]
        for (name, text) in formats {
            for secret in secrets {
                #expect(!text.contains(secret), "\(name) shows \(secret)")
            }
        }
        // Placeholders show up where the values were, in the formats that show those places.
        for name in ["index.html", "summary.json", "report.md"] {
            #expect(formats[name]?.contains("user-") == true, "\(name) has no user placeholder")
        }
        #expect(formats["index.html"]?.contains("title-1") == true)
        #expect(formats["summary.json"]?.contains("instructor-1") == true)
        // (the completion in the draft course is a knock-on of the accepted enrollment: no example of its own)
        #expect(model.redaction.replaced["userId"] == 3)

        // Stable: one user gets one placeholder everywhere, inside entity keys, messages and scenario ids too.
        let reactivate = try #require(model.signatures.first { $0.op == "enrollment.reactivate" })
        let example = try #require(reactivate.examples.first)
        guard case .string(let user)? = example.context.last?["userId"] else {
            Issue.record("userId not redacted to a placeholder")
            return
        }
        #expect(user.hasPrefix("user-"))
        #expect(example.scenario == "rep-user-\(user)")
        #expect(example.control["snapshot"]?.jsonText.contains("enrollment:\(user)/3") == true)
        #expect(example.replayCommand.contains("--scenario rep-user-\(user) "))
        // Numbered in order of first appearance, without gaps.
        let json = try #require(formats["summary.json"])
        let numbers = Set(json.matches(of: /user-(\d+)/).compactMap { Int($0.1) })
        #expect(numbers == Set(1...numbers.count))
    }

    @Test func redactionConfigIsChecked() throws {
        let config = try RedactionConfig.parse("sensitive: [userId]\nembedded:\n  - field: userId\n    pattern: 'u(\\d+)'\n", path: "r.yaml")
        #expect(config.sensitive == ["userId"])
        #expect(config.embedded.count == 1)
        for bad in ["sensitive: [userId]\nembedded:\n  - field: title\n    pattern: '(x)'\n",
                    "sensitive: [userId]\nembedded:\n  - field: userId\n    pattern: 'no group'\n",
                    "sensitive: [userId]\nembedded:\n  - field: userId\n    pattern: '(unclosed'\n",
                    "sensitive: ['']\n"] {
            let error = #expect(throws: ConfigError.self) { try RedactionConfig.parse(bad, path: "r.yaml") }
            #expect(error?.file == "r.yaml")
        }
        #expect(RedactionConfig.placeholderPrefix(for: "userId") == "user")
        #expect(RedactionConfig.placeholderPrefix(for: "course_id") == "course")
        #expect(RedactionConfig.placeholderPrefix(for: "title") == "title")
        var redactor = Redactor(config)
        #expect(redactor.redact(.object(["userId": .int(7), "n": .int(7)])) == .object(["userId": .string("user-1"), "n": .int(7)]))
        #expect(redactor.redact(.string("u7 and u8")) == .string("uuser-1 and uuser-2"))
        #expect(redactor.redact(.int(8), atPath: "$.events[0].payload.userId") == .string("user-2"))
        #expect(redactor.redact(.int(9), atPath: "$.events[0].payload") == .int(9))
        #expect(Redactor.lastKey(of: "$.a.userIds[3]") == "userIds")
    }

    // MARK: JUnit

    @Test func junitParsesWithTheRightCounts() async throws {
        let store = try Fixtures.memoryStore()
        try await ReportFixture.run(store, generated: 8)
        let model = try ReportBuilder.build(store: store, runId: nil, options: ReportFixture.options(gate: try ReportFixture.gate()))
        let counts = try #require(try JUnitCounts.parse(JUnitReport.render(model)))
        let criteria = model.features.flatMap(\.criteria)
        #expect(counts.testcases == model.features.count * 5, "one test case per feature × criterion")
        #expect(counts.testcases == criteria.count)
        #expect(counts.suites == model.features.count)
        #expect(counts.failures == criteria.filter { $0.verdict == .fail }.count)
        #expect(counts.failures > 0)
        #expect(counts.skipped == criteria.filter { $0.verdict == .inconclusive || $0.verdict == .notMeasured }.count)
        #expect(counts.declaredTests == counts.testcases)
        #expect(counts.declaredFailures == counts.failures)
        #expect(counts.failureMessages.contains { $0.contains("unexpected divergences") }, "failures carry the reason")
        #expect(Set(counts.classnames) == Set(model.features.map(\.name)))
    }

    @Test func junitOfAnAbortedRunFails() throws {
        let store = try Fixtures.memoryStore()
        let runId = try store.beginRun(RunMetadata(subject: "lms", startedAt: Fixtures.start, seed: nil, inputs: ["x.jsonl"],
                                                   config: [:], toolVersion: "9.9.9", workers: 1))
        try store.abortRun(runId, error: "x.jsonl:3: bad line", finishedAt: Fixtures.start + 1)
        let model = try ReportBuilder.build(store: store, runId: runId, options: ReportFixture.options(gate: try ReportFixture.gate()))
        #expect(model.verdict == .inconclusive)
        #expect(model.run.error == "x.jsonl:3: bad line")
        let counts = try #require(try JUnitCounts.parse(JUnitReport.render(model)))
        #expect((counts.testcases, counts.failures) == (1, 1))
        #expect(HTMLReport.render(model).contains("aborted"))
        #expect(MarkdownReport.render(model).contains("bad line"))
        // Without criteria nothing is gated: one skipped case, never a pass.
        let ungated = try ReportBuilder.build(store: store, runId: runId, options: ReportFixture.options())
        #expect(ungated.verdict == nil)
    }

    // MARK: New signatures and trend

    @Test func newSignaturesAreThoseAbsentFromThePreviousCompleteRun() async throws {
        let store = try Fixtures.memoryStore()
        let first = try await ReportFixture.run(store, scenarios: ["rep-publish-empty", "rep-user-987601"])
        // An aborted run in between is never the baseline.
        let aborted = try store.beginRun(RunMetadata(subject: "lms", startedAt: Fixtures.start, seed: nil, inputs: [],
                                                     config: [:], toolVersion: "9.9.9", workers: 1))
        try store.abortRun(aborted, error: "stopped", finishedAt: Fixtures.start)
        let second = try await ReportFixture.run(store)
        let model = try ReportBuilder.build(store: store, runId: second, options: ReportFixture.options())
        #expect(model.baselineRunId == first)
        let fresh = model.signatures.filter(\.isNew)
        #expect(!fresh.isEmpty)
        // Exactly the signatures the added scenario brought are new, and they are unexpected.
        #expect(fresh.allSatisfy { $0.first.scenario == "rep-enroll-draft" })
        #expect(model.signatures.filter { $0.first.scenario != "rep-enroll-draft" }.allSatisfy { !$0.isNew })
        #expect(model.newUnexpectedSignatures.map(\.id) == fresh.map(\.id))
        #expect(model.features.first { $0.name == "enrollment_service" }?.newUnexpectedSignatures == 1)

        // The same input again: nothing new.
        let third = try await ReportFixture.run(store)
        #expect(try ReportBuilder.build(store: store, runId: third, options: ReportFixture.options()).newUnexpectedSignatures.isEmpty)
        // An explicit baseline overrides the previous run.
        var options = ReportFixture.options()
        options.baselineRunId = first
        #expect(try ReportBuilder.build(store: store, runId: third, options: options).newUnexpectedSignatures.map(\.id) == fresh.map(\.id))
        // The first run has no baseline: nothing is new.
        let initial = try ReportBuilder.build(store: store, runId: first, options: ReportFixture.options())
        #expect(initial.baselineRunId == nil)
        #expect(initial.signatures.allSatisfy { !$0.isNew })
        // A rule that stops accepting turns its divergences into a new unexpected signature.
        let strict = try await ReportFixture.run(store, rules: AcceptedRules())
        let after = try ReportBuilder.build(store: store, runId: strict, options: ReportFixture.options())
        #expect(after.newUnexpectedSignatures.contains { $0.op == "course.publish" && $0.feature == "course_state_machine" })
    }

    @Test func trendOverSeveralRuns() async throws {
        let store = try Fixtures.memoryStore()
        let one = try await ReportFixture.run(store, scenarios: ["rep-publish-empty"])
        let two = try await ReportFixture.run(store, scenarios: ["rep-publish-empty", "rep-user-987601"])
        let aborted = try store.beginRun(RunMetadata(subject: "lms", startedAt: Fixtures.start, seed: nil, inputs: [],
                                                     config: [:], toolVersion: "9.9.9", workers: 1))
        try store.abortRun(aborted, error: "stopped", finishedAt: Fixtures.start)
        let three = try await ReportFixture.run(store)

        let model = try ReportBuilder.build(store: store, runId: three, options: ReportFixture.options())
        #expect(model.trend.map(\.runId) == [one, two, three], "complete runs only, oldest first")
        for point in model.trend {
            let run = try #require(try store.run(id: point.runId))
            for (feature, counts) in run.features {
                #expect(point.features[feature] == TrendCounts(comparisons: counts.comparisons, mismatches: counts.mismatches))
            }
        }
        let rates = model.trend.map { $0.features["enrollment_service"]?.rate }
        #expect(rates[0] == nil, "no enrollments in the first run: no rate, not zero")
        #expect(rates[1] == 0)
        #expect((rates[2] ?? 0) > 0)

        // Limited to the last K, and never later than the reported run.
        var options = ReportFixture.options()
        options.trendRuns = 2
        #expect(try ReportBuilder.build(store: store, runId: three, options: options).trend.map(\.runId) == [two, three])
        #expect(try ReportBuilder.build(store: store, runId: two, options: ReportFixture.options()).trend.map(\.runId) == [one, two])

        // The chart draws one point per run that has a rate, and the target.
        let svg = ReportCharts.trend(model.trend, features: ["enrollment_service"], target: 0.005)
        #expect(svg.components(separatedBy: "<circle ").count - 1 == 2)
        #expect(svg.contains("class=\"target\""))
        #expect(svg.contains("run \(three)"))
    }

    // MARK: Files

    @Test func writerWritesFourFilesAndRefreshesLatestAsACopy() async throws {
        let store = try Fixtures.memoryStore()
        try await ReportFixture.run(store, scenarios: ["rep-publish-empty"])
        let model = try ReportBuilder.build(store: store, runId: nil, options: ReportFixture.options())
        let directory = try TemporaryDirectory()
        let out = directory.file("reports/1")
        let latest = directory.file("reports/latest")
        try FileManager.default.createDirectory(atPath: latest, withIntermediateDirectories: true)
        try directory.write("reports/latest/stale.txt", "old")
        let index = try ReportWriter.write(model, to: out)
        try ReportWriter.refresh(latest: latest, from: out)
        #expect(index == out + "/index.html")
        let names = try FileManager.default.contentsOfDirectory(atPath: latest).sorted()
        #expect(names == ["index.html", "junit.xml", "report.md", "summary.json"])
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: latest)) == nil, "a copy, not a link")
        #expect(try directory.read("reports/latest/index.html") == directory.read("reports/1/index.html"))
        // summary.json decodes back to the model.
        let decoded = try JSONDecoder().decode(ReportModel.self, from: directory.read("reports/1/summary.json"))
        #expect(decoded == model)
        // An unwritable directory is an OutputError.
        #expect(throws: OutputError.self) { try ReportWriter.write(model, to: directory.file("reports/1/index.html/x")) }
    }

    @Test func shrinkerSeamShowsAMinimalReproduction() async throws {
        let store = try Fixtures.memoryStore()
        try await ReportFixture.run(store, scenarios: ["rep-user-987601"])
        var options = ReportFixture.options(redaction: try ReportFixture.redaction())
        options.reproduce = { request in
            guard request.op == "enrollment.reactivate" else { return nil }
            return ReportReproduction(lines: [.object(["op": .string("enrollment.reactivate"), "userId": .int(987601)])],
                                      replayCommand: "shadowgate replay min.jsonl --scenario \(request.scenario) --upto 2",
                                      note: "shrunk from \(request.seq) to 2 commands")
        }
        let model = try ReportBuilder.build(store: store, runId: nil, options: options)
        let reactivate = try #require(model.signatures.first { $0.op == "enrollment.reactivate" })
        let reproduction = try #require(reactivate.minimalReproduction)
        #expect(reproduction.note == "shrunk from 11 to 2 commands")
        #expect(reproduction.lines.first?["userId"]?.jsonText.contains("user-") == true, "redacted like the rest")
        #expect(reproduction.replayCommand?.contains("987601") == false)
        #expect(model.signatures.filter { $0.minimalReproduction != nil }.count == 1)
        #expect(HTMLReport.render(model).contains("Minimal reproduction"))
    }

    @Test func fileContextsReadBackTheScenarioLines() throws {
        let requests: Set<ScenarioContextRequest> = [
            .init(file: ReportFixture.input, scenario: "rep-user-987601", seq: 11, line: 12),
            .init(file: ReportFixture.input, scenario: "rep-publish-empty", seq: 2, line: 2),
            .init(file: ReportFixture.input, scenario: "rep-publish-empty", seq: 5, line: 2),
            .init(file: "/nonexistent/file.jsonl", scenario: "x", seq: 1, line: 1),
        ]
        let contexts = FileScenarioContexts().contexts(for: requests, maxLines: 3)
        #expect(contexts.count == 2, "a changed line or a missing file gives no context")
        let lifecycle = try #require(contexts[.init(file: ReportFixture.input, scenario: "rep-user-987601", seq: 11, line: 12)])
        #expect(lifecycle.lines.map { $0["seq"] } == [.int(8), .int(10), .int(11)])
        #expect(lifecycle.omitted == 7)
        let publish = try #require(contexts[.init(file: ReportFixture.input, scenario: "rep-publish-empty", seq: 2, line: 2)])
        #expect(publish.lines.first?["title"] == .string("<script>alert(1)</script>"))
        #expect(publish.omitted == 0)
    }
}

/// Counts of a JUnit document, read with Foundation's XMLParser.
final class JUnitCounts: NSObject, XMLParserDelegate {
    var suites = 0
    var testcases = 0
    var failures = 0
    var skipped = 0
    var declaredTests = 0
    var declaredFailures = 0
    var failureMessages: [String] = []
    var classnames: [String] = []

    /// Nil when the document does not parse.
    static func parse(_ text: String) throws -> JUnitCounts? {
        let counts = JUnitCounts()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = counts
        return parser.parse() ? counts : nil
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        switch elementName {
        case "testsuites":
            declaredTests = Int(attributes["tests"] ?? "") ?? -1
            declaredFailures = Int(attributes["failures"] ?? "") ?? -1
        case "testsuite": suites += 1
        case "testcase":
            testcases += 1
            if let name = attributes["classname"] { classnames.append(name) }
        case "failure":
            failures += 1
            failureMessages.append(attributes["message"] ?? "")
        case "skipped": skipped += 1
        default: break
        }
    }
}

/// The pretty printer shared by the HTML example panes and the text formats: one layout, markup only in HTML.
@Suite struct PrettyJSONTests {
    static let value = JSONValue.object([
        "status": .string("accepted"),
        "value": .object(["percent": .int(40), "note": .string("<b>")]),
        "events": .array([.object(["name": .string("LessonCompleted")]), .null]),
        "empty": .array([]),
    ])

    @Test func textIsSortedAndIndentedWithoutMarkup() {
        #expect(PrettyJSON.text(Self.value) == """
            {
              "empty": [],
              "events": [
                {
                  "name": "LessonCompleted"
                },
                null
              ],
              "status": "accepted",
              "value": {
                "note": "<b>",
                "percent": 40
              }
            }
            """)
    }

    @Test func htmlHasTheSameLayoutWithEscapedClassedValuesAndMarks() {
        let html = PrettyJSON.html(Self.value, marked: ["$.value.percent", "$.events[0]"])
        #expect(html.contains("<span class=\"k\">&quot;note&quot;</span>: <span class=\"s\">&quot;&lt;b&gt;&quot;</span>"))
        #expect(html.contains("<mark><span class=\"n\">40</span></mark>"))
        #expect(html.contains("<mark>{\n      <span class=\"k\">&quot;name&quot;</span>"))
        #expect(html.contains("<span class=\"l\">null</span>"))
        // Without the markup it is the text layout, line for line.
        let stripped = html.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">")
        #expect(stripped == PrettyJSON.text(Self.value))
    }
}
