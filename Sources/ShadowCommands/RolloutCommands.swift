import ArgumentParser
import Foundation
import LMS
import ShadowKit
import ShadowReport
import ShadowRollout

// Commands that move feature flags through the rollout plan: advance, rollback, freeze, unfreeze, ledger, monitor.

/// Who a ledger entry names: `--actor`, else `$USER`, else "unknown".
struct ActorOption: ParsableArguments {
    @Option(name: .long, help: "Name recorded in the ledger (default: $USER).")
    var actor: String?

    var resolved: String {
        if let actor, !actor.trimmingCharacters(in: .whitespaces).isEmpty { return actor }
        if let user = ProcessInfo.processInfo.environment["USER"], !user.isEmpty { return user }
        return "unknown"
    }
}

/// The rollout plan file.
struct PlanOption: ParsableArguments {
    @Option(name: .long, help: "The rollout plan (stages, .env assignments, evidence).")
    var plan: String = "scenarios/rollout.yaml"

    func load() throws(RolloutPlanError) -> RolloutPlan {
        try RolloutPlan.load(path: plan, knownFeatures: Set(LMSFeature.allCases.map(\.rawValue)))
    }
}

let knownFeatureNames = LMSFeature.allCases.map(\.rawValue)

func validateFeature(_ feature: String) throws {
    guard knownFeatureNames.contains(feature) else {
        throw ValidationError("unknown feature \"\(feature)\"; known: \(knownFeatureNames.joined(separator: ", "))")
    }
}

func validateReason(_ reason: String) throws {
    guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
        throw ValidationError("--reason must say why (it is recorded in the ledger)")
    }
}

/// Records the rollbacks a database failure left in `envPath`'s pending journal, saying so.
@discardableResult
func recordPending(envPath: String, store: Store, own: String? = nil) throws -> [(PendingRollback, RollbackRecord)] {
    let recorded = try RolloutEngine.recordPendingRollbacks(envPath: envPath, store: store)
    let earlier = recorded.filter { $0.0.id != own }
    if !earlier.isEmpty {
        printError("note: recorded \(earlier.count) pending rollback(s) from \(PendingJournal.path(forEnv: envPath)) in the ledger "
                   + "(made at \(earlier.map { LedgerEntry.canonicalTimestamp($0.0.at) }.joined(separator: ", ")))")
    }
    return recorded
}

/// The .env as `rollback` reads it: leniently, since a rollback must always work. What phpdotenv would
/// refuse or drop is skipped with a warning; the flag lines are still edited.
func loadEnvForRollback(_ path: String) throws -> DotEnvFile {
    let file = try DotEnvFile.load(contentsOf: path, lenient: true)
    for problem in file.problems {
        printError("warning: could not parse \(problem.description); the rollback edits the flag lines anyway")
    }
    return file
}

func loadEnv(_ path: String) throws -> DotEnvFile {
    try DotEnvFile.load(contentsOf: path)
}

// MARK: - advance

