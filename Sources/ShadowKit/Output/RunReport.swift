import Foundation

/// The `run --json` document and the terminal table, built from a run's totals.
public struct RunReport: Sendable {
    public var runId: Int64
    public var status: RunStatus
    public var totals: RunTotals
    public var database: String

    public init(runId: Int64, status: RunStatus, totals: RunTotals, database: String) {
        self.runId = runId
        self.status = status
        self.totals = totals
        self.database = database
    }

    /// The document as a tree (see ``encode(to:)``).
    public var json: JSONValue { JSONOutput.value(self) }

    /// The per-feature table, then the top signatures.
    public func table(topSignatures: Int = 10) -> String {
        var rows: [[String]] = [["feature", "compared", "match", "accepted", "unexpected", "rate", "cand.err",
                                 "st.trans.err", "failed jobs", "p95 legacy", "p95 modern"]]
        for feature in totals.featureOrder {
            let c = totals.features[feature] ?? FeatureCounts()
            rows.append([feature, "\(c.comparisons)", "\(c.matches)", "\(c.accepted)", "\(c.mismatches)",
                         c.mismatchRate.map(Format.percent) ?? "n/a", "\(c.candidateErrors)",
                         "\(c.stateTransitionErrors)", "\(c.failedJobs)",
                         totals.latency[feature].map { Format.nanos($0.p95) } ?? "-",
                         totals.candidateLatency[feature].map { Format.nanos($0.p95) } ?? "-"])
        }
        var out = "Run \(runId) \(status.rawValue): \(totals.scenarios) scenarios, \(totals.commands) commands\n\n"
        out += Format.table(rows, rightAligned: Set(1..<11))
        let top = totals.signatures.prefix(topSignatures)
        if !top.isEmpty {
            out += "\nTop divergence signatures (\(totals.signatures.count) distinct):\n"
            var sigRows: [[String]] = [["count", "signature", "status", "description"]]
            for s in top {
                sigRows.append(["\(s.count)", s.signature, s.acceptedRule.map { "accepted: \($0)" } ?? "UNEXPECTED", s.text])
            }
            out += Format.table(sigRows, rightAligned: [0])
        }
        for feature in totals.featureOrder {
            guard let abandoned = totals.features[feature]?.abandoned, abandoned > 0 else { continue }
            out += "\nwarning: \(abandoned) \(feature) commands were abandoned (a worker's world could not be rebuilt); "
                + "they were not compared"
        }
        for (rule, hits) in totals.expiredRuleHits.sorted(by: { $0.key < $1.key }) {
            out += "\nwarning: accepted rule \(rule) has expired; it would have matched \(hits) divergences, now counted as unexpected"
        }
        return out + "\nDatabase: \(database)\n"
    }
}

extension RunReport: Encodable {
    private enum Keys: String, CodingKey { case runId, status, features, divergenceSignatures }

    private struct FeatureDocument: Encodable {
        var comparisons, matches, accepted, mismatches, candidateErrors, stateTransitionErrors, failedJobs: Int
        var abandoned, noise: Int
        /// Unexpected divergences per comparison (a fraction); null with no comparisons.
        var mismatchRate: Double?
        var mismatchRateText: String?

        enum CodingKeys: String, CodingKey {
            case comparisons, matches, accepted, mismatches, candidateErrors, stateTransitionErrors, failedJobs
            case abandoned, noise, mismatchRate, mismatchRateText
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(comparisons, forKey: .comparisons)
            try c.encode(matches, forKey: .matches)
            try c.encode(accepted, forKey: .accepted)
            try c.encode(mismatches, forKey: .mismatches)
            try c.encode(candidateErrors, forKey: .candidateErrors)
            try c.encode(stateTransitionErrors, forKey: .stateTransitionErrors)
            try c.encode(failedJobs, forKey: .failedJobs)
            try c.encode(abandoned, forKey: .abandoned)
            try c.encode(noise, forKey: .noise)
            try c.encode(mismatchRate, forKey: .mismatchRate)
            try c.encode(mismatchRateText, forKey: .mismatchRateText)
        }
    }

    private struct SignatureDocument: Encodable {
        var signature, feature, op, kind: String
        var count: Int
    }

    /// Exactly the names CI scripts rely on: `runId`, `status`, `features.<name>.{comparisons, matches,
    /// accepted, mismatches, candidateErrors, stateTransitionErrors, failedJobs, abandoned, noise}` (integers),
    /// `mismatchRate` (a fraction, null without comparisons) with `mismatchRateText`, and
    /// `divergenceSignatures[]` of `{signature, feature, op, kind, count}`; `docs/schema/run.schema.json`.
    /// Everything else is in the database and `shadowgate report`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(runId, forKey: .runId)
        try container.encode(status, forKey: .status)
        var features: [String: FeatureDocument] = [:]
        for feature in totals.featureOrder {
            let c = totals.features[feature] ?? FeatureCounts()
            features[feature] = FeatureDocument(
                comparisons: c.comparisons, matches: c.matches, accepted: c.accepted, mismatches: c.mismatches,
                candidateErrors: c.candidateErrors, stateTransitionErrors: c.stateTransitionErrors,
                failedJobs: c.failedJobs, abandoned: c.abandoned, noise: c.noise, mismatchRate: c.mismatchRate,
                mismatchRateText: c.mismatchRate.map(Format.percent))
        }
        try container.encode(features, forKey: .features)
        try container.encode(totals.signatures.map {
            SignatureDocument(signature: $0.signature, feature: $0.feature, op: $0.op, kind: $0.kind.rawValue, count: $0.count)
        }, forKey: .divergenceSignatures)
    }
}

/// Number and table formatting shared by the renderers.
public enum Format {
    public static func percent(_ rate: Double) -> String {
        let value = rate * 100
        if value == 0 { return "0%" }
        if value < 0.01 { return String(format: "%.4f%%", value) }
        if value < 1 { return String(format: "%.3f%%", value) }
        return String(format: "%.2f%%", value)
    }

    public static func nanos(_ value: Double) -> String {
        if value >= 1_000_000 { return String(format: "%.1f ms", value / 1_000_000) }
        if value >= 1_000 { return String(format: "%.1f µs", value / 1_000) }
        return String(format: "%.0f ns", value)
    }

    /// Groups digits: 12,345.
    public static func count(_ value: Int) -> String {
        let digits = String(abs(value))
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out += "," }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }

    public static func table(_ rows: [[String]], rightAligned: Set<Int> = []) -> String {
        guard let header = rows.first else { return "" }
        var widths = Array(repeating: 0, count: header.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        var out = ""
        for (rowIndex, row) in rows.enumerated() {
            let cells = row.enumerated().map { index, cell -> String in
                let pad = String(repeating: " ", count: max(0, widths[index] - cell.count))
                return rightAligned.contains(index) ? pad + cell : cell + pad
            }
            out += cells.joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
            if rowIndex == 0 {
                out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
            }
        }
        return out
    }
}
