import ArgumentParser
import Foundation
import LMS
import LMSShadow
import ShadowKit
import ShadowReport
import ShadowRollout

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the HTML, Markdown, JUnit and JSON report of a run; print the path of the HTML.",
        discussion: """
            Writes index.html, report.md, junit.xml and summary.json to --out (default reports/<run id>) and copies
            them to a "latest" directory beside it. Exit 0 whatever the gate says; with --fail-on-new, exit 1 when an
            unexpected signature is absent from the previous complete run, and 2 when the reported run is not complete.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("run"), help: "Run id, or 'latest' (the newest run of any status).")
    var runId: String = "latest"

    @Option(name: .long, help: "Output directory (default: reports/<run id>).")
    var out: String?

    @Option(name: .long, help: "Examples shown per signature (at most what the run kept; counts are always exact).")
    var examples: Int = 3

    @Option(name: .long, help: "The success-criteria Markdown table (a missing default file means no verdicts).")
    var criteria: String?

    @Option(name: .long, help: "Redaction config (a missing default file means nothing is redacted).")
    var config: String?

    @Option(name: .long, help: "An llvm-cov JSON export for the coverage criterion.")
    var coverage: String?

    @Option(name: .long, help: "Complete runs on the trend chart.")
    var trend: Int = 20

    @Option(name: .long, help: "Run to compare with for NEW signatures (default: the previous complete run).")
    var baseline: Int64?

    @Option(name: .long, help: "Link to the HTML report in report.md (e.g. a CI artifact URL) instead of its path.")
    var htmlURL: String?

    @Flag(name: .long, help: "Exit 1 when any unexpected signature is absent from the baseline run.")
    var failOnNew = false

    @Option(name: .long, help: "Seconds spent shrinking unexpected signatures to minimal reproductions (0: none).")
    var shrinkBudget: Double = 20

    static let defaultConfig = "scenarios/report.yaml"

    func validate() throws {
        guard runId == "latest" || Int64(runId) != nil else { throw ValidationError("--run takes a run id or 'latest'") }
        guard examples >= 0 else { throw ValidationError("--examples must be zero or more") }
        guard trend >= 1 else { throw ValidationError("--trend must be at least 1") }
        guard shrinkBudget >= 0 else { throw ValidationError("--shrink-budget must be zero or more") }
    }

    func run() throws {
        guard database.db == ":memory:" || FileManager.default.fileExists(atPath: database.db) else {
            throw CommandError.noDatabase(path: database.db)
        }
        let store = try database.store()
        guard let id = try Int64(runId) ?? store.latestRunId() else {
            throw CommandError.noRuns(database: database.db)
        }
        guard let header = try store.runHeader(runId: id) else {
            throw CommandError.noSuchRun(database: database.db, id: id)
        }
        let directory = out ?? "reports/\(id)"
        let redaction = try loadRedaction()
        var options = ReportOptions(
            examplesPerSignature: examples, trendRuns: trend, redaction: redaction.config, redactionFile: redaction.file,
            gate: try loadGate(), baselineRunId: baseline, databaseLabel: database.db,
            htmlLocation: htmlURL ?? (directory as NSString).appendingPathComponent("index.html"),
            unorderedPaths: unorderedPaths(header), contexts: LMSScenarioContexts())
        var shrinking: ReportShrinking?
        if shrinkBudget > 0 {
            shrinking = try ReportShrinking(header: header, budget: shrinkBudget)
            options.reproduce = shrinking?.reproduce
        }
        defer { shrinking?.shutdown() }
        let model = try ReportBuilder.build(store: store, runId: id, options: options)
        let index = try ReportWriter.write(model, to: directory)
        let latest = ((directory as NSString).deletingLastPathComponent as NSString).appendingPathComponent("latest")
        if (directory as NSString).lastPathComponent != "latest" {
            try ReportWriter.refresh(latest: latest, from: directory)
        }
        print(index)
        guard failOnNew else { return }
        // Fail closed: a run that did not complete cannot show that nothing is new.
        guard model.run.status == .complete else {
            printError("run \(model.run.id) is \(model.run.status.rawValue), not complete: --fail-on-new cannot pass on it")
            throw ExitCode(ExitCodes.inconclusive)
        }
        guard let baselineRun = model.baselineRunId else {
            printError("warning: no earlier complete run to compare with; nothing is new (--fail-on-new passes)")
            return
        }
        let fresh = model.newUnexpectedSignatures
        guard !fresh.isEmpty else { return }
        printError("\(fresh.count) new unexpected signature(s) since run \(baselineRun):")
        for signature in fresh {
            printError("  \(signature.id)  \(signature.count)×  \(signature.description)")
        }
        throw ExitCode(ExitCodes.gateFailed)
    }

    private func loadGate() throws -> GateEvaluator? {
        let path = criteria ?? defaultCriteriaPath
        if criteria == nil, !FileManager.default.fileExists(atPath: path) {
            printError("warning: \(path) not found; the report has no verdicts (give --criteria FILE)")
            return nil
        }
        return try loadCriteria(path, coverage: coverage).evaluator
    }

    private func loadRedaction() throws -> (config: RedactionConfig, file: String?) {
        let path = config ?? Self.defaultConfig
        if config == nil, !FileManager.default.fileExists(atPath: path) {
            printError("warning: \(path) not found; nothing is redacted (give --config FILE)")
            return (.none, nil)
        }
        return (try RedactionConfig.load(path: path), path)
    }

    /// The unordered-array rules of the comparator file the run used, so examples show arrays in compared order.
    private func unorderedPaths(_ header: RunHeaderRow) -> [PathPattern] {
        guard let path = header.config["comparator"], FileManager.default.fileExists(atPath: path),
              let rules = try? ComparatorRules.load(path: path) else { return [] }
        return rules.unordered
    }
}

/// Scenario lines for report examples: generated scenarios are regenerated from their seed, files are read back.
struct LMSScenarioContexts: ScenarioContextProvider {
    func contexts(for requests: Set<ScenarioContextRequest>, maxLines: Int) -> [ScenarioContextRequest: ScenarioContext] {
        var result = FileScenarioContexts().contexts(for: requests.filter { GeneratedInput.seed(of: $0.file) == nil },
                                                     maxLines: maxLines)
        for request in requests {
            guard let seed = GeneratedInput.seed(of: request.file), let index = GeneratedSource.index(of: request.scenario)
            else { continue }
            let scenario = TrafficGenerator(seed: seed).scenario(index)
            guard scenario.id == request.scenario else { continue }
            let lines = GeneratedSource.lines(scenario, index: index).filter { $0.seq <= request.seq }
            guard lines.last?.seq == request.seq else { continue }
            let kept = lines.suffix(maxLines).compactMap { try? JSONValue.parse(Array($0.jsonLine.utf8)) }
            result[request] = ScenarioContext(lines: kept, omitted: lines.count - kept.count)
        }
        return result
    }
}
