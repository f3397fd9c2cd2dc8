import Foundation
import ShadowKit
import Testing

/// Verdicts of the gate at the edges: no data, too little data, just inside and just outside a target.
@Suite struct GateTests {
    static let criteria = """
        | Metric | Target | Measured |
        |--------|--------|----------|
        | Mismatch rate | < 0.1% | |
        | Error rate | < 0.1% | |
        | Failed jobs | < 1/hour | |
        | State transition errors | 0 | |
        | Response time | No regression | |
        | Test coverage | 80%+ | |
        | User complaints | 0 increase | |
        """

    static func evaluator(_ text: String = criteria, coverage: Double? = nil) throws -> GateEvaluator {
        try GateEvaluator(table: CriteriaTable.parse(text, file: "criteria.md"), coverage: coverage)
    }

    /// A run over `hours` of recorded traffic (and `generated` commands of generated traffic); latency with an
    /// A/A timing of the control at `noise` × (both halves at the control's own times when `noise` is 1).
    static func run(_ counts: FeatureCounts, status: RunStatus = .complete, hours: Double = 10, generated: Int = 0,
                    control: LatencySummary? = nil, candidate: LatencySummary? = nil, noise: Double? = 1) -> StoredRun {
        let repeated = control.flatMap { control in
            noise.map { RepeatTiming(first: control, second: latency(control.p95 * $0, count: control.count)) }
        }
        return StoredRun(id: 7, status: status, error: status == .aborted ? "bad.jsonl:3: unknown op" : nil,
                         scenarioSeconds: hours * 3600 * 50, trafficSeconds: hours * 3600, syntheticCommands: generated,
                         features: ["f": counts], featureOrder: ["f"],
                         controlLatency: control.map { ["f": $0] } ?? [:], candidateLatency: candidate.map { ["f": $0] } ?? [:],
                         repeatLatency: repeated.map { ["f": $0] } ?? [:])
    }

    static func counts(comparisons: Int, mismatches: Int = 0, errors: Int = 0, transitions: Int = 0,
                       failedJobs: Int = 0) -> FeatureCounts {
        var c = FeatureCounts()
        c.comparisons = comparisons
        c.mismatches = mismatches
        c.matches = comparisons - mismatches
        c.candidateErrors = errors
        c.stateTransitionErrors = transitions
        c.failedJobs = failedJobs
        return c
    }

    static func criterion(_ decision: GateDecision, _ metric: String) throws -> CriterionResult {
        try #require(decision.features.first?.criteria.first { $0.metric == metric })
    }

    /// Latency with every sample at `value` ns.
    static func latency(_ value: Double, count: Int = 10_000) -> LatencySummary {
        LatencySummary(count: count, p50: value, p95: value, p99: value, max: value, buckets: [[value, Double(count)]])
    }

    @Test func noRunIsInconclusive() throws {
        let decision = try Self.evaluator().evaluate(nil, features: [])
        #expect(decision.verdict == .inconclusive)
        #expect(decision.exitCode == 2)
        #expect(decision.reason.contains("no run"))
    }

    @Test(arguments: [RunStatus.aborted, .running])
    func unfinishedRunIsInconclusive(status: RunStatus) throws {
        let decision = try Self.evaluator().evaluate(Self.run(Self.counts(comparisons: 100_000), status: status), features: [])
        #expect(decision.verdict == .inconclusive)
        #expect(decision.features.isEmpty)
        #expect(decision.reason.contains("only complete runs count"))
    }

    @Test func zeroOfZeroIsInconclusive() throws {
        let decision = try Self.evaluator().evaluate(Self.run(Self.counts(comparisons: 0)), features: [])
        #expect(decision.verdict == .inconclusive)
        #expect(try Self.criterion(decision, "Mismatch rate").verdict == .inconclusive)
        #expect(try Self.criterion(decision, "State transition errors").verdict == .inconclusive)
    }

    @Test func zeroOfFewIsInconclusiveAndSaysHowManyMore() throws {
        let decision = try Self.evaluator().evaluate(Self.run(Self.counts(comparisons: 1_000)), features: [])
        let mismatch = try Self.criterion(decision, "Mismatch rate")
        #expect(mismatch.verdict == .inconclusive)
        // 0 of 2,995 is the first count whose bound is under 0.1%.
        #expect(mismatch.reason.contains("need 1,995 more clean comparisons"))
        #expect(decision.verdict == .inconclusive)
    }

    @Test func justEnoughCleanComparisonsPass() throws {
        let pass = try Self.evaluator().evaluate(Self.run(Self.counts(comparisons: 2_995)), features: [])
        #expect(try Self.criterion(pass, "Mismatch rate").verdict == .pass)
        let short = try Self.evaluator().evaluate(Self.run(Self.counts(comparisons: 2_994)), features: [])
        #expect(try Self.criterion(short, "Mismatch rate").verdict == .inconclusive)
    }

