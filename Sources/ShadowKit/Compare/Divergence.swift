import Foundation

/// What kind of difference a comparison found.
public enum DivergenceKind: String, Sendable, Codable, CaseIterable {
    /// Both carried the command out (or both refused it with the same code) but the results differ.
    case valueMismatch = "value_mismatch"
    /// One side refused the command, the other carried it out.
    case rejectionMismatch = "rejection_mismatch"
    /// Both refused, with different error codes.
    case errorCodeMismatch = "error_code_mismatch"
    /// The events emitted or the listener jobs run differ.
    case eventMismatch = "event_mismatch"
    /// The candidate crashed (threw) where the control did not.
    case candidateError = "candidate_error"
    /// The control crashed (threw).
    case controlError = "control_error"
    /// Differs only where the control differs from a second control on the same command (`--secondary`):
    /// timestamps, random tokens, ids of a real app. Counted apart, never in the mismatch rate.
    case noise
}

/// One comparison that did not match, with everything needed to read and replay it.
public struct Divergence: Sendable, Equatable {
    public var feature: String
    public var op: String
    public var kind: DivergenceKind
    public var scenario: String
    public var seq: Int
    public var file: String
    public var line: Int
    /// Position of the scenario in the run's input; orders divergences the same way for any worker count.
    public var ordinal: Int
    public var diff: [DiffEntry]
    public var controlCode: String?
    public var candidateCode: String?
    public var controlOutcome: JSONValue
    public var candidateOutcome: JSONValue
    public var signature: Signature
    /// The accepted-divergence rule that explains it, if any.
    public var acceptedRule: String?
    /// For a downstream (knock-on) divergence: the earlier divergence of the scenario it follows from.
    public var root: KnockOnRoot? = nil
    /// Why a divergence a rule matched is unexpected after all (the counterfactual check), or `nil`.
    public var note: String? = nil

    public var paths: [String] { diff.map(\.path) }
}

/// The identity of a problem: feature, op, kind, error codes and the differing paths with array indices
/// folded, values left out. Thousands of divergences collapse into the few signatures behind them.
public struct Signature: Sendable, Hashable, Codable {
    /// 12 hex digits of a 64-bit FNV-1a hash of `text`; stable across runs, machines and versions.
    public var id: String
    /// The canonical text the id is a hash of, readable on its own.
    public var text: String

    public init(feature: String, op: String, kind: DivergenceKind, controlCode: String?, candidateCode: String?,
                paths: [String]) {
        var folded = Set<String>()
        for path in paths { folded.insert(Signature.foldIndices(path)) }
        var text = "\(feature) \(op) \(kind.rawValue)"
        if kind == .rejectionMismatch || kind == .errorCodeMismatch {
            text += " \(controlCode ?? "accepted")→\(candidateCode ?? "accepted")"
        }
        if !folded.isEmpty { text += " " + folded.sorted().joined(separator: ",") }
        self.text = text
        self.id = Signature.hash(text)
    }

    public init(id: String, text: String) {
        self.id = id
        self.text = text
    }

    /// `$.events[2].name` → `$.events[*].name`.
    package static func foldIndices(_ path: String) -> String {
        var out = ""
        var inBracket = false
        for character in path {
            if character == "[" {
                inBracket = true
                out += "[*"
            } else if character == "]" {
                inBracket = false
                out += "]"
            } else if !inBracket {
                out.append(character)
            }
        }
        return out
    }

    static func hash(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String((String(repeating: "0", count: 16 - hex.count) + hex).prefix(12))
    }
}
