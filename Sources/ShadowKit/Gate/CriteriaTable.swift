import Foundation

/// A metric named in the success-criteria table (`| Metric | Target | Measured |`, guide §8.10).
public enum CriterionMetric: String, Sendable, Codable, CaseIterable {
    case testCoverage = "Test coverage"
    case errorRate = "Error rate"
    case mismatchRate = "Mismatch rate"
    case responseTime = "Response time"
    case failedJobs = "Failed jobs"
    case stateTransitionErrors = "State transition errors"
    case userComplaints = "User complaints"
    case supportTickets = "Support tickets"
    case featureDevelopmentSpeed = "Feature development speed"
    case bugFixTime = "Bug fix time"

    /// Whether the harness can measure this metric. The business metrics (complaints, tickets,
    /// development speed, bug-fix time) are reported as not measured, never as passed.
    var isMeasurable: Bool {
        switch self {
        case .testCoverage, .errorRate, .mismatchRate, .responseTime, .failedJobs, .stateTransitionErrors:
            true
        case .userComplaints, .supportTickets, .featureDevelopmentSpeed, .bugFixTime:
            false
        }
    }

    /// Matches a table cell: case-insensitive, surrounding whitespace ignored, inner runs of
    /// whitespace treated as one space. Nil for anything else.
    init?(cell: String) {
        let normalized = CriteriaText.normalized(cell)
        guard let match = Self.allCases.first(where: { $0.rawValue.lowercased() == normalized }) else { return nil }
        self = match
    }
}

/// The target column of a success-criteria row, parsed from forms such as "< 0.1%", "80%+",
/// "No regression", "< 1/hour" and "0".
///
/// Fractions are stored as fractions: "< 0.1%" is `.below(0.001)`, "80%+" is `.atLeast(0.8)`;
/// a number without "%" is taken as written ("< 0.5" is `.below(0.5)`).
public enum CriterionTarget: Sendable, Equatable, Codable, CustomStringConvertible {
    /// "80%+", ">= 80%", "≥ 80%".
    case atLeast(Double)
    /// "< 0.1%".
    case below(Double)
    /// "<= 0.1%", "≤ 0.1%".
    case atMost(Double)
    /// "< 1/hour", "< 2/h", "< 0.5 per hour"; with the production rate generated traffic is measured at:
    /// "< 1/hour at 50,000 commands/hour" (generated traffic has no real hours of its own).
    case ratePerHourBelow(Double, commandsPerHour: Double? = nil)
    /// "0": not a single occurrence.
    case zero
    /// "No regression", optionally with an explicit margin: "No regression (5%)", "No regression (±5%)".
    /// Passes when the upper bound of the candidate/control p95 ratio is at most 1 + margin.
    case noRegression(margin: Double)
    /// "0 increase", "No increase".
    case noIncrease
    /// "20% faster" is `.faster(0.2)`.
    case faster(Double)

    /// The margin "No regression" gets when the table does not state one.
    static let defaultRegressionMargin = 0.10

    /// Parses a target cell; case-insensitive and tolerant of extra spaces. Nil when the text is
    /// none of the documented forms.
    init?(parsing text: String) {
        guard let target = CriteriaText.parseTarget(CriteriaText.normalized(text)) else { return nil }
        self = target
    }

    /// A canonical human form, which parses back to the same target.
    public var description: String {
        switch self {
        case .atLeast(let value): "≥ \(CriteriaText.percent(value))"
        case .below(let value): "< \(CriteriaText.percent(value))"
        case .atMost(let value): "≤ \(CriteriaText.percent(value))"
        case .ratePerHourBelow(let value, let rate):
            "< \(CriteriaText.number(value))/hour" + (rate.map { " at \(CriteriaText.number($0)) commands/hour" } ?? "")
        case .zero: "0"
        case .noRegression(let margin): "No regression (\(CriteriaText.percent(margin)))"
        case .noIncrease: "No increase"
        case .faster(let value): "\(CriteriaText.percent(value)) faster"
        }
    }
}

/// One row of a success-criteria table.
public struct CriteriaRow: Sendable, Equatable {
    public var metric: CriterionMetric
    public var target: CriterionTarget
    /// The target cell as written, trimmed.
    var targetText: String
    /// The Measured cell as written, trimmed, with `\|` unescaped.
    public var measured: String
    /// 1-based line number of the row in the file; also the key for ``CriteriaTable/rendered(measured:)``.
    public var line: Int

