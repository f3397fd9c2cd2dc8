import Foundation
import ShadowKit

/// Where a minimal reproduction came from, kept next to it as `<signature>.meta.json`.
///
/// The scenario reader and `make run` only take `*.jsonl`, so the sidecar is never read as a scenario.
public struct RegressionMetadata: Codable, Sendable, Equatable {
    /// Signature id, the file's name.
    public var signature: String
    /// The signature's readable text (`feature op kind codes paths`).
    public var signatureText: String
    public var feature: String
    public var op: String
    public var kind: String
    /// The accepted-divergence rule that explained it when it was saved; `nil` = it was unexpected.
    public var acceptedRule: String?
    /// The scenario file (or `generated:seed=N`) and scenario id the shrink started from.
    public var sourceFile: String
    public var sourceScenario: String
    /// When it was saved, RFC 3339 UTC.
    public var date: String
    public var originalLength: Int
    public var minimalLength: Int
    public var predicateCalls: Int
    public var oneMinimal: Bool

    init<Command>(_ result: ShrinkResult<Command>, date: Date) {
        signature = result.target.id
        signatureText = result.target.text
        feature = result.divergence.feature
        op = result.divergence.op
        kind = result.divergence.kind.rawValue
        acceptedRule = result.divergence.acceptedRule
        sourceFile = result.sourceFile
        sourceScenario = result.sourceScenario
        self.date = Timestamp.format(date.timeIntervalSince1970.rounded(.down))
        originalLength = result.originalLength
        minimalLength = result.finalLength
        predicateCalls = result.predicateCalls
        oneMinimal = result.isOneMinimal
    }
}

/// The regression corpus: one minimal scenario per signature in `scenarios/regressions/`, replayed by every run.
public enum RegressionCorpus {
    public static let defaultDirectory = "scenarios/regressions"

    /// The files a saved reproduction occupies.
    public struct SavedFiles: Sendable, Equatable {
        public var scenario: String
        public var metadata: String
    }

    /// Paths of the scenario and sidecar for `signature` in `directory`.
    public static func files(for signature: String, in directory: String) -> SavedFiles {
        let base = (directory as NSString).appendingPathComponent(signature)
        return SavedFiles(scenario: base + ".jsonl", metadata: base + ".meta.json")
    }

    /// The scenario id of a saved reproduction, `regression-<signature>`: unique across the corpus (one file per
    /// signature), so a run over the whole corpus never mixes two reproductions under one id.
    public static func scenarioID(for signature: String) -> String { "regression-" + signature }

    /// Writes `<signature>.jsonl` (scenario id ``scenarioID(for:)``) and `<signature>.meta.json` into
    /// `directory` (created if missing), each atomically, replacing an earlier reproduction of the same signature.
    @discardableResult
    public static func save<Command>(_ result: ShrinkResult<Command>, to directory: String,
                                     date: Date = Date()) throws(OutputError) -> SavedFiles {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw OutputError(path: directory, message: "cannot create the directory: \(error.localizedDescription)")
        }
        let files = files(for: result.target.id, in: directory)
        let id = scenarioID(for: result.target.id)
        // A reproduction is a few commands cut out of other traffic, at whatever times the shrinker kept: no real
        // hours, so its file says it is made up (failed jobs per hour must not count its clock).
        let header = CorpusHeader(traffic: .generated, details: ["origin": .string("shrink")]).jsonLine + "\n"
        let text = header + result.lines.map { line in
            var renamed = line
            renamed.scenario = id
            return renamed.jsonLine + "\n"
        }.joined()
        try write(Data(text.utf8), to: files.scenario)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let metadata: Data
        do {
            metadata = try encoder.encode(RegressionMetadata(result, date: date))
        } catch {
            throw OutputError(path: files.metadata, message: "cannot encode the metadata: \(error.localizedDescription)")
        }
        try write(metadata + Data("\n".utf8), to: files.metadata)
        return files
    }

    /// Reads a sidecar written by ``save(_:to:date:)``.
    public static func metadata(at path: String) throws(ConfigError) -> RegressionMetadata {
        do {
            return try JSONDecoder().decode(RegressionMetadata.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ConfigError(file: path, message: "not a regression metadata file: \(error.localizedDescription)")
        }
    }

    private static func write(_ data: Data, to path: String) throws(OutputError) {
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw OutputError(path: path, message: "cannot write the file: \(error.localizedDescription)")
        }
    }
}
