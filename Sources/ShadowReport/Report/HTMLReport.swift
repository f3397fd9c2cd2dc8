import Foundation
import ShadowKit

/// The report as one self-contained HTML page: inline CSS and SVG, no scripts, no external assets.
/// Every string from the model is escaped; nothing from the inputs can become markup.
public enum HTMLReport {
    public static func render(_ model: ReportModel) -> String {
        page.render([
            "title": "ShadowGate run \(model.run.id): \(ReportText.verdict(model.verdict).uppercased())",
            "css": style,
            "header": header(model),
            "meta": meta(model),
            "warnings": warnings(model),
            "features": features(model),
            "signatures": signatureTable(model),
            "charts": charts(model),
            "criteria": criteria(model),
            "details": details(model),
            "generated": ReportText.time(model.generatedAt),
            "version": model.run.toolVersion,
        ])
    }

    /// The page (`Templates/report.html`) and its style sheet (`Templates/report.css`), resources of this target.
    static let page = Template.resource("report.html")
    /// The file ends its last line; the page puts `</style>` right after the last rule.
    static let style = String(Template.text(ofResource: "report.css").dropLast())

    private static func e(_ text: String) -> String { ReportText.html(text) }

    private static func badge(_ verdict: Verdict?, big: Bool = false) -> String {
        let name = ReportText.verdict(verdict)
        let css = verdict == .notMeasured || verdict == nil ? "none" : (verdict?.rawValue ?? "none")
        return "<span class=\"badge \(css)\(big ? " big" : "")\">\(e(name.uppercased()))</span>"
    }

    // MARK: Header and run metadata

    private static func header(_ model: ReportModel) -> String {
        """
        <header class="top">
        <div><h1>ShadowGate <span class="muted">run \(model.run.id)</span></h1>
        <p class="reason">\(e(model.verdictReason))</p></div>
        <div>\(badge(model.verdict, big: true))</div>
        </header>

        """
    }

