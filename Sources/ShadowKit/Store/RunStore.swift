import Foundation
import GRDB
import GRDBSQLite

/// What is recorded about a run when it starts.
public struct RunMetadata: Sendable, Codable, Equatable {
    public var subject: String
    public var startedAt: Double
    public var seed: UInt64?
    public var inputs: [String]
    public var config: [String: String]
    public var toolVersion: String
    public var workers: Int
    /// The candidate implementation and its version (`name version`): runs of one version pool their evidence.
    public var candidateVersion: String?
    /// Input as the scenarios name it (a path, `generated:seed=S`) → its identity (`sha256:…` of a file);
    /// an input without one is identified by its name.
    public var inputIdentities: [String: String]

    public init(subject: String, startedAt: Double, seed: UInt64?, inputs: [String], config: [String: String],
                toolVersion: String, workers: Int, candidateVersion: String? = nil, inputIdentities: [String: String] = [:]) {
        self.candidateVersion = candidateVersion
        self.inputIdentities = inputIdentities
        self.subject = subject
        self.startedAt = startedAt
        self.seed = seed
        self.inputs = inputs
        self.config = config
        self.toolVersion = toolVersion
        self.workers = workers
    }
}

/// A run's lifecycle status.
public enum RunStatus: String, Sendable, Codable {
    case running, complete, aborted
}

