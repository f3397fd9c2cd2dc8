import Foundation

/// The answer for one criterion, one feature, or the whole gate.
public enum Verdict: String, Sendable, Codable {
    case pass, fail, inconclusive
    case notMeasured = "not measured"
}

/// One criterion of one feature: what was measured, its bound, and why the verdict.
///
/// Numbers for machines beside text for people: a number keeps the plain name (`upperBound`, `rate`,
/// `limit`, as fractions for rates), its display text the same name with `Text` (`upperBoundText: "0.643%"`);
/// counts are integers. A number that does not apply is absent.
public struct CriterionResult: Sendable, Codable, Equatable {
    public var metric: String
    /// The target as the table writes it.
    public var target: String
    public var measured: String
    /// The bound as display text ("0.643%", "0.120/h", "×1.08").
    public var upperBoundText: String?
    public var verdict: Verdict
    public var reason: String
    /// Line of the criteria table the row came from.
    public var line: Int
    /// The target as a number: a fraction for rates, events per hour for failed jobs, the allowed p95 ratio
    /// for response time, the minimum fraction for coverage.
    public var limit: Double?
    /// The measured rate: a fraction for rates, events per hour for failed jobs.
    public var rate: Double?
    /// What was counted: unexpected divergences, candidate errors, refused transitions, failed jobs.
    public var count: Int?
    /// Comparisons the rate is over.
    public var comparisons: Int?
    /// The upper bound as a number, in the unit of `rate` (the p95 ratio for response time).
    public var upperBound: Double?
    /// Which upper bound a rate verdict used.
    public var bound: BoundMethod?
    /// Clean comparisons still needed for the bound to pass (inconclusive rate rows).
    public var needed: Int?
}

/// All criteria of one feature.
public struct FeatureGate: Sendable, Codable, Equatable {
    public var feature: String
    public var verdict: Verdict
    public var criteria: [CriterionResult]

    package init(feature: String, verdict: Verdict, criteria: [CriterionResult]) {
        self.feature = feature
        self.verdict = verdict
        self.criteria = criteria
    }
}

/// The gate's decision over a run.
public struct GateDecision: Sendable, Equatable {
    public var verdict: Verdict
    public var runId: Int64?
    public var runStatus: String?
    public var reason: String
    public var features: [FeatureGate]
    /// The pooled evidence the rate rows were judged on (`advance`); nil for one run (`gate`).
    public var pool: PooledEvidence?

    package init(verdict: Verdict, runId: Int64?, runStatus: String?, reason: String, features: [FeatureGate]) {
        self.verdict = verdict
        self.runId = runId
        self.runStatus = runStatus
        self.reason = reason
        self.features = features
    }

    /// 0 pass, 1 fail, 2 inconclusive.
    public var exitCode: Int32 {
        switch verdict {
        case .pass: 0
        case .fail: 1
        case .inconclusive, .notMeasured: 2
        }
    }

    /// `verdict`, `runId`, `runStatus`, `reason`, `features.<name>.{verdict, criteria[]}` with each
    /// ``CriterionResult`` (see `docs/schema/gate.schema.json`), through ``JSONOutput``.
    public var json: JSONValue { JSONOutput.value(self) }
}

extension GateDecision: Encodable {
    private enum Keys: String, CodingKey { case verdict, runId, runStatus, reason, features, pool }
    private struct FeatureDocument: Encodable {
        var verdict: Verdict
        var criteria: [CriterionResult]
    }

    /// Features keyed by name (as CI scripts read them: `features.<name>.verdict`); run id and status null
    /// when there is none.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(verdict, forKey: .verdict)
        try container.encode(runId, forKey: .runId)
        try container.encode(runStatus, forKey: .runStatus)
        try container.encode(reason, forKey: .reason)
        var features: [String: FeatureDocument] = [:]
        for feature in self.features { features[feature.feature] = FeatureDocument(verdict: feature.verdict, criteria: feature.criteria) }
        try container.encode(features, forKey: .features)
        try container.encodeIfPresent(pool, forKey: .pool)
    }
}