struct AdvanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "advance",
        abstract: "Move FEATURE one stage forward in .env if the gate passes on the latest complete run.",
        discussion: """
            Gates the feature on the latest complete run with the success criteria, checks the evidence the \
            current stage of the rollout plan asks for, and on success writes the next stage's assignments \
            into the .env in place (atomically, backup in .env.bak). Every advance and every refusal is \
            appended to the ledger (not on --dry-run).
            Exit codes: 0 advanced (or would advance), 1 gate failed or feature frozen, 2 inconclusive or \
            refused for lack of evidence (also: already at the last stage, .env at no stage of the plan).
            """)

    @Argument(help: "Feature, e.g. enrollment_service.") var feature: String
    @Option(name: .long, help: "The Laravel .env file to edit.") var env: String
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var planOption: PlanOption
    @Option(name: .long, help: "The success-criteria Markdown table.")
    var criteria: String = defaultCriteriaPath
    @Flag(name: .long, help: "Decide and show the change, but write nothing (no .env, no ledger).")
    var dryRun = false
    @OptionGroup var actor: ActorOption
    @Option(name: .long, help: "Why (recorded in the ledger).") var reason: String?
    @Flag(name: .long, help: "Print the decision as JSON.") var json = false

    func validate() throws { try validateFeature(feature) }

    func run() throws {
        let plan = try planOption.load()
        guard plan.feature(feature) != nil else {
            throw CommandError.noStages(plan: plan.file, feature: feature, known: plan.featureNames)
        }
        let evaluator = try loadCriteria(criteria).evaluator
        let store = try database.store()
        try recordPending(envPath: env, store: store)
        let engine = RolloutEngine(plan: plan, store: store, evaluator: evaluator, actor: actor.resolved)
        let report = try engine.advance(feature: feature, envPath: env, dryRun: dryRun, reason: reason)
        let diff = EnvDiff.render(file: env, original: report.original, edited: report.edited, changes: report.changes)
        if json {
            print(JSONOutput.text(report.document(env: env, dryRun: dryRun)))
        } else {
            print(Self.text(report, diff: diff, env: env, dryRun: dryRun), terminator: "")
        }
        try ExitCodes.verdict(report.exitCode)
    }

    static func text(_ report: AdvanceReport, diff: String, env: String, dryRun: Bool) -> String {
        var out = ""
        let target = report.toStage.map { " → \($0)" } ?? ""
        switch report.outcome {
        case .advanced:
            out += "ADVANCED \(report.feature): \(report.fromStage)\(target)\n\(report.message)\n\n\(diff)\n"
            out += "Wrote \(env) (previous version in \(env).bak).\n"
            out += "Next: reload the app's config (php artisan config:clear) so it reads the new values.\n"
        case .wouldAdvance:
            out += "DRY RUN: would advance \(report.feature): \(report.fromStage)\(target)\n\(report.message)\n\n\(diff)\n"
            out += "Nothing was written.\n"
        default:
            out += "REFUSED (\(report.outcome.rawValue)) \(report.feature) at \(report.fromStage)\(target):\n"
            out += "\(report.message)\n"
        }
        let checks = report.checks.map { check in
            "  \(check.met ? "ok  " : "FAIL") \(check.name): \(check.measured) (needs \(check.required))"
        }
        if !checks.isEmpty { out += "Evidence:\n" + checks.joined(separator: "\n") + "\n" }
        out += "Gate: \(report.gate.verdict.rawValue.uppercased()) - \(report.gate.reason)\n"
        out += "Bound: rates by the anytime-valid 95% bound (beta-binomial mixture, Howard et al. 2021) over the "
            + "pooled runs; other criteria on the latest complete run.\n"
        if let entry = report.ledgerEntry { out += "Ledger entry \(entry.sequence) (\(entry.action.rawValue)).\n" }
        if dryRun, !report.outcome.isAdvance { out += "Dry run: nothing was recorded.\n" }
        return out
    }
}

// MARK: - rollback