extension Store {
    /// Records a new run as `running` and returns its id.
    public func beginRun(_ metadata: RunMetadata) throws(StoreError) -> Int64 {
        try write { db in
            let inputs = JSONValue.array(metadata.inputs.map(JSONValue.string)).jsonText
            let config = JSONValue.object(metadata.config.mapValues(JSONValue.string)).jsonText
            try db.execute(sql: """
                INSERT INTO runs (status, subject, started_at, seed, inputs, config, tool_version, workers, candidate_version)
                VALUES ('running', ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [metadata.subject, StoreTime.text(metadata.startedAt),
                                 metadata.seed.map { Int64(bitPattern: $0) }, inputs, config,
                                 metadata.toolVersion, metadata.workers, metadata.candidateVersion])
            return db.lastInsertedRowID
        }
    }

    /// A sink that writes each batch of a run in one transaction.
    public func sink(runId: Int64) -> StoreSink { StoreSink(store: self, runId: runId) }

    /// Writes the totals and marks the run `complete`; only called after every batch was flushed.
    public func completeRun(_ runId: Int64, totals: RunTotals, finishedAt: Double, duration: Double,
                            inputIdentities: [String: String] = [:]) throws(StoreError) {
        try write { db in
            for source in totals.inputs.keys.sorted() {
                for (feature, c) in (totals.inputs[source] ?? [:]).sorted(by: { $0.key < $1.key }) {
                    try db.execute(sql: """
                        INSERT INTO input_stats (run_id, source, input, feature, comparisons, mismatches, candidate_errors)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [runId, source, inputIdentities[source] ?? source, feature, c.comparisons,
                                         c.mismatches, c.candidateErrors])
                }
            }
            for feature in totals.featureOrder {
                let c = totals.features[feature] ?? FeatureCounts()
                try db.execute(sql: """
                    INSERT INTO feature_stats (run_id, feature, comparisons, matches, accepted, mismatches,
                        candidate_errors, control_errors, state_transition_errors, failed_jobs, candidate_rejections,
                        abandoned, noise, control_failed_jobs, downstream, tolerated)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [runId, feature, c.comparisons, c.matches, c.accepted, c.mismatches,
                                     c.candidateErrors, c.controlErrors, c.stateTransitionErrors, c.failedJobs,
                                     c.candidateRejections, c.abandoned, c.noise, c.controlFailedJobs, c.downstream,
                                     c.tolerated])
            }
            let repeats = [(LatencySide.repeatFirst, totals.repeatLatency.mapValues(\.first)),
                           (LatencySide.repeatSecond, totals.repeatLatency.mapValues(\.second))]
            for (side, summaries) in [(LatencySide.control, totals.latency), (.candidate, totals.candidateLatency)] + repeats {
                for feature in summaries.keys.sorted() {
                    guard let s = summaries[feature] else { continue }
                    let histogram = JSONValue.array(s.buckets.map { .array($0.map { .double($0) }) }).jsonText
                    try db.execute(sql: """
                        INSERT INTO latency (run_id, feature, side, count, p50_ns, p95_ns, p99_ns, max_ns, histogram)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [runId, feature, side.rawValue, s.count, s.p50, s.p95, s.p99, s.max, histogram])
                }
            }
            for s in totals.signatures {
                try db.execute(sql: """
                    INSERT INTO signatures (run_id, signature, description, feature, op, kind, count, accepted_rule,
                        first_scenario, first_seq, first_file, first_line, last_scenario, last_seq, last_file, last_line,
                        downstream_of, caused, explained, unexplained)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [runId, s.signature, s.text, s.feature, s.op, s.kind.rawValue, s.count,
                                     s.acceptedRule, s.first.scenario, s.first.seq, s.first.file, s.first.line,
                                     s.last.scenario, s.last.seq, s.last.file, s.last.line, s.downstreamOf, s.caused,
                                     s.explained, s.unexplained])
            }
            for (rule, hits) in totals.expiredRuleHits.sorted(by: { $0.key < $1.key }) {
                try db.execute(sql: "INSERT INTO expired_rules (run_id, rule_id, would_match) VALUES (?, ?, ?)",
                               arguments: [runId, rule, hits])
            }
            try db.execute(sql: """
                UPDATE runs SET status = 'complete', finished_at = ?, duration_seconds = ?, commands = ?,
                    scenarios = ?, scenario_seconds = ?, traffic_seconds = ?, synthetic_commands = ? WHERE id = ?
                """, arguments: [StoreTime.text(finishedAt), duration, totals.commands, totals.scenarios,
                                 totals.scenarioSeconds, totals.trafficSeconds, totals.syntheticCommands, runId])
        }
    }

    /// Marks a run `aborted` with the reason; its partial rows stay for inspection but never count.
    public func abortRun(_ runId: Int64, error: String, finishedAt: Double) throws(StoreError) {
        try write { db in
            try db.execute(sql: "UPDATE runs SET status = 'aborted', error = ?, finished_at = ? WHERE id = ?",
                           arguments: [error, StoreTime.text(finishedAt), runId])
        }
    }
}

/// Writes batches of divergences and candidate side effects, one transaction per batch.
public struct StoreSink: RunSink, Sendable {
    let store: Store
    let runId: Int64

    public mutating func consume(_ batch: BatchOutput) throws {
        try store.write { db in
            if !batch.divergences.isEmpty {
                let statement = try db.makeStatement(sql: """
                    INSERT INTO divergences (run_id, ordinal, feature, op, scenario, seq, file, line, kind, signature,
                        paths, diff, control_outcome, candidate_outcome, accepted_rule, root_scenario, root_seq,
                        root_signature, note)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for d in batch.divergences {
                    let paths = JSONValue.array(d.paths.map(JSONValue.string)).jsonText
                    let diff = JSONValue.array(d.diff.map { entry in
                        .object(["path": .string(entry.path), "control": entry.control ?? .null,
                                 "candidate": entry.candidate ?? .null])
                    }).jsonText
                    try statement.execute(arguments: [runId, d.ordinal, d.feature, d.op, d.scenario, d.seq, d.file,
                                                      d.line, d.kind.rawValue, d.signature.id, paths, diff,
                                                      d.controlOutcome.jsonText, d.candidateOutcome.jsonText,
                                                      d.acceptedRule, d.root?.scenario, d.root?.seq, d.root?.signature,
                                                      d.note])
                }
            }
            guard !batch.sideEffects.isEmpty else { return }
            // The side-effect tables get a row per candidate event, transition and failed job - most of what a
            // run writes - so they are inserted many rows per statement, bound through SQLite's C API.
            var event = try BulkInsert(db, runId: runId, table: "domain_event_log")
            var transition = try BulkInsert(db, runId: runId, table: "state_transitions")
            var failed = try BulkInsert(db, runId: runId, table: "failed_jobs")
            for row in batch.sideEffects {
                let at = StoreTime.text(row.at)
                let seq = Int64(row.seq)
                let records = row.records
                for e in records.events {
                    try event.append(row.scenario, seq, e.name, e.payloadJSON, at)
                }
                for t in records.transitions {
                    try transition.append(row.scenario, seq, t.entity, t.entityId, t.from, t.to, at)
                }
                for f in records.failedJobs {
                    try failed.append(row.scenario, seq, f.job, f.event, f.error, at)
                    // The monitor counts "*.failed" events as errors, as the guide's rollout:monitor does.
                    try event.append(row.scenario, seq, "\(f.job).failed", JSONValue.object(["event": .string(f.event)]).jsonText, at)
                }
            }
            try event.flush()
            try transition.flush()
            try failed.flush()
        }
    }
}

