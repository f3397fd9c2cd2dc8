import Foundation
import ShadowKit

// MARK: - Errors

/// Why a rollout command could not do its work at all (as opposed to refusing an advance, which is a
/// normal answer recorded in the ledger). The description is what a user should read.
public enum RolloutError: Error, Sendable, CustomStringConvertible {
    /// The `.env` cannot be read, parsed or written.
    case env(DotEnvError)
    /// A flag value in the `.env` that the app would misread (e.g. `FEATURE_PILOT_USERS=1,x`).
    case flags(FlagConfigurationError)
    /// The run database failed.
    case store(StoreError)
    /// The feature is not in the rollout plan.
    case unknownFeature(String, plan: String, known: [String])
    /// The plan contradicts itself in a way parsing cannot see (e.g. entering a stage would also satisfy a
    /// later one). Fix the plan.
    case inconsistentPlan(String)

    public var description: String {
        switch self {
        case .env(let error): error.description
        case .flags(let error): error.description
        case .store(let error): error.description
        case let .unknownFeature(feature, plan, known):
            "\(plan): no feature \"\(feature)\" in the rollout plan (features: \(known.joined(separator: ", ")))"
        case .inconsistentPlan(let message): message
        }
    }
}

// MARK: - Advance

/// The answer of one `advance`.
public enum AdvanceOutcome: String, Sendable, Codable, CaseIterable {
    /// Moved one stage; the `.env` was written.
    case advanced
    /// Dry run: would have moved one stage; nothing was written.
    case wouldAdvance = "would_advance"
    /// Refused: the feature is frozen.
    case frozen
    /// Refused: the gate fails for the feature.
    case gateFailed = "gate_failed"
    /// Refused: the gate is inconclusive (no complete run, too little data).
    case gateInconclusive = "gate_inconclusive"
    /// Refused: the run that passed already justified an earlier step of this feature, or predates its rollback.
    case staleEvidence = "stale_evidence"
    /// Refused: the gate passes but the stage's evidence minimums are not met.
    case insufficientEvidence = "insufficient_evidence"
    /// Refused: another feature is not yet at the stage this one requires.
    case requirementNotMet = "requirement_not_met"
    /// Refused: the feature is at its last stage.
    case lastStage = "last_stage"
    /// Refused: the `.env` matches no stage of the plan.
    case unknownStage = "unknown_stage"

    /// Exit codes as the gate's: 0 advanced, 1 refused on a failure (gate failed, frozen), 2 refused for
    /// want of evidence or of a stage to go to.
    public var exitCode: Int32 {
        switch self {
        case .advanced, .wouldAdvance: 0
        case .frozen, .gateFailed: 1
        case .gateInconclusive, .staleEvidence, .insufficientEvidence, .requirementNotMet, .lastStage, .unknownStage: 2
        }
    }

    public var isAdvance: Bool { self == .advanced || self == .wouldAdvance }
}

/// One evidence minimum of a stage, checked against the gated run.
public struct EvidenceCheck: Sendable, Codable, Equatable {
    /// `minComparisons`, `minScenarioHours`, `requires.<feature>` or `freshRun`.
    public var name: String
    public var required: String
    public var measured: String
    public var met: Bool
}

/// Another feature whose stage changed as a side effect (only the shared pilot list does that).
public struct StageMove: Sendable, Codable, Equatable {
    public var feature: String
    public var from: String
    public var to: String
}

/// What `advance` decided and did.
public struct AdvanceReport: Sendable {
    public var feature: String
    public var outcome: AdvanceOutcome
    /// The stage before (`unknown/custom` when the `.env` matches none).
    public var fromStage: String
    /// The next stage, when there is one.
    public var toStage: String?
    /// One or two sentences for the user; for a refusal, what to do about it.
    public var message: String
    public var gate: GateDecision
    public var checks: [EvidenceCheck]
    /// The `.env` edits made (or, on a dry run, that would be made).
    public var changes: [DotEnvChange]
    /// The `.env` before and after the edit (after == before when nothing changes).
    public var original: DotEnvFile
    public var edited: DotEnvFile
    /// Other features whose stage the edit also changes.
    var alsoMoved: [StageMove]
    /// The freeze that blocked the advance.
    public var freeze: FeatureFreeze?
    /// The ledger entry written (nil on a dry run).
    public var ledgerEntry: LedgerEntry?

