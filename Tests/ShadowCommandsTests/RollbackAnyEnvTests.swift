import Foundation
import ShadowKit
import ShadowTestSupport
import Testing

/// Issue 11, item 5: rollback must work on any .env Laravel's loader reads (it refused a Latin-1 byte, exit 65,
/// leaving the flags on in an incident), editing only the flag lines and keeping every other byte; and on a
/// file with an unterminated quote it turns the flags off and says what it could not parse.
@Suite(.tags(.endToEnd), .timeLimit(.minutes(5)))
struct RollbackAnyEnvTests {
    static let plan = CLI.packageRoot.appendingPathComponent("scenarios/rollout.yaml").path
    static let php = ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":")
        .contains { FileManager.default.isExecutableFile(atPath: "\($0)/php") } == true

    /// What phpdotenv (Laravel's loader) reads from `path`, or nil when it refuses the file or is not installed.
    static func phpdotenv(_ path: String) throws -> JSONValue? {
        guard php else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["php", CLI.packageRoot.appendingPathComponent("scripts/check-dotenv.php").path, path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return try JSONValue.parse(Array(data))
    }

    static func bytes(_ text: String) -> [UInt8] {
        // `\u{E9}` in these literals stands for the single Latin-1 byte 0xE9.
        text.unicodeScalars.map { UInt8($0.value) }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var before: String
        var after: String
        var testDescription: String { name }
    }

    static let cases = [
        Case(name: "Latin-1 byte in a value",
             before: "APP_NAME=\"Caf\u{E9}\"\nFEATURE_ENROLLMENT_SERVICE=true\nROLLOUT_ENROLLMENT_SERVICE=50\n",
             after: "APP_NAME=\"Caf\u{E9}\"\nFEATURE_ENROLLMENT_SERVICE=false\nROLLOUT_ENROLLMENT_SERVICE=0\n"),
        Case(name: "Latin-1 byte only in a comment",
             before: "# caf\u{E9} settings\nAPP_NAME=x\nFEATURE_DOMAIN_EVENTS=true\n",
             after: "# caf\u{E9} settings\nAPP_NAME=x\nFEATURE_DOMAIN_EVENTS=false\n"),
        Case(name: "Latin-1 byte in the flag line's own comment",
             before: "FEATURE_DOMAIN_EVENTS=true # caf\u{E9}\r\nB=1\r\n",
             after: "FEATURE_DOMAIN_EVENTS=false # caf\u{E9}\r\nB=1\r\n"),
    ]

    @Test(arguments: cases)
    func rollbackEditsOnlyTheFlagLinesOfAFileThatIsNotUTF8(input: Case) throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(".env", bytes: Self.bytes(input.before))
        if let loaded = try Self.phpdotenv(path) {
            #expect(loaded["APP_NAME"] != nil || loaded["B"] != nil, "phpdotenv reads the original")
        }
        let result = try CLI.run(["rollback", "--all", "--env", ".env", "--reason", "incident", "--db", "db.sqlite",
                                  "--plan", Self.plan], in: directory.path)
        #expect(result.status == 0, "\(input.name): \(result.stderr)")
        #expect(Array(try directory.read(".env")) == Self.bytes(input.after), "\(input.name)")
        #expect(Array(try directory.read(".env.bak")) == Self.bytes(input.before))
        if let loaded = try Self.phpdotenv(path) {
            #expect(loaded["FEATURE_ENROLLMENT_SERVICE"] == .string("false") || loaded["FEATURE_DOMAIN_EVENTS"] == .string("false"))
            if input.name.contains("value") { #expect(loaded["APP_NAME"] == .string("Caf?")) }
        }
    }

    @Test func rollbackTurnsFlagsOffPastAnUnterminatedQuoteAndSaysSo() throws {
        let directory = try TemporaryDirectory()
        let original = "A=1\nBAD=\"never closed\nFEATURE_ENROLLMENT_SERVICE=true\nROLLOUT_ENROLLMENT_SERVICE=50\nC=2\n"
        let path = try directory.write(".env", original)
        if Self.php {
            // phpdotenv drops everything from the unterminated quote on, silently.
            #expect(try Self.phpdotenv(path) == .object(["A": .string("1")]))
        }
        let result = try CLI.run(["rollback", "--all", "--env", ".env", "--reason", "incident", "--db", "db.sqlite",
                                  "--plan", Self.plan], in: directory.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("warning: could not parse .env:2: double-quoted value is never closed"), "\(result.stderr)")
        let edited = try String(contentsOfFile: path, encoding: .utf8)
        #expect(edited == "A=1\nBAD=\"never closed\nFEATURE_ENROLLMENT_SERVICE=false\nROLLOUT_ENROLLMENT_SERVICE=0\nC=2\n")
        // Once someone closes the quote, the app reads the flags off.
        try directory.write(".env", edited.replacingOccurrences(of: "never closed\n", with: "never closed\"\n"))
        if let loaded = try Self.phpdotenv(path) {
            #expect(loaded["FEATURE_ENROLLMENT_SERVICE"] == .string("false"))
            #expect(loaded["ROLLOUT_ENROLLMENT_SERVICE"] == .string("0"))
        }
    }
}
