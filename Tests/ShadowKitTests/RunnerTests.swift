import Foundation
import GRDB
import LMS
import LMSShadow
@testable import ShadowKit
import ShadowReport
import ShadowTestSupport
import Testing

/// The shadow runner: every divergence kind (with the fake subject and with the real LMS), what is counted
/// where, time, fresh worlds, feature selection, kept examples, and identical results for any worker count.
@Suite struct RunnerTests {
    static func run(_ scenarios: [(id: String, commands: [FakeCommand])], options: RunOptions = Fixtures.options(),
                    subject: FakeSubject = FakeSubject()) async throws -> (totals: RunTotals, sink: RecordingSink) {
        var source = ScenarioList(Fixtures.scenarios(scenarios, opOf: \.op))
        return try await runToMemory(subject, options: options, source: &source)
    }

    static func run(_ commands: [FakeCommand], options: RunOptions = Fixtures.options()) async throws
        -> (totals: RunTotals, sink: RecordingSink) {
        try await run([("s-1", commands)], options: options)
    }

    static func runLMS(_ scenarios: [(id: String, commands: [LMSCommand])], options: RunOptions = Fixtures.options())
        async throws -> (totals: RunTotals, sink: RecordingSink) {
        // Lines at the same time: only clock.advance moves the clock, as in the quirk catalogue.
        var source = ScenarioList(Fixtures.scenarios(scenarios, step: 0, opOf: { $0.op.rawValue }))
        return try await runToMemory(LMSSubject(), options: options, source: &source)
    }

    // MARK: Agreement

    @Test func agreementCountsMatchesOnly() async throws {
        let (totals, sink) = try await Self.run([
            .agree("alpha.a", .value(1, events: ["A"])), .agree("beta.b", .rejected("no")), .advance(60),
            .agree("alpha.c", .value(2, transitions: [FakeTransition("thing", "1", from: "a", to: "b")])),
        ])
        #expect(totals.featureOrder == ["alpha", "beta", "effects"])
        #expect(totals.features["alpha"]?.comparisons == 2)
        #expect(totals.features["alpha"]?.matches == 2)
        #expect(totals.features["beta"]?.comparisons == 1)
        #expect(totals.features["beta"]?.matches == 1)
        #expect(totals.features["beta"]?.candidateRejections == 1)
        #expect(totals.features["effects"]?.comparisons == 3, "side effects are compared on every compared command")
        #expect(totals.features["effects"]?.matches == 3)
        #expect(totals.features.values.allSatisfy { $0.mismatches == 0 && $0.accepted == 0 })
        #expect(totals.commands == 4, "clock.advance is applied but not compared")
        #expect(totals.scenarios == 1)
        #expect(totals.signatures.isEmpty)
        #expect(sink.divergences.isEmpty)
        #expect(totals.latency["alpha"]?.count == 2)
        #expect(totals.candidateLatency["beta"]?.count == 1)
        #expect(totals.latency["effects"] == nil)
    }

    // MARK: Each kind of divergence

    @Test func valueMismatch() async throws {
        let (totals, sink) = try await Self.run([.agree("alpha.a"), .differ("alpha.set", control: .value(1), candidate: .value(2))])
        let divergence = try #require(sink.divergences.first)
        #expect(sink.divergences.count == 1)
        #expect(divergence.kind == .valueMismatch)
        #expect(divergence.feature == "alpha")
        #expect(divergence.op == "alpha.set")
        #expect((divergence.scenario, divergence.seq, divergence.line, divergence.file, divergence.ordinal) == ("s-1", 2, 2, "memory", 0))
        #expect(divergence.diff == [DiffEntry(path: "$.value.amount", control: .int(1), candidate: .int(2))])
        #expect(divergence.controlCode == nil && divergence.candidateCode == nil)
        #expect(divergence.controlOutcome["value"]?["amount"] == .int(1))
        #expect(divergence.candidateOutcome["value"]?["amount"] == .int(2))
        #expect(divergence.signature.text == "alpha alpha.set value_mismatch $.value.amount")
        #expect(divergence.signature.id == "73d99b89c20a")
        #expect(divergence.acceptedRule == nil)
        let alpha = try #require(totals.features["alpha"])
        #expect((alpha.comparisons, alpha.matches, alpha.mismatches, alpha.accepted) == (2, 1, 1, 0))
        #expect(alpha.mismatchRate == 0.5)
        #expect(totals.features["effects"]?.mismatches == 0)
        #expect(totals.signatures.map(\.count) == [1])
        #expect(totals.signatures.first?.kind == .valueMismatch)
    }

