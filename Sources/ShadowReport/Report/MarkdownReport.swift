import Foundation
import ShadowKit

/// The short report: overall verdict, per-feature verdicts, top unexpected signatures, where the HTML is.
/// Sized for a pull-request comment or a CI job summary; the HTML has everything else.
public enum MarkdownReport {
    /// Unexpected signatures listed.
    public static let topSignatures = 5
    /// New signatures listed with their replay command.
    static let newListed = 5

    public static func render(_ model: ReportModel) -> String {
        let run = model.run
        let code = ReportText.markdownCode
        var out = "## \(ReportText.mark(model.verdict)) ShadowGate run \(run.id): \(ReportText.verdict(model.verdict).uppercased())\n\n"
        var facts = ["\(run.status.rawValue)", ReportText.time(run.startedAt)]
        if let duration = run.durationSeconds { facts.append("took \(ReportText.duration(duration))") }
        facts.append("\(Format.count(run.commands)) commands in \(Format.count(run.scenarios)) scenarios")
        if let seed = run.seed { facts.append("seed \(code(String(seed)))") }
        facts.append(model.baselineRunId.map { "compared with run \($0)" } ?? "no earlier complete run")
        out += facts.joined(separator: " · ") + "\n\n"
        out += "> \(ReportText.markdown(model.verdictReason))\n\n"
        if let error = run.error { out += "**Run \(run.status.rawValue):** \(code(error))\n\n" }
        for rule in model.expiredRules {
            out += "⚠️ Accepted rule \(code(rule.rule)) has expired; it would have matched \(Format.count(rule.wouldMatch)) divergences, now unexpected.\n\n"
        }

        if !model.features.isEmpty {
            out += "| Feature | Verdict | Unexpected | Mismatch rate | 95% upper bound | Accepted | Knock-ons |\n"
            out += "|---|---|--:|--:|--:|--:|--:|\n"
            for feature in model.features {
                let c = feature.counts
                out += "| \(code(feature.name)) | \(ReportText.mark(feature.verdict)) \(ReportText.verdict(feature.verdict)) "
                out += "| \(Format.count(c.mismatches)) of \(Format.count(c.comparisons)) "
                out += "| \(feature.mismatchRate.map(Format.percent) ?? "n/a") | \(feature.mismatchUpperBound.map(Format.percent) ?? "n/a") "
                out += "| \(Format.count(c.accepted)) | \(Format.count(c.downstream)) |\n"
            }
            out += "\n"
        }

        let unexpected = model.unexpectedSignatures
        let fresh = model.newUnexpectedSignatures
        let accepted = model.signatures.count - unexpected.count
        let acceptedCount = model.signatures.filter { !$0.isUnexpected }.reduce(0) { $0 + $1.count }
        let explained = model.signatures.filter { !$0.isUnexpected }.reduce(0) { $0 + $1.explained }
        let unexplained = model.signatures.filter { !$0.isUnexpected }.reduce(0) { $0 + $1.unexplained }
        if unexpected.isEmpty {
            out += "No unexpected divergences. \(accepted) accepted signature(s), \(Format.count(acceptedCount)) divergence(s)"
            out += " (explained \(Format.count(explained)), unexplained \(Format.count(unexplained))).\n\n"
        } else {
            out += "**Top unexpected signatures** (\(unexpected.count) unexpected, \(fresh.count) new; "
            out += "\(accepted) accepted with \(Format.count(acceptedCount)) divergences: explained \(Format.count(explained)), "
            out += "unexplained \(Format.count(unexplained)))\n\n"
            out += "| # | Count | Caused | Share | Feature | Op | Kind | Signature |\n|--:|--:|--:|--:|---|---|---|---|\n"
            for (rank, signature) in unexpected.prefix(topSignatures).enumerated() {
                out += "| \(rank + 1) | \(Format.count(signature.count)) | \(Format.count(signature.caused)) | \(Format.percent(signature.share)) | \(code(signature.feature)) "
                out += "| \(code(signature.op)) | \(signature.kind)\(signature.isNew ? " 🆕" : "") | \(code(signature.id)) |\n"
            }
            if unexpected.count > topSignatures { out += "\n…and \(unexpected.count - topSignatures) more in the HTML report.\n" }
            out += "\n"
        }
        let causing = model.signatures.filter { $0.caused > 0 }.sorted { $0.caused > $1.caused }
        if !causing.isEmpty {
            out += "**Knock-ons** (\(Format.count(model.downstreamDivergences)) later divergences on entities an earlier divergence "
            out += "of the same scenario touched; in no rate):\n\n"
            for signature in causing.prefix(topSignatures) {
                let status = signature.acceptedRule.map { "accepted \(code($0))" } ?? "UNEXPECTED"
                out += "- \(code(signature.id)) \(code(signature.op)) \(signature.kind) (\(status)) caused "
                out += "\(Format.count(signature.caused)) later divergences\n"
            }
            out += "\n"
        }
        if !fresh.isEmpty {
            out += "**New since run \(model.baselineRunId ?? 0)** (replays the first example):\n\n"
            for signature in fresh.prefix(newListed) {
                let command = signature.examples.first?.replayCommand ?? signature.first.replayCommand
                out += "- \(code(signature.id)) \(code(signature.feature)) \(code(signature.op)): \(code(command))\n"
            }
            if fresh.count > newListed { out += "- …and \(fresh.count - newListed) more\n" }
            out += "\n"
        }
        if let location = model.htmlLocation {
            if location.hasPrefix("http://") || location.hasPrefix("https://") {
                out += "Full report: [\(ReportText.markdown(location))](\(location.replacingOccurrences(of: ")", with: "%29").replacingOccurrences(of: " ", with: "%20")))\n"
            } else {
                out += "Full report: \(code(location))\n"
            }
        }
        return out
    }
}

/// JUnit XML: one test case per feature × criterion, exactly as `shadowgate gate --junit` writes it.
public enum JUnitReport {
    public static func render(_ model: ReportModel) -> String {
        let gated = model.features.filter { $0.verdict != nil && !$0.criteria.isEmpty }
        if !gated.isEmpty {
            let decision = GateDecision(
                verdict: model.verdict ?? .inconclusive, runId: model.run.id, runStatus: model.run.status.rawValue, reason: model.verdictReason,
                features: gated.map { FeatureGate(feature: $0.name, verdict: $0.verdict ?? .inconclusive, criteria: $0.criteria) })
            return GateRenderer.junit(decision)
        }
        // Nothing gated: one case that says why, failing for a run that did not complete so CI never shows green.
        let x = GateRenderer.xml
        let failed = model.run.status != .complete
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"shadowgate\" tests=\"1\" failures=\"\(failed ? 1 : 0)\" skipped=\"\(failed ? 0 : 1)\">\n"
        out += "  <testsuite name=\"run\" tests=\"1\" failures=\"\(failed ? 1 : 0)\" skipped=\"\(failed ? 0 : 1)\">\n"
        out += "    <testcase classname=\"run\" name=\"run \(model.run.id)\">"
        if failed {
            out += "<failure message=\"\(x("run \(model.run.id) \(model.run.status.rawValue)"))\">\(x(model.run.error ?? model.verdictReason))</failure>"
        } else {
            out += "<skipped message=\"\(x(model.verdictReason))\"/>"
        }
        out += "</testcase>\n  </testsuite>\n</testsuites>\n"
        return out
    }
}

/// `summary.json`: the whole model, pretty-printed with sorted keys.
public enum JSONSummary {
    public static func render(_ model: ReportModel) -> String {
        JSONOutput.text(model, pretty: true) + "\n"
    }
}
