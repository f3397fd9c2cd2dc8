import Foundation
import ShadowKit

/// Limits on one shrink: wall-clock time and test runs (each test replays a candidate scenario once).
public struct ShrinkBudget: Sendable, Equatable {
    /// Wall-clock time after which the shrinker stops and returns the smallest scenario found so far.
    public var time: Duration
    /// Replays after which the shrinker stops. Unlike `time`, this limit gives the same result on every machine.
    public var maxPredicateCalls: Int

    public init(time: Duration = .seconds(10), maxPredicateCalls: Int = 20_000) {
        self.time = time
        self.maxPredicateCalls = max(1, maxPredicateCalls)
    }

    /// `seconds` of wall-clock time and the default call limit.
    public static func seconds(_ seconds: Double) -> ShrinkBudget {
        ShrinkBudget(time: .milliseconds(Int64((max(0, seconds) * 1000).rounded())))
    }

    /// 10 seconds, 20,000 replays.
    public static let `default` = ShrinkBudget()
}

/// Why a shrink stopped before proving its result 1-minimal.
public enum ShrinkLimit: String, Sendable, Codable {
    case time
    case predicateCalls = "predicate_calls"
}

/// A minimal reproduction of one divergence signature.
public struct ShrinkResult<Command: Sendable>: Sendable {
    /// The minimal scenario: id `<source id>-min` (an id that already ends in `-min` is kept), seq `1...n`,
    /// `line` = seq (the line in ``lines``); `file` is still the source's, until the lines are written somewhere.
    public var scenario: ScenarioInput<Command>
    /// The minimal scenario as it is written to a file.
    public var lines: [ScenarioLine]
    /// The signature that was kept at every step.
    public var target: Signature
    /// The target divergence as the minimal scenario produces it (feature, op, kind, accepted rule, diff).
    public var divergence: Divergence
    /// The scenario id and file the shrink started from.
    public var sourceScenario: String
    public var sourceFile: String
    /// Commands before and after.
    public var originalLength: Int
    public var finalLength: Int
    /// Candidate scenarios replayed (cache hits and candidates that did not decode are not counted).
    public var predicateCalls: Int
    /// Values made simpler (ids renumbered, fields dropped, numbers reduced, strings shortened, gaps closed).
    public var valueSimplifications: Int
    public var elapsed: Duration
    /// `true` when removing any single command of the result loses the signature (checked, within budget).
    public var isOneMinimal: Bool
    /// The limit that stopped the shrink early, `nil` when it finished.
    public var stoppedBy: ShrinkLimit?

    public var elapsedSeconds: Double {
        let (seconds, attoseconds) = elapsed.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// A scenario that cannot be shrunk as asked.
public enum ShrinkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The scenario has no commands.
    case emptyScenario(scenario: String)
    /// Replaying the scenario produces no divergence at all.
    case noDivergence(scenario: String)
    /// The scenario diverges, but never with the requested signature.
    case signatureNotFound(signature: String, scenario: String, available: [Signature])
    /// The shrunk scenario no longer shows the signature when replayed again: the subject is not deterministic.
    case notReproducible(scenario: String, signature: String)

    public var description: String {
        switch self {
        case .emptyScenario(let scenario):
            return "scenario \"\(scenario)\" has no commands; nothing to shrink"
        case .noDivergence(let scenario):
            return "scenario \"\(scenario)\" produces no divergence; nothing to shrink"
        case let .signatureNotFound(signature, scenario, available):
            let list = available.map { "  \($0.id)  \($0.text)" }.joined(separator: "\n")
            return "scenario \"\(scenario)\" never diverges with signature \(signature); its signatures are:\n\(list)"
        case let .notReproducible(scenario, signature):
            return "the shrunk form of scenario \"\(scenario)\" did not show signature \(signature) again on replay; "
                + "the subject gives different results for the same commands"
        }
    }
}
