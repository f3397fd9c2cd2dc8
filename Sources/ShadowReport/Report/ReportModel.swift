import Foundation
import ShadowKit

/// Everything a run report shows, already redacted: every renderer (HTML, Markdown, JUnit, JSON) reads only this,
/// so a value redacted here is redacted in every format. Encoded as-is, it is `summary.json`.
public struct ReportModel: Sendable, Codable, Equatable {
    /// Version of the `summary.json` layout; bumped when a field changes meaning (2: criteria carry numbers,
    /// `upperBound` a number and `upperBoundText` its display; `docs/schema/summary.schema.json`).
    var schemaVersion = 2
    /// When the report was written (RFC 3339, UTC).
    var generatedAt: String
    public var run: ReportRunHeader
    /// The gate verdict over all features; nil when no criteria table was given (not gated).
    public var verdict: Verdict?
    var verdictReason: String
    /// The criteria table the gate used, if any.
    var criteriaFile: String?
    public var features: [ReportFeature]
    /// Every signature of the run, most frequent first.
    public var signatures: [ReportSignature]
    /// Divergences of the run (accepted and unexpected): the denominator of each signature's share.
    var totalDivergences: Int
    /// Knock-on divergences (downstream of an earlier divergence of their scenario), shown under their roots.
    var downstreamDivergences = 0
    /// The complete run "new" is measured against; nil when there is none (then nothing is marked new).
    public var baselineRunId: Int64?
    public var latency: [ReportLatency]
    /// The last complete runs up to this one, oldest first.
    public var trend: [TrendRow]
    var expiredRules: [ReportExpiredRule]
    /// The mismatch-rate target of the criteria table (drawn on the trend), if it has one.
    var mismatchRateTarget: Double?
    public var redaction: ReportRedactionSummary
    public var examplesPerSignature: Int
    /// Where the HTML report is (a path or URL), for the Markdown summary.
    public var htmlLocation: String?

    /// Unexpected signatures absent from the baseline run: what `--fail-on-new` fails on.
    public var newUnexpectedSignatures: [ReportSignature] { signatures.filter { $0.isNew && $0.isUnexpected } }
    var unexpectedSignatures: [ReportSignature] { signatures.filter(\.isUnexpected) }
}

/// The run as the header of a report shows it (inputs and scenario ids redacted by the embedded patterns).
public struct ReportRunHeader: Sendable, Codable, Equatable {
    public var id: Int64
    public var status: RunStatus
    public var error: String?
    public var subject: String
    public var startedAt: String
    public var finishedAt: String?
    public var durationSeconds: Double?
    public var seed: UInt64?
    public var inputs: [String]
    /// Generated scenarios, when the run generated traffic (`--generate N`).
    public var generated: Int?
    public var config: [String: String]
    public var toolVersion: String
    public var workers: Int
    public var commands: Int
    public var scenarios: Int
    public var scenarioSeconds: Double
    /// The time recorded traffic spans (union of its scenarios' intervals); nil for runs stored before it was kept.
    public var trafficSeconds: Double?
    /// Commands of generated traffic, which has no real hours.
    public var syntheticCommands: Int?
    public var database: String
}

/// One feature: counts, the mismatch rate with its one-sided 95% Clopper–Pearson upper bound, and the gate's verdict.
public struct ReportFeature: Sendable, Codable, Equatable {
    public var name: String
    public var counts: FeatureCounts
    public var mismatchRate: Double?
    var mismatchUpperBound: Double?
    /// Nil when the report has no gate decision for this feature.
    public var verdict: Verdict?
    /// The criteria table of this feature with Measured filled.
    public var criteria: [CriterionResult]
    public var signatures: Int
    public var newUnexpectedSignatures: Int
}

