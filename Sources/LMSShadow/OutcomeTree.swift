import LMS
import ShadowKit

/// Outcome trees derived from the outcome types' `Codable` conformances (``JSONValueEncoder``): property names
/// as keys, `nil` left out, whole numbers as integers, the shape `JSONEncoder` gives and the PHP worker sends.
/// A field added to an outcome type is in its trees, its stored outcomes and its reports without more code;
/// the typed diff (``OutcomeDiff``) lists it once more for speed, and `OutcomeDiffTests` fail until it does.
enum OutcomeTree {
    static func behaviour(_ o: Outcome) -> JSONValue { tree(o.behaviour) }
    static func sideEffects(_ o: Outcome) -> JSONValue { tree(o.sideEffects) }
    static func outcome(_ o: Outcome) -> JSONValue { tree(o) }
    /// The parts of the outcome's tree `selection` names (what accepted rules' value constraints read).
    static func outcome(_ o: Outcome, selecting selection: TreeSelection) -> JSONValue {
        (try? JSONValueEncoder.tree(of: o, selecting: selection)) ?? .null
    }

    /// The tree of one outcome part. The outcome types' synthesized `encode(to:)` never throws, and the
    /// encoder throws nothing of its own, so `.null` is never the answer for them.
    static func tree<T: Encodable>(_ value: T) -> JSONValue { (try? JSONValueEncoder.tree(of: value)) ?? .null }

    static func number(_ value: Double) -> JSONValue { JSONValueEncoder.number(value) }
}
