import Foundation

/// The `run --json` document and the terminal table, built from a run's totals.
public struct RunReport: Sendable {
    public var runId: Int64
    public var status: RunStatus
    public var totals: RunTotals
    public var database: String
    /// Accepted rules that match by paths alone (``AcceptedRules/pathOnlyRules``): each is a warning.
    public var pathOnlyRules: [String]

    public init(runId: Int64, status: RunStatus, totals: RunTotals, database: String, pathOnlyRules: [String] = []) {
        self.runId = runId
        self.status = status
        self.totals = totals
        self.database = database
        self.pathOnlyRules = pathOnlyRules
    }

    /// The warning for a rule that says nothing of the values it accepts.
    static func pathOnlyWarning(_ rule: String) -> String {
        "accepted rule \(rule) matches by paths alone (no control, candidate or when): any difference on its "
            + "paths is accepted, a real bug there too"
    }

    /// The document as a tree (see ``encode(to:)``).
    public var json: JSONValue { JSONOutput.value(self) }

    /// The per-feature table, then the top signatures.
    public func table(topSignatures: Int = 10) -> String {
        var rows: [[String]] = [["feature", "compared", "match", "tolerated", "accepted", "unexpected", "rate", "knock-on",
                                 "cand.err", "st.trans.err", "failed jobs", "p95 legacy", "p95 modern"]]
        for feature in totals.featureOrder {
            let c = totals.features[feature] ?? FeatureCounts()
            rows.append([feature, "\(c.comparisons)", "\(c.matches)", "\(c.tolerated)", "\(c.accepted)", "\(c.mismatches)",
                         c.mismatchRate.map(Format.percent) ?? "n/a", "\(c.downstream)", "\(c.candidateErrors)",
                         "\(c.stateTransitionErrors)", "\(c.failedJobs)",
                         totals.latency[feature].map { Format.nanos($0.p95) } ?? "-",
                         totals.candidateLatency[feature].map { Format.nanos($0.p95) } ?? "-"])
        }
        var out = "Run \(runId) \(status.rawValue): \(totals.scenarios) scenarios, \(totals.commands) commands\n\n"
        out += Format.table(rows, rightAligned: Set(1..<13))
        let roots = totals.signatures.filter { $0.downstreamOf == nil }
        let top = roots.prefix(topSignatures)
        if !top.isEmpty {
            out += "\nTop divergence signatures (\(roots.count) distinct; knock-ons counted under the signature they follow from):\n"
            var sigRows: [[String]] = [["count", "caused", "signature", "status", "description"]]
            for s in top {
                let status = s.acceptedRule.map { "accepted: \($0) (explained \(s.explained), unexplained \(s.unexplained))" }
                sigRows.append(["\(s.count)", "\(s.caused)", s.signature, status ?? "UNEXPECTED", s.text])
            }
            out += Format.table(sigRows, rightAligned: [0, 1])
        }
        for feature in totals.featureOrder {
            guard let abandoned = totals.features[feature]?.abandoned, abandoned > 0 else { continue }
            out += "\nwarning: \(abandoned) \(feature) commands were abandoned (a worker's world could not be rebuilt); "
                + "they were not compared"
        }
        for rule in pathOnlyRules { out += "\nwarning: " + Self.pathOnlyWarning(rule) }
        for (rule, hits) in totals.expiredRuleHits.sorted(by: { $0.key < $1.key }) {
            out += "\nwarning: accepted rule \(rule) has expired; it would have matched \(hits) divergences, now counted as unexpected"
        }
        return out + "\nDatabase: \(database)\n"
    }
}

extension RunReport: Encodable {
    private enum Keys: String, CodingKey {
        case runId, status, features, trafficSeconds, syntheticCommands, divergenceSignatures, downstreamSignatures, warnings
    }

    private struct FeatureDocument: Encodable {
        var comparisons, matches, accepted, mismatches, candidateErrors, stateTransitionErrors, failedJobs: Int
        var abandoned, noise, controlFailedJobs, downstream, tolerated: Int
        /// Unexpected divergences per comparison (a fraction); null with no comparisons.
        var mismatchRate: Double?
        var mismatchRateText: String?

        enum CodingKeys: String, CodingKey {
            case comparisons, matches, accepted, mismatches, candidateErrors, stateTransitionErrors, failedJobs
            case abandoned, noise, controlFailedJobs, downstream, tolerated, mismatchRate, mismatchRateText
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
            try c.encode(controlFailedJobs, forKey: .controlFailedJobs)
            try c.encode(downstream, forKey: .downstream)
            try c.encode(tolerated, forKey: .tolerated)
            try c.encode(mismatchRate, forKey: .mismatchRate)
            try c.encode(mismatchRateText, forKey: .mismatchRateText)
        }
    }

    private struct SignatureDocument: Encodable {
        var signature, feature, op, kind: String
        var count: Int
        /// Knock-ons this root signature's divergences caused.
        var caused: Int
        /// For accepted signatures: the rule, and how many divergences the counterfactual check explained.
        var acceptedRule: String?
        var explained: Int?
        var unexplained: Int?
    }

    private struct DownstreamDocument: Encodable {
        var signature, feature, op, kind: String
        var count: Int
        var downstreamOf: String
    }

    private struct WarningDocument: Encodable {
        var rule, message: String
    }

    /// Exactly the names CI scripts rely on: `runId`, `status`, `features.<name>.{comparisons, matches,
    /// accepted, mismatches, candidateErrors, stateTransitionErrors, failedJobs, abandoned, noise, controlFailedJobs,
    /// downstream, tolerated}` (integers), `mismatchRate` (a fraction, null without comparisons) with
    /// `mismatchRateText`, `trafficSeconds` (the span of recorded traffic), `syntheticCommands` (generated commands),
    /// `divergenceSignatures[]` of `{signature, feature, op, kind, count, caused}` (root signatures; accepted ones
    /// with `acceptedRule`, `explained`, `unexplained`), `downstreamSignatures[]` of `{signature, feature, op, kind,
    /// count, downstreamOf}` and `warnings[]` of `{rule, message}`; `docs/schema/run.schema.json`.
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
                failedJobs: c.failedJobs, abandoned: c.abandoned, noise: c.noise, controlFailedJobs: c.controlFailedJobs,
                downstream: c.downstream, tolerated: c.tolerated, mismatchRate: c.mismatchRate,
                mismatchRateText: c.mismatchRate.map(Format.percent))
        }
        try container.encode(features, forKey: .features)
        try container.encode(totals.trafficSeconds, forKey: .trafficSeconds)
        try container.encode(totals.syntheticCommands, forKey: .syntheticCommands)
        try container.encode(totals.signatures.filter { $0.downstreamOf == nil }.map {
            SignatureDocument(signature: $0.signature, feature: $0.feature, op: $0.op, kind: $0.kind.rawValue, count: $0.count,
                              caused: $0.caused, acceptedRule: $0.acceptedRule,
                              explained: $0.acceptedRule == nil ? nil : $0.explained,
                              unexplained: $0.acceptedRule == nil ? nil : $0.unexplained)
        }, forKey: .divergenceSignatures)
        try container.encode(totals.signatures.compactMap { s in
            s.downstreamOf.map {
                DownstreamDocument(signature: s.signature, feature: s.feature, op: s.op, kind: s.kind.rawValue, count: s.count,
                                   downstreamOf: $0)
            }
        }, forKey: .downstreamSignatures)
        try container.encode(pathOnlyRules.map { WarningDocument(rule: $0, message: Self.pathOnlyWarning($0)) },
                             forKey: .warnings)
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