    @Test func rateAboveTheTargetFails() throws {
        // 11 of 10,000 is 0.11%: the rate itself breaches 0.1%.
        let decision = try Self.evaluator().evaluate(Self.run(Self.counts(comparisons: 10_000, mismatches: 11)), features: [])
        #expect(try Self.criterion(decision, "Mismatch rate").verdict == .fail)
        #expect(decision.verdict == .fail)
        #expect(decision.exitCode == 1)
    }

    @Test func rateJustBelowTheTargetButBoundAboveIsInconclusive() throws {
        // 5 of 10,000 is 0.05%, but the 95% bound is about 0.105%.
        let decision = try Self.evaluator().evaluate(Self.run(Self.counts(comparisons: 10_000, mismatches: 5)), features: [])
        let mismatch = try Self.criterion(decision, "Mismatch rate")
        #expect(mismatch.verdict == .inconclusive)
        #expect(mismatch.upperBoundText == "0.105%")
        #expect(mismatch.reason.contains("more clean comparisons"))
        // The same numbers for machines: fractions and integers, and which bound.
        #expect(abs((mismatch.upperBound ?? 0) - Statistics.clopperPearsonUpper(failures: 5, trials: 10_000)) < 1e-15)
        #expect(mismatch.rate == 0.0005)
        #expect(mismatch.count == 5)
        #expect(mismatch.comparisons == 10_000)
        #expect(mismatch.limit == 0.001)
        #expect(mismatch.bound == .clopperPearson)
        let needed = try #require(mismatch.needed)
        #expect(Statistics.clopperPearsonUpper(failures: 5, trials: 10_000 + needed) < 0.001)
        #expect(Statistics.clopperPearsonUpper(failures: 5, trials: 10_000 + needed - 1) >= 0.001)
        #expect(mismatch.reason.contains("Clopper–Pearson"))
    }

    @Test func candidateErrorsDriveTheErrorRate() throws {
        let decision = try Self.evaluator().evaluate(Self.run(Self.counts(comparisons: 10_000, errors: 20)), features: [])
        #expect(try Self.criterion(decision, "Error rate").verdict == .fail)
        #expect(try Self.criterion(decision, "Mismatch rate").verdict == .pass)
    }

    @Test func firstStateTransitionErrorFailsTheFeature() throws {
        let decision = try Self.evaluator().evaluate(Self.run(Self.counts(comparisons: 100_000, transitions: 1)), features: [])
        #expect(try Self.criterion(decision, "State transition errors").verdict == .fail)
        #expect(decision.features.first?.verdict == .fail)
    }

    @Test func failedJobsUseThePoissonBound() throws {
        // 0 events in 3 hours: bound 0.9986/h, just under 1/h.
        let three = try Self.evaluator().evaluate(Self.run(Self.counts(comparisons: 10), hours: 3), features: [])
        #expect(try Self.criterion(three, "Failed jobs").verdict == .pass)
        // 0 events in 2.9 hours: bound above 1/h, not yet enough time.
        let short = try Self.evaluator().evaluate(Self.run(Self.counts(comparisons: 10), hours: 2.9), features: [])
        #expect(try Self.criterion(short, "Failed jobs").verdict == .inconclusive)
        // 12 in 10 hours breaches 1/h.
        let many = try Self.evaluator().evaluate(Self.run(Self.counts(comparisons: 10, failedJobs: 12)), features: [])
        #expect(try Self.criterion(many, "Failed jobs").verdict == .fail)
    }

    @Test func responseTimeComparesTheP95Ratio() throws {
        let same = try Self.evaluator().evaluate(
            Self.run(Self.counts(comparisons: 10_000), control: Self.latency(1_000), candidate: Self.latency(1_050)), features: [])
        #expect(try Self.criterion(same, "Response time").verdict == .pass)
        let slower = try Self.evaluator().evaluate(
            Self.run(Self.counts(comparisons: 10_000), control: Self.latency(1_000), candidate: Self.latency(2_000)), features: [])
        #expect(try Self.criterion(slower, "Response time").verdict == .fail)
        let none = try Self.evaluator().evaluate(Self.run(Self.counts(comparisons: 10_000)), features: [])
        #expect(try Self.criterion(none, "Response time").verdict == .notMeasured)
    }

    @Test func coverageIsMeasuredOnlyWhenGiven() throws {
        let run = Self.run(Self.counts(comparisons: 10_000))
        #expect(try Self.criterion(Self.evaluator().evaluate(run, features: []), "Test coverage").verdict == .notMeasured)
        #expect(try Self.criterion(Self.evaluator(coverage: 0.85).evaluate(run, features: []), "Test coverage").verdict == .pass)
        #expect(try Self.criterion(Self.evaluator(coverage: 0.79).evaluate(run, features: []), "Test coverage").verdict == .fail)
    }

    @Test func businessRowsAreNeverPassed() throws {
        let decision = try Self.evaluator().evaluate(Self.run(Self.counts(comparisons: 100_000)), features: [])
        #expect(try Self.criterion(decision, "User complaints").verdict == .notMeasured)
    }