    @Test func rejectionMismatchCandidateRefuses() async throws {
        let (totals, sink) = try await Self.run([
            .differ("alpha.move", control: .value(1), candidate: .rejected("invalid_transition")),
            .differ("alpha.other", control: .value(1), candidate: .rejected("course_full")),
        ])
        #expect(sink.divergences.map(\.kind) == [.rejectionMismatch, .rejectionMismatch])
        let first = try #require(sink.divergences.first)
        #expect(first.controlCode == nil)
        #expect(first.candidateCode == "invalid_transition")
        #expect(first.paths == ["$.code", "$.status", "$.value"])
        #expect(first.signature.text == "alpha alpha.move rejection_mismatch accepted→invalid_transition $.code,$.status,$.value")
        let alpha = try #require(totals.features["alpha"])
        #expect(alpha.mismatches == 2)
        #expect(alpha.stateTransitionErrors == 1, "only a refused transition the control performed counts")
        #expect(alpha.candidateRejections == 2)
    }

    @Test func rejectionMismatchControlRefuses() async throws {
        let (totals, sink) = try await Self.run([.differ("beta.x", control: .rejected("invalid_transition"), candidate: .value(3))])
        let divergence = try #require(sink.divergences.first)
        #expect(divergence.kind == .rejectionMismatch)
        #expect(divergence.controlCode == "invalid_transition")
        #expect(divergence.candidateCode == nil)
        #expect(divergence.signature.text.contains("invalid_transition→accepted"))
        #expect(totals.features["beta"]?.stateTransitionErrors == 0)
        #expect(totals.features["beta"]?.candidateRejections == 0)
    }

    @Test func errorCodeMismatch() async throws {
        let (totals, sink) = try await Self.run([.differ("beta.grade", control: .rejected("not_submitted"),
                                                         candidate: .rejected("invalid_transition"))])
        let divergence = try #require(sink.divergences.first)
        #expect(divergence.kind == .errorCodeMismatch)
        #expect(divergence.diff == [DiffEntry(path: "$.code", control: .string("not_submitted"), candidate: .string("invalid_transition"))])
        #expect(divergence.signature.text == "beta beta.grade error_code_mismatch not_submitted→invalid_transition $.code")
        #expect(totals.features["beta"]?.stateTransitionErrors == 0, "the control refused too")
        #expect(totals.features["beta"]?.mismatches == 1)
    }

    @Test func eventMismatch() async throws {
        let (totals, sink) = try await Self.run([.differ("alpha.done", control: .value(1, events: ["A", "B", "C"]),
                                                         candidate: .value(1, events: ["A", "B", "X"]))])
        let divergence = try #require(sink.divergences.first)
        #expect(sink.divergences.count == 1)
        #expect(divergence.kind == .eventMismatch)
        #expect(divergence.feature == "effects")
        #expect(divergence.op == "alpha.done")
        #expect(divergence.diff == [DiffEntry(path: "$.events[2].name", control: .string("C"), candidate: .string("X"))])
        #expect(divergence.signature.text == "effects alpha.done event_mismatch $.events[*].name")
        #expect(totals.features["alpha"]?.matches == 1, "the behaviour agrees")
        #expect(totals.features["effects"]?.mismatches == 1)
    }

    @Test func failedJobsAreCountedAndCompared() async throws {
        let (totals, sink) = try await Self.run([
            .differ("alpha.done", control: .value(1), candidate: .value(1, failedJobs: ["IssueCertificate"])),
            .agree("beta.x", .value(1, failedJobs: ["Notify", "Notify"])),
        ])
        #expect(sink.divergences.map(\.kind) == [.eventMismatch])
        #expect(sink.divergences.first?.paths == ["$.jobs[0]"])
        #expect(totals.features["alpha"]?.failedJobs == 1)
        #expect(totals.features["beta"]?.failedJobs == 2)
        #expect(totals.features["effects"]?.failedJobs == 3)
        #expect(sink.sideEffects.flatMap(\.records.failedJobs).map(\.job) == ["IssueCertificate", "Notify", "Notify"])
    }

    @Test func candidateError() async throws {
        let (totals, sink) = try await Self.run([.differ("alpha.x", control: .value(1, events: ["A"]), candidate: .crash("boom"))])
        let divergence = try #require(sink.divergences.first)
        #expect(sink.divergences.count == 1, "side effects are not compared against a crash")
        #expect(divergence.kind == .candidateError)
        #expect(divergence.diff == [DiffEntry(path: "$.error", control: nil, candidate: .string("FakeCrash(boom)"))])
        #expect(divergence.candidateOutcome == .object(["error": .string("FakeCrash(boom)")]))
        #expect(divergence.controlOutcome["value"]?["amount"] == .int(1))
        let alpha = try #require(totals.features["alpha"])
        #expect((alpha.comparisons, alpha.mismatches, alpha.candidateErrors, alpha.controlErrors) == (1, 1, 1, 0))
        #expect(totals.features["effects"]?.comparisons == 0)
        #expect(sink.sideEffects.isEmpty, "a crashed candidate wrote nothing")
    }

