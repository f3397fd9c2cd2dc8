import ArgumentParser
import Foundation
import LMS
import ShadowKit
import ShadowReport
import ShadowRollout

struct GateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "May each flag advance? Gate a run on the success criteria (exit 0 pass, 1 fail, 2 inconclusive).")

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("run"), help: "Run id, or 'latest'.")
    var runId: String = "latest"

    @Option(name: .long, help: "Gate only this feature (repeatable).")
    var feature: [String] = []

    @Option(name: .long, help: "The success-criteria Markdown table.")
    var criteria: String = defaultCriteriaPath

    @Option(name: .long, help: "An llvm-cov JSON export (llvm-cov export -summary-only) for the coverage row.")
    var coverage: String?

    @Option(name: .long, help: "Also write JUnit XML here.")
    var junit: String?

    @Option(name: .long, help: "Also write the criteria table with Measured filled here.")
    var markdown: String?

    @Flag(name: .long, help: "Print the decision as JSON.")
    var json = false

    func validate() throws {
        guard runId == "latest" || Int64(runId) != nil else { throw ValidationError("--run takes a run id or 'latest'") }
        let known = Set(LMSFeature.allCases.map(\.rawValue))
        for name in feature where !known.contains(name) {
            throw ValidationError("unknown feature \"\(name)\"; known: \(known.sorted().joined(separator: ", "))")
        }
    }

    func run() throws {
        let (table, evaluator) = try loadCriteria(criteria, coverage: coverage)
        let decision: GateDecision
        if database.db != ":memory:", !FileManager.default.fileExists(atPath: database.db) {
            // Nothing to judge, and a read-only command creates no database.
            decision = GateDecision(verdict: .inconclusive, runId: nil, runStatus: nil,
                                    reason: "no database at \(database.db): run `shadowgate run` first (or give --db PATH)",
                                    features: [])
        } else {
            let store = try database.store()
            decision = evaluator.evaluate(try store.run(id: Int64(runId)), features: feature)
            try store.recordGateDecision(runId: decision.runId, verdict: decision.verdict, document: JSONOutput.text(decision),
                                         at: Date().timeIntervalSince1970)
        }
        if let junit { try write(GateRenderer.junit(decision), to: junit) }
        if let markdown { try write(GateRenderer.markdown(decision, table: table), to: markdown) }
        print(json ? JSONOutput.text(decision) : GateRenderer.text(decision), terminator: json ? "\n" : "")
        try ExitCodes.verdict(decision.exitCode)
    }
}

func write(_ text: String, to path: String) throws {
    do {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
        throw OutputError(path: path, message: "cannot write: \(error.localizedDescription)")
    }
}

/// Reads the line coverage of an `llvm-cov export` JSON document.
enum CoverageExport {
    static func lineCoverage(path: String) throws -> Double {
        let text = try ConfigFile.text(path: path, unreadable: "cannot read the coverage export")
        guard case .object(let root)? = try? JSONValue.parse(Array(text.utf8)),
              case .array(let exports)? = root["data"], case .object(let first)? = exports.first,
              case .object(let totals)? = first["totals"], case .object(let lines)? = totals["lines"],
              let percent = lines["percent"]?.numberValue else {
            throw LocatedError(file: path, message: "not an llvm-cov JSON export (expected data[0].totals.lines.percent)")
        }
        return percent / 100
    }
}
