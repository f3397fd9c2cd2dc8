import Foundation
import LMS
import LMSShadow
import ShadowKit

/// The built-in subject with a bug planted in the candidate's outcomes, for tests of what the comparison
/// catches. `correctsKnockOns` and `reportsTriggers` (default on) switch off the corrected world of the
/// knock-on check and the triggered quirks of the agreement check, leaving what a worker subject offers.
public struct BuggyLMS: ShadowSubject {
    public typealias Command = LMSCommand
    public typealias Outcome = LMS.Outcome
    let base = LMSSubject()
    let bug: @Sendable (LMSCommand, inout LMS.Outcome) -> Void
    let correctsKnockOns: Bool
    let reportsTriggers: Bool

    public init(correctsKnockOns: Bool = true, reportsTriggers: Bool = true,
                bug: @escaping @Sendable (LMSCommand, inout LMS.Outcome) -> Void = { _, _ in }) {
        self.bug = bug
        self.correctsKnockOns = correctsKnockOns
        self.reportsTriggers = reportsTriggers
    }

    public var name: String { base.name }
    public var features: [String] { base.features }
    public var sideEffectsFeature: String? { base.sideEffectsFeature }
    public var transitionRefusalCode: String? { base.transitionRefusalCode }
    public func decode(_ line: ScenarioLine) throws(FieldError) -> LMSCommand { try base.decode(line) }
    public func encode(_ command: LMSCommand) -> (op: String, fields: [String: JSONValue]) { base.encode(command) }
    public func feature(of command: LMSCommand) -> String? { base.feature(of: command) }
    public func clockAdvance(of command: LMSCommand) -> Double? { base.clockAdvance(of: command) }
    public func makeControlWorld() -> LegacyLMS { base.makeControlWorld() }
    public func makeCandidateWorld() -> ModernLMS { base.makeCandidateWorld() }
    public func applyControl(_ command: LMSCommand, to world: inout LegacyLMS, now: Date) throws -> LMS.Outcome {
        try base.applyControl(command, to: &world, now: now)
    }
    public func applyCandidate(_ command: LMSCommand, to world: inout ModernLMS, now: Date) throws -> LMS.Outcome {
        var outcome = try base.applyCandidate(command, to: &world, now: now)
        bug(command, &outcome)
        return outcome
    }
    public func behavioursEqual(_ control: LMS.Outcome, _ candidate: LMS.Outcome) -> Bool { base.behavioursEqual(control, candidate) }
    public func sideEffectsEqual(_ control: LMS.Outcome, _ candidate: LMS.Outcome) -> Bool { base.sideEffectsEqual(control, candidate) }
    public func behaviourTree(_ outcome: LMS.Outcome) -> JSONValue { base.behaviourTree(outcome) }
    public func sideEffectsTree(_ outcome: LMS.Outcome) -> JSONValue { base.sideEffectsTree(outcome) }
    public func outcomeTree(_ outcome: LMS.Outcome) -> JSONValue { base.outcomeTree(outcome) }
    public func outcomeTree(_ outcome: LMS.Outcome, selecting selection: TreeSelection) -> JSONValue {
        base.outcomeTree(outcome, selecting: selection)
    }
    public func diffBehaviour(_ control: LMS.Outcome, _ candidate: LMS.Outcome, into diff: inout DiffBuilder) {
        base.diffBehaviour(control, candidate, into: &diff)
    }
    public func diffSideEffects(_ control: LMS.Outcome, _ candidate: LMS.Outcome, into diff: inout DiffBuilder) {
        base.diffSideEffects(control, candidate, into: &diff)
    }
    public func rejectionCode(_ outcome: LMS.Outcome) -> String? { base.rejectionCode(outcome) }
    public func records(_ outcome: LMS.Outcome) -> SideEffectRecords { base.records(outcome) }
    public var switchableQuirks: Set<String> { base.switchableQuirks }
    public func applyControl(_ command: LMSCommand, without quirks: Set<String>, on world: LegacyLMS, now: Date) throws -> LMS.Outcome? {
        try base.applyControl(command, without: quirks, on: world, now: now)
    }
    public func applyControl(_ command: LMSCommand, without quirks: Set<String>, to world: inout LegacyLMS, now: Date) throws
        -> LMS.Outcome? {
        correctsKnockOns ? try base.applyControl(command, without: quirks, to: &world, now: now) : nil
    }
    public func triggeredQuirks(in world: LegacyLMS) -> [String] {
        reportsTriggers ? base.triggeredQuirks(in: world) : []
    }
    public func entities(of command: LMSCommand, control: Result<LMS.Outcome, any Error>, world: LegacyLMS) -> [String] {
        base.entities(of: command, control: control, world: world)
    }
}