    @Test func controlError() async throws {
        let (totals, sink) = try await Self.run([.differ("beta.grade", control: .crash("division by zero"),
                                                         candidate: .rejected("quiz_has_no_questions"))])
        let divergence = try #require(sink.divergences.first)
        #expect(divergence.kind == .controlError)
        #expect(divergence.diff == [DiffEntry(path: "$.error", control: .string("FakeCrash(division by zero)"), candidate: nil)])
        #expect(divergence.controlOutcome == .object(["error": .string("FakeCrash(division by zero)")]))
        #expect(divergence.candidateOutcome["code"] == .string("quiz_has_no_questions"))
        let beta = try #require(totals.features["beta"])
        #expect((beta.comparisons, beta.mismatches, beta.candidateErrors, beta.controlErrors) == (1, 1, 0, 1))
        #expect(totals.features["effects"]?.comparisons == 0)
    }

    /// A 500 for a 500: the candidate reproduces the control's crash (messages are free to differ), so the
    /// comparison is a match; this is what lets a faithful port of a crashing legacy show zero divergences.
    @Test func bothCrashingIsAMatch() async throws {
        let (totals, sink) = try await Self.run([.differ("beta.grade", control: .crash("a"), candidate: .crash("b"))])
        #expect(sink.divergences.isEmpty)
        let beta = try #require(totals.features["beta"])
        #expect((beta.comparisons, beta.matches, beta.candidateErrors, beta.controlErrors) == (1, 1, 0, 0))
    }

    @Test func transitionsAreBehaviour() async throws {
        let (_, sink) = try await Self.run([.differ("alpha.move",
                                                    control: .value(1, transitions: [FakeTransition("course", "7", from: "draft", to: "published")]),
                                                    candidate: .value(1, transitions: [FakeTransition("course", "7", from: "draft", to: "archived")]))])
        #expect(sink.divergences.map(\.paths) == [["$.transitions[0].to"]])
    }

    // MARK: Time and worlds

    @Test func clockFollowsLineTimesAndClockAdvance() async throws {
        // Commands are a minute apart: 0, 60, 120, 180 seconds after the start.
        let (totals, sink) = try await Self.run([
            .differ("alpha.t", control: .clock, candidate: .value(0)),
            .advance(600),
            .differ("alpha.t", control: .clock, candidate: .value(0)),
            .advance(0),
        ])
        let seen = sink.divergences.compactMap { $0.diff.first?.control }
        let start = Int(Fixtures.start)
        // The advance at +60 s moves the clock to +660 s; the line time of +120 s is behind it.
        #expect(seen == [.int(start), .int(start + 660)])
        #expect(totals.scenarioSeconds == 660)
    }

    @Test func lineTimesAheadOfTheClockMoveIt() async throws {
        let scenario = ScenarioInput<FakeCommand>(id: "s", file: "f", ordinal: 0, commands: [
            InputCommand(seq: 1, at: Fixtures.start, op: "alpha.t", line: 1, command: .differ("alpha.t", control: .clock, candidate: .value(0))),
            InputCommand(seq: 2, at: Fixtures.start + 10, op: "clock.advance", line: 2, command: .advance(5)),
            InputCommand(seq: 3, at: Fixtures.start + 100, op: "alpha.t", line: 3, command: .differ("alpha.t", control: .clock, candidate: .value(0))),
        ])
        var source = ScenarioList([scenario])
        let (totals, sink) = try await runToMemory(FakeSubject(), options: Fixtures.options(), source: &source)
        #expect(sink.divergences.compactMap { $0.diff.first?.control } == [.int(Int(Fixtures.start)), .int(Int(Fixtures.start) + 100)])
        #expect(totals.scenarioSeconds == 100)
    }

    @Test func everyScenarioStartsWithFreshWorlds() async throws {
        // The control counts the commands its world has seen; the candidate claims 0 for the first command.
        let scenarios = (0..<50).map { index in
            (id: "s-\(index)", commands: [FakeCommand.differ("alpha.first", control: .counter, candidate: .value(0))]
                + Array(repeating: FakeCommand.agree("beta.more"), count: index % 4))
        }
        let (totals, sink) = try await Self.run(scenarios, options: Fixtures.options(workers: 4, batchSize: 3))
        #expect(sink.divergences.isEmpty)
        #expect(totals.features["alpha"]?.matches == 50)
        #expect(totals.scenarios == 50)
    }