    public var exitCode: Int32 { outcome.exitCode }

    /// The evidence JSON stored with the ledger entry (``document(env:)`` as a tree).
    func evidenceJSON(env: String) -> JSONValue { JSONOutput.value(document(env: env)) }

    /// The ledger's evidence, and with `dryRun` set the `advance --json` document: `env`, `outcome`, `runId`,
    /// `gate` (as `gate --json`, with the `pool` it judged the rates on), `checks[]`, `changes[]`, `alsoMoved[]`.
    public func document(env: String, dryRun: Bool? = nil) -> AdvanceDocument {
        AdvanceDocument(env: env, outcome: outcome, runId: gate.runId, gate: gate, checks: checks,
                        changes: changes.map { .init(key: $0.key, old: $0.oldValue, new: $0.newValue, line: $0.line) },
                        alsoMoved: alsoMoved,
                        feature: dryRun == nil ? nil : feature, from: dryRun == nil ? nil : fromStage,
                        to: toStage, message: dryRun == nil ? nil : message, dryRun: dryRun,
                        ledgerSequence: ledgerEntry?.sequence)
    }
}

/// What `advance --json` prints and the ledger keeps as an advance's evidence (see ``AdvanceReport/document(env:dryRun:)``).
public struct AdvanceDocument: Encodable, Sendable {
    public struct Change: Encodable, Sendable {
        public var key: String
        public var old: String?
        public var new: String
        public var line: Int
        enum CodingKeys: String, CodingKey { case key, old, new, line }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(key, forKey: .key)
            try c.encode(old, forKey: .old)
            try c.encode(new, forKey: .new)
            try c.encode(line, forKey: .line)
        }
    }
    public var env: String
    public var outcome: AdvanceOutcome
    public var runId: Int64?
    public var gate: GateDecision
    public var checks: [EvidenceCheck]
    public var changes: [Change]
    var alsoMoved: [StageMove]
    public var feature: String?
    public var from: String?
    public var to: String?
    public var message: String?
    public var dryRun: Bool?
    public var ledgerSequence: Int?

    enum CodingKeys: String, CodingKey {
        case env, outcome, runId, gate, checks, changes, alsoMoved, feature, from, to, message, dryRun, ledgerSequence
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(env, forKey: .env)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(runId, forKey: .runId)
        try c.encode(gate, forKey: .gate)
        try c.encode(checks, forKey: .checks)
        try c.encode(changes, forKey: .changes)
        try c.encode(alsoMoved, forKey: .alsoMoved)
        // The command's own fields: present in `advance --json`, not in the ledger's evidence.
        if let dryRun {
            try c.encode(feature, forKey: .feature)
            try c.encode(from, forKey: .from)
            try c.encode(to, forKey: .to)
            try c.encode(message, forKey: .message)
            try c.encode(dryRun, forKey: .dryRun)
            try c.encode(ledgerSequence, forKey: .ledgerSequence)
        }
    }
}

// MARK: - Rollback

/// The `.env` edit of a rollback, computed before anything is written.
public struct RollbackEdit: Sendable {
    public var features: [String]
    public var original: DotEnvFile
    public var edited: DotEnvFile
    public var changes: [DotEnvChange]
    /// Stage of each feature before and after (`unknown/custom`, or `unknown (no plan)` without a plan).
    public var before: [String: String]
    public var after: [String: String]
    /// Whether `FEATURE_PILOT_USERS` was emptied (rollback of every feature only).
    var clearedPilotUsers: Bool
    /// Pilot users still listed after the edit: they still get the rolled-back feature(s), because the
    /// guide's `isEnabled` checks the shared pilot list before anything else.
    public var remainingPilotUsers: [Int]

    public var changed: Bool { !changes.isEmpty }
}

/// What a recorded rollback wrote to the ledger.
public struct RollbackRecord: Sendable {
    public var rollbackEntries: [LedgerEntry]
    /// Freezes created now; features frozen before keep their original freeze.
    public var newFreezes: [FeatureFreeze]
    public var existingFreezes: [FeatureFreeze]
    var latestCompleteRunId: Int64?
}

// MARK: - Engine

