import Foundation
import GRDB

/// Store failures, with the database path and, when SQLite gave one, its result code (e.g. `.SQLITE_BUSY`,
/// `.SQLITE_CANTOPEN`, `.SQLITE_READONLY`) for callers to match on.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    /// GRDB's `DatabaseError.resultCode` (the primary code); nil when the failure
    /// did not come from SQLite.
    var resultCode: ResultCode?

    public init(path: String, message: String, resultCode: ResultCode? = nil) {
        self.path = path
        self.message = message
        self.resultCode = resultCode
    }

    /// Wraps any error thrown by GRDB, keeping SQLite's result code when there is one.
    public init(path: String, wrapping error: any Error, prefix: String = "") {
        self.init(path: path, message: prefix + "\(error)", resultCode: (error as? DatabaseError)?.resultCode)
    }

    public var description: String { "\(path): \(message)" }
}

/// The tables one target owns: its migrations, applied after the engine's in the order given. A target
/// registers its schema by passing it to ``Store/init(path:schemas:)``, so the database follows the module graph.
public struct StoreSchema: Sendable {
    public typealias Migration = (identifier: String, migrate: @Sendable (Database) throws -> Void)
    public let name: String
    public let migrations: [Migration]

    public init(name: String, migrations: [Migration]) {
        self.name = name
        self.migrations = migrations
    }
}

/// The run database: one SQLite file (WAL, versioned migrations), documented in `docs/schema.md`.
public final class Store: Sendable {
    public let path: String
    let writer: DatabaseQueue

    /// Opens (creating if needed) and migrates the database: the engine's tables, then each of `schemas`.
    /// `:memory:` gives a private in-memory store.
    public init(path: String, schemas: [StoreSchema] = []) throws(StoreError) {
        self.path = path
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            if path == ":memory:" {
                writer = try DatabaseQueue(configuration: configuration)
                try Store.migrator(schemas).migrate(writer)
                return
            }
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            configuration.prepareDatabase { db in
                // Switching to WAL takes an exclusive lock without waiting on the busy handler, so a process
                // opening the file while another one switches (or checkpoints) retries here.
                try Store.retryingWhileBusy { try db.execute(sql: "PRAGMA journal_mode = WAL") }
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            // Two processes opening a fresh database at once would both create the tables (each migration runs
            // in its own transaction, so there is no transaction around all of them to take): an advisory lock
            // beside the database serialises opening and migrating, and the second process finds the work done.
            let lock = StoreLock(path: path + ".lock")
            defer { lock.release() }
            writer = try Store.retryingWhileBusy { try DatabaseQueue(path: path, configuration: configuration) }
            let migrator = Store.migrator(schemas)
            try Store.retryingWhileBusy { try migrator.migrate(writer) }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(path: path, wrapping: error, prefix: "cannot open the database: ")
        }
    }

    /// Runs `body` again (for up to about 10 s, with growing pauses) while SQLite answers busy or locked:
    /// opening and migrating must not fail because another process holds the file for a moment.
    static func retryingWhileBusy<T>(_ body: () throws -> T) throws -> T {
        var pause = 0.005
        let deadline = Date().addingTimeInterval(10)
        while true {
            do {
                return try body()
            } catch let error as DatabaseError
                where (error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED) && Date() < deadline {
                Thread.sleep(forTimeInterval: pause)
                pause = min(pause * 2, 0.2)
            }
        }
    }

