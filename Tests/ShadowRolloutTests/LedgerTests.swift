import Foundation
import Testing
@testable import ShadowRollout
import ShadowKit

@Suite struct LedgerTests {

    /// 2026-11-24T10:00:00Z
    static let start = Date(timeIntervalSince1970: 1_795_514_400)

    /// Five entries: advance, refused advance, rollback, freeze, unfreeze.
    static func chain() -> [LedgerEntry] {
        var entries: [LedgerEntry] = []
        let steps: [(LedgerAction, String?, String?, String)] = [
            (.advance, "off", "pilot", "gate passed"),
            (.refusedAdvance, "pilot", "10%", "mismatch upper bound 0.4% above 0.1%"),
            (.rollback, "pilot", "off", "emergency rollback"),
            (.freeze, nil, nil, "frozen after rollback"),
            (.unfreeze, nil, nil, "root cause fixed"),
        ]
        for (index, step) in steps.enumerated() {
            entries.append(LedgerEntry.sealed(
                after: entries.last, at: start.addingTimeInterval(Double(index) * 3_600.123_4),
                actor: index.isMultiple(of: 2) ? "ci" : "oncall:ana", action: step.0,
                feature: "enrollment_service", fromStage: step.1, toStage: step.2, reason: step.3,
                evidence: #"{"verdict":"pass","run":\#(index)}"#))
        }
        return entries
    }

    @Test func sealedEntriesFormAnIntactChain() {
        let entries = Self.chain()
        #expect(entries.map(\.sequence) == [1, 2, 3, 4, 5])
        #expect(entries[0].previousHash == Ledger.genesisHash)
        #expect(Ledger.genesisHash == String(repeating: "0", count: 64))
        for index in 1..<entries.count {
            #expect(entries[index].previousHash == entries[index - 1].hash)
        }
        #expect(entries.allSatisfy { $0.hash.count == 64 && $0.hash.allSatisfy { "0123456789abcdef".contains($0) } })
        #expect(Set(entries.map(\.hash)).count == 5)
        #expect(Ledger.verify(entries) == .intact(count: 5))
        #expect(Ledger.verify([]) == .intact(count: 0))
    }

    /// The hash format is pinned: stored ledgers must keep verifying after upgrades. The expected
    /// hashes were computed with Python's hashlib over the serialisation documented on
    /// `LedgerEntry.canonicalContent`, independently of this code.
    @Test func canonicalHashIsPinned() {
        let first = LedgerEntry.sealed(
            after: nil, at: Self.start.addingTimeInterval(0.25), actor: "ci", action: .advance,
            feature: "enrollment_service", fromStage: "off", toStage: "pilot",
            reason: "gate passed: mismatch ≤ 0.1%", evidence: #"{"verdict":"pass"}"#)
        #expect(LedgerEntry.canonicalTimestamp(first.at) == "2026-11-24T10:00:00.250Z")
        #expect(first.hash == "dbd59268439cd9ffb224a18dbdd205a7054ef98dda2bfb5132660943751d01e6")
        let second = LedgerEntry.sealed(
            after: first, at: Self.start.addingTimeInterval(5_400), actor: "oncall", action: .rollback,
            feature: "enrollment_service", fromStage: "pilot", toStage: nil, reason: "")
        #expect(second.evidence == "{}")
        #expect(second.hash == "2269a55e5079daf55506acf376f98f87b00d9538b49c355eed89e047d1780204")
    }

    @Test func serialisationIsUnambiguous() {
        func hash(actor: String, reason: String, fromStage: String?) -> String {
            LedgerEntry.sealed(
                after: nil, at: Self.start, actor: actor, action: .freeze, feature: "f",
                fromStage: fromStage, toStage: nil, reason: reason).hash
        }
        // Moving text between adjacent fields changes the hash.
        #expect(hash(actor: "a", reason: "bc", fromStage: nil) != hash(actor: "ab", reason: "c", fromStage: nil))
        // An absent stage differs from an empty one.
        #expect(hash(actor: "a", reason: "b", fromStage: nil) != hash(actor: "a", reason: "b", fromStage: ""))
        // A value that looks like the encoding of further fields cannot forge them.
        #expect(hash(actor: "a\nreason=1:b", reason: "", fromStage: nil) != hash(actor: "a", reason: "b", fromStage: nil))
    }

    @Test func timestampsAreMillisecondsUTCAndSurviveStorage() throws {
        #expect(LedgerEntry.canonicalTimestamp(Date(timeIntervalSince1970: 0.0004)) == "1970-01-01T00:00:00.000Z")
        #expect(LedgerEntry.canonicalTimestamp(Date(timeIntervalSince1970: 1.9996)) == "1970-01-01T00:00:02.000Z")
        #expect(LedgerEntry.canonicalTimestamp(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500Z")
        let entries = Self.chain()
        // Sub-millisecond input is rounded when sealing, so a JSON round trip gives equal entries.
        let decoded = try JSONDecoder().decode([LedgerEntry].self, from: JSONEncoder().encode(entries))
        #expect(decoded == entries)
        #expect(Ledger.verify(decoded) == .intact(count: 5))
    }

    /// Rebuilds entry 3 of the chain with one field changed and the stored hash kept.
    private static func tampered(_ change: (inout Fields) -> Void) -> [LedgerEntry] {
        var entries = chain()
        let original = entries[2]
        var fields = Fields(original)
        change(&fields)
        entries[2] = fields.entry
        return entries
    }

    private struct Fields {
        var sequence: Int, at: Date, actor: String, action: LedgerAction, feature: String
        var fromStage: String?, toStage: String?, reason: String, evidence: String
        var previousHash: String, hash: String

        init(_ entry: LedgerEntry) {
            sequence = entry.sequence; at = entry.at; actor = entry.actor; action = entry.action
            feature = entry.feature; fromStage = entry.fromStage; toStage = entry.toStage
            reason = entry.reason; evidence = entry.evidence; previousHash = entry.previousHash; hash = entry.hash
        }

        var entry: LedgerEntry {
            LedgerEntry(
                sequence: sequence, at: at, actor: actor, action: action, feature: feature,
                fromStage: fromStage, toStage: toStage, reason: reason, evidence: evidence,
                previousHash: previousHash, hash: hash)
        }
    }

    @Test func detectsATamperedFieldAtItsSequence() {
        let changes: [(String, (inout Fields) -> Void)] = [
            ("sequence", { $0.sequence = 9 }),
            ("at", { $0.at = $0.at.addingTimeInterval(0.001) }),
            ("actor", { $0.actor = "mallory" }),
            ("action", { $0.action = .advance }),
            ("feature", { $0.feature = "progress_service" }),
            ("fromStage", { $0.fromStage = nil }),
            ("toStage", { $0.toStage = "100%" }),
            ("reason", { $0.reason += " " }),
            ("evidence", { $0.evidence = "{}" }),
            ("previousHash", { $0.previousHash = Ledger.genesisHash }),
            ("hash", { $0.hash = String(repeating: "a", count: 64) }),
        ]
        for (field, change) in changes {
            let result = Ledger.verify(Self.tampered(change))
            guard case let .broken(sequence, reason) = result else {
                Issue.record("tampering with \(field) went unnoticed")
                continue
            }
            #expect(sequence == 3, "\(field): \(reason)")
        }
        // Content changes are reported as such.
        #expect(Ledger.verify(Self.tampered { $0.reason = "nothing to see" })
            == .broken(atSequence: 3, reason: "content was altered: it no longer matches the entry's hash"))
    }

    @Test func detectsRemovedAndReorderedEntries() {
        var withoutMiddle = Self.chain()
        withoutMiddle.remove(at: 2)
        #expect(Ledger.verify(withoutMiddle)
            == .broken(atSequence: 3, reason: "entry 3 is missing: found entry 4 after 2"))

        var withoutFirst = Self.chain()
        withoutFirst.removeFirst()
        #expect(Ledger.verify(withoutFirst) == .broken(atSequence: 1, reason: "entry 1 is missing: found entry 2 after 0"))

        var swapped = Self.chain()
        swapped.swapAt(1, 2)
        #expect(Ledger.verify(swapped)
            == .broken(atSequence: 2, reason: "entries are out of order: found entry 3 where entry 2 belongs"))

        // Removing an entry and renumbering the rest still breaks the hash links.
        var renumbered = Self.chain()
        renumbered.remove(at: 1)
        renumbered = renumbered.enumerated().map { index, entry in
            var fields = Fields(entry)
            fields.sequence = index + 1
            return fields.entry
        }
        #expect(Ledger.verify(renumbered)
            == .broken(atSequence: 2, reason: "previousHash does not match the hash of entry 1"))
    }

    @Test func truncatingTheTailNeedsAnExternalAnchor() {
        let entries = Self.chain()
        let head = entries[4].hash
        let truncated = Array(entries.dropLast())
        // What is left is still a well-formed chain: the chain alone cannot tell.
        #expect(Ledger.verify(truncated) == .intact(count: 4))
        // A head hash kept outside the ledger's storage catches it.
        #expect(Ledger.verify(entries, expectedHeadHash: head) == .intact(count: 5))
        guard case let .broken(sequence, reason) = Ledger.verify(truncated, expectedHeadHash: head) else {
            Issue.record("truncation went unnoticed")
            return
        }
        #expect(sequence == 5)
        #expect(reason.contains("entries were removed from the end"))
        #expect(Ledger.verify([], expectedHeadHash: head) != .intact(count: 0))
        #expect(Ledger.verify([], expectedHeadHash: Ledger.genesisHash) == .intact(count: 0))
        // A stale anchor (entries appended since) is reported, not mistaken for tampering inside.
        guard case let .broken(staleSequence, staleReason) = Ledger.verify(entries, expectedHeadHash: entries[2].hash) else {
            Issue.record("stale anchor went unnoticed")
            return
        }
        #expect(staleSequence == 4)
        #expect(staleReason.contains("out of date"))
        // Tampering inside the chain is reported before the anchor is looked at.
        let changed = Self.tampered { $0.actor = "x" }
        #expect(Ledger.verify(changed, expectedHeadHash: head)
            == .broken(atSequence: 3, reason: "content was altered: it no longer matches the entry's hash"))
    }
}