    @Test func emptyScenarioIsSkipped() async throws {
        var source = ScenarioList([ScenarioInput<FakeCommand>(id: "empty", file: "f", ordinal: 0, commands: [])])
        let (totals, _) = try await runToMemory(FakeSubject(), options: Fixtures.options(), source: &source)
        #expect(totals.commands == 0)
        #expect(totals.features["alpha"]?.comparisons == 0)
    }

    // MARK: Feature selection

    @Test func onlySelectedFeaturesAreComparedButAllCommandsApplied() async throws {
        let (totals, sink) = try await Self.run([
            .differ("beta.x", control: .value(1), candidate: .value(2)),
            .differ("beta.y", control: .value(1, events: ["A"]), candidate: .value(1, events: ["B"])),
            // Two commands were applied before: the worlds saw them even though beta is not compared.
            .differ("alpha.count", control: .counter, candidate: .value(2)),
            .differ("alpha.x", control: .value(1), candidate: .value(2)),
        ], options: Fixtures.options(features: ["alpha"]))
        #expect(sink.divergences.map(\.op) == ["alpha.x"])
        #expect(totals.features["beta"]?.comparisons == 0)
        #expect(totals.features["effects"]?.comparisons == 0)
        #expect(totals.features["alpha"]?.comparisons == 2)
        #expect(totals.featureOrder == ["alpha", "beta", "effects"], "unselected features are listed with no data")
        #expect(totals.features["beta"]?.mismatchRate == nil)
        #expect(totals.latency["beta"] == nil)
        #expect(totals.commands == 4)
    }

    /// Selecting only the side-effects feature compares the events of every command (DESIGN §2: `domain_events`
    /// is compared on every command), whatever feature the command itself belongs to.
    @Test func selectingOnlyTheSideEffectsFeatureComparesEveryCommand() async throws {
        let (totals, sink) = try await Self.run([
            .agree("alpha.a", .value(1, events: ["A"])),
            .differ("beta.b", control: .value(1, events: ["A"]), candidate: .value(1, events: ["B"])),
            .differ("alpha.c", control: .value(1), candidate: .value(2)),
        ], options: Fixtures.options(features: ["effects"]))
        #expect(totals.features["effects"]?.comparisons == 3)
        #expect(totals.features["effects"]?.mismatches == 1)
        #expect(sink.divergences.map(\.feature) == ["effects"])
        #expect(totals.features["alpha"]?.comparisons == 0)
    }

    // MARK: Signatures and kept examples

    @Test func examplesPerSignatureKeepsTheFirstOnesAndCountsAll() async throws {
        let scenarios = (0..<5).map { index in
            (id: "s-\(index)", commands: [FakeCommand.agree("alpha.ok"), .differ("alpha.set", control: .value(index), candidate: .value(-1))])
        }
        let (totals, sink) = try await Self.run(scenarios, options: Fixtures.options(examplesPerSignature: 2, batchSize: 2))
        #expect(sink.divergences.map(\.scenario) == ["s-0", "s-1"])
        let summary = try #require(totals.signatures.first)
        #expect(totals.signatures.count == 1, "values do not split a signature")
        #expect(summary.count == 5)
        #expect(summary.first == SignatureSummary.Occurrence(scenario: "s-0", seq: 2, file: "memory", line: 2, ordinal: 0))
        #expect(summary.last == SignatureSummary.Occurrence(scenario: "s-4", seq: 2, file: "memory", line: 2, ordinal: 4))
        #expect(totals.features["alpha"]?.mismatches == 5)
        let none = try await Self.run(scenarios, options: Fixtures.options(examplesPerSignature: 0))
        #expect(none.sink.divergences.isEmpty)
        #expect(none.totals.signatures.first?.count == 5)
    }

    @Test func signaturesAreRankedByCount() async throws {
        let (totals, _) = try await Self.run([
            .differ("alpha.rare", control: .value(1), candidate: .value(2)),
            .differ("alpha.often", control: .value(1), candidate: .value(2)),
            .differ("alpha.often", control: .value(1), candidate: .value(3)),
            .differ("beta.often", control: .value(1), candidate: .rejected("x")),
            .differ("beta.often", control: .value(1), candidate: .rejected("x")),
        ])
        #expect(totals.signatures.map(\.count) == [2, 2, 1])
        #expect(totals.signatures[0].signature < totals.signatures[1].signature, "ties break on the signature id")
        #expect(totals.signatures.last?.op == "alpha.rare")
    }

    // MARK: Errors while reading