/// Moves features through the rollout plan on evidence, rolls them back, freezes them, and records every
/// step in the ledger of the run database.
public struct RolloutEngine: Sendable {
    public var plan: RolloutPlan
    public var store: Store
    public var evaluator: GateEvaluator
    /// Recorded as the ledger entry's actor.
    public var actor: String
    /// The time stamped on ledger entries and freezes.
    public var now: @Sendable () -> Date

    public init(plan: RolloutPlan, store: Store, evaluator: GateEvaluator, actor: String,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.plan = plan
        self.store = store
        self.evaluator = evaluator
        self.actor = actor
        self.now = now
    }

    /// Gates `feature` on the latest complete run and, when the gate passes and the stage's evidence is met,
    /// moves it exactly one stage forward in the `.env` at `envPath` (atomically, with a `.bak` backup).
    ///
    /// Refusals are answers, not errors: they come back as a report (and, unless `dryRun`, a
    /// `refused_advance` ledger entry). A dry run computes everything and writes nothing at all: not the
    /// `.env`, not the ledger, not the gate decision.
    public func advance(feature: String, envPath: String, dryRun: Bool = false, reason: String? = nil)
        throws(RolloutError) -> AdvanceReport
    {
        guard let featurePlan = plan.feature(feature) else {
            throw .unknownFeature(feature, plan: plan.file, known: plan.featureNames)
        }
        let env: DotEnvFile
        do { env = try DotEnvFile.load(contentsOf: envPath) } catch { throw .env(error) }
        let position = featurePlan.position(in: env)

        let freeze: FeatureFreeze?
        let run: StoredRun?
        let floor: (runId: Int64, sequence: Int)?
        let pool: PooledEvidence
        do {
            freeze = try store.freeze(of: feature)
            if let id = try store.latestCompleteRunId() { run = try store.run(id: id) } else { run = nil }
            floor = try evidenceFloor(feature: feature)
            // The evidence since the feature's last stage change, of the latest run's candidate version.
            pool = try store.pooledEvidence(feature: feature, afterRunId: floor?.runId)
        } catch { throw .store(error) }

        let gate = evaluator.evaluate(pooled: pool, latest: run, feature: feature)
        var report = AdvanceReport(
            feature: feature, outcome: .unknownStage, fromStage: position.ledgerName, toStage: nil, message: "",
            gate: gate, checks: [], changes: [], original: env, edited: env, alsoMoved: [], freeze: freeze,
            ledgerEntry: nil)
        decide(&report, plan: featurePlan, position: position, env: env, run: run, floor: floor)

        if report.outcome == .advanced, let index = position.index {
            let next = featurePlan.stages[index + 1]
            let edits: [(key: String, value: String)]
            do { edits = try RolloutPlan.edits(for: next.assignments, in: env) } catch { throw .flags(error) }
            do { (report.edited, report.changes) = try env.setting(edits) } catch { throw .env(error) }
            guard featurePlan.position(in: report.edited) == .stage(index: index + 1, name: next.name) else {
                throw .inconsistentPlan(
                    "\(plan.file):\(next.line): entering stage \"\(next.name)\" of \(feature) does not leave the .env "
                        + "at that stage (now \(featurePlan.position(in: report.edited))); make each stage's env "
                        + "assignments tell it apart from the later stages")
            }
            report.alsoMoved = plan.features.filter { $0.feature != feature }.compactMap { other in
                let before = other.position(in: env).ledgerName
                let after = other.position(in: report.edited).ledgerName
                return before == after ? nil : StageMove(feature: other.feature, from: before, to: after)
            }
            if !report.alsoMoved.isEmpty {
                report.message += " The shared pilot list also moves "
                    + report.alsoMoved.map { "\($0.feature) (\($0.from) → \($0.to))" }.joined(separator: ", ") + "."
            }
            // A frozen feature must not move, not even as a side effect of the shared pilot list.
            var frozenAlongside: [(String, FeatureFreeze)] = []
            for move in report.alsoMoved {
                do {
                    if let other = try store.freeze(of: move.feature) { frozenAlongside.append((move.feature, other)) }
                } catch { throw .store(error) }
            }
            if !frozenAlongside.isEmpty {
                report.outcome = .frozen
                report.toStage = nil
                report.edited = env
                report.changes = []
                report.message = "refused: entering this stage changes the shared FEATURE_PILOT_USERS list, which would "
                    + "also move " + frozenAlongside.map { "\($0.0) (frozen since \($0.1.frozenAt) by \($0.1.actor))" }
                        .joined(separator: ", ")
                    + "; unfreeze them with `shadowgate unfreeze FEATURE --reason TEXT` or give the pilots per-feature stages"
            }
            if dryRun, report.outcome == .advanced { report.outcome = .wouldAdvance }
        }
        guard !dryRun else { return report }

        if report.outcome == .advanced {
            do { try Self.write(report.edited, over: env, to: envPath) } catch { throw .env(error) }
        }
        do {
            try store.recordGateDecision(runId: gate.runId, verdict: gate.verdict, document: gate.json.jsonText,
                                         at: now().timeIntervalSince1970)
            let entryReason = reason.map { "\($0): \(report.message)" } ?? report.message
            report.ledgerEntry = try store.appendLedger(
                at: now(), actor: actor, action: report.outcome == .advanced ? .advance : .refusedAdvance,
                feature: feature, fromStage: report.fromStage, toStage: report.toStage, reason: entryReason,
                evidence: report.evidenceJSON(env: envPath).jsonText)
        } catch { throw .store(error) }
        return report
    }

