import Foundation
import LMS
import LMSShadow
@testable import ShadowKit
import ShadowTestSupport
import Synchronization
import Testing

/// Hours of traffic (what failed jobs per hour divide by) and calibrated timing: the order sides are timed in,
/// the control timed twice (A/A), and latency verdicts that must clear that noise.
@Suite struct TrafficAndTimingTests {
    // MARK: Hours of traffic

    @Test func overlappingScenariosCountTheirSpanOnce() {
        let spans = [ScenarioSpan(start: 0, end: 3600), ScenarioSpan(start: 1800, end: 5400), ScenarioSpan(start: 600, end: 1200)]
        #expect(ScenarioSpan.unionLength(spans) == 5400, "three scenarios over 1.5 h of traffic span 1.5 h, not their 2.2 h sum")
    }

    @Test func disjointScenariosAddUpAndGapsDoNotCount() {
        let spans = [ScenarioSpan(start: 7200, end: 9000), ScenarioSpan(start: 0, end: 1800)]
        #expect(ScenarioSpan.unionLength(spans) == 3600)
        #expect(ScenarioSpan.unionLength([]) == 0)
        #expect(ScenarioSpan.unionLength([ScenarioSpan(start: 5, end: 5)]) == 0)
    }

    @Test func aRunOfRecordedScenariosStoresTheSpanTheyCover() async throws {
        // Two scenarios of one hour each, the second starting half an hour into the first: 1.5 h of traffic.
        let hour: [FakeCommand] = [.agree("alpha.a"), .advance(3600), .agree("alpha.b")]
        var scenarios = Fixtures.scenarios([("s-1", hour), ("s-2", hour)], step: 0, opOf: \.op)
        scenarios[1].commands = scenarios[1].commands.map { var c = $0; c.at += 1800; return c }
        var source = ScenarioList(scenarios)
        let (totals, _) = try await runToMemory(FakeSubject(), options: Fixtures.options(), source: &source)
        #expect(totals.scenarioSeconds == 7200, "the sum of durations is kept, but not used for rates")
        #expect(totals.trafficSeconds == 5400)
        #expect(totals.syntheticCommands == 0)
    }

    @Test func generatedScenariosHaveNoHoursOnlyCommands() async throws {
        var source = GeneratedSource(seed: 7, count: 20)
        let (totals, _) = try await runToMemory(LMSSubject(), options: Fixtures.options(), source: &source)
        #expect(totals.trafficSeconds == 0)
        #expect(totals.syntheticCommands == totals.commands)
        #expect(totals.commands > 0)
    }

    @Test func aGeneratedCorpusFileSaysSoInItsHeader() throws {
        let directory = try TemporaryDirectory()
        let header = GeneratedSource.header(seed: 7, count: 1)
        let lines = GeneratedSource.lines(TrafficGenerator(seed: 7).scenario(0), index: 0).map(\.jsonLine)
        let path = try directory.write("corpus.jsonl", lines: [header.jsonLine] + lines)
        var reader = try ScenarioReader(path: path, subject: LMSSubject())
        let scenario = try #require(try reader.nextScenario())
        #expect(scenario.synthetic)
        #expect(scenario.commands.first?.line == 2, "line numbers still count the header")
        #expect(reader.header?.traffic == .generated)
        #expect(reader.header?.details["seed"] == .int(7))
        // Without a header a file is recorded traffic.
        let plain = try directory.write("recorded.jsonl", lines: lines)
        var recorded = try ScenarioReader(path: plain, subject: LMSSubject())
        #expect(try recorded.nextScenario()?.synthetic == false)
    }

