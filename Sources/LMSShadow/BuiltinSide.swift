import Foundation
import LMS
import ShadowKit

/// The built-in legacy or modern LMS as one side of a ``TreeSubject``, so either side of a worker run can be
/// the compiled-in implementation (`--control builtin:legacy --candidate "php artisan …"`). Outcomes are the
/// same trees the built-in subject stores, so a faithful worker compares equal field for field.
public struct BuiltinLMSSide: SubjectSide {
    public enum Implementation: String, Sendable, CaseIterable {
        case legacy, modern
    }

    public let implementation: Implementation
    public let info: SideInfo

    public init(_ implementation: Implementation, version: String) {
        self.implementation = implementation
        var ops: [String: String?] = [:]
        for op in LMSOperation.allCases { ops[op.rawValue] = .some(op.feature?.rawValue) }
        info = SideInfo(name: "builtin-\(implementation.rawValue)", version: version, ops: ops,
                        sideEffectsFeature: LMSFeature.domainEvents.rawValue,
                        clockOp: LMSOperation.clockAdvance.rawValue, transitionRefusalCode: ErrorCode.invalidTransition)
    }

    public func makeSession() throws -> any SideSession { Session(implementation) }

    final class Session: SideSession {
        let implementation: Implementation
        var legacy = LegacyLMS(ids: IDSource())
        var modern = ModernLMS(ids: IDSource())
        var requests: [SideRequest] = []
        var next = 0

        init(_ implementation: Implementation) { self.implementation = implementation }

        func begin(scenario: String, start: Double, requests: [SideRequest], first: Bool, last: Bool) throws {
            if first {
                legacy = LegacyLMS(ids: IDSource())
                modern = ModernLMS(ids: IDSource())
            }
            self.requests = requests
            next = 0
        }

        func applyNext() throws -> TreeOutcome {
            let request = requests[next]
            next += 1
            let command: LMSCommand
            do {
                command = try LMSCommandCodec.decode(ScenarioLine(scenario: request.scenario, seq: request.seq,
                                                                  at: request.at, op: request.op, fields: request.fields))
            } catch {
                throw SubjectFailure.invalidCommand(error.message)
            }
            let now = Date(timeIntervalSince1970: request.now)
            let outcome: LMS.Outcome
            let entities: [String]
            switch implementation {
            case .legacy:
                outcome = try legacy.apply(command, now: now)
                entities = LMSEntities.keys(of: command, in: legacy)
            case .modern:
                outcome = try modern.apply(command, now: now)
                entities = LMSEntities.keys(of: command, in: modern)
            }
            guard case .object(var tree) = OutcomeTree.outcome(outcome) else { return TreeOutcome(tree: [:]) }
            // The keys the built-in subject uses, so a worker run with a built-in control chains knock-ons alike.
            if !entities.isEmpty { tree["entities"] = .array(entities.map(JSONValue.string)) }
            return TreeOutcome(tree: tree)
        }
    }
}