struct RollbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Emergency rollback: turn FEATURE (or --all) off in .env and freeze its advancement.",
        discussion: """
            Sets FEATURE_X=false (and ROLLOUT_X=0 where used) in place - no appended duplicates, comments and \
            other lines kept byte for byte, atomic write, backup in .env.bak - then records the rollback in the \
            ledger and freezes the feature until `shadowgate unfreeze`. Idempotent: a second rollback changes \
            nothing and records that. Needs no run in the database. --all also empties FEATURE_PILOT_USERS, \
            since pilot users get every feature. The rollback is written to <env>.shadowgate-pending.jsonl \
            before the .env is touched; if the database cannot be written the .env is still rolled back, the \
            entry stays in that journal (the next rollback, advance or monitor --env records it) and the \
            command exits 75 saying so.
            """)

    @Argument(help: "Feature to roll back (or use --all).") var feature: String?
    @Flag(name: .long, help: "Roll back every feature.") var all = false
    @Option(name: .long, help: "The Laravel .env file to edit.") var env: String
    @Option(name: .long, help: "Why (required; recorded in the ledger).") var reason: String
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var planOption: PlanOption
    @OptionGroup var actor: ActorOption

    func validate() throws {
        switch (feature, all) {
        case (nil, false): throw ValidationError("name a FEATURE or give --all")
        case (.some, true): throw ValidationError("give either a FEATURE or --all, not both")
        case (.some(let name), false): try validateFeature(name)
        case (nil, true): break
        }
        try validateReason(reason)
    }

    func run() throws {
        // A rollback must work in an emergency even when the plan is broken: the plan only adds stage
        // names and ROLLOUT_X keys the .env does not have yet.
        var plan: RolloutPlan?
        do {
            plan = try planOption.load()
        } catch {
            printError("warning: \(error.description); rolling back without stage names")
        }
        let features = all ? (plan?.featureNames ?? knownFeatureNames) : [feature ?? ""]
        // Read, edit, write; if someone else edits the file in between, start over rather than undo their edit.
        var original = try loadEnvForRollback(env)
        var edit: RollbackEdit
        var pending: PendingRollback
        var attempt = 1
        while true {
            edit = try RolloutEngine.rollbackEdit(env: original, features: features, plan: plan, clearPilotUsers: all)
            // Written ahead, durably: the .env never changes without a record of it, even if the database
            // turns out to be unusable (or the process dies) before the ledger has it.
            pending = PendingRollback(edit, envPath: env, actor: actor.resolved, reason: reason, at: Date())
            do {
                try PendingJournal.append(pending, envPath: env)
            } catch {
                throw CommandError.envNotChanged(error)
            }
            guard edit.changed else { break }
            do {
                try RolloutEngine.write(edit.edited, over: original, to: env)
                break
            } catch {
                try? PendingJournal.remove(ids: [pending.id], envPath: env)
                if attempt < 5, case .changedConcurrently = error {
                    attempt += 1
                    original = try loadEnvForRollback(env)
                    continue
                }
                throw CommandError.envNotChanged(error)
            }
        }
        var out = ""
        for name in features {
            let before = edit.before[name] ?? "?"
            let after = edit.after[name] ?? "?"
            out += "\(name): \(before) → \(after)\n"
        }
        if edit.changed {
            out += "\n" + EnvDiff.render(file: env, original: original, edited: edit.edited, changes: edit.changes)
            out += "\nWrote \(env) (previous version in \(env).bak).\n"
        } else {
            out += "\nNothing to change: \(env) already has the rollback values.\n"
        }
        if !edit.remainingPilotUsers.isEmpty {
            out += "note: FEATURE_PILOT_USERS still lists \(edit.remainingPilotUsers.map(String.init).joined(separator: ",")); "
                + "pilot users get every feature (the guide's isEnabled checks them first), so they keep "
                + "\(features.joined(separator: ", ")). It is shared by all features: `shadowgate rollback --all` empties it.\n"
        }
        print(out, terminator: "")

        let record: RollbackRecord
        do {
            let store = try database.store()
            let recorded = try recordPending(envPath: env, store: store, own: pending.id)
            guard let own = recorded.first(where: { $0.0.id == pending.id })?.1 else {
                print("Ledger: recorded by another process meanwhile.")
                return
            }
            record = own
        } catch {
            throw CommandError.rollbackPending(cause: "\(error)", env: env, journal: PendingJournal.path(forEnv: env))
        }
        var tail = ""
        let sequences = record.rollbackEntries.map { String($0.sequence) }.joined(separator: ", ")
        tail += "Ledger: rollback entr\(record.rollbackEntries.count == 1 ? "y" : "ies") \(sequences).\n"
        for freeze in record.newFreezes {
            tail += "Frozen: \(freeze.feature) (lift with `shadowgate unfreeze \(freeze.feature) --reason TEXT`).\n"
        }
        for freeze in record.existingFreezes {
            tail += "Already frozen: \(freeze.feature) since \(freeze.frozenAt) by \(freeze.actor).\n"
        }
        tail += "Next, as the guide's emergency script: php artisan config:clear && php artisan cache:clear "
            + "&& php artisan queue:restart\n"
        print(tail, terminator: "")
    }
}

// MARK: - freeze / unfreeze

/// What `freeze` and `unfreeze` take: the feature, why, who, and the database the ledger lives in.
struct FreezeChange: ParsableArguments {
    @Argument(help: "Feature, e.g. enrollment_service.") var feature: String
    @Option(name: .long, help: "Why (required; recorded in the ledger).") var reason: String
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var actor: ActorOption

    func validate() throws {
        try validateFeature(feature)
        try validateReason(reason)
    }
}

struct FreezeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "freeze",
        abstract: "Block `advance` of FEATURE until `shadowgate unfreeze` (the .env is not touched).")

    @OptionGroup var change: FreezeChange

    func run() throws {
        let feature = change.feature
        let store = try change.database.store()
        let result = try store.freeze(feature: feature, at: Date(), actor: change.actor.resolved, reason: change.reason)
        if let entry = result.entry {
            print("Frozen: \(feature) (ledger entry \(entry.sequence)). Lift with `shadowgate unfreeze \(feature) --reason TEXT`.")
        } else {
            print("\(feature) is already frozen since \(result.freeze.frozenAt) by \(result.freeze.actor) "
                  + "(\(result.freeze.reason)); nothing recorded.")
        }
    }
}