    @Test func aHeaderWithAnUnknownTrafficKindIsAnErrorWithItsLine() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("bad.jsonl", lines: ["", "{\"corpus\":\"imagined\"}"])
        var reader = try ScenarioReader(path: path, subject: LMSSubject())
        #expect {
            _ = try reader.nextScenario()
        } throws: { error in
            (error as? ScenarioError)?.description.hasPrefix("\(path):2: header field \"corpus\"") == true
        }
    }

    static func failedJobs(_ run: StoredRun, target: String = "< 1/hour") throws -> CriterionResult {
        let table = "| Metric | Target | Measured |\n|---|---|---|\n| Mismatch rate | < 0.5% | |\n| Failed jobs | \(target) | |\n"
        let evaluator = try GateEvaluator(table: CriteriaTable.parse(table, file: "criteria.md"))
        return try GateTests.criterion(evaluator.evaluate(run, features: []), "Failed jobs")
    }

    @Test func failedJobsPerHourDivideByTheSpanNotTheSumOfDurations() throws {
        // 12 failed jobs over 10 h of traffic whose scenarios last 500 h in sum: 1.2/h, a breach of < 1/hour.
        var counts = GateTests.counts(comparisons: 10, failedJobs: 12)
        counts.controlFailedJobs = 11
        let result = try Self.failedJobs(GateTests.run(counts, hours: 10))
        #expect(result.verdict == .fail)
        #expect(result.measured.contains("12 in 10.0 h"))
        #expect(result.measured.contains("control 11"), "the control's failed jobs are shown beside the candidate's")
        #expect(result.reason.contains("10.0 h spanned by recorded traffic"))
    }

    @Test func generatedTrafficIsInconclusiveWithoutAStatedRate() throws {
        let run = GateTests.run(GateTests.counts(comparisons: 10), hours: 0, generated: 200_000)
        let unstated = try Self.failedJobs(run)
        #expect(unstated.verdict == .inconclusive)
        #expect(unstated.reason.contains("200,000 commands of generated traffic have no real hours"))
    }

    @Test func generatedTrafficCountsItsCommandsAtTheStatedRate() throws {
        let target = "< 1/hour at 50,000 commands/hour"
        // 200,000 commands at 50,000/hour are 4 h; no failures: bound 3.0/4 = 0.75/h.
        let clean = try Self.failedJobs(GateTests.run(GateTests.counts(comparisons: 10), hours: 0, generated: 200_000),
                                        target: target)
        #expect(clean.verdict == .pass)
        #expect(clean.reason.contains("4.0 h of generated traffic (200,000 commands at 50,000 commands/hour)"))
        // 5 failed jobs in those 4 h breach the limit.
        let failing = try Self.failedJobs(GateTests.run(GateTests.counts(comparisons: 10, failedJobs: 5), hours: 0,
                                                        generated: 200_000), target: target)
        #expect(failing.verdict == .fail)
        // Recorded and generated traffic add up: 2 h recorded + 2 h generated.
        let mixed = try Self.failedJobs(GateTests.run(GateTests.counts(comparisons: 10), hours: 2, generated: 100_000),
                                        target: target)
        #expect(mixed.reason.contains("2.0 h spanned by recorded traffic + 2.0 h of generated traffic"))
    }

    @Test func aRunStoredBeforeTrafficHoursIsInconclusive() throws {
        let old = StoredRun(id: 3, status: .complete, scenarioSeconds: 36_000, features: ["f": GateTests.counts(comparisons: 10)],
                            featureOrder: ["f"])
        let result = try Self.failedJobs(old)
        #expect(result.verdict == .inconclusive)
        #expect(result.reason.contains("stored before traffic hours were recorded"))
    }

    @Test func theProductionRateIsPartOfTheTarget() throws {
        let target = try #require(CriterionTarget(parsing: "< 1/hour at 50,000 commands/hour"))
        #expect(target == .ratePerHourBelow(1, commandsPerHour: 50_000))
        #expect(CriterionTarget(parsing: target.description) == target)
        #expect(CriterionTarget(parsing: "< 2 per hour at 1200 commands per hour") == .ratePerHourBelow(2, commandsPerHour: 1_200))
        #expect(CriterionTarget(parsing: "< 1/hour at lots") == nil)
        #expect(CriterionTarget(parsing: "< 1/hour at 0 commands/hour") == nil)
    }

    // MARK: Timing order

    @Test func timingOrderAlternatesPerCommandAndIsReproducible() {
        var controlFirst = 0
        var triples: [UInt8: Int] = [:]
        let commands = 10_000
        for seq in 1...commands {
            let order = TimingOrder.order(ordinal: seq / 40, seq: seq % 40, sides: 2)
            #expect(order == TimingOrder.order(ordinal: seq / 40, seq: seq % 40, sides: 2))
            let sides = TimingOrder.sides(order)
            #expect(Set(sides) == [TimingOrder.control, TimingOrder.candidate])
            if sides.first == TimingOrder.control { controlFirst += 1 }
            let triple = TimingOrder.order(ordinal: seq / 40, seq: seq % 40, sides: 3)
            #expect(Set(TimingOrder.sides(triple)) == [TimingOrder.control, TimingOrder.candidate, TimingOrder.repeatControl])
            triples[triple, default: 0] += 1
        }
        #expect((4_700...5_300).contains(controlFirst), "the control goes first on about half the commands: \(controlFirst)")
        #expect(triples.count == 6)
        #expect(triples.values.allSatisfy { (1_450...1_900).contains($0) }, "\(triples)")
    }

    @Test func theRunnerAppliesTheSidesInTheDrawnOrder() async throws {
        let subject = OrderLoggingSubject()
        let commands: [FakeCommand] = (0..<200).map { _ in .agree("alpha.a") }
        var source = ScenarioList(Fixtures.scenarios([("s-1", commands)], step: 0, opOf: \.op))
        var options = Fixtures.options()
        options.repeatTimingEvery = 0
        _ = try await runToMemory(subject, options: options, source: &source)
        let calls = subject.log.withLock { $0 }
        #expect(calls.count == 400)
        for seq in 1...200 {
            let first = calls[(seq - 1) * 2]
            let expected = TimingOrder.sides(TimingOrder.order(ordinal: 0, seq: seq, sides: 2)).first == TimingOrder.control
            #expect(first == (expected ? "control" : "candidate"), "seq \(seq)")
        }
        let controlFirst = stride(from: 0, to: calls.count, by: 2).count { calls[$0] == "control" }
        #expect((70...130).contains(controlFirst))
    }

    @Test func theControlIsTimedTwiceOnASampleOfScenarios() async throws {
        let scenarios = (0..<8).map { ("s-\($0)", [LMSCommand.courseCreate(courseId: 1, title: "C", instructorId: 9, capacity: nil,
                                                                              certificateTemplate: nil),
                                                   .courseAddLesson(courseId: 1, lessonId: 2, title: "L")]) }
        var source = ScenarioList(Fixtures.scenarios(scenarios, step: 0, opOf: { $0.op.rawValue }))
        let (totals, sink) = try await runToMemory(LMSSubject(), options: Fixtures.options(), source: &source)
        // Scenarios 0 and 4 of 8 (one in four): two commands each, both course_state_machine.
        let repeated = try #require(totals.repeatLatency["course_state_machine"])
        #expect(repeated.first.count == 4)
        #expect(repeated.second.count == 4)
        #expect(sink.divergences.isEmpty, "the second control world changes nothing compared")
        #expect(totals.latency["course_state_machine"]?.count == 16)
    }

    // MARK: Latency verdicts against the A/A noise

    static let latencyOnly = """
        | Metric | Target | Measured |
        |--------|--------|----------|
        | Mismatch rate | < 0.5% | |
        | Response time | No regression (25%) | |
        """

    static func responseTime(control: Double, candidate: Double, noise: Double?) throws -> CriterionResult {
        let evaluator = try GateEvaluator(table: CriteriaTable.parse(latencyOnly, file: "criteria.md"))
        let run = GateTests.run(GateTests.counts(comparisons: 10_000), control: GateTests.latency(control),
                                candidate: GateTests.latency(candidate), noise: noise)
        return try GateTests.criterion(evaluator.evaluate(run, features: []), "Response time")
    }

    @Test func aSlowdownWithinTheNoiseBandIsInconclusive() throws {
        // ×1.30 is past the ×1.25 limit, but two timings of the same code differ by ×1.10 here: not a fail.
        let noisy = try Self.responseTime(control: 1_000, candidate: 1_300, noise: 1.10)
        #expect(noisy.verdict == .inconclusive)
        #expect(noisy.reason.contains("A/A noise ×1.10"))
        // The same slowdown on a quiet machine fails.
        #expect(try Self.responseTime(control: 1_000, candidate: 1_300, noise: 1.0).verdict == .fail)
        // Far beyond the band fails even on a noisy machine.
        #expect(try Self.responseTime(control: 1_000, candidate: 2_000, noise: 1.10).verdict == .fail)
    }

    @Test func aPassMustClearTheNoiseBandToo() throws {
        #expect(try Self.responseTime(control: 1_000, candidate: 1_200, noise: 1.0).verdict == .pass)
        #expect(try Self.responseTime(control: 1_000, candidate: 1_200, noise: 1.10).verdict == .inconclusive)
        #expect(try Self.responseTime(control: 1_000, candidate: 1_000, noise: 1.10).verdict == .pass)
    }

    @Test(.tags(.slow)) func twoRunsOfTheSameCodeNeverGiveOppositeLatencyVerdicts() async throws {
        let evaluator = try GateEvaluator(table: CriteriaTable.parse(Self.latencyOnly, file: "criteria.md"))
        var verdicts: [[String: Verdict]] = []
        for attempt in 0..<2 {
            var source = GeneratedSource(seed: 20_261_125, count: 600)
            let (totals, _) = try await runToMemory(LMSSubject(), options: Fixtures.options(workers: 2), source: &source)
            let run = StoredRun(id: Int64(attempt + 1), status: .complete, scenarioSeconds: totals.scenarioSeconds,
                                trafficSeconds: totals.trafficSeconds, syntheticCommands: totals.syntheticCommands,
                                features: totals.features, featureOrder: totals.featureOrder, controlLatency: totals.latency,
                                candidateLatency: totals.candidateLatency, repeatLatency: totals.repeatLatency)
            #expect(totals.repeatLatency.values.allSatisfy { $0.first.count >= GateEvaluator.minimumLatencySamples })
            var byFeature: [String: Verdict] = [:]
            for feature in evaluator.evaluate(run, features: []).features {
                byFeature[feature.feature] = feature.criteria.first { $0.metric == "Response time" }?.verdict
            }
            verdicts.append(byFeature)
        }
        for (feature, first) in verdicts[0] {
            let second = verdicts[1][feature]
            #expect(!(first == .pass && second == .fail) && !(first == .fail && second == .pass),
                    "\(feature): \(first.rawValue) then \(second?.rawValue ?? "none")")
        }
    }

    @Test func withoutAnATimingTheLatencyVerdictIsInconclusive() throws {
        let unmeasured = try Self.responseTime(control: 1_000, candidate: 3_000, noise: nil)
        #expect(unmeasured.verdict == .inconclusive)
        #expect(unmeasured.reason.contains("timing noise is unmeasured"))
    }
}

