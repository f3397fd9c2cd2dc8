import CLibCrypto
import Foundation
import ShadowKit

/// Ledger text for a terminal: control characters (a NUL, an escape sequence) shown as their Unicode control
/// pictures (`␀`, `␛`), so a stored value can neither hide its tail nor rewrite the screen.
public enum LedgerText {
    public static func visible(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x00..<0x20: out.append(Unicode.Scalar(0x2400 + scalar.value)!)
            case 0x7F: out.append("\u{2421}")
            default: out.append(scalar)
            }
        }
        return String(out)
    }
}

/// What a rollout ledger entry records.
public enum LedgerAction: String, Sendable, Codable, CaseIterable {
    case advance
    case refusedAdvance = "refused_advance"
    case rollback
    case freeze
    case unfreeze
}

/// One entry of the rollout ledger: who did what to which feature, why, on what evidence, chained
/// to the entry before it by hash so that editing, removing or reordering entries is detectable.
///
/// The ledger is storage-agnostic: store the fields as they are (keep `at` to the millisecond, e.g.
/// as ``canonicalTimestamp(_:)`` text) and rebuild entries with ``init(sequence:at:actor:action:feature:fromStage:toStage:reason:evidence:previousHash:hash:)``.
public struct LedgerEntry: Sendable, Codable, Equatable {
    /// 1 for the first entry, then +1 per entry.
    public let sequence: Int
    /// When it happened, to the millisecond.
    public let at: Date
    public let actor: String
    public let action: LedgerAction
    public let feature: String
    public let fromStage: String?
    public let toStage: String?
    public let reason: String
    /// JSON text of the gate decision the entry rests on; `"{}"` when there is none.
    public let evidence: String
    /// ``hash`` of the entry before, or ``Ledger/genesisHash`` for the first one.
    public let previousHash: String
    /// SHA-256 (lowercase hex) of ``canonicalContent``.
    public let hash: String

    init(
        sequence: Int, at: Date, actor: String, action: LedgerAction, feature: String,
        fromStage: String?, toStage: String?, reason: String, evidence: String,
        previousHash: String, hash: String
    ) {
        self.sequence = sequence
        self.at = at
        self.actor = actor
        self.action = action
        self.feature = feature
        self.fromStage = fromStage
        self.toStage = toStage
        self.reason = reason
        self.evidence = evidence
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The entry that follows `previous` (or the first entry, when `previous` is nil), with its
    /// sequence, previous hash and own hash filled in. `at` is rounded to the millisecond, the
    /// precision the hash covers, so the entry survives a round trip through storage unchanged.
    static func sealed(
        after previous: LedgerEntry?, at: Date, actor: String, action: LedgerAction, feature: String,
        fromStage: String?, toStage: String?, reason: String, evidence: String = "{}"
    ) -> LedgerEntry {
        let milliseconds = millisecondsSinceEpoch(at)
        let unsealed = LedgerEntry(
            sequence: (previous?.sequence ?? 0) + 1,
            at: Date(timeIntervalSince1970: Double(milliseconds) / 1000),
            actor: actor, action: action, feature: feature, fromStage: fromStage, toStage: toStage,
            reason: reason, evidence: evidence,
            previousHash: previous?.hash ?? Ledger.genesisHash, hash: "")
        return unsealed.withHash(unsealed.computedHash())
    }

    /// The bytes the hash covers: every field except ``hash``, in a fixed order, each written as
    /// `name=<UTF-8 byte count>:<bytes>\n` (an absent stage as `name=-\n`), after the line
    /// `shadowgate-ledger-v1\n`. Length prefixes make the encoding unambiguous whatever the text
    /// contains, and absent differs from empty. `at` is ``canonicalTimestamp(_:)``.
    var canonicalContent: [UInt8] {
        var bytes = Array("shadowgate-ledger-v1\n".utf8)
        func field(_ name: String, _ value: String?) {
            bytes += Array(name.utf8)
            guard let value else {
                bytes += Array("=-\n".utf8)
                return
            }
            let utf8 = Array(value.utf8)
            bytes += Array("=\(utf8.count):".utf8)
            bytes += utf8
            bytes.append(UInt8(ascii: "\n"))
        }
        field("sequence", String(sequence))
        field("at", Self.canonicalTimestamp(at))
        field("actor", actor)
        field("action", action.rawValue)
        field("feature", feature)
        field("fromStage", fromStage)
        field("toStage", toStage)
        field("reason", reason)
        field("evidence", evidence)
        field("previousHash", previousHash)
        return bytes
    }

    /// SHA-256 of ``canonicalContent`` as 64 lowercase hex digits; equals ``hash`` for an intact entry.
    func computedHash() -> String {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        canonicalContent.withUnsafeBytes { content in
            _ = CLibCrypto.SHA256(content.bindMemory(to: UInt8.self).baseAddress, content.count, &digest)
        }
        return digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// `at` as hashed: ISO-8601 UTC with milliseconds, e.g. `2026-11-24T10:00:00.250Z`.
    public static func canonicalTimestamp(_ date: Date) -> String {
        let milliseconds = millisecondsSinceEpoch(date)
        var seconds = milliseconds / 1000
        var fraction = milliseconds % 1000
        if fraction < 0 {  // before 1970: keep the fraction positive
            fraction += 1000
            seconds -= 1
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let parts = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(seconds)))
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
            parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
            parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0, Int(fraction))
    }