    init(metric: CriterionMetric, target: CriterionTarget, targetText: String, measured: String, line: Int) {
        self.metric = metric
        self.target = target
        self.targetText = targetText
        self.measured = measured
        self.line = line
    }
}

/// Why a success-criteria document was rejected; `description` reads `FILE:LINE: what is wrong`.
public enum CriteriaTableError: InputError, Equatable {
    /// The Metric cell names no known metric.
    case unknownMetric(file: String, line: Int, metric: String)
    /// The Target cell is not one of the documented forms.
    case unparsableTarget(file: String, line: Int, target: String, metric: CriterionMetric)
    /// The target parses but cannot judge this metric ("Response time | 80%+").
    case targetDoesNotFit(file: String, line: Int, target: String, metric: CriterionMetric)
    /// A body row has a different number of cells than the header.
    case malformedRow(file: String, line: Int, cells: Int, expected: Int)
    /// A criteria table header (it names Metric or Target) lacks one of Metric, Target, Measured.
    case missingColumns(file: String, line: Int, missing: [String])
    /// The document contains no table with Metric and Target columns.
    case noTable(file: String)
    /// The table measures something but has no `Mismatch rate` row, the one thing a shadow run measures:
    /// without it a feature whose mismatch rate breaches every sane target would pass.
    case missingMismatchRate(file: String)
    /// A rate target that every rate meets (`≤ 100%`): the row would judge nothing.
    case targetJudgesNothing(file: String, line: Int, target: String, metric: CriterionMetric)

    /// The file the error is about, as passed to ``CriteriaTable/parse(_:file:)``.
    public var file: String {
        switch self {
        case .unknownMetric(let file, _, _), .unparsableTarget(let file, _, _, _), .targetDoesNotFit(let file, _, _, _),
             .malformedRow(let file, _, _, _), .missingColumns(let file, _, _), .noTable(let file),
             .missingMismatchRate(let file), .targetJudgesNothing(let file, _, _, _):
            file
        }
    }

    /// The 1-based line at fault (1 when the whole document is at fault).
    public var line: Int {
        switch self {
        case .unknownMetric(_, let line, _), .unparsableTarget(_, let line, _, _), .targetDoesNotFit(_, let line, _, _),
             .malformedRow(_, let line, _, _), .missingColumns(_, let line, _), .targetJudgesNothing(_, let line, _, _):
            line
        case .noTable, .missingMismatchRate:
            1
        }
    }

    public var inputFile: String { file }
    public var inputLine: Int? { line }

    public var problem: String {
        switch self {
        case .unknownMetric(_, _, let metric):
            let known = CriterionMetric.allCases.map(\.rawValue).joined(separator: ", ")
            return "unknown metric \"\(metric)\" (known: \(known))"
        case .unparsableTarget(_, _, let target, let metric):
            return "cannot parse target \"\(target)\" for \"\(metric.rawValue)\"; expected forms like "
                + "\"< 0.1%\", \"80%+\", \"No regression\", \"< 1/hour\", "
                + "\"< 1/hour at 50,000 commands/hour\", \"0\""
        case .targetDoesNotFit(_, _, let target, let metric):
            return "target \"\(target)\" does not apply to \"\(metric.rawValue)\"; "
                + "rates take \"< 0.1%\", failed jobs \"< 1/hour\", response time \"No regression\", "
                + "coverage \"80%+\", state transition errors \"0\""
        case .malformedRow(_, _, let cells, let expected):
            return "table row has \(cells) cell\(cells == 1 ? "" : "s") but the header has \(expected); "
                + "write one cell per column (escape a literal pipe as \\|)"
        case .missingColumns(_, _, let missing):
            let names = missing.map { "\"\($0)\"" }.joined(separator: ", ")
            return "success-criteria table header lacks \(names) column\(missing.count == 1 ? "" : "s"); "
                + "expected \"| Metric | Target | Measured |\""
        case .missingMismatchRate:
            return "the success criteria have no \"Mismatch rate\" row; it is what a shadow run measures, "
                + "so without it nothing is really judged: add \"| Mismatch rate | < 0.5% | |\" (or your target)"
        case .targetJudgesNothing(_, _, let target, let metric):
            return "target \"\(target)\" for \"\(metric.rawValue)\" is met by every rate, so it judges "
                + "nothing; give a limit below 100%"
        case .noTable:
            return "no success-criteria table found; "
                + "expected a Markdown table with the header \"| Metric | Target | Measured |\""
        }
    }
}