    @Test func badInputInTheMiddleStopsTheRun() async throws {
        let subject = FakeSubject()
        var lines: [String] = []
        for index in 0..<20 { lines += Fixtures.lines(subject, scenario: "s-\(index)", [.agree("alpha.a"), .agree("beta.b")]) }
        lines.insert(#"{"scenario":"s-9","seq":3,"at":"2026-11-24T10:02:00Z","op":"alpha.a"}"#, at: 20)
        let directory = try TemporaryDirectory()
        let path = try directory.write("bad.jsonl", lines: lines)
        var reader = try ScenarioReader<FakeCommand>(path: path, displayName: "bad.jsonl", decode: subject.decode)
        var sink = RecordingSink()
        let error = await #expect(throws: ScenarioError.self) {
            _ = try await ShadowRunner(subject: subject, options: Fixtures.options(workers: 3, batchSize: 2)).run(&reader, sink: &sink)
        }
        #expect(error == ScenarioError(file: "bad.jsonl", line: 21, message: "\"alpha.a\" needs field \"control\""))
        #expect(sink.divergences.isEmpty)
    }

    // MARK: The real LMS

    static func lastCommandDivergences(_ commands: [LMSCommand]) async throws -> (divergences: [Divergence], totals: RunTotals) {
        let (totals, sink) = try await runLMS([("s-1", commands)])
        return (sink.divergences.filter { $0.seq == commands.count }, totals)
    }

    static func quirk(_ id: String) throws -> LegacyQuirk {
        try #require(LegacyQuirk.all.first { $0.id == id })
    }

    @Test func lmsPublishingAnEmptyCourseIsARejectionMismatch() async throws {
        let (divergences, totals) = try await Self.lastCommandDivergences(try Self.quirk("legacy.publish_without_lessons").trigger)
        let behaviour = try #require(divergences.first { $0.feature == "course_state_machine" })
        #expect(behaviour.kind == .rejectionMismatch)
        #expect(behaviour.op == "course.publish")
        #expect(behaviour.controlCode == nil)
        #expect(behaviour.candidateCode == ErrorCode.courseHasNoLessons)
        #expect(behaviour.paths.contains("$.status"))
        #expect(totals.features["course_state_machine"]?.mismatches == 1)
        #expect(totals.features["course_state_machine"]?.stateTransitionErrors == 0, "course_has_no_lessons is not a refused transition")
        #expect(divergences.contains { $0.feature == "domain_events" && $0.kind == .eventMismatch })
    }

    @Test func lmsGradingAnUnsubmittedAttemptIsAnErrorCodeMismatch() async throws {
        let (divergences, _) = try await Self.lastCommandDivergences(try Self.quirk("legacy.grade_error_code").trigger)
        #expect(divergences.count == 1)
        let divergence = try #require(divergences.first)
        #expect(divergence.kind == .errorCodeMismatch)
        #expect(divergence.feature == "grading_service")
        #expect(divergence.controlCode == ErrorCode.notSubmitted)
        #expect(divergence.candidateCode == ErrorCode.invalidTransition)
        #expect(divergence.paths == ["$.errorCode"])
    }

    @Test func lmsZeroWeightQuizIsAControlError() async throws {
        let (divergences, totals) = try await Self.lastCommandDivergences(try Self.quirk("legacy.zero_weight_quiz_crash").trigger)
        #expect(divergences.map(\.kind) == [.controlError])
        #expect(divergences.first?.feature == "grading_service")
        #expect(divergences.first?.candidateOutcome["errorCode"] == .string(ErrorCode.quizHasNoQuestions))
        #expect(totals.features["grading_service"]?.controlErrors == 1)
        #expect(totals.features["grading_service"]?.candidateErrors == 0)
    }

    @Test func lmsMissingCancelEventIsAnEventMismatch() async throws {
        let (divergences, totals) = try await Self.lastCommandDivergences(try Self.quirk("legacy.no_event_on_cancel_or_expire").trigger)
        #expect(divergences.map(\.kind) == [.eventMismatch])
        #expect(divergences.first?.feature == "domain_events")
        #expect(divergences.first?.op == "enrollment.cancel")
        #expect(divergences.first?.paths.allSatisfy { $0.hasPrefix("$.events") } == true)
        #expect(totals.features["enrollment_state_machine"]?.mismatches == 0)
    }

    @Test func lmsRefusedReactivationIsAStateTransitionError() async throws {
        let (divergences, totals) = try await Self.lastCommandDivergences(try Self.quirk("legacy.reactivate_completed").trigger)
        let behaviour = try #require(divergences.first { $0.feature == "enrollment_state_machine" })
        #expect(behaviour.kind == .rejectionMismatch)
        #expect(behaviour.candidateCode == ErrorCode.invalidTransition)
        #expect(totals.features["enrollment_state_machine"]?.stateTransitionErrors == 1)
    }

