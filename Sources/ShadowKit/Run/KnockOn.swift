import Foundation

/// The divergence a downstream (knock-on) divergence follows from: the first divergence of its chain.
public struct KnockOnRoot: Sendable, Equatable, Codable {
    public var scenario: String
    public var seq: Int
    /// The root divergence's signature id.
    public var signature: String

    init(scenario: String, seq: Int, signature: String) {
        self.scenario = scenario
        self.seq = seq
        self.signature = signature
    }
}

/// The knock-on chains of one scenario: every entity a divergent command touched, with the root of its chain.
///
/// The rule: a divergence on a command that touches an entity an earlier divergent command of the same scenario
/// touched is *downstream* of that command's root (the earliest root when it touches several chains). Its own
/// entities then join the chain under that root, so chains are transitive. A divergent command that touches no
/// known entity starts a new root. Any divergence of behaviour starts a chain, accepted or unexpected; noise does
/// not, and neither does a divergence only in side effects (`event_mismatch`: events emitted, listener jobs run),
/// after which the snapshot of the entities touched was equal on both sides (a cancellation without its event
/// must not turn the reactivation bug that follows into a knock-on). A candidate crash is never downstream.
/// Entities come from ``ShadowSubject/entities(of:control:world:)``; ``wholeScenario`` touches every entity.
struct KnockOnChains: Sendable {
    /// The entity that stands for the whole scenario (a subject that cannot say what a command touched).
    static let wholeScenario = "*"

    private var roots: [String: KnockOnRoot] = [:]
    /// The scenario's first root: what a command touching the whole scenario follows from.
    private var first: KnockOnRoot?

    var isEmpty: Bool { first == nil }

    /// The earliest root whose chain holds one of `entities`, or `nil`.
    func root(touching entities: [String]) -> KnockOnRoot? {
        guard let first else { return nil }
        if let whole = roots[Self.wholeScenario] { return whole }
        var found: KnockOnRoot?
        for entity in entities {
            if entity == Self.wholeScenario { return first }
            if let root = roots[entity], root.seq < (found?.seq ?? .max) { found = root }
        }
        return found
    }

    /// Adds a divergent command's entities to the chain of `root` (its own root, or the one it is downstream of).
    mutating func add(_ entities: [String], root: KnockOnRoot) {
        if first == nil { first = root }
        for entity in entities {
            // An entity already in an earlier chain stays there; `root` is the earliest one the command touched.
            if let known = roots[entity], known.seq <= root.seq { continue }
            roots[entity] = root
        }
    }
}

/// What the runner knows about knock-ons while it compares one command.
struct KnockOnCommand: Sendable {
    /// The root this command is downstream of (it touches an entity of an earlier divergent command).
    var root: KnockOnRoot?
    /// The first divergence recorded on this command that is not downstream: the root it starts.
    var started: KnockOnRoot?

    var diverged: Bool { started != nil || downstream }
    /// Whether a downstream divergence was recorded on this command.
    var downstream = false
}