    /// Decides the outcome of an advance and fills in the message and evidence checks.
    private func decide(_ report: inout AdvanceReport, plan featurePlan: FeaturePlan, position: StagePosition,
                        env: DotEnvFile, run: StoredRun?, floor: (runId: Int64, sequence: Int)?) {
        let feature = featurePlan.feature
        func refuse(_ outcome: AdvanceOutcome, _ message: String) {
            report.outcome = outcome
            report.message = message
        }
        if let freeze = report.freeze {
            if let index = position.index, index + 1 < featurePlan.stages.count {
                report.toStage = featurePlan.stages[index + 1].name
            }
            return refuse(.frozen,
                          "\(feature) is frozen since \(freeze.frozenAt) by \(freeze.actor) (\(freeze.reason)): "
                              + "unfreeze with `shadowgate unfreeze \(feature) --reason TEXT`")
        }
        guard let index = position.index else {
            let found = Self.describe(position, keys: featurePlan.keys)
            let stages = featurePlan.stages.map { stage in
                "\(stage.name): \(stage.assignments.map(\.text).joined(separator: " "))"
            }.joined(separator: "; ")
            return refuse(.unknownStage,
                          "the .env matches no stage of \(feature) (\(found)); set these keys to one of the plan's "
                              + "stages (\(stages)), or use `shadowgate rollback \(feature)` to turn it off")
        }
        let stage = featurePlan.stages[index]
        let next = index + 1 < featurePlan.stages.count ? featurePlan.stages[index + 1] : nil
        report.toStage = next?.name
        guard let next else {
            return refuse(.lastStage, "\(feature) is already at its last stage (\(stage.name)); there is nothing to advance to")
        }
        // One run justifies one step: otherwise a single run could carry a feature from off to 100% in a row.
        // Checked before the gate: without a newer run there is nothing to pool.
        if let floor, let run {
            let fresh = run.id > floor.runId
            report.checks.append(EvidenceCheck(name: "freshRun", required: "a complete run newer than run \(floor.runId)",
                                               measured: "run \(run.id)", met: fresh))
            if !fresh {
                return refuse(.staleEvidence,
                              "run \(run.id) is not newer than run \(floor.runId), which ledger entry \(floor.sequence) "
                                  + "already used for \(feature); each step needs a new complete run (`shadowgate run`)")
            }
        }
        let featureGate = report.gate.features.first { $0.feature == feature }
        let verdict = featureGate?.verdict ?? report.gate.verdict
        let runText = run.map { " on run \($0.id)" } ?? ""
        let poolText = report.gate.pool.map { " (rates \($0.summary))" } ?? ""
        switch verdict {
        case .pass:
            break
        case .fail:
            let reasons = (featureGate?.criteria ?? []).filter { $0.verdict == .fail }.map { "\($0.metric): \($0.reason)" }
            return refuse(.gateFailed, "the gate fails for \(feature)\(runText): "
                          + (reasons.isEmpty ? report.gate.reason : reasons.joined(separator: "; ")) + poolText)
        case .inconclusive, .notMeasured:
            let reasons = (featureGate?.criteria ?? []).filter { $0.verdict == .inconclusive }
                .map { "\($0.metric): \($0.reason)" }
            return refuse(.gateInconclusive, "the gate is inconclusive for \(feature)\(runText): "
                          + (reasons.isEmpty ? report.gate.reason : reasons.joined(separator: "; ")) + poolText)
        }
        guard let run else { return refuse(.gateInconclusive, "no complete run") }

        let evidence = stage.evidence
        // The pooled comparisons (each distinct input once), as the rate rows were judged on.
        let comparisons = report.gate.pool?.comparisons ?? run.features[feature]?.comparisons ?? 0
        var unmet: [String] = []
        if evidence.minComparisons > 0 {
            let met = comparisons >= evidence.minComparisons
            report.checks.append(EvidenceCheck(name: "minComparisons", required: Format.count(evidence.minComparisons),
                                               measured: Format.count(comparisons), met: met))
            if !met {
                unmet.append("\(Format.count(comparisons)) pooled comparisons of \(feature), "
                             + "\(Format.count(evidence.minComparisons)) needed (\(Format.count(evidence.minComparisons - comparisons)) more)")
            }
        }
        if evidence.minScenarioHours > 0 {
            let hours = run.scenarioSeconds / 3600
            let met = hours >= evidence.minScenarioHours
            report.checks.append(EvidenceCheck(name: "minScenarioHours", required: Self.hours(evidence.minScenarioHours),
                                               measured: Self.hours(hours), met: met))
            if !met {
                unmet.append("run \(run.id) covers \(Self.hours(hours)) of scenario time, \(Self.hours(evidence.minScenarioHours)) needed")
            }
        }
        if !unmet.isEmpty {
            return refuse(.insufficientEvidence,
                          "the gate passes, but stage \(stage.name) needs more evidence before \(next.name): "
                              + unmet.joined(separator: "; ") + "; run more traffic and try again")
        }
        var missing: [String] = []
        for requirement in evidence.requires {
            guard let other = plan.feature(requirement.feature),
                  let required = other.stageIndex(named: requirement.stage) else { continue }
            let otherPosition = other.position(in: env)
            let met = (otherPosition.index ?? -1) >= required
            report.checks.append(EvidenceCheck(name: "requires.\(requirement.feature)",
                                               required: "\(requirement.stage) or later",
                                               measured: otherPosition.ledgerName, met: met))
            if !met {
                missing.append("\(requirement.feature) is at \(requirement.stage) or later (now \(otherPosition.ledgerName))")
            }
        }
        if !missing.isEmpty {
            return refuse(.requirementNotMet,
                          "\(feature) may leave \(stage.name) only once " + missing.joined(separator: " and "))
        }
        report.outcome = .advanced
        report.message = "\(feature): \(stage.name) → \(next.name); the gate passes on run \(run.id) "
            + "(rates by the anytime bound, \(report.gate.pool?.summary ?? "no pool"))"
            + (report.checks.isEmpty ? "" : " and the stage's evidence is met") + "."
    }