/// Decides, per feature, whether the evidence of a run meets the success criteria.
///
/// Fails closed: no run, a run that is not complete, or a feature without comparisons is inconclusive,
/// and a row the harness cannot measure is "not measured", never a pass.
public struct GateEvaluator: Sendable {
    public var table: CriteriaTable
    var confidence = 0.95
    /// Test coverage (0...1) from an llvm-cov export, if given.
    public var coverage: Double?
    /// Timed commands per side below which a p95 comparison is inconclusive.
    package static let minimumLatencySamples = 100
    /// Seed of the bootstrap, so the same run gives the same decision.
    var bootstrapSeed: UInt64 = 0x5EED

    /// Checks that every row's target is one the gate can judge for its metric ("Response time | 80%+" is
    /// an error with its line, not a silent "not measured").
    ///
    /// A table that measures anything must have a `Mismatch rate` row (see
    /// ``CriteriaTableError/missingMismatchRate(file:)``); a table with no measurable row at all stays
    /// valid and gates every feature inconclusive. A rate target of 100% or more judges nothing and is an error.
    public init(table: CriteriaTable, coverage: Double? = nil) throws(CriteriaTableError) {
        for row in table.rows where !Self.fits(row.metric, row.target) {
            throw .targetDoesNotFit(file: table.file, line: row.line, target: row.targetText, metric: row.metric)
        }
        for row in table.rows where row.metric == .mismatchRate || row.metric == .errorRate {
            switch row.target {
            case .below(let limit) where limit >= 1, .atMost(let limit) where limit >= 1:
                throw .targetJudgesNothing(file: table.file, line: row.line, target: row.targetText, metric: row.metric)
            default: break
            }
        }
        if table.rows.contains(where: \.metric.isMeasurable), !table.rows.contains(where: { $0.metric == .mismatchRate }) {
            throw .missingMismatchRate(file: table.file)
        }
        self.table = table
        self.coverage = coverage
    }

    static func fits(_ metric: CriterionMetric, _ target: CriterionTarget) -> Bool {
        switch (metric, target) {
        case (.mismatchRate, .below), (.mismatchRate, .atMost), (.mismatchRate, .zero),
             (.errorRate, .below), (.errorRate, .atMost), (.errorRate, .zero),
             (.failedJobs, .ratePerHourBelow), (.failedJobs, .zero),
             (.stateTransitionErrors, .zero), (.responseTime, .noRegression), (.testCoverage, .atLeast):
            true
        case (.userComplaints, _), (.supportTickets, _), (.featureDevelopmentSpeed, _), (.bugFixTime, _):
            true
        default:
            false
        }
    }

    public func evaluate(_ run: StoredRun?, features requested: [String]) -> GateDecision {
        guard let run else {
            return GateDecision(verdict: .inconclusive, runId: nil, runStatus: nil,
                                reason: "no run in the database: run `shadowgate run` first", features: [])
        }
        guard run.status == .complete else {
            let why = run.status == .running ? "is still running (or died without finishing)" : "was aborted: \(run.error ?? "unknown error")"
            return GateDecision(verdict: .inconclusive, runId: run.id, runStatus: run.status.rawValue,
                                reason: "run \(run.id) \(why); only complete runs count", features: [])
        }
        let names = requested.isEmpty ? run.featureOrder : requested
        let gates = names.map { evaluate(feature: $0, run: run) }
        let verdict = Self.combine(gates.map(\.verdict))
        let failing = gates.filter { $0.verdict == .fail }.map(\.feature)
        let open = gates.filter { $0.verdict == .inconclusive }.map(\.feature)
        var reason = "run \(run.id): \(gates.count) feature(s) gated"
        if !failing.isEmpty { reason += "; failing: \(failing.joined(separator: ", "))" }
        if !open.isEmpty { reason += "; inconclusive: \(open.joined(separator: ", "))" }
        return GateDecision(verdict: verdict, runId: run.id, runStatus: run.status.rawValue, reason: reason,
                            features: gates)
    }

    /// Any fail fails; otherwise anything inconclusive (or nothing measured) is inconclusive.
    static func combine(_ verdicts: [Verdict]) -> Verdict {
        if verdicts.contains(.fail) { return .fail }
        if verdicts.contains(.inconclusive) { return .inconclusive }
        return verdicts.contains(.pass) ? .pass : .inconclusive
    }