    private static func meta(_ model: ReportModel) -> String {
        let run = model.run
        var items: [(String, String)] = []
        let status = run.status == .complete ? "complete" : run.status.rawValue.uppercased()
        items.append(("Status", "<span class=\"status-\(e(run.status.rawValue))\">\(e(status))</span>"
                      + (run.error.map { " <span class=\"error\">\(e($0))</span>" } ?? "")))
        items.append(("Started", e(ReportText.time(run.startedAt))))
        items.append(("Duration", run.durationSeconds.map { e(ReportText.duration($0)) } ?? "-"))
        items.append(("Compared", "\(e(Format.count(run.commands))) commands in \(e(Format.count(run.scenarios))) scenarios"
                      + " (\(e(ReportText.duration(run.scenarioSeconds))) of scenario time)"))
        items.append(("Traffic", e(ReportText.traffic(run))))
        items.append(("Seed", run.seed.map { "<code>\($0)</code>" } ?? "- (no generated traffic)"))
        items.append(("Baseline", model.baselineRunId.map { "run \($0) (signatures absent there are marked NEW)" }
                      ?? "none: no earlier complete run, nothing is marked NEW"))
        items.append(("Tool", "shadowgate \(e(run.toolVersion)), \(run.workers) worker(s), subject <code>\(e(run.subject))</code>"))
        items.append(("Database", "<code>\(e(run.database))</code>"))
        items.append(("Criteria", model.criteriaFile.map { "<code>\(e($0))</code>" } ?? "none"))
        let redacted = model.redaction.fields.isEmpty ? "nothing redacted"
            : model.redaction.fields.map { field in
                "<code>\(e(field))</code> (\(model.redaction.replaced[field] ?? 0))"
            }.joined(separator: ", ") + (model.redaction.configFile.map { " from <code>\(e($0))</code>" } ?? "")
        items.append(("Redacted", redacted))
        var inputs = run.inputs.map { "<code>\(e($0))</code>" }
        if let generated = run.generated {
            inputs.append("\(e(Format.count(generated))) generated scenarios\(run.seed.map { " (seed \($0))" } ?? "")")
        }
        items.append(("Inputs", inputs.isEmpty ? "-" : "<span class=\"inputs\">" + inputs.map { "<span>\($0)</span>" }.joined() + "</span>"))
        var out = "<section class=\"meta\"><dl>\n"
        for (name, value) in items {
            out += "<div\(name == "Inputs" ? " class=\"wide\"" : "")><dt>\(e(name))</dt><dd>\(value)</dd></div>\n"
        }
        return out + "</dl></section>\n"
    }

    private static func warnings(_ model: ReportModel) -> String {
        var notes: [String] = []
        if model.run.status != .complete {
            notes.append("Run \(model.run.id) is <b>\(e(model.run.status.rawValue))</b>: it never counts for the gate, and its signatures were not recorded.")
        }
        for rule in model.expiredRules {
            notes.append("Accepted rule <code>\(e(rule.rule))</code> has expired: it would have matched \(e(Format.count(rule.wouldMatch))) divergences, now counted as unexpected.")
        }
        let fresh = model.newUnexpectedSignatures
        if !fresh.isEmpty {
            let links = fresh.prefix(8).map { "<a href=\"#sig-\(e($0.id))\"><code>\(e($0.id))</code></a>" }.joined(separator: ", ")
            notes.append("\(fresh.count) new unexpected signature(s) since run \(model.baselineRunId ?? 0): \(links)\(fresh.count > 8 ? ", ..." : "").")
        }
        guard !notes.isEmpty else { return "" }
        return "<section class=\"warnings\">" + notes.map { "<p>\($0)</p>" }.joined() + "</section>\n"
    }

    // MARK: Features

    private static func features(_ model: ReportModel) -> String {
        var out = "<section id=\"features\"><h2>Features</h2>\n"
        guard !model.features.isEmpty else {
            return out + "<p class=\"muted\">No per-feature counts: the run did not complete.</p></section>\n"
        }
        out += "<div class=\"scroll\"><table class=\"numbers\"><thead><tr><th>Feature</th><th>Verdict</th><th>Compared</th><th>Matched</th>"
        out += "<th>Accepted</th><th>Unexpected</th><th>Mismatch rate</th><th title=\"one-sided 95% Clopper–Pearson upper bound\">95% upper bound</th>"
        out += "<th title=\"divergences downstream of an earlier divergence of their scenario: not in the rate\">Knock-ons</th>"
        out += "<th>Candidate errors</th><th>Refused transitions</th><th>Failed jobs</th><th>Signatures (new)</th></tr></thead><tbody>\n"
        for feature in model.features {
            let c = feature.counts
            out += "<tr><td class=\"name\"><a href=\"#crit-\(e(feature.name))\">\(e(feature.name))</a></td><td>\(badge(feature.verdict))</td>"
            out += "<td>\(Format.count(c.comparisons))</td><td>\(Format.count(c.matches))</td><td>\(Format.count(c.accepted))</td>"
            out += "<td class=\"\(c.mismatches > 0 ? "bad" : "")\">\(Format.count(c.mismatches))</td>"
            out += "<td>\(e(feature.mismatchRate.map(Format.percent) ?? "n/a"))</td>"
            out += "<td>\(e(feature.mismatchUpperBound.map(Format.percent) ?? "n/a"))</td>"
            out += "<td>\(Format.count(c.downstream))</td>"
            out += "<td>\(Format.count(c.candidateErrors))</td><td>\(Format.count(c.stateTransitionErrors))</td><td>\(Format.count(c.failedJobs))</td>"
            out += "<td>\(feature.signatures)\(feature.newUnexpectedSignatures > 0 ? " <span class=\"new\">\(feature.newUnexpectedSignatures) new</span>" : "")</td></tr>\n"
        }
        return out + "</tbody></table></div></section>\n"
    }

    // MARK: Signatures

    private static func signatureTable(_ model: ReportModel) -> String {
        var out = "<section id=\"signatures\"><h2>Divergence signatures</h2>\n"
        let unexpected = model.unexpectedSignatures
        let accepted = model.signatures.filter { !$0.isUnexpected }
        let unexpectedCount = unexpected.reduce(0) { $0 + $1.count }
        let acceptedCount = accepted.reduce(0) { $0 + $1.count }
        out += "<p>\(Format.count(model.totalDivergences)) divergences in \(model.signatures.count) distinct signatures: "
        out += "<b>\(unexpected.count) unexpected</b> (\(Format.count(unexpectedCount)) divergences, \(model.newUnexpectedSignatures.count) new), "
        out += "\(accepted.count) accepted (\(Format.count(acceptedCount)) divergences). Ranked by count; share is of all divergences. "
        out += "Each signature below shows its first \(model.examplesPerSignature) example(s); counts are exact.</p>\n"
        if model.downstreamDivergences > 0 {
            out += "<p>\(Format.count(model.downstreamDivergences)) more divergences are knock-ons: later commands of the same "
            out += "scenario on an entity an earlier divergence touched. They are in no rate and no count above; each "
            out += "signature says how many it caused.</p>\n"
        }
        guard !model.signatures.isEmpty else {
            return out + "<p class=\"muted\">No divergences.</p></section>\n"
        }
        out += "<h3>Unexpected</h3>\n"
        out += unexpected.isEmpty ? "<p class=\"muted\">None: every divergence is explained by an accepted rule.</p>\n"
            : signatureRows(unexpected, model, baseline: model.baselineRunId)
        if !accepted.isEmpty {
            out += "<details class=\"accepted-list\"><summary><h3>Accepted (\(accepted.count) signatures, \(Format.count(acceptedCount)) divergences)</h3></summary>\n"
            out += signatureRows(accepted, model, baseline: model.baselineRunId) + "</details>\n"
        }
        return out + "</section>\n"
    }

    private static func signatureRows(_ list: [ReportSignature], _ model: ReportModel, baseline: Int64?) -> String {
        let unexpected = list.first?.isUnexpected ?? true
        var out = "<div class=\"scroll\"><table class=\"sigs\"><thead><tr><th>#</th><th>Count</th><th>Share</th>"
        let newHeader = baseline.map { "<span title=\"absent from run \($0)\">New</span>" } ?? "<span title=\"no earlier complete run\">New</span>"
        out += "<th>\(unexpected ? newHeader : "Accepted by")</th><th>Feature · op · kind</th>"
        out += "<th>Differing paths</th><th>First seen</th><th>Last seen</th></tr></thead><tbody>\n"
        for (rank, signature) in list.enumerated() {
            out += "<tr>"
            out += "<td><a href=\"#sig-\(e(signature.id))\">\(rank + 1)</a></td>"
            out += "<td class=\"num\">\(Format.count(signature.count))\(signature.caused > 0 ? "<br><span class=\"muted\">caused \(Format.count(signature.caused)) later</span>" : "")</td>"
            out += "<td class=\"num\"><span class=\"share\"><span style=\"width:\(ReportCharts.fmt(max(1, signature.share * 100)))%\"></span></span>\(e(Format.percent(signature.share)))</td>"
            if signature.isUnexpected {
                out += "<td>\(signature.isNew ? "<span class=\"new\">NEW</span>" : "")</td>"
            } else {
                out += "<td>\(status(signature))</td>"
            }
            out += "<td><a href=\"#sig-\(e(signature.id))\">\(e(signature.feature))</a><br><code>\(e(signature.op))</code> <span class=\"muted\">\(e(signature.kind))</span></td>"
            out += "<td class=\"paths\">\(e(pathsOf(signature)))</td>"
            out += "<td>\(place(signature.first))</td><td>\(place(signature.last))</td></tr>\n"
        }
        return out + "</tbody></table></div>\n"
    }

    private static func status(_ signature: ReportSignature) -> String {
        var out = signature.acceptedRule.map { "<span class=\"accepted\" title=\"accepted by rule\">accepted: <code>\(e($0))</code></span>" }
            ?? "<span class=\"unexpected\">UNEXPECTED</span>"
        if signature.acceptedRule != nil {
            out += " <span class=\"muted\" title=\"legacy without the rule's quirks agrees with modern (explained); "
                + "could not be checked (unexplained)\">explained \(signature.explained), unexplained \(signature.unexplained)</span>"
        }
        if signature.isNew { out += " <span class=\"new\">NEW</span>" }
        return out
    }

    /// The part of a signature's text after feature, op and kind: codes and folded paths.
    private static func pathsOf(_ signature: ReportSignature) -> String {
        let prefix = "\(signature.feature) \(signature.op) \(signature.kind)"
        let rest = signature.description.hasPrefix(prefix) ? String(signature.description.dropFirst(prefix.count)) : signature.description
        return rest.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ", ")
    }

    private static func place(_ occurrence: ReportOccurrence) -> String {
        let location = occurrence.line > 0 ? "\(occurrence.file):\(occurrence.line)" : occurrence.file
        return "<span title=\"\(e(location))\"><code>\(e(occurrence.scenario))</code> seq \(occurrence.seq)</span>"
    }

    // MARK: Charts

    private static func charts(_ model: ReportModel) -> String {
        var out = "<section id=\"latency\"><h2>Latency per command</h2>\n<div class=\"charts\"><div>"
        out += ReportCharts.latency(model.latency)
        out += "</div><div>"
        if !model.latency.isEmpty {
            out += "<div class=\"scroll\"><table class=\"numbers compact\"><thead><tr><th>Feature</th><th>Legacy p50 · p95 · p99</th>"
            out += "<th>Modern p50 · p95 · p99</th><th>p95 ratio</th></tr></thead><tbody>\n"
            for row in model.latency {
                func cell(_ side: ReportPercentiles?) -> String {
                    guard let side else { return "<td>-</td>" }
                    return "<td>\(e([side.p50, side.p95, side.p99].map(Format.nanos).joined(separator: " · ")))</td>"
                }
                var ratio = "-"
                if let control = row.control, let candidate = row.candidate, control.p95 > 0 {
                    ratio = String(format: "×%.2f", candidate.p95 / control.p95)
                }
                out += "<tr><td class=\"name\">\(e(row.feature))</td>\(cell(row.control))\(cell(row.candidate))<td>\(e(ratio))</td></tr>\n"
            }
            out += "</tbody></table></div>\n"
        }
        out += "</div></div></section>\n<section id=\"trend\"><h2>Unexpected mismatch rate, last \(model.trend.count) complete run(s)</h2>\n"
        if model.trend.count == 1 { out += "<p class=\"muted\">Only one complete run so far; the trend grows with each run in this database.</p>\n" }
        let names = model.features.isEmpty ? Array(Set(model.trend.flatMap { $0.features.keys })).sorted() : model.features.map(\.name)
        out += ReportCharts.trend(model.trend, features: names, target: model.mismatchRateTarget)
        if let target = model.mismatchRateTarget {
            out += "<p class=\"muted small\">Dashed: the target (\(e(Format.percent(target)))). Red dots are at or above it.</p>\n"
        }
        return out + "</section>\n"
    }

    // MARK: Criteria

    private static func criteria(_ model: ReportModel) -> String {
        var out = "<section id=\"criteria\"><h2>Success criteria</h2>\n"
        let gated = model.features.filter { !$0.criteria.isEmpty }
        guard let rows = gated.first?.criteria else {
            return out + "<p class=\"muted\">\(e(model.verdictReason))</p></section>\n"
        }
        if let file = model.criteriaFile {
            out += "<p class=\"muted\">The table of <code>\(e(file))</code> per feature, Measured filled from this run "
            out += "(hover a cell for the reason; each feature's table with reasons is below).</p>\n"
        }
        out += "<div class=\"scroll\"><table class=\"matrix\"><thead><tr><th>Metric · target</th>"
        for feature in gated { out += "<th><a href=\"#crit-\(e(feature.name))\">\(breakable(feature.name))</a></th>" }
        out += "</tr></thead><tbody>\n"
        var unmeasured: [CriterionResult] = []
        for (index, row) in rows.enumerated() {
            if gated.allSatisfy({ index < $0.criteria.count && $0.criteria[index].verdict == .notMeasured }) {
                unmeasured.append(row)
                continue
            }
            out += "<tr><td><b>\(e(row.metric))</b><br><span class=\"muted\">\(e(row.target))</span></td>"
            for feature in gated {
                guard index < feature.criteria.count else {
                    out += "<td></td>"
                    continue
                }
                let c = feature.criteria[index]
                let bound = c.upperBoundText.map { " (bound \($0))" } ?? ""
                out += "<td title=\"\(e(c.reason))\">\(badge(c.verdict))<div class=\"measured\">\(e(c.measured == "-" ? "" : c.measured + bound))</div></td>"
            }
            out += "</tr>\n"
        }
        out += "<tr class=\"overall\"><td>Feature verdict</td>"
        for feature in gated { out += "<td>\(badge(feature.verdict))</td>" }
        out += "</tr>\n</tbody></table></div>\n"
        if !unmeasured.isEmpty {
            let names = unmeasured.map { "\(e($0.metric)) (\(e($0.target)))" }.joined(separator: ", ")
            out += "<p class=\"small muted\">Not measured, never counted as passed: \(names). \(e(Set(unmeasured.map(\.reason)).sorted().joined(separator: "; ")))</p>\n"
        }
        for feature in gated {
            out += "<details id=\"crit-\(e(feature.name))\"><summary>\(badge(feature.verdict)) <b>\(e(feature.name))</b></summary>\n"
            out += "<div class=\"scroll\"><table><thead><tr><th>Metric</th><th>Target</th><th>Measured</th><th>95% bound</th><th>Verdict</th><th>Why</th></tr></thead><tbody>\n"
            for c in feature.criteria {
                out += "<tr><td>\(e(c.metric))</td><td>\(e(c.target))</td><td>\(e(c.measured))</td><td>\(e(c.upperBoundText ?? ""))</td>"
                out += "<td>\(badge(c.verdict))</td><td class=\"why\">\(e(c.reason))</td></tr>\n"
            }
            out += "</tbody></table></div></details>\n"
        }
        return out + "</section>\n"
    }

    /// Escaped, with a line-break opportunity after each underscore so long feature names fit narrow columns.
    private static func breakable(_ name: String) -> String {
        e(name).replacingOccurrences(of: "_", with: "_<wbr>")
    }

    // MARK: Signature details

    private static func details(_ model: ReportModel) -> String {
        guard !model.signatures.isEmpty else { return "" }
        var out = "<section id=\"details\"><h2>Signatures in detail</h2>\n"
        let ordered = model.unexpectedSignatures + model.signatures.filter { !$0.isUnexpected }
        for signature in ordered {
            let open = signature.isUnexpected ? " open" : ""
            out += "<details class=\"sig \(signature.isUnexpected ? "sig-unexpected" : "sig-accepted")\" id=\"sig-\(e(signature.id))\"\(open)>"
            out += "<summary><b>\(Format.count(signature.count))×</b> \(status(signature)) "
            out += "<b>\(e(signature.feature))</b> <code>\(e(signature.op))</code> \(e(signature.kind)) <span class=\"muted\">\(e(signature.id))</span></summary>\n"
            out += "<div class=\"body\"><p class=\"desc\"><code>\(e(signature.description))</code></p>\n"
            out += "<p class=\"small\">\(e(Format.percent(signature.share))) of all divergences. First seen \(place(signature.first)), last seen \(place(signature.last)).</p>\n"
            if signature.caused > 0 {
                out += "<div class=\"knock-ons\"><h4>Caused \(Format.count(signature.caused)) later \(signature.caused == 1 ? "divergence" : "divergences")</h4>"
                out += "<p class=\"small\">Later commands of the same scenarios on an entity these divergences touched; out of every rate.</p><ul>"
                for knockOn in signature.knockOns {
                    out += "<li><b>\(Format.count(knockOn.count))×</b> <code>\(e(knockOn.description))</code>, first \(place(knockOn.first))</li>"
                }
                out += "</ul></div>\n"
            }
            if let reproduction = signature.minimalReproduction {
                out += "<div class=\"repro\"><h4>Minimal reproduction</h4><p class=\"small\">\(e(reproduction.note))</p>"
                out += "<pre class=\"lines\">\(reproduction.lines.map { e($0.jsonText) }.joined(separator: "\n"))</pre>"
                if let command = reproduction.replayCommand { out += "<pre class=\"cmd\">\(e(command))</pre>" }
                out += "</div>\n"
            }
            if signature.examples.isEmpty {
                out += "<p class=\"muted\">No example was kept for this signature (the run kept none: see --examples of `run`).</p>\n"
            }
            for (index, example) in signature.examples.enumerated() {
                out += exampleBlock(example, index: index, of: signature)
            }
            out += "</div></details>\n"
        }
        return out + "</section>\n"
    }

    private static func exampleBlock(_ example: ReportExample, index: Int, of signature: ReportSignature) -> String {
        let location = example.line > 0 ? "\(example.file):\(example.line)" : example.file
        var out = "<div class=\"example\"><h4>Example \(index + 1) of \(signature.examples.count)"
        out += " <span class=\"muted\">scenario <code>\(e(example.scenario))</code> seq \(example.seq) · <code>\(e(location))</code></span></h4>\n"
        out += "<pre class=\"cmd\" title=\"replays the scenario up to the diverging command\">\(e(example.replayCommand))</pre>\n"
        if let note = example.note { out += "<p class=\"unexpected\">\(e(note))</p>\n" }
        if !example.context.isEmpty {
            out += "<div class=\"lines\">"
            if example.contextOmitted > 0 {
                out += "<div class=\"muted\">… \(example.contextOmitted) earlier command(s) of this scenario</div>"
            }
            for (lineIndex, line) in example.context.enumerated() {
                let last = lineIndex == example.context.count - 1
                out += "<div class=\"\(last ? "here" : "")\">\(contextLine(line))\(last ? " <span class=\"tag\">diverged</span>" : "")</div>"
            }
            out += "</div>\n"
        }
        out += "<table class=\"diff\"><thead><tr><th>Path</th><th>Legacy</th><th>Modern</th></tr></thead><tbody>\n"
        for entry in example.diff {
            out += "<tr><td><code>\(e(entry.path))</code></td><td>\(diffValue(entry.control))</td><td>\(diffValue(entry.candidate))</td></tr>\n"
        }
        out += "</tbody></table>\n"
        let marks = Set(example.paths)
        out += "<div class=\"sides\"><div><div class=\"side-title\">Legacy (control)</div><pre class=\"json\">\(PrettyJSON.html(example.control, marked: marks))</pre></div>"
        out += "<div><div class=\"side-title\">Modern (candidate)</div><pre class=\"json\">\(PrettyJSON.html(example.candidate, marked: marks))</pre></div></div>\n"
        return out + "</div>\n"
    }

    /// `seq  at  op  {fields}`: the envelope in columns, then the operation's own fields.
    private static func contextLine(_ line: JSONValue) -> String {
        guard case .object(var object) = line, let op = object["op"] else { return e(line.jsonText) }
        func plain(_ value: JSONValue?) -> String {
            if case .string(let text)? = value { return text }
            return value?.jsonText ?? ""
        }
        let seq = plain(object["seq"])
        let at = plain(object["at"])
        for key in ["scenario", "seq", "at", "op"] { object[key] = nil }
        let padded = String(repeating: " ", count: max(0, 4 - seq.count)) + seq
        let opText = plain(op)
        return "<span class=\"muted\">\(e(padded))  \(e(at))</span>  <b>\(e(opText))</b>\(String(repeating: " ", count: max(1, 26 - opText.count)))\(e(JSONValue.object(object).jsonText))"
    }

    private static func diffValue(_ value: JSONValue?) -> String {
        guard let value else { return "<span class=\"absent\">(absent)</span>" }
        return "<code>\(e(value.jsonText))</code>"
    }
}

