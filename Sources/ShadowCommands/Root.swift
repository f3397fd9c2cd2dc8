import ArgumentParser
import Foundation
import ShadowKit
import ShadowReport
import ShadowRollout
import ShadowWorker

/// The `shadowgate` command: runs legacy and modern side by side and gates rollout on the results.
public struct ShadowGateCommand: AsyncParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "shadowgate",
        abstract: "Run legacy and modern implementations side by side, log divergences, gate feature-flag rollout.",
        discussion: """
            Exit codes: 0 pass/success, 1 gate failed, 2 inconclusive, 64 usage error, 65 malformed input,
            69 subject unavailable, 70 internal error, 73 cannot write output, 74 database error,
            75 rollback applied but kept in the pending journal.
            """,
        version: version,
        subcommands: [RunCommand.self, GenerateCommand.self, ReplayCommand.self, GateCommand.self, FlagsCommand.self,
                      ShrinkCommand.self, PlantCommand.self,
                      AdvanceCommand.self, RollbackCommand.self, FreezeCommand.self, UnfreezeCommand.self,
                      LedgerCommand.self, MonitorCommand.self, ReportCommand.self, WorkerCheckCommand.self,
                      ServeBuiltinCommand.self]
    )

    public init() {}

    /// Entry point used by `main.swift`: runs the command and maps every error to its exit code in one place.
    public static func runMain() async {
        var command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)  // usage errors, --help, --version: the argument parser's own
        }
        do {
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
    static let usageError: Int32 = 64
    static let malformedInput: Int32 = 65
    static let subjectUnavailable: Int32 = 69
    static let internalError: Int32 = 70
    static let cannotWrite: Int32 = 73
    static let databaseError: Int32 = 74
    /// `rollback` changed the `.env` but could not write the ledger: the entry waits in the pending journal.
    static let rollbackPending: Int32 = 75

    /// Every error a command lets out, as the exit code the README documents; anything unforeseen is an
    /// internal error (70), never the 1 that means "gate failed".
    static func map(_ error: any Error) -> any Error {
        switch error {
        case is ExitCode, is CleanExit, is ValidationError: return error
        case let error as RunAborted: return map(error.error)
        case let error as ScenarioError: return reported(error.description, malformedInput)
        case let error as ConfigError: return reported(error.description, malformedInput)
        case let error as JSONParseError: return reported(error.description, malformedInput)
        case let error as SubjectFailure:
            if case .unavailable = error { return reported(error.description, subjectUnavailable) }
            return reported(error.description, malformedInput)
        case let error as SubjectUnavailable: return reported(error.description, subjectUnavailable)
        case let error as WorkerStartError: return reported(error.description, subjectUnavailable)
        case let error as StoreError: return reported(error.description, databaseError)
        case let error as OutputError: return reported(error.description, cannotWrite)
        case let error as UserFacingError: return reported(error.message, error.code)
        default:
            // The argument parser's own errors (help, usage) keep its codes; anything else is unforeseen.
            if ShadowGateCommand.exitCode(for: error) != .failure { return error }
            return reported("internal error: \(error)", internalError)
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