/// Rows of `(run_id, scenario, seq, text...)` inserted `rowsPerStatement` at a time through the SQLite C API.
///
/// Per-statement work (step, reset, halting the VM) is most of what a small row costs; 32 rows per statement
/// cut the cost of a row by about a third. Texts are copied into one buffer and bound from it without
/// further copies (`SQLITE_STATIC`: the buffer outlives the step).
struct BulkInsert {
    static let rowsPerStatement = 32
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    let db: Database
    let runId: Int64
    let table: String
    let textColumns: [String]
    private let fullStatement: Statement
    /// Text of the pending rows, and where each value is in it: the scenario, then `textColumns`, per row.
    private var bytes: [UInt8] = []
    private var spans: [Range<Int>] = []
    private var seqs: [Int64] = []

    /// `table` is one of ``Store/sideEffectTables``, whose text columns it fills in their order.
    init(_ db: Database, runId: Int64, table: String) throws {
        self.db = db
        self.runId = runId
        self.table = table
        guard let columns = Store.sideEffectTables.first(where: { $0.0 == table })?.1 else {
            preconditionFailure("\(table) is not one of Store.sideEffectTables")
        }
        self.textColumns = columns
        fullStatement = try db.cachedStatement(sql: Self.sql(table, textColumns, rows: Self.rowsPerStatement))
        bytes.reserveCapacity(Self.rowsPerStatement * 128)
    }

    static func sql(_ table: String, _ textColumns: [String], rows: Int) -> String {
        let columns = (["run_id", "scenario", "seq"] + textColumns).joined(separator: ", ")
        let row = "(" + Array(repeating: "?", count: textColumns.count + 3).joined(separator: ", ") + ")"
        return "INSERT INTO \(table) (\(columns)) VALUES " + Array(repeating: row, count: rows).joined(separator: ", ")
    }

    mutating func append(_ scenario: String, _ seq: Int64, _ texts: String...) throws {
        // One text too few or too many would shift every later parameter of the statement.
        precondition(texts.count == textColumns.count, "\(table): \(texts.count) texts for \(textColumns.count) columns")
        add(scenario)
        for text in texts { add(text) }
        seqs.append(seq)
        if seqs.count == Self.rowsPerStatement { try flush() }
    }

    private mutating func add(_ text: String) {
        let start = bytes.count
        bytes.append(contentsOf: text.utf8)
        spans.append(start..<bytes.count)
    }

    /// Inserts the pending rows.
    mutating func flush() throws {
        guard !seqs.isEmpty else { return }
        let statement = seqs.count == Self.rowsPerStatement ? fullStatement
            : try db.cachedStatement(sql: Self.sql(table, textColumns, rows: seqs.count))
        let handle = statement.sqliteStatement
        let textsPerRow = textColumns.count + 1
        let parametersPerRow = Int32(textColumns.count + 3)
        let code = bytes.withUnsafeBufferPointer { buffer -> Int32 in
            for (row, seq) in seqs.enumerated() {
                let first = Int32(row) * parametersPerRow
                sqlite3_bind_int64(handle, first + 1, runId)
                sqlite3_bind_int64(handle, first + 3, seq)
                for offset in 0..<textsPerRow {
                    let span = spans[row * textsPerRow + offset]
                    // Parameter 2 is the scenario; the other texts follow seq.
                    let parameter = offset == 0 ? first + 2 : first + 3 + Int32(offset)
                    if let base = buffer.baseAddress {
                        sqlite3_bind_text(handle, parameter, base + span.lowerBound, Int32(span.count), nil)
                    } else {
                        sqlite3_bind_text(handle, parameter, "", 0, Self.transient)
                    }
                }
            }
            let code = sqlite3_step(handle)
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
            return code
        }
        bytes.removeAll(keepingCapacity: true)
        spans.removeAll(keepingCapacity: true)
        seqs.removeAll(keepingCapacity: true)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
    }
}
