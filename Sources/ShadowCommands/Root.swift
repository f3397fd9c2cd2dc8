import ArgumentParser
import Foundation
import ShadowKit
import ShadowReport
import ShadowRollout

/// The `shadowgate` command: runs legacy and modern side by side and gates rollout on the results.
public struct ShadowGateCommand: AsyncParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "shadowgate",
        abstract: "Run legacy and modern implementations side by side, log divergences, gate feature-flag rollout.",
        discussion: """
            Exit codes: 0 pass/success, 1 gate failed, 2 inconclusive, 64 usage error, 65 malformed input,
            74 database error, 75 rollback applied but kept in the pending journal, 70 internal error.
            """,
        version: version,
        subcommands: [RunCommand.self, GenerateCommand.self, ReplayCommand.self, GateCommand.self, FlagsCommand.self,
                      ShrinkCommand.self, PlantCommand.self,
                      AdvanceCommand.self, RollbackCommand.self, FreezeCommand.self, UnfreezeCommand.self,
                      LedgerCommand.self, MonitorCommand.self, ReportCommand.self]
    )

    public init() {}

    /// Entry point used by `main.swift`: runs the command and maps every error to its exit code in one place.
    public static func runMain() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: ExitCodes.map(error))
        }
    }
}

/// The one place errors become exit codes.
enum ExitCodes {
    static let malformedInput: Int32 = 65
    static let databaseError: Int32 = 74
    static let internalError: Int32 = 70
    static let cannotWrite: Int32 = 73
    /// `rollback` changed the `.env` but could not write the ledger: the entry waits in the pending journal.
    static let rollbackPending: Int32 = 75

    static func map(_ error: any Error) -> any Error {
        switch error {
        case let error as ScenarioError: return reported(error.description, malformedInput)
        case let error as ConfigError: return reported(error.description, malformedInput)
        case let error as StoreError: return reported(error.description, databaseError)
        case let error as OutputError: return reported(error.description, cannotWrite)
        case let error as UserFacingError: return reported(error.message, error.code)
        default: return error
        }
    }

    static func reported(_ message: String, _ code: Int32) -> ExitCode {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        return ExitCode(code)
    }
}

/// An error whose message and exit code the command chose.
struct UserFacingError: Error {
    var message: String
    var code: Int32
}

/// Writes to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Today's date in UTC, `yyyy-mm-dd`.
func todayUTC() -> String {
    String(Timestamp.format(Date().timeIntervalSince1970).prefix(10))
}
