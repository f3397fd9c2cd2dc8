import Foundation
import ShadowKit
import ShadowTestSupport
import Testing

/// Issue 11, item 3: processes opening a fresh database at once raced in the migrations (one run lost with
/// exit 74, a rollback that edited the .env without a ledger entry), and a rollback on an unusable database
/// left no record of the .env change.
@Suite(.tags(.endToEnd), .timeLimit(.minutes(10)), .serialized)
struct ConcurrencyTests {
    static let env = "APP_NAME=x\nFEATURE_ENROLLMENT_SERVICE=true\nROLLOUT_ENROLLMENT_SERVICE=50\nFEATURE_DOMAIN_EVENTS=true\n"

    /// Starts every command at once in `directory` and returns their exit statuses and standard errors.
    static func together(_ commands: [[String]], in directory: String) throws -> [(Int32, String)] {
        let binary = try #require(CLI.binary)
        var running: [(Process, String)] = []
        for (index, arguments) in commands.enumerated() {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
            process.currentDirectoryURL = URL(fileURLWithPath: directory)
            let errPath = (directory as NSString).appendingPathComponent(".stderr-\(index)")
            _ = FileManager.default.createFile(atPath: errPath, contents: nil)
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
            process.standardOutput = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            running.append((process, errPath))
        }
        for (process, _) in running { try process.run() }
        return running.map { process, errPath in
            process.waitUntilExit()
            let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(atPath: errPath)
            return (process.terminationStatus, stderr)
        }
    }

    @Test func concurrentFirstUseOfAFreshDatabase() throws {
        let plan = CLI.packageRoot.appendingPathComponent("scenarios/rollout.yaml").path
        for round in 0..<20 {
            let directory = try TemporaryDirectory()
            try directory.write(".env", Self.env)
            let results = try Self.together([
                ["run", "--generate", "3", "--seed", "\(round)", "--db", "db.sqlite", "--quiet", "--workers", "1"] + CLI.ruleArguments,
                ["run", "--generate", "3", "--seed", "\(round + 100)", "--db", "db.sqlite", "--quiet", "--workers", "1"] + CLI.ruleArguments,
                ["rollback", "--all", "--env", ".env", "--reason", "incident \(round)", "--db", "db.sqlite", "--plan", plan],
            ], in: directory.path)
            for (index, (status, stderr)) in results.enumerated() {
                #expect(status == 0, "round \(round), command \(index): exit \(status): \(stderr)")
            }
            let database = directory.file("db.sqlite")
            #expect(try CLI.sqlite(database, "SELECT COUNT(*) FROM runs WHERE status = 'complete'") == [["2"]], "round \(round)")
            #expect(try CLI.sqlite(database, "SELECT COUNT(*) FROM ledger WHERE action = 'rollback'") != [["0"]], "round \(round)")
            let verify = try CLI.run(["ledger", "--verify", "--db", "db.sqlite"], in: directory.path)
            #expect(verify.status == 0, "round \(round): \(verify.stdout)")
            #expect(!FileManager.default.fileExists(atPath: directory.file(".env.shadowgate-pending.jsonl")))
            if results.contains(where: { $0.0 != 0 }) { break }
        }
    }

    @Test func rollbackOnAnUnusableDatabaseKeepsAPendingJournalThatTheNextCommandRecords() throws {
        let directory = try TemporaryDirectory()
        try directory.write(".env", Self.env)
        let plan = CLI.packageRoot.appendingPathComponent("scenarios/rollout.yaml").path
        try FileManager.default.createDirectory(atPath: directory.file("db-is-a-directory"), withIntermediateDirectories: true)

        let first = try CLI.run(["rollback", "enrollment_service", "--env", ".env", "--reason", "first", "--db",
                                 "db-is-a-directory", "--plan", plan], in: directory.path)
        #expect(first.status == 75, "\(first.stdout)\(first.stderr)")
        #expect(first.stderr.contains("ROLLBACK APPLIED BUT NOT YET IN THE LEDGER"), "\(first.stderr)")
        #expect(try String(contentsOfFile: directory.file(".env"), encoding: .utf8).contains("FEATURE_ENROLLMENT_SERVICE=false\n"))
        let journal = directory.file(".env.shadowgate-pending.jsonl")
        #expect(FileManager.default.fileExists(atPath: journal))

        let second = try CLI.run(["rollback", "domain_events", "--env", ".env", "--reason", "second", "--db",
                                  "db-is-a-directory", "--plan", plan], in: directory.path)
        #expect(second.status == 75, "\(second.stderr)")
        #expect(try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n").count == 2)

        // The next command with a working database records both, in order, before its own work.
        let third = try CLI.run(["rollback", "grading_service", "--env", ".env", "--reason", "third", "--db", "db.sqlite",
                                 "--plan", plan], in: directory.path)
        #expect(third.status == 0, "\(third.stderr)")
        #expect(third.stderr.contains("recorded 2 pending rollback(s)"), "\(third.stderr)")
        #expect(!FileManager.default.fileExists(atPath: journal))
        let rows = try CLI.sqlite(directory.file("db.sqlite"),
                                  "SELECT feature, reason FROM ledger WHERE action = 'rollback' ORDER BY sequence")
        #expect(rows.map { $0[0] } == ["enrollment_service", "domain_events", "grading_service"], "\(rows)")
        #expect(rows.map { $0[1] }.first == "first")
        let frozen = try CLI.sqlite(directory.file("db.sqlite"), "SELECT feature FROM feature_freezes ORDER BY feature")
        #expect(frozen == [["domain_events"], ["enrollment_service"], ["grading_service"]])
        let verify = try CLI.run(["ledger", "--verify", "--db", "db.sqlite"], in: directory.path)
        #expect(verify.status == 0, "\(verify.stdout)")

        // advance refuses a feature a pending rollback froze: the journal is recorded before anything else.
        try FileManager.default.createDirectory(atPath: directory.file("again"), withIntermediateDirectories: true)
        let fourth = try CLI.run(["rollback", "progress_service", "--env", ".env", "--reason", "fourth", "--db", "again",
                                  "--plan", plan], in: directory.path)
        #expect(fourth.status == 75)
        let advance = try CLI.run(["advance", "progress_service", "--env", ".env", "--db", "db.sqlite", "--plan", plan,
                                   "--criteria", CLI.packageRoot.appendingPathComponent("scenarios/success-criteria.md").path],
                                  in: directory.path)
        #expect(advance.status == 1, "\(advance.stdout)\(advance.stderr)")
        #expect(advance.stdout.contains("frozen"), "\(advance.stdout)")
        #expect(!FileManager.default.fileExists(atPath: journal))
    }
}