    @Test func aFeatureWithOnlyUnmeasurableRowsIsInconclusive() throws {
        let text = "| Metric | Target | Measured |\n|---|---|---|\n| User complaints | 0 increase | |\n"
        let decision = try Self.evaluator(text).evaluate(Self.run(Self.counts(comparisons: 100_000)), features: [])
        #expect(decision.verdict == .inconclusive)
    }

    @Test func cleanEvidencePasses() throws {
        let decision = try Self.evaluator().evaluate(
            Self.run(Self.counts(comparisons: 100_000), control: Self.latency(1_000), candidate: Self.latency(1_000)),
            features: [])
        #expect(decision.verdict == .pass)
        #expect(decision.exitCode == 0)
    }

    @Test func aTargetThatDoesNotFitItsMetricIsAnErrorWithItsLine() throws {
        let text = "| Metric | Target | Measured |\n|---|---|---|\n| Response time | 80%+ | |\n"
        #expect {
            try Self.evaluator(text)
        } throws: { error in
            (error as? CriteriaTableError)?.description.hasPrefix("criteria.md:3: target \"80%+\" does not apply") == true
        }
    }

    @Test func unknownFeatureIsInconclusive() throws {
        let decision = try Self.evaluator().evaluate(Self.run(Self.counts(comparisons: 100_000)), features: ["nope"])
        #expect(decision.features.first?.verdict == .inconclusive)
    }

    @Test func junitCountsEveryCriterion() throws {
        let decision = try Self.evaluator().evaluate(Self.run(Self.counts(comparisons: 10_000, mismatches: 20)), features: [])
        let xml = GateRenderer.junit(decision)
        #expect(xml.contains("tests=\"7\""))
        #expect(xml.contains("failures=\"1\""))
        #expect(xml.contains("<failure message="))
    }

    @Test func jsonUsesTheDocumentedNames() throws {
        let decision = try Self.evaluator().evaluate(Self.run(Self.counts(comparisons: 10_000)), features: [])
        guard case .object(let root) = decision.json, case .object(let features)? = root["features"],
              case .object(let feature)? = features["f"], case .array(let criteria)? = feature["criteria"],
              case .object(let first)? = criteria.first else {
            Issue.record("unexpected JSON shape: \(decision.json.jsonText)")
            return
        }
        #expect(root["verdict"] != nil)
        #expect(feature["verdict"] != nil)
        #expect(Set(first.keys) == ["metric", "target", "measured", "upperBound", "upperBoundText", "verdict", "reason",
                                    "line", "limit", "rate", "count", "comparisons", "bound", "needed"])
        // Numbers are numbers: a CI script compares them without parsing display text.
        #expect(first["upperBound"]?.numberValue != nil)
        #expect(first["rate"] == .int(0) || first["rate"] == .double(0))
        #expect(first["comparisons"] == .int(10_000))
        #expect(first["bound"] == .string("clopper-pearson"))
    }

    @Test func aFeatureWithoutComparisonsNeverPassesOnOtherRows() throws {
        // Coverage and failed jobs say nothing about a feature the run never exercised.
        let text = "| Metric | Target | Measured |\n|---|---|---|\n| Mismatch rate | < 0.5% | |\n| Test coverage | 80%+ | |\n"
            + "| Failed jobs | < 1/hour | |\n"
        let decision = try Self.evaluator(text, coverage: 0.95).evaluate(Self.run(Self.counts(comparisons: 0), hours: 1_000),
                                                                         features: [])
        #expect(decision.verdict == .inconclusive)
        #expect(decision.exitCode == 2)
    }

    @Test func aFewTimedCommandsDoNotDecideResponseTime() throws {
        let decision = try Self.evaluator().evaluate(
            Self.run(Self.counts(comparisons: 10_000), control: Self.latency(1_000, count: 5),
                     candidate: Self.latency(3_000, count: 5)), features: [])
        let row = try Self.criterion(decision, "Response time")
        #expect(row.verdict == .inconclusive)
        #expect(row.reason.contains("need \(GateEvaluator.minimumLatencySamples) per side"))
    }

    // Issue 11, item 2: a criteria table without a mismatch-rate row gated PASS on a feature whose mismatch
    // rate breaches the shipped target.
    @Test func aTableWithoutAMismatchRateRowIsAConfigurationError() throws {
        let text = "| Metric | Target | Measured |\n|---|---|---|\n| Error rate | < 0.1% | |\n| State transition errors | 0 | |\n"
        #expect {
            try Self.evaluator(text)
        } throws: { error in
            guard let error = error as? CriteriaTableError, case .missingMismatchRate = error else { return false }
            return error.description.hasPrefix("criteria.md:1: the success criteria have no \"Mismatch rate\" row")
        }
    }

    @Test(arguments: ["<= 100%", "≤ 150%", "< 1.5", "< 100%"])
    func aRateTargetEveryRateMeetsIsAnError(target: String) throws {
        let text = "| Metric | Target | Measured |\n|---|---|---|\n| Mismatch rate | \(target) | |\n"
        #expect {
            try Self.evaluator(text)
        } throws: { error in
            (error as? CriteriaTableError)?.description.hasPrefix("criteria.md:3: target \"\(target)\"") == true
        }
    }
}