/// One distinct problem: a signature with its exact count, where it was seen first and last, and a few examples.
public struct ReportSignature: Sendable, Codable, Equatable {
    public var id: String
    public var description: String
    public var feature: String
    public var op: String
    public var kind: String
    /// Exact count over the whole run (examples are only the first few).
    public var count: Int
    /// `count` / all divergences of the run.
    public var share: Double
    /// The accepted-divergence rule that explains it; nil = UNEXPECTED.
    public var acceptedRule: String?
    /// Of its divergences, those the counterfactual check explained (legacy without the rule's quirks agrees
    /// with modern), and those it could not check.
    public var explained = 0
    public var unexplained = 0
    /// Absent from the baseline run.
    var isNew: Bool
    public var first: ReportOccurrence
    public var last: ReportOccurrence
    /// Later divergences of the same scenarios on the entities this signature's divergences touched
    /// ("caused 37 later divergences"): out of every rate, counted here.
    public var caused = 0
    /// What those knock-ons were, most frequent first.
    public var knockOns: [ReportKnockOn] = []
    public var examples: [ReportExample]
    /// A shrunk scenario that still shows this signature, when a shrinker provided one.
    var minimalReproduction: ReportReproduction?

    var isUnexpected: Bool { acceptedRule == nil }
}

/// Knock-on divergences of one shape that followed from one root signature.
public struct ReportKnockOn: Sendable, Codable, Equatable {
    public var id: String
    public var description: String
    public var feature: String
    public var op: String
    public var kind: String
    public var count: Int
    public var first: ReportOccurrence
}

/// Where a signature was seen, and the command that replays it.
public struct ReportOccurrence: Sendable, Codable, Equatable {
    public var scenario: String
    public var seq: Int
    public var file: String
    public var line: Int
    public var replayCommand: String
}

/// One kept divergence of a signature, both outcomes in full.
public struct ReportExample: Sendable, Codable, Equatable {
    public var scenario: String
    public var seq: Int
    public var file: String
    /// Line in `file` (0 for generated input).
    public var line: Int
    public var replayCommand: String
    /// The scenario's commands up to and including the diverging one (the last line), when the input could be read.
    public var context: [JSONValue]
    /// Commands of the scenario before `context` that are not shown.
    var contextOmitted: Int
    /// The differing paths.
    public var paths: [String]
    public var diff: [ReportDiffEntry]
    /// The legacy (control) outcome.
    public var control: JSONValue
    /// The modern (candidate) outcome.
    public var candidate: JSONValue
    /// Why a rule's match is unexpected after all (the counterfactual check), or `nil`.
    public var note: String? = nil
}

/// One differing path; a side is nil when the path does not exist in that outcome.
public struct ReportDiffEntry: Sendable, Codable, Equatable {
    public var path: String
    public var control: JSONValue?
    public var candidate: JSONValue?
}

/// A minimal scenario reproducing a signature (from a shrinker), shown under the signature when present.
public struct ReportReproduction: Sendable, Codable, Equatable {
    /// Scenario lines, in order.
    public var lines: [JSONValue]
    /// A command that replays the reproduction, if it was written somewhere.
    public var replayCommand: String?
    /// How it was obtained, e.g. "shrunk from 48 to 3 commands".
    public var note: String

    public init(lines: [JSONValue], replayCommand: String?, note: String) {
        self.lines = lines
        self.replayCommand = replayCommand
        self.note = note
    }
}

/// Latency percentiles of one side, in nanoseconds.
public struct ReportPercentiles: Sendable, Codable, Equatable {
    public var count: Int
    public var p50: Double
    public var p95: Double
    public var p99: Double
    public var max: Double
}

/// Latency of one feature on both sides.
public struct ReportLatency: Sendable, Codable, Equatable {
    public var feature: String
    public var control: ReportPercentiles?
    public var candidate: ReportPercentiles?
}

/// An accepted rule past its expiry that would still have matched.
public struct ReportExpiredRule: Sendable, Codable, Equatable {
    public var rule: String
    var wouldMatch: Int
}

/// Which fields were redacted and how many distinct values each replaced.
public struct ReportRedactionSummary: Sendable, Codable, Equatable {
    public var fields: [String]
    var configFile: String?
    /// Field → distinct values replaced.
    public var replaced: [String: Int]
}
