import Foundation

/// What a subject throws when a command could not be judged at all, as opposed to a crash of one side
/// (any other thrown error, counted as a control or candidate error).
public enum SubjectFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The command is malformed for this subject (a worker's `invalid` reply): bad input, the run aborts
    /// with the command's `FILE:LINE` (exit 65).
    case invalidCommand(String)
    /// The subject cannot be driven (a worker that fails again and again): the run aborts (exit 69).
    case unavailable(String)
    /// The command was not carried out and cannot be compared (a worker whose world could not be rebuilt):
    /// counted as abandoned, never silently dropped; the run goes on.
    case abandoned(String)

    public var description: String {
        switch self {
        case .invalidCommand(let message): message
        case .unavailable(let message): "the subject is unavailable: \(message)"
        case .abandoned(let message): "abandoned: \(message)"
        }
    }
}

/// The run stopped because the subject cannot be driven (exit 69).
public struct SubjectUnavailable: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The scenario clock: a command runs at its line's `at`, or later when clock commands moved time on.
/// The one place that steps it, for runs, replays, shrinks and composed scenarios.
public struct ScenarioClock: Sendable, Equatable {
    public private(set) var now: Double

    public init(start: Double) { now = start }

    /// The time a command written at `at` runs at.
    mutating func enter(_ at: Double) -> Double {
        now = max(now, at)
        return now
    }

    /// Moves the clock on by a clock command's seconds.
    public mutating func advance(by seconds: Double) { now += seconds }

    /// The time each command of a scenario (or part) runs at, from `clock`; `clock` ends after the last one.
    public static func times<Command>(_ commands: [InputCommand<Command>], clock: inout ScenarioClock,
                                      advance: (Command) -> Double?) -> [Double] {
        commands.map { input in
            let now = clock.enter(input.at)
            if let seconds = advance(input.command) { clock.advance(by: seconds) }
            return now
        }
    }
}