    func evaluate(feature: String, run: StoredRun) -> FeatureGate {
        guard let counts = run.features[feature] else {
            let results = table.rows.map {
                result($0, "-", nil, .inconclusive, "feature \(feature) was not compared in run \(run.id)")
            }
            return FeatureGate(feature: feature, verdict: .inconclusive, criteria: results)
        }
        let results = table.rows.map { evaluate($0, counts: counts, feature: feature, run: run) }
        // No comparison is no evidence, whatever rows the table has (a coverage or failed-jobs row alone
        // would otherwise pass a feature the run never exercised).
        guard counts.comparisons > 0 else { return FeatureGate(feature: feature, verdict: .inconclusive, criteria: results) }
        let measurable = results.map(\.verdict).filter { $0 != .notMeasured }
        return FeatureGate(feature: feature, verdict: Self.combine(measurable), criteria: results)
    }

    private func result(_ row: CriteriaRow, _ measured: String, _ bound: String?, _ verdict: Verdict,
                        _ reason: String) -> CriterionResult {
        var result = CriterionResult(metric: row.metric.rawValue, target: row.targetText, measured: measured,
                                     upperBoundText: bound, verdict: verdict, reason: reason, line: row.line)
        result.limit = Self.limit(of: row.target)
        return result
    }

    /// A row's target as a number (see ``CriterionResult/limit``).
    static func limit(of target: CriterionTarget) -> Double? {
        switch target {
        case .below(let value), .atMost(let value), .atLeast(let value), .ratePerHourBelow(let value, _): value
        case .zero: 0
        case .noRegression(let margin): 1 + margin
        default: nil
        }
    }

    func evaluate(_ row: CriteriaRow, counts: FeatureCounts, feature: String, run: StoredRun) -> CriterionResult {
        switch row.metric {
        case .mismatchRate:
            return rate(row, failures: counts.mismatches, trials: counts.comparisons, what: "unexpected divergences")
        case .errorRate:
            return rate(row, failures: counts.candidateErrors, trials: counts.comparisons, what: "candidate errors")
        case .failedJobs:
            return failedJobs(row, events: counts.failedJobs, control: counts.controlFailedJobs, run: run)
        case .stateTransitionErrors:
            guard counts.comparisons > 0 else {
                return result(row, "0 of 0", nil, .inconclusive, "no comparisons for this feature")
            }
            var counted = result(row, "", nil, .pass, "")
            (counted.count, counted.comparisons) = (counts.stateTransitionErrors, counts.comparisons)
            if counts.stateTransitionErrors > 0 {
                (counted.measured, counted.verdict) = ("\(counts.stateTransitionErrors)", .fail)
                counted.reason = "the candidate refused \(counts.stateTransitionErrors) transition(s) legacy performed; any one fails the feature"
                return counted
            }
            (counted.measured, counted.reason) = ("0", "no refused transitions in \(Format.count(counts.comparisons)) comparisons")
            return counted
        case .responseTime:
            return responseTime(row, control: run.controlLatency[feature], candidate: run.candidateLatency[feature],
                                repeated: run.repeatLatency[feature])
        case .testCoverage:
            guard let coverage else {
                return result(row, "-", nil, .notMeasured, "no coverage export given (--coverage FILE)")
            }
            let measured = Format.percent(coverage)
            guard case .atLeast(let minimum) = row.target else {
                return result(row, measured, nil, .notMeasured, "target \(row.targetText) does not apply to coverage")
            }
            var judged = result(row, measured, nil, coverage >= minimum ? .pass : .fail,
                                coverage >= minimum ? "line coverage meets the target" : "line coverage is below \(Format.percent(minimum))")
            judged.rate = coverage
            return judged
        case .userComplaints, .supportTickets, .featureDevelopmentSpeed, .bugFixTime:
            return result(row, "-", nil, .notMeasured, "the harness cannot measure this; track it outside ShadowGate")
        }
    }

    private func threshold(_ target: CriterionTarget) -> (value: Double, inclusive: Bool)? {
        switch target {
        case .below(let value): (value, false)
        case .atMost(let value): (value, true)
        case .zero: (0, true)
        default: nil
        }
    }

