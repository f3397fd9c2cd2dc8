import Foundation
import GRDB
@testable import ShadowRollout
import ShadowKit
import ShadowTestSupport
import Testing

/// The ledger and freezes as stored in the run database: appends chain, round trips, tampering of any kind is
/// reported at the entry where it happened, freezes are single and recorded.
@Suite struct LedgerStoreTests {
    static let start = Date(timeIntervalSince1970: Fixtures.start)

    /// Four entries of different kinds, one of them with a text that needs care (newline, quotes, non-ASCII).
    static func filledStore() throws -> (Store, [LedgerEntry]) {
        let store = try Fixtures.memoryStore(schemas: [RolloutTables.schema])
        var entries: [LedgerEntry] = []
        entries.append(try store.appendLedger(at: start, actor: "ci", action: .advance, feature: "enrollment_service",
                                              fromStage: "off", toStage: "pilot", reason: "gate passed",
                                              evidence: #"{"runId":1}"#))
        entries.append(try store.appendLedger(at: start.addingTimeInterval(0.25), actor: "ci", action: .refusedAdvance,
                                              feature: "enrollment_service", fromStage: "pilot", toStage: "10%",
                                              reason: "need 2,041 more clean comparisons", evidence: "{}"))
        entries.append(try store.appendLedger(at: start.addingTimeInterval(3600), actor: "oncall:ana", action: .rollback,
                                              feature: "enrollment_service", fromStage: "pilot", toStage: "off",
                                              reason: "errors \"spiking\"\nsee incident №7", evidence: "{}"))
        let freeze = try store.freeze(feature: "enrollment_service", at: start.addingTimeInterval(3600),
                                      actor: "oncall:ana", reason: "rollback")
        entries.append(try #require(freeze.entry))
        return (store, entries)
    }

    @Test func appendsFormAChainThatReadsBackUnchanged() throws {
        let (store, entries) = try Self.filledStore()
        #expect(entries.map(\.sequence) == [1, 2, 3, 4])
        #expect(entries[0].previousHash == Ledger.genesisHash)
        #expect(try store.ledgerEntries() == entries)
        #expect(try store.verifyLedger() == .intact(count: 4))
        let row = try #require(try store.read { db in try Row.fetchOne(db, sql: "SELECT * FROM ledger WHERE sequence = 2") })
        #expect(row["at"] == "2026-11-24T10:00:00.250Z")
        #expect(row["action"] == "refused_advance")
        #expect(row["hash"] == entries[1].hash)
    }

    @Test func emptyLedgerIsIntact() throws {
        #expect(try Fixtures.memoryStore(schemas: [RolloutTables.schema]).verifyLedger() == .intact(count: 0))
    }

    @Test(arguments: [
        ("UPDATE ledger SET reason = 'all fine' WHERE sequence = 3", 3, "content was altered"),
        ("UPDATE ledger SET actor = 'someone else' WHERE sequence = 1", 1, "content was altered"),
        ("UPDATE ledger SET to_stage = '100%' WHERE sequence = 1", 1, "content was altered"),
        ("UPDATE ledger SET evidence = '{\"runId\":2}' WHERE sequence = 1", 1, "content was altered"),
        ("UPDATE ledger SET at = '2026-11-24T11:00:00.000Z' WHERE sequence = 2", 2, "content was altered"),
        ("UPDATE ledger SET at = '2026-11-24T10:00:00.25Z' WHERE sequence = 2", 2, "not in the stored form"),
        ("UPDATE ledger SET at = 'yesterday' WHERE sequence = 2", 2, "is not a timestamp"),
        ("UPDATE ledger SET action = 'advance' WHERE sequence = 2", 2, "content was altered"),
        ("UPDATE ledger SET action = 'promote' WHERE sequence = 2", 2, "is not a ledger action"),
        ("DELETE FROM ledger WHERE sequence = 2", 2, "entry 2 is missing"),
        ("DELETE FROM ledger WHERE sequence = 1", 1, "entry 1 is missing"),
        ("UPDATE ledger SET previous_hash = hash WHERE sequence = 4", 4, "previousHash does not match"),
    ] as [(String, Int, String)])
    func tamperingIsDetectedAtTheEntry(sql: String, sequence: Int, reason: String) throws {
        let (store, _) = try Self.filledStore()
        try store.write { db in try db.execute(sql: sql) }
        guard case let .broken(at, why) = try store.verifyLedger() else {
            Issue.record("\(sql) went unnoticed")
            return
        }
        #expect(at == sequence, "\(sql): \(why)")
        #expect(why.contains(reason), "\(sql): \(why)")
    }

    @Test func recomputedHashOfAnEditedEntryBreaksTheNextLink() throws {
        let (store, entries) = try Self.filledStore()
        // A careful forger rewrites entry 2 and its hash; entry 3 still points at the old hash.
        let forged = LedgerEntry.sealed(after: entries[0], at: entries[1].at, actor: "ci", action: .advance,
                                        feature: "enrollment_service", fromStage: "pilot", toStage: "10%",
                                        reason: "gate passed", evidence: "{}")
        try store.write { db in
            try db.execute(sql: "UPDATE ledger SET action = ?, reason = ?, hash = ? WHERE sequence = 2",
                           arguments: [forged.action.rawValue, forged.reason, forged.hash])
        }
        #expect(try store.verifyLedger() == .broken(atSequence: 3, reason: "previousHash does not match the hash of entry 2"))
    }

    @Test func appendingAfterAnAlteredRowContinuesTheSequence() throws {
        let (store, _) = try Self.filledStore()
        try store.write { db in try db.execute(sql: "UPDATE ledger SET action = 'promote' WHERE sequence = 4") }
        let next = try store.appendLedger(at: Self.start, actor: "a", action: .unfreeze, feature: "f", fromStage: nil,
                                          toStage: nil, reason: "r", evidence: "{}")
        #expect(next.sequence == 5)
        #expect(try store.ledgerRows().map(\.sequence) == [1, 2, 3, 4, 5])
        guard case .broken(atSequence: 4, _) = try store.verifyLedger() else {
            Issue.record("the altered row must still be reported")
            return
        }
    }

    @Test func freezeIsSingleAndUnfreezeLiftsIt() throws {
        let store = try Fixtures.memoryStore(schemas: [RolloutTables.schema])
        #expect(try store.freeze(of: "grading_service") == nil)
        let first = try store.freeze(feature: "grading_service", at: Self.start, actor: "ana", reason: "bad grades")
        #expect(first.created)
        #expect(first.freeze == FeatureFreeze(feature: "grading_service", frozenAt: "2026-11-24T10:00:00.000Z",
                                              actor: "ana", reason: "bad grades"))
        let second = try store.freeze(feature: "grading_service", at: Self.start.addingTimeInterval(60), actor: "bob",
                                      reason: "again")
        #expect(!second.created)
        #expect(second.entry == nil)
        #expect(second.freeze.actor == "ana")
        #expect(try store.freezes().map(\.feature) == ["grading_service"])

        let lifted = try #require(try store.unfreeze(feature: "grading_service", at: Self.start, actor: "bob", reason: "fixed"))
        #expect(lifted.lifted.actor == "ana")
        #expect(lifted.entry.action == .unfreeze)
        let evidence = try JSONValue.parse(Array(lifted.entry.evidence.utf8))
        #expect(evidence["liftedFreeze"]?["reason"] == .string("bad grades"))
        #expect(try store.freeze(of: "grading_service") == nil)
        #expect(try store.unfreeze(feature: "grading_service", at: Self.start, actor: "bob", reason: "again") == nil)
        #expect(try store.ledgerEntries().map(\.action) == [.freeze, .unfreeze])
        #expect(try store.verifyLedger() == .intact(count: 2))
    }

    @Test func deletingAFreezeRowByHandLiftsNothingAndIsReported() throws {
        let (store, entries) = try Self.filledStore()
        let freezeEntry = try #require(entries.last)
        try store.write { db in try db.execute(sql: "DELETE FROM feature_freezes WHERE feature = 'enrollment_service'") }
        // Still frozen: the ledger says so, and advance asks freeze(of:).
        #expect(try store.freeze(of: "enrollment_service") == FeatureFreeze(
            feature: "enrollment_service", frozenAt: "2026-11-24T11:00:00.000Z", actor: "oncall:ana", reason: "rollback"))
        #expect(try store.freezes().map(\.feature) == ["enrollment_service"])
        let again = try store.freeze(feature: "enrollment_service", at: Self.start, actor: "x", reason: "y")
        #expect(!again.created)
        guard case .broken(let sequence, let reason) = try store.verifyLedger() else {
            Issue.record("a deleted freeze row must break verification")
            return
        }
        #expect(sequence == freezeEntry.sequence)
        #expect(reason.contains("enrollment_service") && reason.contains("feature_freezes has no row"), "\(reason)")
        // unfreeze lifts it the proper way, with a ledger entry, and the two agree again.
        let lifted = try #require(try store.unfreeze(feature: "enrollment_service", at: Self.start, actor: "bob",
                                                     reason: "fixed"))
        #expect(lifted.lifted.actor == "oncall:ana")
        #expect(try store.freeze(of: "enrollment_service") == nil)
        #expect(try store.verifyLedger() == .intact(count: 5))
    }

    @Test func aFreezeRowAddedByHandFreezesButIsReported() throws {
        let (store, _) = try Self.filledStore()
        try store.write { db in
            try db.execute(sql: """
                INSERT INTO feature_freezes (feature, frozen_at, actor, reason)
                VALUES ('grading_service', '2026-11-24T12:00:00.000Z', 'someone', 'by hand')
                """)
        }
        #expect(try store.freeze(of: "grading_service")?.reason == "by hand")
        #expect(try store.freezes().map(\.feature) == ["enrollment_service", "grading_service"])
        guard case .broken(let sequence, let reason) = try store.verifyLedger() else {
            Issue.record("a freeze row without a ledger entry must break verification")
            return
        }
        #expect(sequence == 4)
        #expect(reason.contains("feature_freezes holds grading_service"), "\(reason)")
    }

    @Test func freezesSurviveReopeningTheFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("db.sqlite")
        do {
            let store = try Store(path: path, schemas: [RolloutTables.schema])
            _ = try store.freeze(feature: "domain_events", at: Self.start, actor: "a", reason: "r")
        }
        let reopened = try Store(path: path, schemas: [RolloutTables.schema])
        #expect(try reopened.freeze(of: "domain_events")?.reason == "r")
        #expect(try reopened.verifyLedger() == .intact(count: 1))
    }

    @Test func latestCompleteRunSkipsRunningAndAbortedRuns() throws {
        let store = try Fixtures.memoryStore(schemas: [RolloutTables.schema])
        #expect(try store.latestCompleteRunId() == nil)
        let complete = try RolloutFixtures.passingRun(store, comparisons: 10)
        let metadata = RunMetadata(subject: "t", startedAt: Fixtures.start, seed: nil, inputs: [], config: [:],
                                   toolVersion: "t", workers: 1)
        let aborted = try store.beginRun(metadata)
        try store.abortRun(aborted, error: "x", finishedAt: Fixtures.start)
        _ = try store.beginRun(metadata)
        #expect(try store.latestCompleteRunId() == complete)
    }
}
