import ArgumentParser
import Foundation
@testable import ShadowCommands
import ShadowKit
import ShadowReport
import ShadowRollout
import ShadowTestSupport
import Testing

/// Every exit code the README documents, each through the one mapping in `Root.swift` (`ExitCodes.map`),
/// reached the way a user reaches it: by running the binary.
@Suite(.tags(.endToEnd)) struct ExitCodeTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
        _ = try directory.write("bad.jsonl", "{\"scenario\": \"a\", \"op\": \n")
        _ = try directory.write(".env", "FEATURE_ENROLLMENT_SERVICE=true\n")
        try FileManager.default.createDirectory(atPath: directory.file("db-is-a-directory"), withIntermediateDirectories: true)
    }

    func shadowgate(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> CLI.Result {
        try CLI.run(arguments, in: directory.path, sourceLocation: sourceLocation)
    }

    static let criteria = CLI.packageRoot.appendingPathComponent("scenarios/success-criteria.md").path
    static let plan = CLI.packageRoot.appendingPathComponent("scenarios/rollout.yaml").path

    @Test func zeroSuccess() throws {
        let result = try shadowgate(["generate", "--count", "1", "--out", "one.jsonl"])
        #expect(result.status == ExitCodes.success, "\(result.stderr)")
    }

    @Test func oneGateFailed() throws {
        // A ledger whose content was altered fails verification, as a failing gate does.
        #expect(try shadowgate(["freeze", "domain_events", "--reason", "backlog", "--db", "db.sqlite"]).status == 0)
        _ = try CLI.sqlite(directory.file("db.sqlite"), "UPDATE ledger SET reason = 'nothing to see' WHERE sequence = 1")
        let result = try shadowgate(["ledger", "--db", "db.sqlite", "--verify"])
        #expect(result.status == ExitCodes.gateFailed, "\(result.stdout)\(result.stderr)")
    }

    @Test func twoInconclusive() throws {
        let result = try shadowgate(["gate", "--db", "missing.sqlite", "--criteria", Self.criteria])
        #expect(result.status == ExitCodes.inconclusive, "\(result.stdout)\(result.stderr)")
    }

    @Test func sixtyFourUsage() throws {
        let parser = try shadowgate(["run", "--no-such-option"])
        #expect(parser.status == ExitCodes.usageError, "\(parser.stderr)")
        // A command's own usage error (a typed CommandError), mapped in the same place.
        let noDatabase = try shadowgate(["report", "--db", "missing.sqlite"])
        #expect(noDatabase.status == ExitCodes.usageError, "\(noDatabase.stderr)")
        #expect(noDatabase.stderr == "error: missing.sqlite: no such database; run `shadowgate run` first (or give --db PATH)\n")
    }

    @Test func sixtyFiveMalformedInput() throws {
        let scenario = try shadowgate(["run", "--input", "bad.jsonl", "--db", "db.sqlite"] + CLI.ruleArguments)
        #expect(scenario.status == ExitCodes.malformedInput, "\(scenario.stderr)")
        #expect(scenario.stderr.contains("error: bad.jsonl:1: "), "\(scenario.stderr)")
        _ = try directory.write("criteria.md", "| Metric | Target |\n|---|---|\n")
        let criteria = try shadowgate(["gate", "--db", "db.sqlite", "--criteria", "criteria.md"])
        #expect(criteria.status == ExitCodes.malformedInput, "\(criteria.stderr)")
        #expect(criteria.stderr.hasPrefix("error: criteria.md:1: "), "\(criteria.stderr)")
    }

    /// A file the user named (or the default one) that cannot be read at all: 66, as sysexits has it.
    @Test func sixtySixNoInput() throws {
        let scenario = try shadowgate(["run", "--input", "missing.jsonl", "--db", "db.sqlite"] + CLI.ruleArguments)
        #expect(scenario.status == ExitCodes.noInput, "\(scenario.stderr)")
        #expect(scenario.stderr.hasSuffix("\nerror: missing.jsonl: cannot open the file for reading\n"),
                "\(scenario.stderr)")
        let criteria = try shadowgate(["gate", "--db", "db.sqlite", "--criteria", "missing.md"])
        #expect(criteria.status == ExitCodes.noInput, "\(criteria.stderr)")
        #expect(criteria.stderr == "error: missing.md: cannot read the criteria table\n")
        // The default table is relative to the working directory; outside the project the message says so.
        let byDefault = try shadowgate(["gate", "--db", "db.sqlite"])
        #expect(byDefault.status == ExitCodes.noInput, "\(byDefault.stderr)")
        #expect(byDefault.stderr == "error: scenarios/success-criteria.md: cannot read the criteria table (the default "
            + "path is relative to the working directory: run from the project's root, or give --criteria FILE)\n")
        let env = try shadowgate(["flags", "status", "--env", "missing.env"])
        #expect(env.status == ExitCodes.noInput, "\(env.stderr)")
        #expect(env.stderr.hasPrefix("error: missing.env: cannot "), "\(env.stderr)")
        let coverage = try shadowgate(["gate", "--db", "db.sqlite", "--criteria", Self.criteria,
                                       "--coverage", "missing.json"])
        #expect(coverage.status == ExitCodes.noInput, "\(coverage.stderr)")
        #expect(coverage.stderr == "error: missing.json: cannot read the coverage export\n")
        let rules = try shadowgate(["run", "--generate", "1", "--db", "db.sqlite", "--accepted", "missing.yaml"])
        #expect(rules.status == ExitCodes.noInput, "\(rules.stderr)")
        #expect(rules.stderr.hasSuffix("\nerror: missing.yaml: no such file\n"), "\(rules.stderr)")
    }

    @Test func sixtyNineSubjectUnavailable() throws {
        let result = try shadowgate(["run", "--generate", "1", "--db", "db.sqlite", "--workers", "1",
                                     "--control", "builtin:legacy", "--candidate", "exit 3"] + CLI.ruleArguments)
        #expect(result.status == ExitCodes.subjectUnavailable, "\(result.stderr)")
    }

    /// 70 has no user-reachable path left (it would be a bug); the mapping's catch-all is tested in-process.
    @Test func seventyInternalErrorIsTheCatchAll() throws {
        struct Unforeseen: Error {}
        let mapped = try #require(ExitCodes.map(Unforeseen()) as? ExitCode)
        #expect(mapped.rawValue == ExitCodes.internalError)
        let notReproducible = try #require(ExitCodes.map(ShrinkError.notReproducible(scenario: "s", signature: "x")) as? ExitCode)
        #expect(notReproducible.rawValue == ExitCodes.internalError)
    }

    @Test func seventyThreeCannotWrite() throws {
        let result = try shadowgate(["generate", "--count", "1", "--out", "no/such/dir/out.jsonl"])
        #expect(result.status == ExitCodes.cannotWrite, "\(result.stderr)")
    }

    @Test func seventyFourDatabaseError() throws {
        let result = try shadowgate(["run", "--generate", "1", "--db", "db-is-a-directory"] + CLI.ruleArguments)
        #expect(result.status == ExitCodes.databaseError, "\(result.stderr)")
    }

    @Test func seventyFiveRollbackPending() throws {
        let result = try shadowgate(["rollback", "enrollment_service", "--env", ".env", "--reason", "incident",
                                     "--db", "db-is-a-directory", "--plan", Self.plan])
        #expect(result.status == ExitCodes.rollbackPending, "\(result.stdout)\(result.stderr)")
        #expect(try String(contentsOfFile: directory.file(".env"), encoding: .utf8) == "FEATURE_ENROLLMENT_SERVICE=false\n")
    }

    /// Typed cases, not matched text: where each error kind lands.
    @Test func everyErrorKindMapsOnce() throws {
        func code(_ error: any Error) -> Int32? { (ExitCodes.map(error) as? ExitCode)?.rawValue }
        #expect(code(LocatedError(file: "f", line: 3, message: "bad")) == ExitCodes.malformedInput)
        #expect(code(DotEnvError.syntax(file: ".env", line: 2, message: "x")) == ExitCodes.malformedInput)
        #expect(code(DotEnvError.readFailed(path: ".env", operation: "read", reason: "EIO")) == ExitCodes.noInput)
        #expect(code(LocatedError(file: "f", message: "cannot read", unreadable: true)) == ExitCodes.noInput)
        #expect(code(ScenarioError(file: "f", line: 0, message: "cannot open", unreadable: true)) == ExitCodes.noInput)
        #expect(code(DotEnvError.changedConcurrently(path: ".env")) == ExitCodes.cannotWrite)
        #expect(code(RolloutError.env(.io(path: ".env", operation: "write", reason: "ENOSPC"))) == ExitCodes.cannotWrite)
        #expect(code(RolloutError.store(StoreError(path: "db", message: "x"))) == ExitCodes.databaseError)
        #expect(code(RolloutError.unknownFeature("x", plan: "p", known: [])) == ExitCodes.usageError)
        #expect(code(CommandError.rollbackPending(cause: "c", env: ".env", journal: "j")) == ExitCodes.rollbackPending)
        #expect(code(OutputError(path: "o", message: "x")) == ExitCodes.cannotWrite)
    }
}