/// The success-criteria document: every criteria row, plus the original lines so the document can
/// be written back with only the Measured cells changed.
public struct CriteriaTable: Sendable {
    /// The file name used in error messages.
    public let file: String
    /// Criteria rows of every criteria table in the document, in document order.
    public let rows: [CriteriaRow]
    /// The document split at "\n"; a trailing "\r" stays part of its line, so joining restores the bytes.
    private let lines: [String]
    /// Line number of each row → index of its Measured column.
    private let measuredColumnByLine: [Int: Int]

    /// Parses every table whose header has Metric and Target columns; other tables and all prose
    /// are left alone. Tables inside fenced code blocks are not tables.
    public static func parse(_ text: String, file: String) throws(CriteriaTableError) -> CriteriaTable {
        let lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        var rows: [CriteriaRow] = []
        var measuredColumnByLine: [Int: Int] = [:]
        var foundCriteriaTable = false
        var openFence: Character?
        var index = 0
        while index < lines.count {
            let line = MarkdownTableLine.content(of: lines[index])
            if let fence = MarkdownTableLine.fenceMarker(line) {
                if openFence == nil { openFence = fence } else if openFence == fence { openFence = nil }
                index += 1
                continue
            }
            guard openFence == nil, index + 1 < lines.count,
                  let headerCells = MarkdownTableLine.cells(of: line),
                  let delimiterCells = MarkdownTableLine.cells(of: MarkdownTableLine.content(of: lines[index + 1])),
                  MarkdownTableLine.isDelimiterRow(delimiterCells), delimiterCells.count == headerCells.count
            else {
                index += 1
                continue
            }
            let headerIndex = index
            let headerNames = headerCells.map(CriteriaText.normalized)
            // The body runs to the first blank line or line without a pipe.
            var bodyEnd = headerIndex + 2
            while bodyEnd < lines.count {
                let body = MarkdownTableLine.content(of: lines[bodyEnd])
                if body.allSatisfy(\.isWhitespace) || MarkdownTableLine.cells(of: body) == nil { break }
                bodyEnd += 1
            }
            index = bodyEnd
            let metricColumn = headerNames.firstIndex(of: "metric")
            let targetColumn = headerNames.firstIndex(of: "target")
            let measuredColumnIndex = headerNames.firstIndex(of: "measured")
            if metricColumn == nil && targetColumn == nil { continue }
            guard let metricColumn, let targetColumn, let measuredColumnIndex else {
                let missing = [("Metric", metricColumn), ("Target", targetColumn), ("Measured", measuredColumnIndex)]
                    .filter { $0.1 == nil }.map(\.0)
                throw .missingColumns(file: file, line: headerIndex + 1, missing: missing)
            }
            foundCriteriaTable = true
            for rowIndex in (headerIndex + 2)..<bodyEnd {
                let lineNumber = rowIndex + 1
                let cells = MarkdownTableLine.cells(of: MarkdownTableLine.content(of: lines[rowIndex])) ?? []
                // A row of empty cells is a placeholder, not a criterion.
                if cells.allSatisfy({ $0.allSatisfy(\.isWhitespace) }) { continue }
                guard cells.count == headerCells.count else {
                    throw .malformedRow(file: file, line: lineNumber, cells: cells.count, expected: headerCells.count)
                }
                let metricText = cells[metricColumn].trimmingCharacters(in: .whitespaces)
                guard let metric = CriterionMetric(cell: metricText) else {
                    throw .unknownMetric(file: file, line: lineNumber, metric: MarkdownTableLine.unescaped(metricText))
                }
                let targetText = MarkdownTableLine.unescaped(cells[targetColumn].trimmingCharacters(in: .whitespaces))
                guard let target = CriterionTarget(parsing: targetText) else {
                    throw .unparsableTarget(file: file, line: lineNumber, target: targetText, metric: metric)
                }
                rows.append(CriteriaRow(
                    metric: metric, target: target, targetText: targetText,
                    measured: MarkdownTableLine.unescaped(cells[measuredColumnIndex].trimmingCharacters(in: .whitespaces)),
                    line: lineNumber
                ))
                measuredColumnByLine[lineNumber] = measuredColumnIndex
            }
        }
        guard foundCriteriaTable else { throw .noTable(file: file) }
        return CriteriaTable(file: file, rows: rows, lines: lines, measuredColumnByLine: measuredColumnByLine)
    }

