import Foundation
import ShadowKit

/// Why a report could not be built.
public enum ReportError: Error, Sendable, CustomStringConvertible {
    case noRuns(database: String)
    case noSuchRun(id: Int64, database: String)
    case store(StoreError)

    public var description: String {
        switch self {
        case .noRuns(let database): "\(database): no runs in the database; run `shadowgate run` first"
        case .noSuchRun(let id, let database): "\(database): there is no run \(id)"
        case .store(let error): error.description
        }
    }
}

/// The divergence a shrinker is asked to minimise: the first kept example of a signature, unredacted.
public struct ReproductionRequest: Sendable, Equatable {
    public var signature: String
    public var feature: String
    public var op: String
    public var kind: String
    public var acceptedRule: String?
    public var scenario: String
    public var seq: Int
    public var file: String
    public var line: Int
    public var ordinal: Int
    public var seed: UInt64?
}

/// How a report is built.
public struct ReportOptions: Sendable {
    /// Examples shown per signature (the counts are always exact); at most what the run kept.
    public var examplesPerSignature: Int
    /// Scenario lines shown with each example, the diverging command included.
    var contextLines: Int
    /// Complete runs on the trend chart.
    public var trendRuns: Int
    public var redaction: RedactionConfig
    public var redactionFile: String?
    /// The gate over the success criteria; without it the report shows counts and bounds but no verdicts.
    public var gate: GateEvaluator?
    /// The run "new" signatures are measured against; default: the previous complete run.
    public var baselineRunId: Int64?
    /// Seconds since 1970 printed as the report's time (fixed in tests).
    var generatedAt: Double
    /// The database as the header shows it; default: the store's path.
    public var databaseLabel: String?
    /// Where the HTML report will be, for the Markdown summary.
    public var htmlLocation: String?
    /// Arrays the comparator treated as unordered: sorted the same way before display so diff paths point at
    /// the right elements.
    public var unorderedPaths: [PathPattern]
    /// Finds the commands before each example; nil shows no commands.
    public var contexts: (any ScenarioContextProvider)?
    /// The executable named in replay commands.
    var toolName: String
    /// The shrinker seam: a minimal reproduction per signature, when one is available.
    public var reproduce: (@Sendable (ReproductionRequest) -> ReportReproduction?)?

    public init(examplesPerSignature: Int = 3, contextLines: Int = 6, trendRuns: Int = 20,
                redaction: RedactionConfig = .none, redactionFile: String? = nil, gate: GateEvaluator? = nil, baselineRunId: Int64? = nil, generatedAt: Double = Date().timeIntervalSince1970,
                databaseLabel: String? = nil, htmlLocation: String? = nil, unorderedPaths: [PathPattern] = [],
                contexts: (any ScenarioContextProvider)? = FileScenarioContexts(), toolName: String = "shadowgate",
                reproduce: (@Sendable (ReproductionRequest) -> ReportReproduction?)? = nil) {
        self.examplesPerSignature = max(0, examplesPerSignature)
        self.contextLines = max(0, contextLines)
        self.trendRuns = max(1, trendRuns)
        self.redaction = redaction
        self.redactionFile = redactionFile
        self.gate = gate
        self.baselineRunId = baselineRunId
        self.generatedAt = generatedAt
        self.databaseLabel = databaseLabel
        self.htmlLocation = htmlLocation
        self.unorderedPaths = unorderedPaths
        self.contexts = contexts
        self.toolName = toolName
        self.reproduce = reproduce
    }
}

/// Builds a ``ReportModel`` from the store: read-only, deterministic for a given database and options.
public enum ReportBuilder {
    /// The report of run `runId` (nil: the newest run of any status).
    public static func build(store: Store, runId: Int64?, options: ReportOptions) throws(ReportError) -> ReportModel {
        do {
            return try buildUnchecked(store: store, runId: runId, options: options)
        } catch let error as ReportError {
            throw error
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw .store(StoreError(path: store.path, wrapping: error))
        }
    }