    @Test func lmsFailedListenerJobsOnTheModernSideAreCounted() async throws {
        // No instructor: NotifyInstructor fails on both sides when the attempt is graded.
        let commands: [LMSCommand] = [
            .courseCreate(courseId: 1, title: "C", instructorId: nil, capacity: nil, certificateTemplate: "classic"),
            .courseAddLesson(courseId: 1, lessonId: 100, title: "L"),
            .courseAddQuiz(courseId: 1, quizId: 5, maxAttempts: 3, timeLimitMinutes: nil, passingScore: 50, strategy: .highest, weights: [1]),
            .coursePublish(courseId: 1), .enroll(userId: 10, courseId: 1), .startAttempt(userId: 10, quizId: 5, attemptId: 1),
            .submitAttempt(attemptId: 1, answers: [1]), .gradeAttempt(attemptId: 1),
        ]
        let (totals, sink) = try await Self.runLMS([("s-1", commands)])
        #expect(sink.divergences.isEmpty, "both sides fail the same job")
        #expect(totals.features["grading_service"]?.failedJobs == 1)
        #expect(totals.features["domain_events"]?.failedJobs == 1)
        let failed = sink.sideEffects.flatMap(\.records.failedJobs)
        #expect(failed.map(\.job) == ["NotifyInstructor"])
        #expect(failed.first?.event == "AttemptGraded")
        #expect(sink.sideEffects.contains { $0.records.transitions.contains { $0.entity == "course" && $0.to == "published" } })
    }

    @Test func replayMarksTheDivergingCommand() throws {
        let quirk = try Self.quirk("legacy.grade_error_code")
        let input = try #require(Fixtures.scenarios([("s-1", quirk.trigger)], step: 0, opOf: { $0.op.rawValue }).first)
        let replayer = Replayer(subject: LMSSubject(), options: Fixtures.options())
        let steps = try replayer.replay(input)
        #expect(steps.map(\.seq) == Array(1...quirk.trigger.count))
        #expect(steps.dropLast().allSatisfy { $0.divergences.isEmpty })
        #expect(steps.last?.divergences.map(\.kind) == [.errorCodeMismatch])
        #expect(steps.last?.control["errorCode"] == .string(ErrorCode.notSubmitted))
        #expect(steps.last?.candidate["errorCode"] == .string(ErrorCode.invalidTransition))
        let truncated = try replayer.replay(input, upto: 3)
        #expect(truncated.map(\.seq) == [1, 2, 3])
        #expect(truncated.allSatisfy { $0.divergences.isEmpty })
    }

    // MARK: Any number of workers, the same results

    /// Everything a run produces, as comparable text: counts, signatures with first and last occurrence,
    /// expired rules, every kept divergence and side-effect row in order.
    static func digest(_ totals: RunTotals, _ sink: RecordingSink) -> [String] {
        var lines: [String] = ["commands \(totals.commands) scenarios \(totals.scenarios) seconds \(totals.scenarioSeconds)"]
        for feature in totals.featureOrder {
            let c = totals.features[feature] ?? FeatureCounts()
            lines.append("\(feature) \(c.comparisons) \(c.matches) \(c.accepted) \(c.mismatches) \(c.candidateErrors) \(c.controlErrors) \(c.stateTransitionErrors) \(c.failedJobs) \(c.candidateRejections) downstream \(c.downstream) latency \(totals.latency[feature]?.count ?? -1)")
        }
        for s in totals.signatures {
            lines.append("sig \(s.signature) \(s.count) \(s.acceptedRule ?? "-") \(s.first) \(s.last) of \(s.downstreamOf ?? "-") caused \(s.caused)")
        }
        for (rule, hits) in totals.expiredRuleHits.sorted(by: { $0.key < $1.key }) { lines.append("expired \(rule) \(hits)") }
        for d in sink.divergences {
            lines.append("div \(d.ordinal) \(d.scenario) \(d.seq) \(d.line) \(d.feature) \(d.kind) \(d.signature.id) \(d.acceptedRule ?? "-") root \(d.root.map { "\($0.scenario)/\($0.seq)/\($0.signature)" } ?? "-") \(d.controlOutcome.jsonText) \(d.candidateOutcome.jsonText)")
        }
        for row in sink.sideEffects {
            lines.append("fx \(row.scenario) \(row.seq) \(row.at) \(row.records.events.map(\.name)) \(row.records.transitions.map(\.to)) \(row.records.failedJobs.map(\.job))")
        }
        return lines
    }