    /// Runs a read or write block, mapping database errors to ``StoreError``.
    package func write<T>(_ block: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try writer.write(block)
        } catch {
            throw StoreError(path: path, wrapping: error)
        }
    }

    package func read<T>(_ block: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try writer.read(block)
        } catch {
            throw StoreError(path: path, wrapping: error)
        }
    }

    static func migrator(_ schemas: [StoreSchema]) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-runs") { db in
            try db.execute(sql: """
                CREATE TABLE runs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'aborted')),
                    subject TEXT NOT NULL,
                    started_at TEXT NOT NULL,
                    finished_at TEXT,
                    duration_seconds REAL,
                    seed INTEGER,
                    inputs TEXT NOT NULL,
                    config TEXT NOT NULL,
                    tool_version TEXT NOT NULL,
                    workers INTEGER NOT NULL,
                    commands INTEGER NOT NULL DEFAULT 0,
                    scenarios INTEGER NOT NULL DEFAULT 0,
                    scenario_seconds REAL NOT NULL DEFAULT 0,
                    error TEXT
                );
                CREATE TABLE feature_stats (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    feature TEXT NOT NULL,
                    comparisons INTEGER NOT NULL,
                    matches INTEGER NOT NULL,
                    accepted INTEGER NOT NULL,
                    mismatches INTEGER NOT NULL,
                    candidate_errors INTEGER NOT NULL,
                    control_errors INTEGER NOT NULL,
                    state_transition_errors INTEGER NOT NULL,
                    failed_jobs INTEGER NOT NULL,
                    candidate_rejections INTEGER NOT NULL,
                    PRIMARY KEY (run_id, feature)
                );
                CREATE TABLE latency (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    feature TEXT NOT NULL,
                    side TEXT NOT NULL CHECK (side IN ('control', 'candidate')),
                    count INTEGER NOT NULL,
                    p50_ns REAL NOT NULL,
                    p95_ns REAL NOT NULL,
                    p99_ns REAL NOT NULL,
                    max_ns REAL NOT NULL,
                    histogram TEXT NOT NULL,
                    PRIMARY KEY (run_id, feature, side)
                );
                CREATE TABLE signatures (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    signature TEXT NOT NULL,
                    description TEXT NOT NULL,
                    feature TEXT NOT NULL,
                    op TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    count INTEGER NOT NULL,
                    accepted_rule TEXT,
                    first_scenario TEXT NOT NULL, first_seq INTEGER NOT NULL,
                    first_file TEXT NOT NULL, first_line INTEGER NOT NULL,
                    last_scenario TEXT NOT NULL, last_seq INTEGER NOT NULL,
                    last_file TEXT NOT NULL, last_line INTEGER NOT NULL,
                    PRIMARY KEY (run_id, signature)
                );
                CREATE TABLE divergences (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    ordinal INTEGER NOT NULL,
                    feature TEXT NOT NULL,
                    op TEXT NOT NULL,
                    scenario TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    file TEXT NOT NULL,
                    line INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    signature TEXT NOT NULL,
                    paths TEXT NOT NULL,
                    diff TEXT NOT NULL,
                    control_outcome TEXT NOT NULL,
                    candidate_outcome TEXT NOT NULL,
                    accepted_rule TEXT
                );
                CREATE INDEX divergences_by_signature ON divergences(run_id, signature, ordinal, seq);
                CREATE TABLE expired_rules (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    rule_id TEXT NOT NULL,
                    would_match INTEGER NOT NULL,
                    PRIMARY KEY (run_id, rule_id)
                );
                CREATE TABLE domain_event_log (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    scenario TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    event_name TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    occurred_at TEXT NOT NULL
                );
                CREATE INDEX domain_event_log_by_time ON domain_event_log(run_id, occurred_at);
                CREATE TABLE state_transitions (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    scenario TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    entity TEXT NOT NULL,
                    entity_id TEXT NOT NULL,
                    from_state TEXT NOT NULL,
                    to_state TEXT NOT NULL,
                    transitioned_at TEXT NOT NULL
                );
                CREATE INDEX state_transitions_by_time ON state_transitions(run_id, transitioned_at);
                CREATE TABLE failed_jobs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    scenario TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    job TEXT NOT NULL,
                    event TEXT NOT NULL,
                    exception TEXT NOT NULL,
                    failed_at TEXT NOT NULL
                );
                CREATE INDEX failed_jobs_by_time ON failed_jobs(run_id, failed_at);
                """)
        }
        migrator.registerMigration("v2-gate") { db in
            try db.execute(sql: """
                CREATE TABLE gate_decisions (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    run_id INTEGER,
                    decided_at TEXT NOT NULL,
                    verdict TEXT NOT NULL CHECK (verdict IN ('pass', 'fail', 'inconclusive')),
                    decision TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("v4-append-only-side-effects") { db in
            // Time indexes on the side-effect tables were maintained on every insert at scattered keys (each
            // scenario has its own clock) and dominated the cost of a run. Rows of one run are appended
            // together, so an index on run_id (always appended at its end) is enough for the monitor.
            try db.execute(sql: """
                DROP INDEX domain_event_log_by_time;
                DROP INDEX state_transitions_by_time;
                DROP INDEX failed_jobs_by_time;
                CREATE INDEX domain_event_log_by_run ON domain_event_log(run_id);
                CREATE INDEX state_transitions_by_run ON state_transitions(run_id);
                CREATE INDEX failed_jobs_by_run ON failed_jobs(run_id);
                """)
        }
        migrator.registerMigration("v5-side-effect-rowids") { db in
            // AUTOINCREMENT reads and rewrites sqlite_sequence on every insert: a third of the cost of a
            // side-effect row. Nothing deletes from these logs, and while rows are only appended plain rowids
            // (max + 1) number them the same way; only the id of a deleted last row could be given again.
            for (table, columns) in sideEffectTables {
                try db.execute(sql: """
                    CREATE TABLE \(table)_v5 (
                        id INTEGER PRIMARY KEY,
                        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                        scenario TEXT NOT NULL,
                        seq INTEGER NOT NULL,
                        \(columns.map { "\($0) TEXT NOT NULL" }.joined(separator: ",\n    "))
                    );
                    INSERT INTO \(table)_v5 SELECT * FROM \(table);
                    DROP TABLE \(table);
                    ALTER TABLE \(table)_v5 RENAME TO \(table);
                    CREATE INDEX \(table)_by_run ON \(table)(run_id);
                    """)
            }
        }
        migrator.registerMigration("v6-abandoned-and-noise") { db in
            // Commands an external worker could not carry out (its world lost) are counted, never dropped;
            // divergences only where two controls differ (`--secondary`) are noise, counted apart.
            try db.execute(sql: """
                ALTER TABLE feature_stats ADD COLUMN abandoned INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE feature_stats ADD COLUMN noise INTEGER NOT NULL DEFAULT 0;
                """)
        }
        migrator.registerMigration("v7-traffic-hours") { db in
            // Failed jobs per hour count the hours recorded traffic spans (overlapping scenarios once) and, for
            // generated traffic, its commands at a stated production rate; the control's failed jobs are shown
            // beside the candidate's. Runs stored before have no span (NULL): the gate says so.
            try db.execute(sql: """
                ALTER TABLE runs ADD COLUMN traffic_seconds REAL;
                ALTER TABLE runs ADD COLUMN synthetic_commands INTEGER;
                ALTER TABLE feature_stats ADD COLUMN control_failed_jobs INTEGER NOT NULL DEFAULT 0;
                """)
            // The control timed twice (A/A) is stored as two more sides; SQLite cannot alter a CHECK in place.
            try db.execute(sql: """
                CREATE TABLE latency_v7 (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    feature TEXT NOT NULL,
                    side TEXT NOT NULL CHECK (side IN ('control', 'candidate', 'control-aa-first', 'control-aa-second')),
                    count INTEGER NOT NULL,
                    p50_ns REAL NOT NULL,
                    p95_ns REAL NOT NULL,
                    p99_ns REAL NOT NULL,
                    max_ns REAL NOT NULL,
                    histogram TEXT NOT NULL,
                    PRIMARY KEY (run_id, feature, side)
                );
                INSERT INTO latency_v7 SELECT run_id, feature, side, count, p50_ns, p95_ns, p99_ns, max_ns, histogram FROM latency;
                DROP TABLE latency;
                ALTER TABLE latency_v7 RENAME TO latency;
                """)
        }
        migrator.registerMigration("v8-downstream") { db in
            // Knock-ons: divergences downstream of an earlier divergence of their scenario leave the mismatch
            // rate; they are counted per feature, grouped under signatures of their own that name the root
            // signature (`downstream_of`), summed per root signature (`caused`), and kept examples name their root.
            try db.execute(sql: """
                ALTER TABLE feature_stats ADD COLUMN downstream INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE signatures ADD COLUMN downstream_of TEXT;
                ALTER TABLE signatures ADD COLUMN caused INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE divergences ADD COLUMN root_scenario TEXT;
                ALTER TABLE divergences ADD COLUMN root_seq INTEGER;
                ALTER TABLE divergences ADD COLUMN root_signature TEXT;
                """)
        }
        migrator.registerMigration("v9-tolerated-and-explained") { db in
            // Differences a tolerance absorbed are counted (not matches); accepted signatures count how many of
            // their divergences the counterfactual check explained; a divergence a rule matched but the check
            // refuted carries the reason.
            try db.execute(sql: """
                ALTER TABLE feature_stats ADD COLUMN tolerated INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE signatures ADD COLUMN explained INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE signatures ADD COLUMN unexplained INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE divergences ADD COLUMN note TEXT;
                """)
        }
        migrator.registerMigration("v10-pooled-evidence") { db in
            // `advance` pools the evidence of the runs of one candidate version, each input counted once: the
            // run records the candidate's version, and its counts per input (identity: `generated:seed=S`, or
            // `sha256:HEX` of a file's bytes; `source` is the path or label as given).
            try db.execute(sql: """
                ALTER TABLE runs ADD COLUMN candidate_version TEXT;
                CREATE TABLE input_stats (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    source TEXT NOT NULL,
                    input TEXT NOT NULL,
                    feature TEXT NOT NULL,
                    comparisons INTEGER NOT NULL,
                    mismatches INTEGER NOT NULL,
                    candidate_errors INTEGER NOT NULL,
                    PRIMARY KEY (run_id, source, feature)
                );
                """)
        }
        for schema in schemas {
            for migration in schema.migrations {
                migrator.registerMigration(migration.identifier, migrate: migration.migrate)
            }
        }
        return migrator
    }

    /// The candidate's own log tables and their text columns after `run_id, scenario, seq`.
    static let sideEffectTables: [(String, [String])] = [
        ("domain_event_log", ["event_name", "payload", "occurred_at"]),
        ("state_transitions", ["entity", "entity_id", "from_state", "to_state", "transitioned_at"]),
        ("failed_jobs", ["job", "event", "exception", "failed_at"]),
    ]
}

/// An advisory lock (`flock`) on a file beside the database, held while a process opens and migrates it.
/// When the lock file cannot be created (a read-only directory) the store opens without it: nothing can be
/// migrated there anyway.
final class StoreLock {
    private var descriptor: Int32

    init(path: String) {
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                close(descriptor)
                descriptor = -1
                return
            }
        }
    }

    func release() {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}

/// Timestamps in the store always carry milliseconds, so text order is time order.
package enum StoreTime {
    package static func text(_ seconds: Double) -> String { Timestamp.formatMillis(seconds) }
}
