import Foundation
import ShadowKit

/// Inline SVG charts for the HTML report: no scripts, no external assets; every label escaped.
public enum ReportCharts {
    static let legacyColor = "#64748b"
    static let modernColor = "#7c3aed"

    /// Latency per feature for both sides on a log scale: a bar from p50 to p95 (dark) continuing to p99 (light),
    /// a tick at p50. Each bar carries a tooltip with the exact numbers.
    public static func latency(_ rows: [ReportLatency]) -> String {
        let values = rows.flatMap { [$0.control, $0.candidate].compactMap { $0 } }.filter { $0.count > 0 }
        guard !values.isEmpty else { return "<p class=\"muted\">No latency was recorded in this run.</p>" }
        let low = max(1, values.map(\.p50).min() ?? 1)
        let high = max(low * 10, values.map(\.p99).max() ?? 10)
        let minExp = floor(log10(low))
        let maxExp = ceil(log10(high))
        let labelWidth = 170.0
        let plotWidth = 340.0
        let width = labelWidth + plotWidth + 40
        let rowHeight = 15.0
        let groupGap = 12.0
        let top = 28.0
        let groupHeight = rowHeight * 2 + groupGap
        let height = top + Double(rows.count) * groupHeight + 26
        func x(_ value: Double) -> Double {
            labelWidth + (log10(max(value, 1)) - minExp) / (maxExp - minExp) * plotWidth
        }
        var svg = "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\">"
        svg += "<title>Latency per feature, legacy and modern, p50 / p95 / p99 (log scale)</title>"
        // Legend.
        svg += "<rect x=\"\(Int(labelWidth))\" y=\"6\" width=\"12\" height=\"10\" fill=\"\(legacyColor)\"/>"
        svg += "<text x=\"\(Int(labelWidth) + 16)\" y=\"15\" class=\"legend\">legacy</text>"
        svg += "<rect x=\"\(Int(labelWidth) + 70)\" y=\"6\" width=\"12\" height=\"10\" fill=\"\(modernColor)\"/>"
        svg += "<text x=\"\(Int(labelWidth) + 86)\" y=\"15\" class=\"legend\">modern</text>"
        svg += "<text x=\"\(Int(labelWidth) + 150)\" y=\"15\" class=\"legend muted\">tick p50 · dark to p95 · light to p99</text>"
        // Decade grid lines.
        var exponent = minExp
        while exponent <= maxExp {
            let gx = x(pow(10, exponent))
            svg += "<line x1=\"\(fmt(gx))\" y1=\"\(fmt(top - 4))\" x2=\"\(fmt(gx))\" y2=\"\(fmt(height - 22))\" class=\"grid\"/>"
            svg += "<text x=\"\(fmt(gx))\" y=\"\(fmt(height - 8))\" text-anchor=\"middle\" class=\"axis\">\(ReportText.html(Format.nanos(pow(10, exponent))))</text>"
            exponent += 1
        }
        for (index, row) in rows.enumerated() {
            let groupTop = top + Double(index) * groupHeight
            svg += "<text x=\"\(fmt(labelWidth - 8))\" y=\"\(fmt(groupTop + rowHeight + 4))\" text-anchor=\"end\" class=\"label\">\(ReportText.html(row.feature))</text>"
            for (offset, side) in [(0.0, row.control), (1.0, row.candidate)] {
                let y = groupTop + offset * rowHeight
                let color = offset == 0 ? legacyColor : modernColor
                let name = offset == 0 ? "legacy" : "modern"
                guard let side, side.count > 0 else {
                    svg += "<text x=\"\(fmt(labelWidth + 4))\" y=\"\(fmt(y + 11))\" class=\"axis\">no \(name) samples</text>"
                    continue
                }
                let tip = "\(row.feature) \(name): p50 \(Format.nanos(side.p50)), p95 \(Format.nanos(side.p95)), p99 \(Format.nanos(side.p99)), max \(Format.nanos(side.max)) over \(Format.count(side.count)) commands"
                svg += "<g><title>\(ReportText.html(tip))</title>"
                svg += "<rect x=\"\(fmt(x(side.p50)))\" y=\"\(fmt(y + 2))\" width=\"\(fmt(max(1, x(side.p99) - x(side.p50))))\" height=\"\(fmt(rowHeight - 4))\" fill=\"\(color)\" fill-opacity=\"0.3\"/>"
                svg += "<rect x=\"\(fmt(x(side.p50)))\" y=\"\(fmt(y + 2))\" width=\"\(fmt(max(1, x(side.p95) - x(side.p50))))\" height=\"\(fmt(rowHeight - 4))\" fill=\"\(color)\"/>"
                svg += "<line x1=\"\(fmt(x(side.p50)))\" y1=\"\(fmt(y))\" x2=\"\(fmt(x(side.p50)))\" y2=\"\(fmt(y + rowHeight))\" stroke=\"#111827\" stroke-width=\"2\"/>"
                svg += "</g>"
            }
        }
        return svg + "</svg>"
    }