    /// Fake scenarios with every kind of divergence spread over them, deterministically.
    static let mixedScenarios: [(id: String, commands: [FakeCommand])] = (0..<240).map { index in
        var commands: [FakeCommand] = [.agree("alpha.start", .value(index, events: ["Started"]))]
        switch index % 7 {
        case 0: commands.append(.differ("alpha.set", control: .value(1), candidate: .value(index)))
        case 1: commands.append(.differ("beta.move", control: .value(1), candidate: .rejected("invalid_transition")))
        case 2: commands.append(.differ("beta.grade", control: .rejected("a"), candidate: .rejected("b")))
        case 3: commands.append(.differ("alpha.done", control: .value(1, events: ["A", "B"]), candidate: .value(1, events: ["B", "A"])))
        case 4: commands.append(.differ("alpha.x", control: .value(1), candidate: .crash("boom \(index)")))
        case 5: commands.append(.differ("beta.y", control: .crash("legacy"), candidate: .value(1)))
        default: commands.append(.agree("beta.ok", .value(1, failedJobs: ["Job"], transitions: [FakeTransition("e", "\(index)", from: "a", to: "b")])))
        }
        commands += Array(repeating: .agree("beta.pad"), count: index % 5)
        return (id: "s-\(String(format: "%04d", index))", commands: commands)
    }

    @Test(.tags(.slow), arguments: [(2, 1), (4, 3), (4, 16), (7, 5)])
    func fakeRunsAreIdenticalForAnyWorkerCount(workers: Int, batchSize: Int) async throws {
        let rules = try AcceptedRules.parse(AcceptedRulesTests.yaml, path: "a.yaml")
        let one = try await Self.run(Self.mixedScenarios, options: Fixtures.options(workers: 1, accepted: rules, examplesPerSignature: 5, batchSize: 8))
        let many = try await Self.run(Self.mixedScenarios, options: Fixtures.options(workers: workers, accepted: rules,
                                                                                     examplesPerSignature: 5, batchSize: batchSize))
        let a = Self.digest(one.totals, one.sink)
        let b = Self.digest(many.totals, many.sink)
        #expect(a == b)
        #expect(one.totals.signatures.count >= 6)
        #expect(one.sink.divergences.count > 20)
    }

