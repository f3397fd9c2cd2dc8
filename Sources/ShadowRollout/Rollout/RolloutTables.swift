import Foundation
import GRDB
import ShadowKit

/// The tables the rollout owns: the hash-chained ledger and the freezes it mirrors.
public enum RolloutTables {
    /// Registered with the store by every command that opens the database (identifier kept from when the
    /// engine created these tables, so existing databases are not migrated again).
    public static let schema = StoreSchema(name: "rollout", migrations: [
        ("v3-rollout", { db in
            try db.execute(sql: """
                CREATE TABLE ledger (
                    sequence INTEGER PRIMARY KEY,
                    at TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    feature TEXT NOT NULL,
                    from_stage TEXT,
                    to_stage TEXT,
                    reason TEXT NOT NULL,
                    evidence TEXT NOT NULL,
                    previous_hash TEXT NOT NULL,
                    hash TEXT NOT NULL
                );
                CREATE TABLE feature_freezes (
                    feature TEXT PRIMARY KEY,
                    frozen_at TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    reason TEXT NOT NULL
                );
                """)
        }),
    ])
}