    /// The highest run that already justified a step of `feature` (an advance), or was the latest complete run
    /// when it was rolled back, with the ledger entry that says so.
    func evidenceFloor(feature: String) throws(StoreError) -> (runId: Int64, sequence: Int)? {
        var floor: (runId: Int64, sequence: Int)?
        for entry in try store.ledgerEntries() where entry.feature == feature {
            let key: String
            switch entry.action {
            case .advance: key = "runId"
            case .rollback: key = "latestCompleteRunId"
            default: continue
            }
            guard let document = try? JSONValue.parse(Array(entry.evidence.utf8)),
                  let number = document[key]?.numberValue else { continue }
            let runId = Int64(number)
            if floor == nil || runId >= (floor?.runId ?? 0) { floor = (runId, entry.sequence) }
        }
        return floor
    }

    // MARK: Rollback

    /// The guide's emergency rollback for `features`, as an edit of `env`: each `FEATURE_X=false`, and
    /// `ROLLOUT_X=0` where the file has the key or the plan uses it, replaced in place (duplicates collapsed,
    /// never appended twice). With `clearPilotUsers` the shared pilot list is emptied too, so nobody keeps
    /// any feature. Keys that already hold their rollback value are left alone, so a second rollback
    /// changes nothing. Invalid flag values (e.g. `FEATURE_X=off`, which Laravel reads as on) are replaced.
    public static func rollbackEdit(env: DotEnvFile, features: [String], plan: RolloutPlan?, clearPilotUsers: Bool)
        throws(DotEnvError) -> RollbackEdit
    {
        var wanted: [EnvAssignment] = []
        for feature in features {
            wanted.append(EnvAssignment(key: FlagConfiguration.flagKey(for: feature), value: "false"))
            let rolloutKey = FlagConfiguration.rolloutKey(for: feature)
            let planned = plan?.feature(feature)?.keys.contains(rolloutKey) ?? false
            if planned || env.lastEntry(for: rolloutKey) != nil {
                wanted.append(EnvAssignment(key: rolloutKey, value: "0"))
            }
        }
        var edits: [(key: String, value: String)] = []
        for assignment in wanted {
            let duplicated = env.entries.filter { $0.key == assignment.key }.count > 1
            if duplicated || !RolloutPlan.holds(assignment, in: env) { edits.append((assignment.key, assignment.value)) }
        }
        let pilotKey = FlagConfiguration.pilotUsersKey
        let pilotEntries = env.entries.filter { $0.key == pilotKey }.count
        var cleared = false
        if clearPilotUsers, pilotEntries > 1 || !(env[pilotKey] ?? "").isEmpty {
            edits.append((pilotKey, ""))
            cleared = true
        }
        let (edited, changes) = try env.setting(edits)
        func stages(_ file: DotEnvFile) -> [String: String] {
            var result: [String: String] = [:]
            for feature in features {
                result[feature] = plan?.feature(feature)?.position(in: file).ledgerName ?? "unknown (no plan)"
            }
            return result
        }
        let remaining = RolloutPlan.orderedPilotIds(edited[pilotKey] ?? "")
        return RollbackEdit(features: features, original: env, edited: edited, changes: changes,
                            before: stages(env), after: stages(edited), clearedPilotUsers: cleared,
                            remainingPilotUsers: remaining)
    }

