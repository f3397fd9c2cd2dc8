import ArgumentParser
import Foundation
import LMS
import LMSShadow
import ShadowKit
import ShadowReport
import ShadowRollout
import ShadowWorker

/// Options shared by commands that read the run database.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "The run database (SQLite).")
    var db: String = "reports/shadowgate.sqlite"

    /// The database for commands that only read what runs wrote: a missing file is a usage error, never
    /// silently created (an empty new database would "verify" or "monitor" as if all were well).
    func existingStore() throws -> Store {
        guard db == ":memory:" || FileManager.default.fileExists(atPath: db) else {
            throw CommandError.noDatabase(path: db)
        }
        return try store()
    }

    /// Opens (creating if needed) the database with the tables of every target registered.
    func store() throws(StoreError) -> Store { try Store(path: db, schemas: [RolloutTables.schema]) }
}

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Apply scenarios to legacy and modern side by side, compare, and store the run.")

    @Option(name: .long, parsing: .upToNextOption, help: "Scenario files (JSON Lines): --input a.jsonl b.jsonl, or repeat --input.")
    var input: [String] = []

    @Option(name: .long, help: "Also generate this many scenarios of traffic.")
    var generate: Int?

    @Option(name: .long, help: "Seed of the generated traffic.")
    var seed: UInt64 = 42

    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "Parallel workers (default: the number of cores). Results do not depend on it.")
    var workers: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .long, help: "Compare only these features (comma-separated).")
    var features: String?

    @OptionGroup var rules: RulesOptions

    @Option(name: .long, help: "Full divergence examples kept per signature (counts are always exact).")
    var examples: Int = 20

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    @Flag(name: .long, help: "Print nothing but errors.")
    var quiet = false

    @OptionGroup var sides: SubjectOptions

    func validate() throws {
        guard !input.isEmpty || generate != nil else {
            throw ValidationError("give at least one --input FILE or --generate N")
        }
        if let generate, generate < 0 { throw ValidationError("--generate must be zero or more") }
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
    }

    func run() async throws {
        guard let specification = try sides.specification() else {
            try await record(LMSSubject(), config: [:], candidateVersion: "builtin-modern \(ShadowGateCommand.version)")
            return
        }
        // The workers start (and shake hands) before the run exists: a broken setup stores nothing.
        let subject = try specification.start(pairs: workers)
        defer { subject.shutdown() }
        try await record(subject, config: specification.runConfig(subject),
                         candidateVersion: "\(subject.candidate.info.name) \(subject.candidate.info.version)")
    }

    /// One stored run of `subject` over the inputs and generated traffic, then its table or JSON.
    private func record<Subject: GeneratedTrafficSubject>(_ subject: Subject, config subjectConfig: [String: String],
                                                          candidateVersion: String) async throws {
        let known = subject.features + [subject.sideEffectsFeature].compactMap { $0 }
        if let features {
            for name in featureList(features) where !known.contains(name) {
                throw ValidationError("unknown feature \"\(name)\"; known: \(known.sorted().joined(separator: ", "))")
            }
        }
        let store = try database.store()
        var config = ["features": features ?? "all", "accepted": rules.accepted, "comparator": rules.comparator,
                      "day": rules.effectiveDay, "examplesPerSignature": "\(examples)"]
        if let generate { config["generate"] = "\(generate)" }
        config.merge(subjectConfig) { $1 }
        let metadata = RunMetadata(subject: subject.name, startedAt: Date().timeIntervalSince1970,
                                   seed: generate == nil ? nil : seed, inputs: input, config: config,
                                   toolVersion: ShadowGateCommand.version, workers: workers,
                                   candidateVersion: candidateVersion,
                                   inputIdentities: input.reduce(into: [:]) { $0[$1] = ContentDigest.identity(ofFile: $1) })
        let progress = ProgressLine(enabled: !quiet && !json && isatty(STDERR_FILENO) == 1)
        defer { progress.finish() }
        let result: (runId: Int64, totals: RunTotals)
        do {
            result = try await RecordedRun(subject: subject, store: store, metadata: metadata).execute(
                options: runOptions,
                sources: {
                    var sources: [any ScenarioSource<Subject.Command>] = try input.map {
                        try ScenarioReader(path: $0, subject: subject)
                    }
                    if let generate { sources.append(subject.generatedSource(seed: seed, count: generate)) }
                    return sources
                },
                progress: progress.update)
        } catch let aborted as RunAborted {
            progress.finish()
            if !quiet { printError("run \(aborted.runId) aborted; the database keeps it as aborted (\(database.db))") }
            throw aborted.error
        }
        let report = RunReport(runId: result.runId, status: .complete, totals: result.totals, database: database.db,
                               pathOnlyRules: try rules.load().accepted.pathOnlyRules)
        if json {
            print(JSONOutput.text(report))
        } else if !quiet {
            print(report.table(), terminator: "")
        }
    }
}

extension RunCommand {
    func runOptions() throws -> RunOptions {
        let (comparator, accepted) = try rules.load()
        return RunOptions(workers: workers, features: features.map { Set(featureList($0)) }, comparator: comparator,
                          accepted: accepted, day: rules.effectiveDay, examplesPerSignature: examples)
    }
}

func featureList(_ text: String) -> [String] {
    text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}

/// A one-line progress display on standard error, only when it is a terminal.
final class ProgressLine: @unchecked Sendable {
    let enabled: Bool
    let started = Date()
    var lastDraw = Date.distantPast
    var drew = false

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ commands: Int) {
        guard enabled, Date().timeIntervalSince(lastDraw) > 0.2 else { return }
        lastDraw = Date()
        drew = true
        let rate = Double(commands) / max(0.001, Date().timeIntervalSince(started))
        FileHandle.standardError.write(Data("\r\u{1B}[K  \(Format.count(commands)) commands compared (\(Format.count(Int(rate)))/s)".utf8))
    }

    func finish() {
        if drew { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

