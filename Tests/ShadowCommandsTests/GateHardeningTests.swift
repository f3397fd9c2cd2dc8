import Foundation
import ShadowKit
import ShadowTestSupport
import Testing

/// Issue 11, items 2 and 6: a gate that judged nothing must not pass, and read-only commands create no database.
@Suite(.tags(.endToEnd), .timeLimit(.minutes(5)))
struct GateHardeningTests {
    @Test func criteriaWithoutAMismatchRateRowAreAConfigurationError() throws {
        let directory = try TemporaryDirectory()
        let run = try CLI.run(["run", "--generate", "300", "--seed", "7", "--db", "db.sqlite", "--quiet"] + CLI.ruleArguments,
                              in: directory.path)
        #expect(run.status == 0, "\(run.stderr)")
        // enrollment_state_machine breaches the shipped 0.5% mismatch target in this run (the reactivate finding).
        try directory.write("criteria.md", "| Metric | Target | Measured |\n|---|---|---|\n| State transition errors | 0 | |\n")
        let gate = try CLI.run(["gate", "--db", "db.sqlite", "--criteria", "criteria.md", "--feature", "enrollment_state_machine"],
                               in: directory.path)
        #expect(gate.status == 65, "\(gate.stdout)\(gate.stderr)")
        #expect(gate.stderr.contains("error: criteria.md:1: the success criteria have no \"Mismatch rate\" row"), "\(gate.stderr)")
        let advanceEnv = try directory.write(".env", "FEATURE_ENROLLMENT_STATE_MACHINE=false\n")
        let advance = try CLI.run(["advance", "enrollment_state_machine", "--env", advanceEnv, "--db", "db.sqlite",
                                   "--criteria", "criteria.md",
                                   "--plan", CLI.packageRoot.appendingPathComponent("scenarios/rollout.yaml").path],
                                  in: directory.path)
        #expect(advance.status == 65, "\(advance.stdout)\(advance.stderr)")
        #expect(try String(contentsOfFile: advanceEnv, encoding: .utf8) == "FEATURE_ENROLLMENT_STATE_MACHINE=false\n")
    }

    @Test func gateOnAMissingDatabaseIsInconclusiveAndCreatesNothing() throws {
        let directory = try TemporaryDirectory()
        let gate = try CLI.run(["gate", "--db", "missing.sqlite",
                                "--criteria", CLI.packageRoot.appendingPathComponent("scenarios/success-criteria.md").path],
                               in: directory.path)
        #expect(gate.status == 2, "\(gate.stdout)\(gate.stderr)")
        #expect(gate.stdout.contains("no database at missing.sqlite"), "\(gate.stdout)")
        #expect(!FileManager.default.fileExists(atPath: directory.file("missing.sqlite")))
    }

    @Test(arguments: [["monitor"], ["report", "--out", "out"], ["ledger"]])
    func readOnlyCommandsOnAMissingDatabaseAreUsageErrors(command: [String]) throws {
        let directory = try TemporaryDirectory()
        let result = try CLI.run(command + ["--db", "missing.sqlite"], in: directory.path)
        #expect(result.status == 64, "\(command): \(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("missing.sqlite: no such database"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.file("missing.sqlite")), "\(command)")
    }
}