    /// The original document with the Measured cell of each given row replaced.
    ///
    /// - Parameter measured: new Measured text keyed by ``CriteriaRow/line``; keys that are not
    ///   criteria rows are ignored. Pipes are escaped as `\|` and line breaks become spaces, so the
    ///   text cannot break the table. Every other byte of the document is kept as it was.
    public func rendered(measured: [Int: String]) -> String {
        var output = lines
        for (lineNumber, text) in measured {
            guard let column = measuredColumnByLine[lineNumber] else { continue }
            var line = output[lineNumber - 1]
            let ranges = MarkdownTableLine.cellRanges(of: MarkdownTableLine.content(of: line)) ?? []
            guard column < ranges.count else { continue }
            let escaped = text
                .replacingOccurrences(of: "\r\n", with: " ")
                .replacingOccurrences(of: "\n", with: " ")
                .replacingOccurrences(of: "\r", with: " ")
                .replacingOccurrences(of: "|", with: "\\|")
            line.replaceSubrange(ranges[column], with: escaped.isEmpty ? " " : " \(escaped) ")
            output[lineNumber - 1] = line
        }
        return output.joined(separator: "\n")
    }
}

// MARK: - Internals

/// Splitting of GitHub-flavoured Markdown table lines into cells.
enum MarkdownTableLine {
    /// The line without a trailing "\r" (CRLF files), as a slice of the original so indices carry over.
    static func content(of line: String) -> Substring {
        line.hasSuffix("\r") ? line.dropLast() : line[...]
    }

    /// The character of a code fence opener/closer ("```" or "~~~"), if the line is one.
    static func fenceMarker(_ line: Substring) -> Character? {
        let trimmed = line.drop(while: { $0 == " " })
        if trimmed.hasPrefix("```") { return "`" }
        if trimmed.hasPrefix("~~~") { return "~" }
        return nil
    }

    /// The text of each cell (untrimmed), or nil when the line has no unescaped pipe.
    static func cells(of line: Substring) -> [String]? {
        cellRanges(of: line)?.map { String(line[$0]) }
    }

    /// Ranges of each cell's content between its pipes; the optional leading and trailing pipes are
    /// not cells. Nil when the line has no unescaped pipe.
    static func cellRanges(of line: Substring) -> [Range<String.Index>]? {
        var ranges: [Range<String.Index>] = []
        var start = line.startIndex
        if let first = line.firstIndex(where: { $0 != " " && $0 != "\t" }), line[first] == "|" {
            start = line.index(after: first)
        }
        var sawPipe = start != line.startIndex
        var position = start
        while position < line.endIndex {
            let character = line[position]
            if character == "\\" {
                position = line.index(after: position)
                if position < line.endIndex { position = line.index(after: position) }
                continue
            }
            if character == "|" {
                sawPipe = true
                ranges.append(start..<position)
                start = line.index(after: position)
            }
            position = line.index(after: position)
        }
        guard sawPipe else { return nil }
        let trailing = line[start..<line.endIndex]
        // Text after the last pipe is a cell only when it is not blank ("| a | b" vs "| a | b |").
        if !trailing.allSatisfy({ $0 == " " || $0 == "\t" }) || ranges.isEmpty {
            ranges.append(start..<line.endIndex)
        }
        return ranges
    }

    /// Whether every cell is a delimiter like `---`, `:--`, `--:` or `:-:`.
    static func isDelimiterRow(_ cells: [String]) -> Bool {
        !cells.isEmpty && cells.allSatisfy { cell in
            var body = Substring(cell.trimmingCharacters(in: .whitespaces))
            if body.hasPrefix(":") { body = body.dropFirst() }
            if body.hasSuffix(":") { body = body.dropLast() }
            return !body.isEmpty && body.allSatisfy { $0 == "-" }
        }
    }

    /// Cell text with the `\|` escape undone.
    static func unescaped(_ cell: String) -> String {
        cell.replacingOccurrences(of: "\\|", with: "|")
    }
}