    private static func millisecondsSinceEpoch(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    private func withHash(_ hash: String) -> LedgerEntry {
        LedgerEntry(
            sequence: sequence, at: at, actor: actor, action: action, feature: feature,
            fromStage: fromStage, toStage: toStage, reason: reason, evidence: evidence,
            previousHash: previousHash, hash: hash)
    }
}

/// The result of checking a ledger's hash chain.
public enum LedgerVerification: Sendable, Equatable {
    /// Every entry is in place and unaltered.
    case intact(count: Int)
    /// The first place the chain does not hold, and what is wrong there.
    case broken(atSequence: Int, reason: String)
}

/// Checks of the rollout ledger's hash chain.
public enum Ledger {
    /// The `previousHash` of the first entry.
    static let genesisHash = String(repeating: "0", count: 64)

    /// Checks that `entries` (in stored order) form one unaltered chain from the first entry:
    /// sequences run 1, 2, 3…, each entry's `previousHash` is the hash of the one before, and each
    /// hash matches the entry's content. Reports the first sequence where this fails.
    ///
    /// A chain alone cannot show that entries were cut off its end: what is left is still a valid
    /// chain. Use ``verify(_:expectedHeadHash:)`` with a head hash kept elsewhere to detect that.
    public static func verify(_ entries: [LedgerEntry]) -> LedgerVerification {
        var previous: LedgerEntry?
        for (index, entry) in entries.enumerated() {
            let expectedSequence = (previous?.sequence ?? 0) + 1
            guard entry.sequence == expectedSequence else {
                let comesLater = entries[(index + 1)...].contains { $0.sequence == expectedSequence }
                let reason = comesLater || entry.sequence < expectedSequence
                    ? "entries are out of order: found entry \(entry.sequence) where entry \(expectedSequence) belongs"
                    : "entry \(expectedSequence) is missing: found entry \(entry.sequence) after \(expectedSequence - 1)"
                return .broken(atSequence: expectedSequence, reason: reason)
            }
            let expectedPrevious = previous?.hash ?? genesisHash
            guard entry.previousHash == expectedPrevious else {
                let reason = previous == nil
                    ? "the first entry does not start from the genesis hash"
                    : "previousHash does not match the hash of entry \(expectedSequence - 1)"
                return .broken(atSequence: expectedSequence, reason: reason)
            }
            guard entry.computedHash() == entry.hash else {
                return .broken(
                    atSequence: expectedSequence,
                    reason: "content was altered: it no longer matches the entry's hash")
            }
            previous = entry
        }
        return .intact(count: entries.count)
    }

    /// Like ``verify(_:)``, and also checks that the chain ends at `expectedHeadHash`, a hash of the
    /// last entry recorded outside the ledger's storage (for example in the run report or CI
    /// artifacts). That detects entries removed from the end, which the chain alone cannot.
    /// For an empty ledger the head is ``genesisHash``.
    public static func verify(_ entries: [LedgerEntry], expectedHeadHash: String) -> LedgerVerification {
        let result = verify(entries)
        guard case .intact = result else { return result }
        let head = entries.last?.hash ?? genesisHash
        guard head != expectedHeadHash else { return result }
        let lastSequence = entries.last?.sequence ?? 0
        if let anchored = entries.first(where: { $0.hash == expectedHeadHash }) {
            return .broken(
                atSequence: anchored.sequence + 1,
                reason: "the chain goes on past the recorded head (entry \(anchored.sequence)) to entry \(lastSequence); "
                    + "the recorded head is out of date")
        }
        return .broken(
            atSequence: lastSequence + 1,
            reason: "the chain ends at entry \(lastSequence), but the recorded head hash is not in it: "
                + "entries were removed from the end or the ledger was replaced")
    }
}