/// A fake subject that logs which side each call went to.
final class OrderLoggingSubject: ShadowSubject, @unchecked Sendable {
    typealias Command = FakeCommand
    typealias Outcome = FakeOutcome
    let log = Mutex<[String]>([])
    let fake = FakeSubject()

    var name: String { "order" }
    var features: [String] { fake.features }
    var sideEffectsFeature: String? { nil }
    var transitionRefusalCode: String? { nil }
    func decode(_ line: ScenarioLine) throws(FieldError) -> FakeCommand { try fake.decode(line) }
    func encode(_ command: FakeCommand) -> (op: String, fields: [String: JSONValue]) { fake.encode(command) }
    func feature(of command: FakeCommand) -> String? { fake.feature(of: command) }
    func clockAdvance(of command: FakeCommand) -> Double? { nil }
    func makeControlWorld() -> FakeWorld { FakeWorld() }
    func makeCandidateWorld() -> FakeWorld { FakeWorld() }
    func applyControl(_ command: FakeCommand, to world: inout FakeWorld, now: Date) throws -> FakeOutcome {
        log.withLock { $0.append("control") }
        return try fake.applyControl(command, to: &world, now: now)
    }
    func applyCandidate(_ command: FakeCommand, to world: inout FakeWorld, now: Date) throws -> FakeOutcome {
        log.withLock { $0.append("candidate") }
        return try fake.applyCandidate(command, to: &world, now: now)
    }
    func behavioursEqual(_ control: FakeOutcome, _ candidate: FakeOutcome) -> Bool { fake.behavioursEqual(control, candidate) }
    func sideEffectsEqual(_ control: FakeOutcome, _ candidate: FakeOutcome) -> Bool { fake.sideEffectsEqual(control, candidate) }
    func behaviourTree(_ outcome: FakeOutcome) -> JSONValue { fake.behaviourTree(outcome) }
    func sideEffectsTree(_ outcome: FakeOutcome) -> JSONValue { fake.sideEffectsTree(outcome) }
    func outcomeTree(_ outcome: FakeOutcome) -> JSONValue { fake.outcomeTree(outcome) }
    func rejectionCode(_ outcome: FakeOutcome) -> String? { fake.rejectionCode(outcome) }
    func records(_ outcome: FakeOutcome) -> SideEffectRecords { fake.records(outcome) }
}
