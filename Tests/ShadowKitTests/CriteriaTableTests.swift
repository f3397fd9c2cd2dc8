import Foundation
import Testing
@testable import ShadowKit

@Suite struct CriteriaTableTests {

    /// The guide's §8.10 section verbatim, with the prose and the table that follow it in the guide.
    static let guideDocument = """
    ---

    ## 8.10 Success Criteria

    ### Technical Success

    | Metric | Target | Measured |
    |--------|--------|----------|
    | Test coverage | 80%+ | |
    | Error rate | < 0.1% | |
    | Response time | No regression | |
    | Failed jobs | < 1/hour | |
    | State transition errors | 0 | |

    ### Business Success

    | Metric | Target | Measured |
    |--------|--------|----------|
    | User complaints | 0 increase | |
    | Support tickets | No increase | |
    | Feature development speed | 20% faster | |
    | Bug fix time | 30% faster | |

    ---

    ## Conclusion

    | Phase | Duration |
    |-------|----------|
    | Pilot | 1 week |

    Good luck with your refactoring journey!

    """

    // MARK: Targets

    @Test(arguments: [
        ("80%+", CriterionTarget.atLeast(0.8)),
        (">= 80%", .atLeast(0.8)),
        ("≥ 80%", .atLeast(0.8)),
        ("  80 %+ ", .atLeast(0.8)),
        (">=0.75", .atLeast(0.75)),
        ("< 0.1%", .below(0.001)),
        ("<0.1%", .below(0.001)),
        ("< 0.5", .below(0.5)),
        ("<   2.5 %", .below(0.025)),
        ("<= 0.1%", .atMost(0.001)),
        ("≤ 0.1%", .atMost(0.001)),
        ("< 1/hour", .ratePerHourBelow(1)),
        ("< 2/h", .ratePerHourBelow(2)),
        ("< 0.5 per hour", .ratePerHourBelow(0.5)),
        ("< 3 / HOUR", .ratePerHourBelow(3)),
        ("< 1/hr", .ratePerHourBelow(1)),
        ("0", .zero),
        (" 0 ", .zero),
        ("No regression", .noRegression(margin: 0.10)),
        ("no   REGRESSION", .noRegression(margin: 0.10)),
        ("No regression (10%)", .noRegression(margin: 0.10)),
        ("No regression (±5%)", .noRegression(margin: 0.05)),
        ("No regression ( +/- 2.5% )", .noRegression(margin: 0.025)),
        ("0 increase", .noIncrease),
        ("No Increase", .noIncrease),
        ("20% faster", .faster(0.2)),
        ("30 % FASTER", .faster(0.3)),
    ])
    func parsesTargetForms(text: String, expected: CriterionTarget) {
        #expect(CriterionTarget(parsing: text) == expected)
    }

    @Test(arguments: [
        "fast-ish", "", "   ", "<", "< %", "< abc%", "80", "80%", "< -1%", "< 1e3", "< inf", "nan",
        "80%++", "< 1/day", "<= 1/hour x", "No regression (5)", "No regression (fast)", "No regressions",
        "faster", "20 faster", "1 increase", "> 80%", "< 0.1.2%", "< .%",
    ])
    func rejectsAnythingElse(text: String) {
        #expect(CriterionTarget(parsing: text) == nil)
    }

    @Test func percentagesAreExactFractions() {
        // Shifting the decimal point in text gives the double nearest 0.001, unlike 0.1 / 100.
        #expect(CriterionTarget(parsing: "< 0.1%") == .below(0.001))
        #expect(CriterionTarget(parsing: "< 0.07%") == .below(0.0007))
    }

    @Test(arguments: [
        CriterionTarget.atLeast(0.8), .below(0.001), .atMost(0.0007), .ratePerHourBelow(0.5), .zero,
        .noRegression(margin: 0.1), .noRegression(margin: 0.05), .noIncrease, .faster(0.2),
    ])
    func descriptionIsCanonicalAndParsesBack(target: CriterionTarget) {
        #expect(CriterionTarget(parsing: target.description) == target)
    }

    @Test func descriptionsReadNaturally() {
        #expect(CriterionTarget.atLeast(0.8).description == "≥ 80%")
        #expect(CriterionTarget.below(0.001).description == "< 0.1%")
        #expect(CriterionTarget.ratePerHourBelow(1).description == "< 1/hour")
        #expect(CriterionTarget.noRegression(margin: 0.1).description == "No regression (10%)")
        #expect(CriterionTarget.faster(0.07).description == "7% faster")
    }

    // MARK: Metrics

    @Test func metricCellsMatchCaseInsensitivelyAndTrimmed() {
        #expect(CriterionMetric(cell: "  error RATE ") == .errorRate)
        #expect(CriterionMetric(cell: "State  transition\terrors") == .stateTransitionErrors)
        #expect(CriterionMetric(cell: "Mismatch rate") == .mismatchRate)
        #expect(CriterionMetric(cell: "Error rates") == nil)
        #expect(CriterionMetric(cell: "") == nil)
        for metric in CriterionMetric.allCases {
            #expect(CriterionMetric(cell: metric.rawValue.uppercased()) == metric)
        }
    }