    /// The rows of the divergences table of a run, in insertion order.
    static func storedDivergences(_ store: Store, runId: Int64) throws -> [String] {
        try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT ordinal, scenario, seq, file, line, feature, op, kind, signature, paths, diff, control_outcome,
                       candidate_outcome, accepted_rule, root_scenario, root_seq, root_signature
                FROM divergences WHERE run_id = ? ORDER BY id
                """, arguments: [runId]).map { row in
                row.databaseValues.map(\.description).joined(separator: "|")
            }
        }
    }

    static func storedSignatures(_ store: Store, runId: Int64) throws -> [String] {
        try store.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM signatures WHERE run_id = ? ORDER BY signature", arguments: [runId])
                .map { row in row.databaseValues.dropFirst().map(\.description).joined(separator: "|") }
        }
    }

    static func storedSideEffects(_ store: Store, runId: Int64) throws -> [String] {
        try store.read { db in
            try ["domain_event_log", "state_transitions", "failed_jobs"].flatMap { table in
                try Row.fetchAll(db, sql: "SELECT * FROM \(table) WHERE run_id = ? ORDER BY id", arguments: [runId])
                    .map { row in table + " " + row.databaseValues.dropFirst(2).map(\.description).joined(separator: "|") }
            }
        }
    }

    /// Runs into a store and returns the digest plus everything stored, minus ids and timings.
    static func storedRun(workers: Int, batchSize: Int = 8,
                          source: inout some ScenarioSource<LMSCommand>) async throws -> [String] {
        let store = try Fixtures.memoryStore()
        let runId = try store.beginRun(RunMetadata(subject: "lms", startedAt: Fixtures.start, seed: 1, inputs: [], config: [:],
                                                   toolVersion: "test", workers: workers))
        var sink = store.sink(runId: runId)
        let rules = try AcceptedRules.load(path: AcceptedRulesTests.shippedRulesPath)
        let totals = try await ShadowRunner(subject: LMSSubject(), options: Fixtures.options(workers: workers, accepted: rules,
                                                                                             examplesPerSignature: 3, batchSize: batchSize))
            .run(&source, sink: &sink)
        try store.completeRun(runId, totals: totals, finishedAt: Fixtures.start, duration: 0)
        return Self.digest(totals, RecordingSink())
            + (try storedDivergences(store, runId: runId)) + (try storedSignatures(store, runId: runId))
            + (try storedSideEffects(store, runId: runId))
    }

    @Test(.tags(.slow)) func generatedLMSRunsAreIdenticalForOneAndFourWorkers() async throws {
        var first = GeneratedSource(seed: 20_261_124, count: 300)
        var second = GeneratedSource(seed: 20_261_124, count: 300)
        let one = try await Self.storedRun(workers: 1, source: &first)
        let four = try await Self.storedRun(workers: 4, source: &second)
        #expect(one.count == four.count)
        #expect(one == four)
        #expect(one.contains { $0.hasPrefix("sig ") }, "the corpus must produce divergences for the test to mean something")
        #expect(one.contains { $0.hasPrefix("sig ") && !$0.hasSuffix("caused 0") }, "and knock-ons, to cover their chains")
        #expect(one.contains { $0.hasPrefix("domain_event_log ") })
    }

    @Test(.tags(.slow)) func fileRunsAreIdenticalForOneAndFourWorkers() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("corpus.jsonl")
        var writer = try ScenarioWriter(path: path)
        let generator = TrafficGenerator(seed: 99)
        for index in 0..<300 {
            for line in GeneratedSource.lines(generator.scenario(index), index: index) { try writer.write(line) }
        }
        try writer.close()
        var first = try ScenarioReader<LMSCommand>(path: path, displayName: "corpus.jsonl", decode: LMSCommandCodec.decode)
        var second = try ScenarioReader<LMSCommand>(path: path, displayName: "corpus.jsonl", decode: LMSCommandCodec.decode)
        let one = try await Self.storedRun(workers: 1, source: &first)
        let four = try await Self.storedRun(workers: 4, source: &second)
        #expect(one == four)
        #expect(one.contains { $0.hasPrefix("sig ") && $0.contains("corpus.jsonl") })
        // The same corpus generated in memory gives the same counts as the file (only file and line differ).
        var generated = GeneratedSource(seed: 99, count: 300)
        let fromGenerator = try await Self.storedRun(workers: 2, source: &generated)
        let counts = { (lines: [String]) in lines.filter { !$0.hasPrefix("sig ") && !$0.hasPrefix("div ") && !$0.contains("|") } }
        #expect(counts(one) == counts(fromGenerator))
    }

    /// A recorded production log is one long scenario: read in parts of a few commands, each part run on the
    /// worlds the previous one left, it gives exactly what reading it whole gives, for any worker count and
    /// batch size, with long scenarios back to back and one as the very last item.
    @Test(.tags(.slow)) func longScenariosReadInPartsRunAsIfWhole() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("log.jsonl")
        let subject = LMSSubject()
        let generator = TrafficGenerator(seed: 77)
        func short(_ range: Range<Int>) -> [ScenarioLine] {
            range.flatMap { GeneratedSource.lines(generator.scenario($0), index: $0) }
        }
        /// `count` generated scenarios in one world, one after the other.
        func long(_ id: String, seed: UInt64, count: Int) throws -> [ScenarioLine] {
            var pieces = GeneratedSource(seed: seed, count: count)
            var parts: [ScenarioInput<LMSCommand>] = []
            while let piece = try pieces.nextScenario() { parts.append(piece) }
            return ScenarioComposer.concatenate(parts, id: id, file: "log.jsonl", subject: subject).commands.map { input in
                let (op, fields) = subject.encode(input.command)
                return ScenarioLine(scenario: id, seq: input.seq, at: input.at, op: op, fields: fields)
            }
        }
        let logA = try long("log-a", seed: 78, count: 12)
        var writer = try ScenarioWriter(path: path)
        for line in short(0..<3) + logA + (try long("log-b", seed: 79, count: 6)) + short(3..<5)
            + (try long("log-c", seed: 80, count: 8)) {
            try writer.write(line)
        }
        try writer.close()
        let first = logA.count

        func reader(part: Int) throws -> ScenarioReader<LMSCommand> {
            try ScenarioReader(path: path, displayName: "log.jsonl", maxPartCommands: part, decode: LMSCommandCodec.decode)
        }
        var counting = try reader(part: 50)
        var parts: [String] = []
        while let scenario = try counting.nextScenario() { parts.append(scenario.id) }
        #expect(parts.filter { $0 == "log-a" }.count == (first + 49) / 50, "the logs must really come in parts")
        #expect(parts.last == "log-c")

        var whole = try reader(part: 1 << 20)
        let expected = try await Self.storedRun(workers: 1, source: &whole)
        #expect(expected.contains { $0.contains("log-a") }, "the logs must diverge for the test to mean something")
        for (workers, batchSize, part) in [(1, 8, 50), (3, 8, 50), (4, 1, 7), (2, 3, 1), (2, 256, 13)] {
            var inParts = try reader(part: part)
            #expect(try await Self.storedRun(workers: workers, batchSize: batchSize, source: &inParts) == expected,
                    "\(workers) workers, batches of \(batchSize), parts of \(part)")
        }
    }
}