    /// A rate row judged by `method`'s 95% upper bound: the exact Clopper–Pearson bound of one run (`gate`), or
    /// the anytime bound over pooled evidence (`advance`).
    func rate(_ row: CriteriaRow, failures k: Int, trials n: Int, what: String,
              method: BoundMethod = .clopperPearson) -> CriterionResult {
        let measured = n > 0 ? "\(Format.percent(Double(k) / Double(n))) (\(Format.count(k)) of \(Format.count(n)))" : "0 of 0"
        func judged(_ bound: String?, _ verdict: Verdict, _ reason: String, upper: Double? = nil,
                    needed: Int? = nil) -> CriterionResult {
            var r = result(row, measured, bound, verdict, reason)
            r.count = k
            r.comparisons = n
            r.rate = n > 0 ? Double(k) / Double(n) : nil
            r.upperBound = upper
            r.bound = upper == nil ? nil : method
            r.needed = needed
            return r
        }
        guard n > 0 else { return judged(nil, .inconclusive, "no comparisons: nothing to judge") }
        guard let (limit, inclusive) = threshold(row.target) else {
            return judged(nil, .notMeasured, "target \(row.targetText) does not apply to a rate")
        }
        let upper: Double
        switch method {
        case .clopperPearson:
            upper = Statistics.clopperPearsonUpper(failures: k, trials: n, confidence: confidence)
        case .betaBinomialMixture:
            // A zero target leaves the mixing Beta(1, 1/target) undefined; no bound can show a zero rate anyway.
            upper = limit > 0 ? Statistics.anytimeUpper(failures: k, trials: n, target: limit, confidence: confidence)
                : Statistics.clopperPearsonUpper(failures: k, trials: n, confidence: confidence)
        }
        let bound = Format.percent(upper)
        let name = "95% \(method.label) upper bound"
        if upper < limit || (inclusive && upper <= limit) {
            return judged(bound, .pass, "\(name) \(bound) is within \(row.targetText)", upper: upper, needed: 0)
        }
        let point = Double(k) / Double(n)
        if point > limit || (!inclusive && point >= limit) || (limit == 0 && k > 0) {
            return judged(bound, .fail, "\(Format.count(k)) \(what) in \(Format.count(n)): the rate itself breaches \(row.targetText)",
                          upper: upper)
        }
        let more = method == .clopperPearson
            ? Statistics.additionalCleanTrialsNeeded(failures: k, trials: n, target: limit, confidence: confidence)
            : Statistics.additionalCleanTrialsNeededAnytime(failures: k, trials: n, target: limit, confidence: confidence)
        if let more {
            return judged(bound, .inconclusive,
                          "\(name) \(bound) is not yet below \(row.targetText): need \(Format.count(more)) more clean comparisons",
                          upper: upper, needed: more)
        }
        return judged(bound, .inconclusive, "\(name) \(bound) cannot get below \(row.targetText)", upper: upper)
    }

    private func failedJobs(_ row: CriteriaRow, events: Int, control: Int, run: StoredRun) -> CriterionResult {
        func counted(_ measured: String, _ bound: String?, _ verdict: Verdict, _ reason: String, hours: Double? = nil)
            -> CriterionResult {
            var r = result(row, measured, bound, verdict, reason)
            r.count = events
            if let hours, hours > 0 {
                r.rate = Double(events) / hours
                if bound != nil { r.upperBound = Statistics.poissonUpper(events: events, confidence: confidence) / hours }
            }
            return r
        }
        if case .zero = row.target {
            let measured = "\(events) (control \(control))"
            return events == 0
                ? counted(measured, nil, .pass, "no failed jobs")
                : counted(measured, nil, .fail, "\(events) failed job(s); the target is none (the control failed \(control))")
        }
        guard case .ratePerHourBelow(let limit, let commandsPerHour) = row.target else {
            return counted("\(events)", nil, .notMeasured, "target \(row.targetText) does not apply to failed jobs")
        }
        let traffic: TrafficHours
        switch TrafficHours.of(run, commandsPerHour: commandsPerHour) {
        case .success(let hours): traffic = hours
        case .failure(let missing): return counted("\(events) (control \(control))", nil, .inconclusive, missing.reason)
        }
        let hours = traffic.hours
        guard hours > 0 else {
            return counted("\(events) in 0 h", nil, .inconclusive, "the run covered no hours of traffic (\(traffic.how))")
        }
        let measured = String(format: "%d in %.1f h (%.2f/h; control %d, %.2f/h)", events, hours, Double(events) / hours,
                              control, Double(control) / hours)
        let upper = Statistics.poissonUpper(events: events, confidence: confidence) / hours
        let bound = String(format: "%.3f/h", upper)
        if upper < limit {
            return counted(measured, bound, .pass, "95% upper bound \(bound) is below \(row.targetText) over \(traffic.how)",
                           hours: hours)
        }
        if Double(events) / hours >= limit {
            return counted(measured, bound, .fail,
                           "\(events) failed jobs in \(String(format: "%.1f", hours)) h (\(traffic.how)) breach \(row.targetText); "
                               + "the control failed \(control) on the same traffic", hours: hours)
        }
        let needed = Statistics.poissonUpper(events: events, confidence: confidence) / limit - hours
        return counted(measured, bound, .inconclusive,
                       String(format: "need about %.1f more hours of traffic without failures (so far %@)", max(0, needed), traffic.how),
                       hours: hours)
    }

