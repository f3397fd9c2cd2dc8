import Foundation
import ShadowKit
import ShadowTestSupport
import Testing

/// Issue 11, item 6: read-only commands create no database.
@Suite(.tags(.endToEnd), .timeLimit(.minutes(5)))
struct GateHardeningTests {
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