    private static func buildUnchecked(store: Store, runId requested: Int64?, options: ReportOptions) throws -> ReportModel {
        let database = options.databaseLabel ?? store.path
        guard let runId = try requested ?? store.latestRunId() else { throw ReportError.noRuns(database: database) }
        guard let run = try store.run(id: runId) else {
            throw ReportError.noSuchRun(id: runId, database: database)
        }
        let header = run.header
        let decision = options.gate?.evaluate(run, features: [])
        let allRows = try store.signatureRows(runId: runId)
        let rows = allRows.filter { $0.downstreamOf == nil }
        let knockOnRows = allRows.filter { $0.downstreamOf != nil }
        let baseline = try options.baselineRunId ?? store.previousCompleteRunId(before: runId)
        let baselineIds = try baseline.map { try store.signatureIds(runId: $0) }
        let examples = try store.divergenceExamples(runId: runId, signatures: rows.map(\.id),
                                                    limit: options.examplesPerSignature)
        let requests = Set(examples.values.joined().map {
            ScenarioContextRequest(file: $0.file, scenario: $0.scenario, seq: $0.seq, line: $0.line)
        })
        let contexts = options.contextLines > 0 && !requests.isEmpty
            ? options.contexts?.contexts(for: requests, maxLines: options.contextLines) ?? [:] : [:]

        var redactor = Redactor(options.redaction)
        // Redaction numbers values in order of first appearance: header, signature table, then the examples.
        let inputs = header.inputs.map { redactor.redactText($0) }
        let total = rows.reduce(0) { $0 + $1.count }
        var signatures = rows.map { row -> ReportSignature in
            ReportSignature(
                id: row.id, description: row.description, feature: row.feature, op: row.op, kind: row.kind,
                count: row.count, share: total > 0 ? Double(row.count) / Double(total) : 0,
                acceptedRule: row.acceptedRule, explained: row.explained, unexplained: row.unexplained,
                isNew: baselineIds.map { !$0.contains(row.id) } ?? false,
                first: occurrence(row.first, &redactor, options), last: occurrence(row.last, &redactor, options),
                caused: row.caused,
                knockOns: knockOnRows.filter { $0.downstreamOf == row.id }.map { knockOn in
                    ReportKnockOn(id: knockOn.id, description: knockOn.description, feature: knockOn.feature,
                                  op: knockOn.op, kind: knockOn.kind, count: knockOn.count,
                                  first: occurrence(knockOn.first, &redactor, options))
                },
                examples: [], minimalReproduction: nil)
        }
        for index in signatures.indices {
            let kept = examples[signatures[index].id] ?? []
            signatures[index].examples = kept.map { example($0, contexts, &redactor, options) }
            if let reproduce = options.reproduce, let first = kept.first,
               let reproduction = reproduce(ReproductionRequest(
                   signature: first.signature, feature: first.feature, op: first.op, kind: first.kind,
                   acceptedRule: first.acceptedRule, scenario: first.scenario, seq: first.seq, file: first.file,
                   line: first.line, ordinal: first.ordinal, seed: header.seed)) {
                signatures[index].minimalReproduction = ReportReproduction(
                    lines: reproduction.lines.map { redactor.redact($0) },
                    replayCommand: reproduction.replayCommand.map { redactor.redactText($0) },
                    note: reproduction.note)
            }
        }

        let gates = Dictionary((decision?.features ?? []).map { ($0.feature, $0) }, uniquingKeysWith: { a, _ in a })
        let features = run.featureOrder.map { name -> ReportFeature in
            let counts = run.features[name] ?? FeatureCounts()
            let mine = signatures.filter { $0.feature == name }
            return ReportFeature(
                name: name, counts: counts, mismatchRate: counts.mismatchRate,
                mismatchUpperBound: counts.comparisons > 0
                    ? Statistics.clopperPearsonUpper(failures: counts.mismatches, trials: counts.comparisons) : nil,
                verdict: gates[name]?.verdict, criteria: gates[name]?.criteria ?? [], signatures: mine.count,
                newUnexpectedSignatures: mine.filter { $0.isNew && $0.isUnexpected }.count)
        }
        let latencyFeatures = run.featureOrder.filter { run.controlLatency[$0] != nil || run.candidateLatency[$0] != nil }
        let latency = latencyFeatures.map {
            ReportLatency(feature: $0, control: run.controlLatency[$0].map(percentiles),
                          candidate: run.candidateLatency[$0].map(percentiles))
        }
        let reportHeader = ReportRunHeader(
            id: header.id, status: header.status, error: header.error.map { redactor.redactText($0) },
            subject: header.subject, startedAt: header.startedAt, finishedAt: header.finishedAt,
            durationSeconds: header.durationSeconds, seed: header.seed, inputs: inputs,
            generated: header.config["generate"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }, config: header.config,
            toolVersion: header.toolVersion, workers: header.workers, commands: header.commands,
            scenarios: header.scenarios, scenarioSeconds: header.scenarioSeconds, trafficSeconds: header.trafficSeconds,
            syntheticCommands: header.syntheticCommands, database: database)
        let verdict: Verdict?
        let reason: String
        if let decision {
            verdict = decision.verdict
            reason = decision.reason
        } else {
            verdict = nil
            reason = "no success-criteria table given: counts and bounds only"
        }
        return ReportModel(
            generatedAt: Timestamp.format(options.generatedAt.rounded(.down)), run: reportHeader, verdict: verdict,
            verdictReason: reason, criteriaFile: options.gate?.table.file, features: features, signatures: signatures,
            totalDivergences: total, downstreamDivergences: knockOnRows.reduce(0) { $0 + $1.count }, baselineRunId: baseline, latency: latency,
            trend: try store.trend(upTo: runId, limit: options.trendRuns),
            expiredRules: try store.expiredRuleHits(runId: runId).map { ReportExpiredRule(rule: $0.rule, wouldMatch: $0.wouldMatch) },
            mismatchRateTarget: options.gate.flatMap { mismatchTarget($0.table) },
            redaction: ReportRedactionSummary(fields: options.redaction.sensitive, configFile: options.redactionFile,
                                              replaced: redactor.replacedCounts),
            examplesPerSignature: options.examplesPerSignature, htmlLocation: options.htmlLocation)
    }