    private func responseTime(_ row: CriteriaRow, control: LatencySummary?, candidate: LatencySummary?,
                              repeated: RepeatTiming?) -> CriterionResult {
        guard case .noRegression(let margin) = row.target else {
            return result(row, "-", nil, .notMeasured, "target \(row.targetText) is not measured from shadow latency")
        }
        guard let control, let candidate, control.count > 0, candidate.count > 0 else {
            return result(row, "-", nil, .notMeasured, "no latency recorded for this feature")
        }
        let measured = "p95 \(Format.nanos(candidate.p95)) vs \(Format.nanos(control.p95))"
        // A p95 needs a tail: with fewer samples the bootstrap interval is degenerate, not evidence.
        guard min(control.count, candidate.count) >= Self.minimumLatencySamples else {
            return result(row, measured, nil, .inconclusive,
                          "only \(min(control.count, candidate.count)) timed commands; need \(Self.minimumLatencySamples) per side")
        }
        guard let interval = Statistics.bootstrapQuantileRatio(control: control.weightedSamples,
                                                               candidate: candidate.weightedSamples, quantile: 0.95,
                                                               resamples: 2000, confidence: confidence,
                                                               seed: bootstrapSeed) else {
            return result(row, measured, nil, .inconclusive, "too few latency samples for a bootstrap")
        }
        let bound = String(format: "×%.2f", interval.upper)
        func timed(_ row: CriteriaRow, _ measured: String, _ bound: String?, _ verdict: Verdict, _ reason: String) -> CriterionResult {
            var r = self.result(row, measured, bound, verdict, reason)
            r.upperBound = interval.upper
            return r
        }
        let limit = 1 + margin
        let ci = String(format: "p95 ratio ×%.2f, 95%% CI [×%.2f, ×%.2f]", interval.estimate, interval.lower, interval.upper)
        // The control against itself (A/A) on this machine: how far apart two copies of the same code time. A
        // verdict must clear that band on its side of the limit, so two runs of identical code cannot land on
        // opposite sides of it.
        guard let repeated, min(repeated.first.count, repeated.second.count) >= Self.minimumLatencySamples,
              let noise = Self.timingNoise(repeated, confidence: confidence, seed: bootstrapSeed) else {
            let twice = repeated.map { min($0.first.count, $0.second.count) } ?? 0
            return timed(row, measured, bound, .inconclusive,
                          "\(ci), but this machine's timing noise is unmeasured: \(twice) commands of the control timed "
                              + "twice (A/A), \(Self.minimumLatencySamples) needed (a worker subject needs --secondary)")
        }
        let band = String(format: "A/A noise ×%.2f", noise)
        let passBelow = limit / noise
        let failAbove = limit * noise
        if interval.upper <= passBelow {
            return timed(row, measured, bound, .pass, "\(ci) within ×\(String(format: "%.2f", limit)) by more than the \(band)")
        }
        if interval.lower > failAbove {
            return timed(row, measured, bound, .fail, "\(ci) is above ×\(String(format: "%.2f", limit)) by more than the \(band)")
        }
        return timed(row, measured, bound, .inconclusive,
                      "\(ci) is within the \(band) of ×\(String(format: "%.2f", limit)) "
                          + String(format: "(pass needs the CI below ×%.2f, fail above ×%.2f); timing cannot tell", passBelow, failAbove))
    }

