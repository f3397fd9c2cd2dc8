import Foundation
import ShadowKit
import ShadowTestSupport
import Testing

/// Issue 11, item 4: a NUL byte in a stored ledger value hid everything after it from the hash and the display,
/// so `reason = 'r1' || char(0) || ' -- approved by nobody'` verified as intact and showed as `r1`.
@Suite(.tags(.endToEnd), .timeLimit(.minutes(5)))
struct LedgerNULTests {
    static let columns = ["at", "actor", "action", "feature", "from_stage", "to_stage", "reason", "evidence",
                          "previous_hash", "hash"]

    @Test(arguments: columns)
    func aNULInAnyTextColumnBreaksTheChainAndShows(column: String) throws {
        let directory = try TemporaryDirectory()
        try directory.write(".env", "FEATURE_ENROLLMENT_SERVICE=true\n")
        let rollback = try CLI.run(["rollback", "enrollment_service", "--env", ".env", "--reason", "r1", "--db", "db.sqlite",
                                    "--plan", CLI.packageRoot.appendingPathComponent("scenarios/rollout.yaml").path],
                                   in: directory.path)
        #expect(rollback.status == 0, "\(rollback.stderr)")
        #expect(try CLI.run(["ledger", "--verify", "--db", "db.sqlite"], in: directory.path).status == 0)
        _ = try CLI.sqlite(directory.file("db.sqlite"),
                           "UPDATE ledger SET \(column) = \(column) || char(0) || ' -- approved by nobody' WHERE sequence = 1")
        #expect(try CLI.sqlite(directory.file("db.sqlite"),
                               "SELECT length(CAST(\(column) AS BLOB)) > 22 FROM ledger WHERE sequence = 1") == [["1"]])

        let verify = try CLI.run(["ledger", "--verify", "--db", "db.sqlite"], in: directory.path)
        #expect(verify.status == 1, "\(column): \(verify.stdout)")
        #expect(verify.stdout.contains("LEDGER BROKEN at entry 1"), "\(column): \(verify.stdout)")

        let json = try CLI.run(["ledger", "--json", "--db", "db.sqlite"], in: directory.path)
        let text = try CLI.run(["ledger", "--db", "db.sqlite"], in: directory.path)
        if ["actor", "feature", "reason", "from_stage", "to_stage"].contains(column) {
            // The entry still reads; its value is shown whole, the NUL visible.
            #expect(json.stdout.contains("\\u0000 -- approved by nobody"), "\(column): \(json.stdout)")
            #expect(text.stdout.contains("\u{2400} -- approved by nobody"), "\(column): \(text.stdout)")
        }
    }
}