/// Pretty-printed JSON: sorted keys, two-space indent. As HTML (keys and values in classed spans, values at
/// marked paths wrapped in `<mark>`) or as plain text; one layout for both.
public enum PrettyJSON {
    public static func html(_ value: JSONValue, marked: Set<String>) -> String {
        var out = ""
        write(value, path: "$", indent: 0, style: .html(marked: marked), to: &out)
        return out
    }

    /// Plain pretty-printed text (no markup), for text formats.
    public static func text(_ value: JSONValue, indent: Int = 0) -> String {
        var out = ""
        write(value, path: nil, indent: indent, style: .plain, to: &out)
        return out
    }

    private enum Style {
        case plain
        case html(marked: Set<String>)
    }

    /// `path` is only tracked for HTML, where it decides the marks.
    private static func write(_ value: JSONValue, path: String?, indent: Int, style: Style, to out: inout String) {
        var isMarked = false
        if case .html(let marked) = style, let path { isMarked = marked.contains(path) }
        if isMarked { out += "<mark>" }
        let pad = String(repeating: "  ", count: indent + 1)
        let closePad = String(repeating: "  ", count: indent)
        switch value {
        case .object(let object) where !object.isEmpty:
            out += "{\n"
            for (index, key) in object.keys.sorted().enumerated() {
                var keyText = ""
                JSONValue.writeString(key, to: &keyText)
                switch style {
                case .plain: out += pad + keyText + ": "
                case .html: out += pad + "<span class=\"k\">\(ReportText.html(keyText))</span>: "
                }
                if let child = object[key] {
                    write(child, path: path.map { $0 + "." + key }, indent: indent + 1, style: style, to: &out)
                }
                out += index < object.count - 1 ? ",\n" : "\n"
            }
            out += closePad + "}"
        case .array(let values) where !values.isEmpty:
            out += "[\n"
            for (index, child) in values.enumerated() {
                out += pad
                write(child, path: path.map { $0 + "[\(index)]" }, indent: indent + 1, style: style, to: &out)
                out += index < values.count - 1 ? ",\n" : "\n"
            }
            out += closePad + "]"
        default:
            guard case .html = style else {
                out += value.jsonText
                break
            }
            switch value {
            case .string: out += "<span class=\"s\">\(ReportText.html(value.jsonText))</span>"
            case .int, .double: out += "<span class=\"n\">\(ReportText.html(value.jsonText))</span>"
            case .bool, .null: out += "<span class=\"l\">\(value.jsonText)</span>"
            default: out += ReportText.html(value.jsonText)
            }
        }
        if isMarked { out += "</mark>" }
    }
}
