import Foundation
import ShadowKit

/// Escaping and small formatters shared by the report renderers.
public enum ReportText {
    /// Text safe inside HTML elements and quoted attributes: `& < > " '` become entities.
    public static func html(_ text: String) -> String { Markup.escape(text) }

    /// Text for Markdown prose and table cells: no markup, no HTML, no table breaks, one line.
    public static func markdown(_ text: String) -> String {
        var out = ""
        let characters = Array(text)
        for (index, character) in characters.enumerated() {
            // An underscore inside a word is never emphasis (CommonMark); leave `enrollment_service` readable.
            if character == "_", index > 0, index + 1 < characters.count,
               characters[index - 1].isLetter || characters[index - 1].isNumber,
               characters[index + 1].isLetter || characters[index + 1].isNumber {
                out.append(character)
                continue
            }
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "|": out += "\\|"
            case "\\", "`", "*", "_", "[", "]", "#", "~", "!": out += "\\" + String(character)
            case "\n", "\r": out += " "
            default: out.append(character)
            }
        }
        return out
    }

    /// An inline Markdown code span holding `text` verbatim (nothing inside a code span is markup), one line,
    /// with pipes escaped so it can sit in a table cell.
    static func markdownCode(_ text: String) -> String {
        let oneLine = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        var longest = 0
        var run = 0
        for character in oneLine {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: longest + 1)
        let padded = oneLine.hasPrefix("`") || oneLine.hasSuffix("`") ? " \(oneLine) " : oneLine
        return fence + padded.replacingOccurrences(of: "|", with: "\\|") + fence
    }

    /// "850 ms", "12.4 s", "3 min 20 s", "2 h 05 min", "1,234 days".
    /// What traffic a run stands for: the span of its recorded traffic and its generated commands, which have
    /// no real hours (the gate counts them at a stated production rate).
    public static func traffic(_ run: ReportRunHeader) -> String {
        guard let spanned = run.trafficSeconds else { return "not recorded (a run stored before traffic hours were kept)" }
        var parts: [String] = []
        if spanned > 0 { parts.append("\(duration(spanned)) spanned by recorded traffic") }
        if let generated = run.syntheticCommands, generated > 0 {
            parts.append("\(Format.count(generated)) commands of generated traffic (no real hours)")
        }
        return parts.isEmpty ? "none" : parts.joined(separator: " + ")
    }

    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "-" }
        if seconds < 1 { return String(format: "%.0f ms", seconds * 1000) }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        // Beyond a billion days (a hand-edited database; runs store at most 10,000 years per scenario) there
        // is no Int to round to: print the magnitude.
        if seconds >= 8.64e13 { return String(format: "%.3g days", seconds / 86400) }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return "\(whole / 60) min \(whole % 60) s" }
        if whole >= 2 * 86400 { return "\(Format.count(Int((seconds / 86400).rounded()))) days" }
        return String(format: "%d h %02d min", whole / 3600, (whole % 3600) / 60)
    }

    /// "2026-11-25T09:56:51.630Z" → "2026-11-25 09:56:51 UTC".
    public static func time(_ stamp: String) -> String {
        guard stamp.count >= 19 else { return stamp }
        let date = stamp.prefix(10)
        let clock = stamp.dropFirst(11).prefix(8)
        return "\(date) \(clock) UTC"
    }

    /// The verdict as a word for people.
    public static func verdict(_ verdict: Verdict?) -> String {
        switch verdict {
        case .pass: "pass"
        case .fail: "fail"
        case .inconclusive: "inconclusive"
        case .notMeasured: "not measured"
        case nil: "not gated"
        }
    }

    /// An emoji mark for Markdown.
    public static func mark(_ verdict: Verdict?) -> String {
        switch verdict {
        case .pass: "✅"
        case .fail: "❌"
        case .inconclusive: "⏳"
        case .notMeasured, nil: "➖"
        }
    }
}
