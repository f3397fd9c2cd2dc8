import Foundation
import ShadowKit
import ShadowTestSupport
import Testing

/// Issue 14, item 4: the real output of `run --json`, `gate --json` and `summary.json` against the schemas in
/// docs/schema/ (draft 2020-12), validated by Debian's python3-jsonschema (`make deps` installs it; without it
/// this test fails, it does not skip).
@Suite(.tags(.endToEnd, .slow), .timeLimit(.minutes(5)))
struct JSONSchemaTests {
    static let schemas = CLI.packageRoot.appendingPathComponent("docs/schema")
    static let validator = CLI.packageRoot.appendingPathComponent("scripts/validate_json.py").path

    /// Debian's interpreter first (python3-jsonschema is installed for it), then whatever `python3` is on PATH.
    static func validate(_ schema: String, _ documents: [String]) throws -> (status: Int32, output: String) {
        let process = TestPython.process([validator, schemas.appendingPathComponent(schema).path] + documents)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func realOutputMatchesTheSchemas() throws {
        let directory = try TemporaryDirectory()
        let criteria = CLI.packageRoot.appendingPathComponent("scenarios/success-criteria.md").path
        let run = try CLI.run(["run", "--db", "runs.sqlite", "--generate", "40", "--seed", "5", "--json", "--quiet"]
                              + CLI.ruleArguments, in: directory.path)
        #expect(run.status == 0, "\(run.stderr)")
        try directory.write("run.json", run.stdout)
        let gate = try CLI.run(["gate", "--db", "runs.sqlite", "--criteria", criteria, "--json"], in: directory.path)
        #expect([0, 1, 2].contains(gate.status), "\(gate.stderr)")
        try directory.write("gate.json", gate.stdout)
        let report = try CLI.run(["report", "--db", "runs.sqlite", "--criteria", criteria, "--out", "out"], in: directory.path)
        #expect(report.status == 0, "\(report.stderr)")

        for (schema, document) in [("run.schema.json", "run.json"), ("gate.schema.json", "gate.json"),
                                   ("summary.schema.json", "out/summary.json")] {
            let result = try Self.validate(schema, [directory.file(document)])
            #expect(result.status == 0, "\(document) against \(schema): \(result.output)")
        }

        // The numbers a CI job compares are numbers: a fraction beside the display text.
        let decision = try JSONValue.parse(Array(gate.stdout.utf8))
        guard case .object(let features)? = decision["features"], case .array(let rows)? = features.values.first?["criteria"],
              case .object(let mismatch)? = rows.first(where: { $0["metric"] == .string("Mismatch rate") }) else {
            Issue.record("no mismatch-rate row in \(gate.stdout)")
            return
        }
        #expect(mismatch["upperBound"]?.numberValue.map { $0 > 0 && $0 <= 1 } == true)
        #expect(mismatch["bound"] == .string("clopper-pearson"))

        // The check can fail: display text where a number belongs is refused.
        let broken = gate.stdout.replacingOccurrences(of: "\"upperBound\":", with: "\"upperBound\":\"0.1%\",\"x\":")
        try directory.write("broken.json", broken)
        let refused = try Self.validate("gate.schema.json", [directory.file("broken.json")])
        #expect(refused.status == 1, "\(refused.output)")
    }
}