struct UnfreezeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unfreeze",
        abstract: "Lift the freeze a rollback (or `freeze`) put on FEATURE, so it may advance again.")

    @OptionGroup var change: FreezeChange

    func run() throws {
        let feature = change.feature
        let store = try change.database.store()
        if let (lifted, entry) = try store.unfreeze(feature: feature, at: Date(), actor: change.actor.resolved,
                                                    reason: change.reason) {
            print("Unfrozen: \(feature) (frozen since \(lifted.frozenAt) by \(lifted.actor): \(lifted.reason)). "
                  + "Ledger entry \(entry.sequence). `shadowgate advance \(feature)` needs a complete run newer than "
                  + "the one its last advance or rollback rested on.")
        } else {
            print("\(feature) is not frozen; nothing to do.")
        }
    }
}

// MARK: - ledger

struct LedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "List the rollout ledger; --verify checks its hash chain (exit 1 when an entry was altered or removed).")

    @OptionGroup var database: DatabaseOptions
    @Flag(name: .long, help: "Verify the hash chain; exit 1 naming the first broken entry.") var verify = false
    @Flag(name: .long, help: "Print JSON.") var json = false
    @Option(name: .long, help: "List only this feature's entries (verification always covers the whole chain).")
    var feature: String?
    @Option(name: .long, help: ArgumentHelp(
        "With --verify: the hash of the last entry as seen before (printed as 'Head:'); it must still be in the chain.",
        discussion: "A chain with entries cut off its end is otherwise still intact.", valueName: "hash"))
    var anchor: String?

    func validate() throws {
        if let feature { try validateFeature(feature) }
        if let anchor {
            guard verify else { throw ValidationError("--anchor needs --verify") }
            guard anchor.count == 64, anchor.allSatisfy(\.isHexDigit) else {
                throw ValidationError("--anchor: \"\(anchor)\" is not a ledger hash (64 hex digits)")
            }
        }
    }

    func run() throws {
        let store = try database.existingStore()
        let all = try store.ledgerRows()
        let rows = all.filter { row in
            guard let feature else { return true }
            return row.entry?.feature == feature
        }
        let verification = verify ? try store.verifyLedger(anchor: anchor) : nil
        let head = all.last?.entry?.hash
        if json {
            var document: [String: JSONValue] = ["entries": .array(rows.map(Self.json))]
            if let verification { document["verification"] = Self.json(verification) }
            if let head { document["head"] = .string(head) }
            print(JSONValue.object(document).jsonText)
        } else {
            var table: [[String]] = [["#", "at", "actor", "action", "feature", "stage", "reason"]]
            for row in rows {
                guard let entry = row.entry else {
                    table.append([String(row.sequence), "?", "?", "?", "?", "?", LedgerText.visible(row.problem ?? "unreadable")])
                    continue
                }
                let stage = entry.fromStage.map { from in entry.toStage.map { "\(from) → \($0)" } ?? from } ?? ""
                table.append([String(entry.sequence), LedgerEntry.canonicalTimestamp(entry.at), entry.actor,
                              entry.action.rawValue, entry.feature, stage, entry.reason].map(LedgerText.visible))
            }
            if rows.isEmpty {
                print("The ledger is empty.")
            } else {
                print(Format.table(table, rightAligned: [0]), terminator: "")
            }
            switch verification {
            case .intact(let count):
                print("Ledger intact: \(count) entr\(count == 1 ? "y" : "ies"), hash chain verified"
                      + (anchor == nil ? "." : ", anchor found."))
                if let head { print("Head: \(head) (keep it; --verify --anchor HEAD detects entries cut off the end)") }
            case let .broken(sequence, reason): print("LEDGER BROKEN at entry \(sequence): \(reason)")
            case nil: break
            }
        }
        if case .broken = verification { throw ExitCode(ExitCodes.gateFailed) }
    }

    static func json(_ row: StoredLedgerRow) -> JSONValue {
        guard let entry = row.entry else {
            return .object(["sequence": .int(row.sequence), "problem": .string(row.problem ?? "unreadable")])
        }
        let evidence = (try? JSONValue.parse(Array(entry.evidence.utf8))) ?? .string(entry.evidence)
        return .object([
            "sequence": .int(entry.sequence), "at": .string(LedgerEntry.canonicalTimestamp(entry.at)),
            "actor": .string(entry.actor), "action": .string(entry.action.rawValue), "feature": .string(entry.feature),
            "fromStage": entry.fromStage.map(JSONValue.string) ?? .null,
            "toStage": entry.toStage.map(JSONValue.string) ?? .null, "reason": .string(entry.reason),
            "evidence": evidence, "previousHash": .string(entry.previousHash), "hash": .string(entry.hash),
        ])
    }

    static func json(_ verification: LedgerVerification) -> JSONValue {
        switch verification {
        case .intact(let count): .object(["intact": .bool(true), "entries": .int(count)])
        case let .broken(sequence, reason):
            .object(["intact": .bool(false), "brokenAt": .int(sequence), "reason": .string(reason)])
        }
    }
}