    /// Records a rollback already applied to the `.env`: one `rollback` entry per feature (saying so when
    /// nothing changed), then a freeze (and its `freeze` entry) for each feature not frozen yet.
    /// Needs no run in the database.
    static func recordRollback(_ edit: RollbackEdit, envPath: String, store: Store, actor: String,
                                      reason: String, at: Date) throws(StoreError) -> RollbackRecord {
        let rollback = PendingRollback(edit, envPath: envPath, actor: actor, reason: reason, at: at)
        return try store.write { db in try record(rollback, db) }
    }

    // MARK: Helpers

    /// Writes `edited` atomically (backup `.bak`) unless the file no longer holds `original`'s text: another
    /// process edited it since it was read, and writing would silently undo that edit. Not a lock (the
    /// window between this check and the rename stays), but it turns the common race into an error.
    public static func write(_ edited: DotEnvFile, over original: DotEnvFile, to path: String) throws(DotEnvError) {
        let current = try DotEnvFileIO.readAll(path)
        guard current == original.bytes else {
            throw .changedConcurrently(path: path)
        }
        try DotEnvFile.writeAtomically(bytes: edited.bytes, to: path)
    }

    static func changesJSON(_ changes: [DotEnvChange]) -> JSONValue {
        .array(changes.map { change in
            .object(["key": .string(change.key), "old": change.oldValue.map(JSONValue.string) ?? .null,
                     "new": .string(change.newValue), "line": .int(change.line)])
        })
    }

    static func describe(_ position: StagePosition, keys: [String]) -> String {
        guard case .custom(let values) = position else { return position.description }
        return keys.map { key in
            let value = values[key] ?? nil
            return value.map { "\(key)=\($0)" } ?? "\(key) absent"
        }.joined(separator: ", ")
    }

    static func hours(_ value: Double) -> String {
        value == value.rounded() ? String(format: "%.0f h", value) : String(format: "%.1f h", value)
    }
}