    /// The factor (≥ 1) by which two timings of the same code may differ on this machine: the farther end of the
    /// 95% interval of the A/A p95 ratio, taken both ways. `nil` without enough samples for a bootstrap.
    static func timingNoise(_ repeated: RepeatTiming, confidence: Double, seed: UInt64) -> Double? {
        guard let interval = Statistics.bootstrapQuantileRatio(control: repeated.first.weightedSamples,
                                                               candidate: repeated.second.weightedSamples, quantile: 0.95,
                                                               resamples: 2000, confidence: confidence, seed: seed),
              interval.lower > 0 else { return nil }
        return max(1, interval.upper, 1 / interval.lower)
    }
}

/// Renders a gate decision for people: a terminal table, the criteria document, JUnit XML.
public enum GateRenderer {
    public static func text(_ decision: GateDecision) -> String {
        var rows: [[String]] = [["feature", "criterion", "target", "measured", "bound", "verdict", "reason"]]
        for feature in decision.features {
            for c in feature.criteria where c.verdict != .notMeasured || feature.feature == decision.features.first?.feature {
                rows.append([feature.feature, c.metric, c.target, c.measured, c.upperBoundText ?? "", c.verdict.rawValue, c.reason])
            }
            rows.append([feature.feature, "→ feature", "", "", "", feature.verdict.rawValue.uppercased(), ""])
        }
        var out = decision.features.isEmpty ? "" : Format.table(rows)
        let methods = Set(decision.features.flatMap(\.criteria).compactMap(\.bound))
        for method in [BoundMethod.clopperPearson, .betaBinomialMixture] where methods.contains(method) {
            out += method == .clopperPearson
                ? "Rates judged by the exact one-sided 95% Clopper–Pearson bound of this run alone.\n"
                : "Rates judged by the anytime-valid 95% bound (beta-binomial mixture, Howard et al. 2021) over the pooled evidence.\n"
        }
        out += "\nGate: \(decision.verdict.rawValue.uppercased()) - \(decision.reason)\n"
        return out
    }

    /// The criteria document once per feature, with the Measured column filled.
    public static func markdown(_ decision: GateDecision, table: CriteriaTable) -> String {
        var out = "# Gate: \(decision.verdict.rawValue.uppercased())\n\n\(decision.reason)\n"
        for feature in decision.features {
            var measured: [Int: String] = [:]
            for c in feature.criteria {
                let mark = c.verdict == .pass ? "✅" : c.verdict == .fail ? "❌" : c.verdict == .inconclusive ? "⏳" : "—"
                measured[c.line] = "\(mark) \(c.measured)\(c.upperBoundText.map { " (bound \($0))" } ?? "") - \(c.verdict.rawValue)"
            }
            out += "\n## \(feature.feature): \(feature.verdict.rawValue)\n\n"
            out += table.rendered(measured: measured)
        }
        return out
    }

    public static func junit(_ decision: GateDecision) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        let all = decision.features.flatMap(\.criteria)
        let failures = all.filter { $0.verdict == .fail }.count
        let skipped = all.filter { $0.verdict != .pass && $0.verdict != .fail }.count
        out += "<testsuites name=\"shadowgate\" tests=\"\(all.count)\" failures=\"\(failures)\" skipped=\"\(skipped)\">\n"
        for feature in decision.features {
            let f = feature.criteria.filter { $0.verdict == .fail }.count
            let s = feature.criteria.filter { $0.verdict != .pass && $0.verdict != .fail }.count
            out += "  <testsuite name=\"\(xml(feature.feature))\" tests=\"\(feature.criteria.count)\" failures=\"\(f)\" skipped=\"\(s)\">\n"
            for c in feature.criteria {
                out += "    <testcase classname=\"\(xml(feature.feature))\" name=\"\(xml(c.metric))\">"
                switch c.verdict {
                case .pass: break
                case .fail: out += "<failure message=\"\(xml(c.reason))\">measured \(xml(c.measured)); target \(xml(c.target))</failure>"
                case .inconclusive, .notMeasured: out += "<skipped message=\"\(xml(c.verdict.rawValue + ": " + c.reason))\"/>"
                }
                out += "</testcase>\n"
            }
            out += "  </testsuite>\n"
        }
        return out + "</testsuites>\n"
    }

    /// Text safe in XML content and attributes (the same five characters HTML needs escaped).
    public static func xml(_ text: String) -> String { Markup.escape(text) }
}