/// Normalisation and number handling shared by metric and target parsing.
enum CriteriaText {
    /// Lowercased, trimmed, inner whitespace runs collapsed to one space.
    static func normalized(_ text: String) -> String {
        text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Parses a normalized target cell.
    static func parseTarget(_ text: String) -> CriterionTarget? {
        switch text {
        case "0", "zero": return .zero
        case "0 increase", "no increase": return .noIncrease
        default: break
        }
        if text.hasPrefix("no regression") {
            return parseRegressionMargin(text.dropFirst("no regression".count)).map { .noRegression(margin: $0) }
        }
        if text.hasSuffix("faster") {
            let amount = text.dropLast("faster".count)
            guard let value = parsePercent(amount) else { return nil }
            return .faster(value)
        }
        if text.hasSuffix("+") {
            return parseAmount(text.dropLast()).map { .atLeast($0) }
        }
        for prefix in [">=", "≥"] where text.hasPrefix(prefix) {
            return parseAmount(text.dropFirst(prefix.count)).map { .atLeast($0) }
        }
        for prefix in ["<=", "≤"] where text.hasPrefix(prefix) {
            return parseAmount(text.dropFirst(prefix.count)).map { .atMost($0) }
        }
        if text.hasPrefix("<") {
            let rest = text.dropFirst()
            if let at = rest.range(of: " at ") {
                guard let limit = parseRatePerHour(rest[..<at.lowerBound]),
                      let production = parseCommandsPerHour(rest[at.upperBound...]), production > 0 else { return nil }
                return .ratePerHourBelow(limit, commandsPerHour: production)
            }
            if let rate = parseRatePerHour(rest) { return .ratePerHourBelow(rate) }
            return parseAmount(rest).map { .below($0) }
        }
        return nil
    }

    /// "" → the default margin; "(10%)", "(±5%)", "(+/-5%)" → that margin as a fraction.
    private static func parseRegressionMargin(_ rest: Substring) -> Double? {
        let trimmed = rest.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return CriterionTarget.defaultRegressionMargin }
        guard trimmed.hasPrefix("("), trimmed.hasSuffix(")") else { return nil }
        var inner = Substring(trimmed.dropFirst().dropLast().trimmingCharacters(in: .whitespaces))
        for sign in ["±", "+/-", "+-"] where inner.hasPrefix(sign) {
            inner = inner.dropFirst(sign.count)
            break
        }
        return parsePercent(inner)
    }

    /// "1/hour", "2/h", "0.5 per hour", "1 / hr" → the number.
    private static func parseRatePerHour(_ text: Substring) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
            .replacingOccurrences(of: " /", with: "/")
            .replacingOccurrences(of: "/ ", with: "/")
        for unit in ["per hour", "/hour", "/hr", "/h"] where trimmed.hasSuffix(unit) {
            return parseNumber(trimmed.dropLast(unit.count))
        }
        return nil
    }

    /// "50,000 commands/hour", "50000 commands per hour", "1200 cmd/h" → the number.
    private static func parseCommandsPerHour(_ text: Substring) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for noun in ["commands", "command", "cmds", "cmd"] {
            guard let range = trimmed.range(of: " " + noun) else { continue }
            let number = trimmed[..<range.lowerBound].replacingOccurrences(of: ",", with: "")
                .replacingOccurrences(of: "_", with: "")
            guard parseRatePerHour(Substring(number + trimmed[range.upperBound...])) != nil else { return nil }
            return parseNumber(Substring(number))
        }
        return nil
    }

    /// A number with an optional "%": "0.1%" → 0.001, "0.5" → 0.5.
    private static func parseAmount(_ text: Substring) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("%") { return parsePercent(Substring(trimmed)) }
        return parseNumber(Substring(trimmed))
    }

    /// A number followed by "%", as a fraction. Shifting the decimal point in the text (rather than
    /// dividing by 100) makes "0.1%" exactly the double nearest 0.001.
    private static func parsePercent(_ text: Substring) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasSuffix("%") else { return nil }
        let digits = trimmed.dropLast().trimmingCharacters(in: .whitespaces)
        guard isPlainDecimal(digits) else { return nil }
        return Double(digits + "e-2")
    }

    /// A plain non-negative decimal ("12", "0.5", ".5"); rejects signs, exponents, "inf" and "nan".
    private static func parseNumber(_ text: Substring) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard isPlainDecimal(trimmed) else { return nil }
        return Double(trimmed)
    }

    private static func isPlainDecimal(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.contains(where: { !$0.isEmpty }) else { return false }
        if parts.count == 2 && parts[1].isEmpty { return false }
        return parts.allSatisfy { $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }

    /// A fraction written as a percentage: 0.001 → "0.1%".
    static func percent(_ fraction: Double) -> String {
        number(fraction * 100) + "%"
    }

    /// Up to ten significant digits, so 0.07 · 100 prints as 7, not 7.000000000000001.
    static func number(_ value: Double) -> String {
        String(format: "%.10g", value)
    }
}