    @Test func businessMetricsAreNotMeasurable() {
        let unmeasurable = CriterionMetric.allCases.filter { !$0.isMeasurable }
        #expect(Set(unmeasurable) == [.userComplaints, .supportTickets, .featureDevelopmentSpeed, .bugFixTime])
        #expect(CriterionMetric.allCases.count == 10)
    }

    // MARK: Parsing documents

    @Test func parsesBothGuideTables() throws {
        let table = try CriteriaTable.parse(Self.guideDocument, file: "success-criteria.md")
        #expect(table.rows.map(\.metric) == [
            .testCoverage, .errorRate, .responseTime, .failedJobs, .stateTransitionErrors,
            .userComplaints, .supportTickets, .featureDevelopmentSpeed, .bugFixTime,
        ])
        #expect(table.rows.map(\.target) == [
            .atLeast(0.8), .below(0.001), .noRegression(margin: 0.1), .ratePerHourBelow(1), .zero,
            .noIncrease, .noIncrease, .faster(0.2), .faster(0.3),
        ])
        #expect(table.rows.map(\.line) == [9, 10, 11, 12, 13, 19, 20, 21, 22])
        #expect(table.rows.map(\.targetText) == [
            "80%+", "< 0.1%", "No regression", "< 1/hour", "0", "0 increase", "No increase", "20% faster", "30% faster",
        ])
        #expect(table.rows.allSatisfy { $0.measured.isEmpty })
        let lines = Self.guideDocument.components(separatedBy: "\n")
        for row in table.rows {
            #expect(lines[row.line - 1].contains(row.metric.rawValue))
        }
    }

    @Test func allTenMetricsParse() throws {
        let rows = CriterionMetric.allCases.map { "| \($0.rawValue) | 0 | |" }.joined(separator: "\n")
        let document = "| Metric | Target | Measured |\n|---|---|---|\n\(rows)\n"
        let table = try CriteriaTable.parse(document, file: "all.md")
        #expect(table.rows.map(\.metric) == CriterionMetric.allCases)
    }

    @Test func unknownMetricReportsFileLineAndKnownNames() {
        let document = Self.guideDocument.replacingOccurrences(of: "| Support tickets |", with: "| Happiness |")
        #expect(throws: CriteriaTableError.unknownMetric(file: "success-criteria.md", line: 20, metric: "Happiness")) {
            try CriteriaTable.parse(document, file: "success-criteria.md")
        }
        let message = CriteriaTableError.unknownMetric(file: "success-criteria.md", line: 20, metric: "Happiness").description
        #expect(message.hasPrefix("success-criteria.md:20: unknown metric \"Happiness\" (known: Test coverage, Error rate, "))
        #expect(message.hasSuffix("Bug fix time)"))
    }

    @Test func unparsableTargetReportsFileLineAndExpectedForms() throws {
        let document = Self.guideDocument.replacingOccurrences(of: "| No regression |", with: "| fast-ish |")
        let error = try #require(throws: CriteriaTableError.self) {
            try CriteriaTable.parse(document, file: "success-criteria.md")
        }
        #expect(error == .unparsableTarget(file: "success-criteria.md", line: 11, target: "fast-ish", metric: .responseTime))
        #expect(error.description == """
            success-criteria.md:11: cannot parse target "fast-ish" for "Response time"; \
            expected forms like "< 0.1%", "80%+", "No regression", "< 1/hour", \
            "< 1/hour at 50,000 commands/hour", "0"
            """)
    }

    @Test func rowWithWrongCellCountIsMalformed() {
        let document = "# Criteria\n\n| Metric | Target | Measured |\n|---|---|---|\n| Error rate | < 0.1% |\n"
        #expect(throws: CriteriaTableError.malformedRow(file: "c.md", line: 5, cells: 2, expected: 3)) {
            try CriteriaTable.parse(document, file: "c.md")
        }
        let extra = "| Metric | Target | Measured |\n|---|---|---|\n| Error rate | < 0.1% | | oops |\n"
        #expect(throws: CriteriaTableError.malformedRow(file: "c.md", line: 3, cells: 4, expected: 3)) {
            try CriteriaTable.parse(extra, file: "c.md")
        }
        #expect(CriteriaTableError.malformedRow(file: "c.md", line: 5, cells: 2, expected: 3).description
            .hasPrefix("c.md:5: table row has 2 cells but the header has 3"))
    }

    @Test func emptyPlaceholderRowsAreSkipped() throws {
        let document = "| Metric | Target | Measured |\n|---|---|---|\n| | | |\n| Error rate | < 0.1% | |\n"
        let table = try CriteriaTable.parse(document, file: "c.md")
        #expect(table.rows.map(\.line) == [4])
        #expect(table.rendered(measured: [3: "x"]) == document)
    }

    @Test func criteriaHeaderWithoutMeasuredOrTargetIsAnError() {
        let noMeasured = "intro\n\n| Metric | Target |\n|---|---|\n| Error rate | < 0.1% |\n"
        #expect(throws: CriteriaTableError.missingColumns(file: "c.md", line: 3, missing: ["Measured"])) {
            try CriteriaTable.parse(noMeasured, file: "c.md")
        }
        let noTarget = "| Metric | Measured |\n|---|---|\n| Error rate | |\n"
        #expect(throws: CriteriaTableError.missingColumns(file: "c.md", line: 1, missing: ["Target"])) {
            try CriteriaTable.parse(noTarget, file: "c.md")
        }
        #expect(CriteriaTableError.missingColumns(file: "c.md", line: 3, missing: ["Measured"]).description
            == "c.md:3: success-criteria table header lacks \"Measured\" column; expected \"| Metric | Target | Measured |\"")
    }

    @Test func documentWithoutCriteriaTableIsAnError() {
        let otherTablesOnly = "# Plan\n\n| Phase | Duration |\n|---|---|\n| Pilot | 1 week |\n"
        for document in ["", "# Success criteria\n\nTo be written.\n", otherTablesOnly] {
            #expect(throws: CriteriaTableError.noTable(file: "c.md")) {
                try CriteriaTable.parse(document, file: "c.md")
            }
        }
        #expect(CriteriaTableError.noTable(file: "c.md").description.hasPrefix("c.md:1: no success-criteria table found"))
    }

    @Test func otherTablesAndFencedExamplesAreIgnored() throws {
        let document = """
        | Phase | Duration |
        |---|---|
        | Pilot | week |

        ```markdown
        | Metric | Target | Measured |
        |---|---|---|
        | Happiness | lots | |
        ```

        | Metric | Target | Measured |
        |---|---|---|
        | Error rate | < 0.1% | |
        """
        let table = try CriteriaTable.parse(document, file: "c.md")
        #expect(table.rows.map(\.metric) == [.errorRate])
        #expect(table.rows.first?.line == 13)
    }

    @Test func columnOrderComesFromTheHeaderAndPipesCanBeEscaped() throws {
        let document = """
        Target | Measured | Metric
        :--- | ---: | :-:
        < 0.1% | 0.02% \\| bound 0.04% | Error rate
        0 | | State transition errors
        """
        let table = try CriteriaTable.parse(document, file: "c.md")
        #expect(table.rows.map(\.metric) == [.errorRate, .stateTransitionErrors])
        #expect(table.rows.map(\.measured) == ["0.02% | bound 0.04%", ""])
        let rendered = table.rendered(measured: [4: "0 (pass)"])
        #expect(rendered.components(separatedBy: "\n")[3] == "0 | 0 (pass) | State transition errors")
    }

    // MARK: Rendering

    @Test func renderingWithoutMeasurementsReproducesTheDocumentByteForByte() throws {
        let crlf = Self.guideDocument.replacingOccurrences(of: "\n", with: "\r\n")
        let noFinalNewline = String(Self.guideDocument.dropLast())
        for document in [Self.guideDocument, crlf, noFinalNewline] {
            let table = try CriteriaTable.parse(document, file: "c.md")
            #expect(table.rows.count == 9)
            #expect(Array(table.rendered(measured: [:]).utf8) == Array(document.utf8))
        }
    }

    @Test func renderingChangesOnlyTheMeasuredCells() throws {
        let table = try CriteriaTable.parse(Self.guideDocument, file: "c.md")
        let rendered = table.rendered(measured: [
            10: "0.02% (95% upper bound 0.04%) | pass",
            12: "0.0/hour",
            21: "not measured",
            3: "ignored: not a criteria row",
        ])
        let before = Self.guideDocument.components(separatedBy: "\n")
        let after = rendered.components(separatedBy: "\n")
        #expect(after.count == before.count)
        for index in before.indices where ![10, 12, 21].contains(index + 1) {
            #expect(after[index] == before[index])
        }
        #expect(after[9] == "| Error rate | < 0.1% | 0.02% (95% upper bound 0.04%) \\| pass |")
        #expect(after[11] == "| Failed jobs | < 1/hour | 0.0/hour |")
        #expect(after[20] == "| Feature development speed | 20% faster | not measured |")
        // The written document parses back with the new Measured text.
        let reparsed = try CriteriaTable.parse(rendered, file: "c.md")
        #expect(reparsed.rows.first { $0.line == 10 }?.measured == "0.02% (95% upper bound 0.04%) | pass")
        #expect(reparsed.rows.map(\.target) == table.rows.map(\.target))
    }

    @Test func renderingReplacesAnExistingMeasurementAndKeepsLineBreaksOut() throws {
        let document = "| Metric | Target | Measured |\r\n|---|---|---|\r\n|Error rate|< 0.1%|  old value  |\r\n"
        let table = try CriteriaTable.parse(document, file: "c.md")
        #expect(table.rows.first?.measured == "old value")
        let rendered = table.rendered(measured: [3: "new\nvalue"])
        #expect(rendered == "| Metric | Target | Measured |\r\n|---|---|---|\r\n|Error rate|< 0.1%| new value |\r\n")
    }
}