    /// One small chart per feature: the unexpected-mismatch rate of each run on the trend, with the target dashed.
    public static func trend(_ points: [TrendRow], features: [String], target: Double?) -> String {
        guard !points.isEmpty else { return "<p class=\"muted\">No complete runs yet.</p>" }
        var out = "<div class=\"sparks\">"
        for feature in features {
            let rates = points.map { $0.features[feature]?.rate }
            let known = rates.compactMap { $0 }
            let peak = max(known.max() ?? 0, target ?? 0, 0.0001) * 1.15
            let width = 280.0
            let height = 86.0
            let left = 8.0
            let right = width - 8
            let top = 22.0
            let bottom = height - 16
            func x(_ index: Int) -> Double {
                points.count == 1 ? (left + right) / 2 : left + Double(index) / Double(points.count - 1) * (right - left)
            }
            func y(_ rate: Double) -> Double { bottom - rate / peak * (bottom - top) }
            let latest = rates.last.flatMap { $0 }.map(Format.percent) ?? "n/a"
            var svg = "<svg class=\"spark\" role=\"img\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\">"
            svg += "<title>\(ReportText.html("\(feature): unexpected mismatch rate over the last \(points.count) complete run(s)"))</title>"
            svg += "<text x=\"\(fmt(left))\" y=\"13\" class=\"label\">\(ReportText.html(feature))</text>"
            svg += "<text x=\"\(fmt(right))\" y=\"13\" text-anchor=\"end\" class=\"value\">\(ReportText.html(latest))</text>"
            svg += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(bottom))\" x2=\"\(fmt(right))\" y2=\"\(fmt(bottom))\" class=\"grid\"/>"
            if let target, target > 0 {
                svg += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(y(target)))\" x2=\"\(fmt(right))\" y2=\"\(fmt(y(target)))\" class=\"target\"><title>\(ReportText.html("target \(Format.percent(target))"))</title></line>"
            }
            var segment: [String] = []
            var segments: [[String]] = []
            for (index, rate) in rates.enumerated() {
                if let rate {
                    segment.append("\(fmt(x(index))),\(fmt(y(rate)))")
                } else if !segment.isEmpty {
                    segments.append(segment)
                    segment = []
                }
            }
            if !segment.isEmpty { segments.append(segment) }
            for line in segments where line.count > 1 {
                svg += "<polyline points=\"\(line.joined(separator: " "))\" fill=\"none\" stroke=\"\(modernColor)\" stroke-width=\"1.5\"/>"
            }
            for (index, point) in points.enumerated() {
                guard let counts = point.features[feature], let rate = counts.rate else { continue }
                let tip = "run \(point.runId) (\(ReportText.time(point.startedAt))): \(Format.percent(rate)), \(Format.count(counts.mismatches)) of \(Format.count(counts.comparisons))"
                let over = target.map { rate >= $0 } ?? false
                svg += "<circle cx=\"\(fmt(x(index)))\" cy=\"\(fmt(y(rate)))\" r=\"\(index == points.count - 1 ? 3.5 : 2.5)\" class=\"\(over ? "dot over" : "dot")\"><title>\(ReportText.html(tip))</title></circle>"
            }
            svg += "<text x=\"\(fmt(left))\" y=\"\(fmt(height - 3))\" class=\"axis\">run \(points.first?.runId ?? 0)</text>"
            if points.count > 1 {
                svg += "<text x=\"\(fmt(right))\" y=\"\(fmt(height - 3))\" text-anchor=\"end\" class=\"axis\">run \(points.last?.runId ?? 0)</text>"
            }
            svg += "</svg>"
            out += svg
        }
        return out + "</div>"
    }

    /// Coordinates with at most one decimal, so the SVG stays small and byte-stable.
    static func fmt(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.1f", rounded)
    }
}