    private static func mismatchTarget(_ table: CriteriaTable) -> Double? {
        for row in table.rows where row.metric == .mismatchRate {
            switch row.target {
            case .below(let value), .atMost(let value): return value
            case .zero: return 0
            default: continue
            }
        }
        return nil
    }

    private static func percentiles(_ summary: LatencySummary) -> ReportPercentiles {
        ReportPercentiles(count: summary.count, p50: summary.p50, p95: summary.p95, p99: summary.p99, max: summary.max)
    }

    private static func occurrence(_ place: SignatureRow.Place, _ redactor: inout Redactor, _ options: ReportOptions)
        -> ReportOccurrence {
        let scenario = redactor.redactText(place.scenario)
        let file = redactor.redactText(place.file)
        return ReportOccurrence(scenario: scenario, seq: place.seq, file: file, line: place.line,
                                replayCommand: ReplayCommand.text(tool: options.toolName, file: file, scenario: scenario,
                                                                  upto: place.seq))
    }

    private static func example(_ row: DivergenceRow, _ contexts: [ScenarioContextRequest: ScenarioContext],
                                _ redactor: inout Redactor, _ options: ReportOptions) -> ReportExample {
        let request = ScenarioContextRequest(file: row.file, scenario: row.scenario, seq: row.seq, line: row.line)
        let context = contexts[request]
        let scenario = redactor.redactText(row.scenario)
        let file = redactor.redactText(row.file)
        let replay = ReplayCommand.text(tool: options.toolName, file: file, scenario: scenario, upto: row.seq)
        let lines = (context?.lines ?? []).map { redactor.redact($0) }
        // The comparator's own canonical order for unordered lists, so both sides read as they were compared.
        let comparator = OutcomeComparator(rules: ComparatorRules(unordered: options.unorderedPaths))
        let control = comparator.canonical(OutcomeTrees.parse(row.controlOutcome))
        let candidate = comparator.canonical(OutcomeTrees.parse(row.candidateOutcome))
        var stored: [String: (control: JSONValue, candidate: JSONValue)] = [:]
        if case .array(let entries) = OutcomeTrees.parse(row.diff) {
            for case .object(let entry) in entries {
                guard case .string(let path)? = entry["path"] else { continue }
                stored[path] = (entry["control"] ?? .null, entry["candidate"] ?? .null)
            }
        }
        var paths: [String] = []
        if case .array(let values) = OutcomeTrees.parse(row.paths) {
            paths = values.compactMap { if case .string(let s) = $0 { s } else { nil } }
        }
        // The store writes an absent side as null; the outcome tree tells absent from null.
        let resolved = paths.map { path -> (String, JSONValue?, JSONValue?) in
            let fallback = stored[path]
            let steps = PathStep.parse(path)
            let left = steps.flatMap { control.value(at: $0[...]) } ?? (fallback?.control == .null ? nil : fallback?.control)
            let right = steps.flatMap { candidate.value(at: $0[...]) } ?? (fallback?.candidate == .null ? nil : fallback?.candidate)
            return (path, left, right)
        }
        let redactedControl = redactor.redact(control)
        let redactedCandidate = redactor.redact(candidate)
        let diff = resolved.map { path, left, right in
            ReportDiffEntry(path: path, control: left.map { redactor.redact($0, atPath: path) },
                            candidate: right.map { redactor.redact($0, atPath: path) })
        }
        return ReportExample(scenario: scenario, seq: row.seq, file: file, line: row.line, replayCommand: replay,
                             context: lines, contextOmitted: context?.omitted ?? 0, paths: paths, diff: diff,
                             control: redactedControl, candidate: redactedCandidate,
                             note: row.note.map { redactor.redactText($0) })
    }
}

/// The `shadowgate replay` command that reproduces a divergence.
public enum ReplayCommand {
    /// `generated:seed=S` inputs replay with `--seed S`; anything else is a file.
    public static func text(tool: String = "shadowgate", file: String, scenario: String, upto seq: Int) -> String {
        if let seed = GeneratedInput.seed(of: file) {
            return "\(tool) replay --seed \(seed) --scenario \(shellQuoted(scenario)) --upto \(seq)"
        }
        return "\(tool) replay \(shellQuoted(file)) --scenario \(shellQuoted(scenario)) --upto \(seq)"
    }

    /// The word as a POSIX shell reads it back: bare when it only has safe characters, else single-quoted.
    public static func shellQuoted(_ word: String) -> String {
        let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,")
        if !word.isEmpty, word.unicodeScalars.allSatisfy({ safe.contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}

/// Outcome trees as stored: parsing, the comparator's ordering, and lookup by path.
enum OutcomeTrees {
    static func parse(_ text: String) -> JSONValue {
        (try? JSONValue.parse(Array(text.utf8))) ?? .string(text)
    }
}
