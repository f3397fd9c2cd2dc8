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
            66 an input file cannot be read, 69 subject unavailable, 70 internal error, 73 cannot write output,
            74 database error, 75 rollback applied but kept in the pending journal.
            """,
        version: version,
        subcommands: [RunCommand.self, GenerateCommand.self, ReplayCommand.self, GateCommand.self, FlagsCommand.self,
                      ShrinkCommand.self, PlantCommand.self, CoverageCommand.self,
                      AdvanceCommand.self, RollbackCommand.self, FreezeCommand.self, UnfreezeCommand.self,
                      LedgerCommand.self, MonitorCommand.self, ReportCommand.self, WorkerCheckCommand.self,
                      ServeBuiltinCommand.self, SimulateGateCommand.self]
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
    static let success: Int32 = 0
    /// The gate (or `advance`, `monitor`, `verify`, `worker-check`, `report --fail-on-new`) says no.
    static let gateFailed: Int32 = 1
    /// Not enough evidence to say yes or no.
    static let inconclusive: Int32 = 2
    static let usageError: Int32 = 64
    static let malformedInput: Int32 = 65
    /// An input file that cannot be read at all (missing, a directory, not readable).
    static let noInput: Int32 = 66
    static let subjectUnavailable: Int32 = 69
    static let internalError: Int32 = 70
    static let cannotWrite: Int32 = 73
    static let databaseError: Int32 = 74
    /// `rollback` changed the `.env` but could not write the ledger: the entry waits in the pending journal.
    static let rollbackPending: Int32 = 75

    /// A verdict's exit code (0, 1 or 2) as the error that ends the command with it.
    static func verdict(_ code: Int32) throws {
        if code != success { throw ExitCode(code) }
    }

    /// Every error a command lets out, as the exit code the README documents; anything unforeseen is an
    /// internal error (70), never the 1 that means "gate failed".
    static func map(_ error: any Error) -> any Error {
        switch error {
        case is ExitCode, is CleanExit, is ValidationError: return error
        case let error as RunAborted: return map(error.error)
        case let error as CommandError: return reported(error.description, code(of: error))
        case let error as RolloutError:
            switch error {
            case .env(let inner): return map(inner)
            case .flags(let inner): return map(inner)
            case .store(let inner): return map(inner)
            case .unknownFeature: return reported(error.description, usageError)
            case .inconsistentPlan: return reported(error.description, malformedInput)
            }
        case let error as ReportError:
            if case .store(let inner) = error { return map(inner) }
            return reported(error.description, usageError)
        case let error as ShrinkError:
            // The scenario cannot be shrunk as asked (64); one that does not reproduce is a subject bug (70).
            if case .notReproducible = error { return reported(error.description, internalError) }
            return reported(error.description, usageError)
        case let error as DotEnvError where error.isWriteFailure: return reported(error.description, cannotWrite)
        case let error as any InputError:
            return reported(error.description, error.isUnreadable ? noInput : malformedInput)
        case let error as JSONParseError: return reported(error.description, malformedInput)
        case let error as SubjectFailure:
            if case .unavailable = error { return reported(error.description, subjectUnavailable) }
            return reported(error.description, malformedInput)
        case let error as SubjectUnavailable: return reported(error.description, subjectUnavailable)
        case let error as WorkerStartError: return reported(error.description, subjectUnavailable)
        case let error as StoreError: return reported(error.description, databaseError)
        case let error as OutputError: return reported(error.description, cannotWrite)
        default:
            // The argument parser's own errors (help, usage) keep its codes; anything else is unforeseen.
            if ShadowGateCommand.exitCode(for: error) != .failure { return error }
            return reported("internal error: \(error)", internalError)
        }
    }

    static func code(of error: CommandError) -> Int32 {
        switch error {
        case .noDatabase, .noRuns, .noSuchRun, .noStages: usageError
        case .scenarioNotFound: malformedInput
        case .envNotChanged: cannotWrite
        case .rollbackPending: rollbackPending
        }
    }

    static func reported(_ message: String, _ code: Int32) -> ExitCode {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        return ExitCode(code)
    }
}

/// What a command itself refuses (beyond the errors of the targets it calls); ``ExitCodes/map(_:)`` gives
/// each its exit code.
enum CommandError: Error, CustomStringConvertible {
    /// A command that reads what runs wrote was given a database that does not exist.
    case noDatabase(path: String)
    /// The database has no run yet.
    case noRuns(database: String)
    /// `--run ID` names no run.
    case noSuchRun(database: String, id: Int64)
    /// `--scenario ID` is not in the scenario file (or the generated traffic).
    case scenarioNotFound(String, in: String)
    /// The rollout plan has no stages for the feature.
    case noStages(plan: String, feature: String, known: [String])
    /// The rollback could not write (or journal) the `.env`; nothing was changed.
    case envNotChanged(DotEnvError)
    /// The rollback changed the `.env`, but the database could not record it; it waits in the pending journal.
    case rollbackPending(cause: String, env: String, journal: String)

    var description: String {
        switch self {
        case let .scenarioNotFound(scenario, source): "scenario \"\(scenario)\" not found in \(source)"
        case .noDatabase(let path): "\(path): no such database; run `shadowgate run` first (or give --db PATH)"
        case .noRuns(let database): "\(database): no runs in the database; run `shadowgate run` first"
        case let .noSuchRun(database, id): "\(database): there is no run \(id)"
        case let .noStages(plan, feature, known):
            "\(plan): no stages for \(feature) in the rollout plan (it has: \(known.joined(separator: ", ")))"
        case .envNotChanged(let error): "\(error.description); the .env was NOT changed"
        case let .rollbackPending(cause, env, journal):
            "\(cause)\n"
                + "ROLLBACK APPLIED BUT NOT YET IN THE LEDGER: the .env change above WAS made and the feature(s) are "
                + "NOT frozen in the database. The rollback is kept in \(journal); the next `shadowgate rollback`, "
                + "`advance` or `monitor --env \(env)` that can write the database records it in the ledger (in "
                + "order, hash-chained), freezes the feature(s) and removes the journal."
        }
    }
}

/// Writes to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Today's date in UTC, `yyyy-mm-dd`.
func todayUTC() -> String {
    String(Timestamp.format(Date().timeIntervalSince1970).prefix(10))
}