// MARK: - monitor

struct MonitorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "The guide's rollout monitor: errors, state transitions and failed jobs in the last window of scenario time.",
        discussion: """
            Counts over the latest complete run, in the window ending at the last time it recorded: \
            domain_event_log rows named *.failed (errors), state_transitions, failed_jobs. Recommends \
            `shadowgate rollback --all` when errors > 10 or failed jobs > 5, as the guide's monitor does.
            Exit codes: 0 within normal range, 1 rollback recommended, 2 no complete run.
            """)

    @OptionGroup var database: DatabaseOptions
    @Option(name: .long, help: "The Laravel .env file whose flags to show.") var env: String?
    @Option(name: .long, help: "Window of scenario time: N followed by s, m, h or d.") var window: String = "1h"
    @OptionGroup var planOption: PlanOption
    @Flag(name: .long, help: "Print JSON.") var json = false

    func validate() throws {
        guard RolloutMonitor.parseWindow(window) != nil else {
            throw ValidationError("--window takes a positive whole number and a unit: 90s, 30m, 1h, 2d")
        }
    }

    func run() throws {
        let seconds = RolloutMonitor.parseWindow(window) ?? 3600
        let file = try env.map(loadEnv)
        // Stage names are a bonus here: without a readable plan the monitor still reports.
        let plan = file == nil ? nil : try? planOption.load()
        let store = try database.existingStore()
        if let env { try recordPending(envPath: env, store: store) }
        let report = try RolloutMonitor.report(store: store, windowSeconds: seconds, env: file,
                                               features: plan?.featureNames ?? knownFeatureNames, plan: plan)
        if json {
            print(Self.json(report))
        } else {
            print(Self.text(report, window: window), terminator: "")
        }
        switch report.recommendation {
        case .normal: break
        case .rollback: throw ExitCode(ExitCodes.gateFailed)
        case .noData: throw ExitCode(ExitCodes.inconclusive)
        }
    }

    static func json(_ report: MonitorReport) -> String {
        JSONOutput.text(report)
    }

    static func text(_ report: MonitorReport, window: String) -> String {
        var out = "Rollout Health Monitor\n======================\n"
        if let counts = report.counts {
            if let start = counts.windowStart, let end = counts.windowEnd {
                out += "Run \(counts.runId), last \(window) of scenario time (\(start) to \(end))\n"
            } else {
                out += "Run \(counts.runId) recorded no events, transitions or failed jobs\n"
            }
            out += "Errors (last \(window)): \(counts.errors)\n"
            out += "State transitions (last \(window)): \(counts.stateTransitions)\n"
            out += "Failed jobs (last \(window)): \(counts.failedJobs)\n"
        } else {
            out += "No complete run in the database: run `shadowgate run` first.\n"
        }
        if !report.flags.isEmpty {
            out += "\nFeature Flags:\n"
            for flag in report.flags {
                if let problem = flag.problem {
                    out += "  \(flag.feature): ? (\(problem))\n"
                    continue
                }
                let on = flag.directFlag == true ? "✓ ON" : "✗ OFF"
                let percent = (flag.percentage ?? 0) > 0 ? ", rollout \(flag.percentage ?? 0)%" : ""
                let stage = flag.stage.map { ", stage \($0)" } ?? ""
                out += "  \(flag.feature): \(on)\(percent)\(stage)\n"
            }
            if !report.pilotUsers.isEmpty {
                out += "  pilot users (every feature): \(report.pilotUsers.map(String.init).joined(separator: ","))\n"
            }
        }
        for freeze in report.frozen {
            out += "  frozen: \(freeze.feature) since \(freeze.frozenAt) by \(freeze.actor) (\(freeze.reason))\n"
        }
        out += "\n"
        switch report.recommendation {
        case .rollback:
            out += "⚠ HIGH ERROR RATE DETECTED: \(report.reasons.joined(separator: "; "))\n"
            out += "Consider rolling back: shadowgate rollback --all --env .env --reason \"...\"\n"
        case .normal:
            out += "✓ All metrics within normal range (\(report.reasons.joined(separator: "; ")))\n"
        case .noData:
            out += "No data: \(report.reasons.joined(separator: "; "))\n"
        }
        return out
    }
}
