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
        var info = SideInfo(name: "builtin-\(implementation.rawValue)", version: version, ops: ops,
                            sideEffectsFeature: LMSFeature.domainEvents.rawValue,
                            clockOp: LMSOperation.clockAdvance.rawValue, transitionRefusalCode: ErrorCode.invalidTransition)
        // Legacy switches quirks off as the built-in subject does (counterfactual probes).
        if implementation == .legacy { info.quirks = LegacyLMS.switchableQuirks.sorted() }
        self.info = info
    }

    public func makeSession() throws -> any SideSession { Session(implementation) }

    final class Session: ProbingSession {
        let implementation: Implementation
        var legacy = LegacyLMS(ids: IDSource())
        var modern = ModernLMS(ids: IDSource())
        var requests: [SideRequest] = []
        var next = 0
        /// The probe asked with the request last applied: legacy's world before it, computed only when asked.
        var probe: (before: LegacyLMS, command: LMSCommand, now: Date, quirks: Set<String>)?
        var probed: Result<TreeOutcome, any Error>?

        init(_ implementation: Implementation) { self.implementation = implementation }

        func begin(scenario: String, start: Double, requests: [SideRequest], first: Bool, last: Bool) throws {
            if first {
                legacy = LegacyLMS(ids: IDSource())
                modern = ModernLMS(ids: IDSource())
            }
            self.requests = requests
            next = 0
        }

        static func decode(_ request: SideRequest) throws -> LMSCommand {
            do {
                return try LMSCommandCodec.decode(ScenarioLine(scenario: request.scenario, seq: request.seq,
                                                               at: request.at, op: request.op, fields: request.fields))
            } catch {
                throw SubjectFailure.invalidCommand(error.message)
            }
        }

        func probeOutcome(without quirks: Set<String>) -> Result<TreeOutcome, any Error>? {
            guard let probe, probe.quirks == quirks else { return nil }
            if let probed { return probed }
            var copy = probe.before
            copy.withoutQuirks = quirks
            let result = Result<TreeOutcome, any Error> { Self.tree(try copy.apply(probe.command, now: probe.now)) }
            probed = result
            return result
        }

        func probe(_ request: SideRequest, without quirks: Set<String>) throws -> TreeOutcome {
            guard implementation == .legacy else {
                throw SubjectFailure.invalidCommand("the built-in modern side has no quirks to switch off")
            }
            var copy = legacy
            copy.withoutQuirks = quirks
            return Self.tree(try copy.apply(Self.decode(request), now: Date(timeIntervalSince1970: request.now)))
        }

        static func tree(_ outcome: LMS.Outcome, entities: [String] = []) -> TreeOutcome {
            guard case .object(var tree) = OutcomeTree.outcome(outcome) else { return TreeOutcome(tree: [:]) }
            // The keys the built-in subject uses, so a worker run with a built-in control chains knock-ons alike.
            if !entities.isEmpty { tree["entities"] = .array(entities.map(JSONValue.string)) }
            return TreeOutcome(tree: tree)
        }

        func applyNext() throws -> TreeOutcome {
            let request = requests[next]
            next += 1
            probe = nil
            probed = nil
            let command = try Self.decode(request)
            let now = Date(timeIntervalSince1970: request.now)
            if implementation == .legacy, let quirks = request.without {
                probe = (legacy, command, now, quirks)
            }
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
            return Self.tree(outcome, entities: entities)
        }
    }
}
