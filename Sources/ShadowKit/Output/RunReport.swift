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

    /// Exactly the names CI scripts rely on: `runId`, `status`, `features.<name>.{comparisons, matches,
    /// accepted, mismatches, candidateErrors, stateTransitionErrors, failedJobs, controlFailedJobs, abandoned, noise,
    /// downstream, tolerated}`, `trafficSeconds` (the span of recorded traffic), `syntheticCommands` (generated
    /// commands), `divergenceSignatures[]` of `{signature, feature, op, kind, count, caused}` (root signatures;
    /// `caused`: the knock-ons they caused; accepted ones with `acceptedRule`, `explained`, `unexplained`),
    /// `downstreamSignatures[]` of `{signature, feature, op, kind, count, downstreamOf}`, `warnings[]` of
    /// `{rule, message}`. Everything else is in the database and `shadowgate report`.
    public var json: JSONValue {
        var features: [String: JSONValue] = [:]
        for feature in totals.featureOrder {
            let c = totals.features[feature] ?? FeatureCounts()
            features[feature] = .object([
                "comparisons": .int(c.comparisons), "matches": .int(c.matches), "accepted": .int(c.accepted),
                "mismatches": .int(c.mismatches), "candidateErrors": .int(c.candidateErrors),
                "stateTransitionErrors": .int(c.stateTransitionErrors), "failedJobs": .int(c.failedJobs),
                "abandoned": .int(c.abandoned), "noise": .int(c.noise), "controlFailedJobs": .int(c.controlFailedJobs),
                "downstream": .int(c.downstream), "tolerated": .int(c.tolerated),
            ])
        }
        let signatures = totals.signatures.filter { $0.downstreamOf == nil }.map { s -> JSONValue in
            var object: [String: JSONValue] = [
                "signature": .string(s.signature), "feature": .string(s.feature), "op": .string(s.op),
                "kind": .string(s.kind.rawValue), "count": .int(s.count), "caused": .int(s.caused)]
            if let rule = s.acceptedRule {
                object["acceptedRule"] = .string(rule)
                object["explained"] = .int(s.explained)
                object["unexplained"] = .int(s.unexplained)
            }
            return .object(object)
        }
        let downstream = totals.signatures.compactMap { s -> JSONValue? in
            guard let root = s.downstreamOf else { return nil }
            return .object(["signature": .string(s.signature), "feature": .string(s.feature), "op": .string(s.op),
                            "kind": .string(s.kind.rawValue), "count": .int(s.count), "downstreamOf": .string(root)])
        }
        let warnings = pathOnlyRules.map { rule -> JSONValue in
            .object(["rule": .string(rule), "message": .string(Self.pathOnlyWarning(rule))])
        }
        return .object(["runId": .int(Int(runId)), "status": .string(status.rawValue), "features": .object(features),
                        "trafficSeconds": .double(totals.trafficSeconds), "syntheticCommands": .int(totals.syntheticCommands),
                        "divergenceSignatures": .array(signatures), "downstreamSignatures": .array(downstream),
                        "warnings": .array(warnings)])
    }

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
