import Foundation
import LMS
import LMSShadow
import ShadowKit
import ShadowTestSupport
import ShadowWorker
import Testing

/// The counterfactual check for workers (docs/protocol.md, "Switching quirks off: without"): probes are sent
/// ahead, only with the commands whose rules name a quirk the control listed, and their outcomes explain,
/// refute or leave unexplained an accepted divergence as the built-in subject's check does.
@Suite(.tags(.slow), .serialized) struct WorkerProbeTests {
    static let root = WorkerSubjectTests.root
    static let scenarios = WorkerSubjectTests.scenarios

    /// The toy bank's one difference (legacy overdraws, modern refuses), accepted under the quirk `bank.overdraft`.
    static let bankRules = """
        rules:
          - id: bank.overdraft
            feature: ledger
            op: account.withdraw
            kind: rejection_mismatch
            controlCode: accepted
            candidateCode: insufficient_funds
            reason: legacy lets a withdrawal overdraw
            owner: o
            expires: "2099-12-31"
          - id: bank.overdraft.events
            feature: events
            op: account.withdraw
            kind: event_mismatch
            paths: ["$.events"]
            control: {"$.events[*].name": account.withdrawn}
            candidate: {"$.events[0]": null}
            quirk: bank.overdraft
            reason: the refused withdrawal emits nothing
            owner: o
            expires: "2099-12-31"
        """

    static func run(control: String, rules: String = bankRules, state: String? = nil)
        async throws -> (totals: RunTotals, probes: [String]) {
        let file = state ?? FileManager.default.temporaryDirectory.appendingPathComponent("probe-\(UUID().uuidString).log").path
        defer { if state == nil { try? FileManager.default.removeItem(atPath: file) } }
        let subject = try TreeSubject(control: WorkerSubjectTests.worker("\(control) --state-file \(file)", role: "control"),
                                      candidate: WorkerSubjectTests.worker("--mode modern"))
        var source = try ScenarioReader(path: scenarios, decode: subject.decode)
        var sink = WorkerSubjectTests.NullSink()
        let accepted = try AcceptedRules.parse(rules, path: "accepted.yaml")
        let totals = try await ShadowRunner(subject: subject, options: Fixtures.options(accepted: accepted, batchSize: 2))
            .run(&source, sink: &sink)
        let lines = ((try? String(contentsOfFile: file, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        return (totals, lines.filter { $0.hasPrefix("probe ") })
    }

    static func accepted(_ totals: RunTotals) -> [SignatureSummary] {
        totals.signatures.filter { $0.acceptedRule != nil }
    }

    @Test func probesGoOnlyWithTheCommandsARuleNeeds() async throws {
        let (totals, probes) = try await Self.run(control: "--mode legacy --quirks bank.overdraft,bank.unused")
        // The five withdrawals (the rules' op), each with exactly the quirks that apply; nothing else.
        #expect(probes.count == 5)
        #expect(probes.allSatisfy { $0.hasSuffix(" bank.overdraft") })
        #expect(totals.commands == 30)
        // No rule names a listed quirk: no probe at all.
        let none = try await Self.run(control: "--mode legacy --quirks bank.unused")
        #expect(none.probes.isEmpty)
        // No rules at all: no check, no probe.
        let noRules = try await Self.run(control: "--mode legacy --quirks bank.overdraft", rules: "rules: []")
        #expect(noRules.probes.isEmpty)
    }

    @Test func aProbeThatAgreesExplainsAndChangesNothingElse() async throws {
        let (totals, _) = try await Self.run(control: "--mode legacy --quirks bank.overdraft")
        let accepted = Self.accepted(totals)
        #expect(accepted.count == 2)
        #expect(accepted.allSatisfy { $0.explained == $0.count && $0.unexplained == 0 })
        #expect(totals.features["ledger"]?.accepted == 1 && totals.features["ledger"]?.mismatches == 0)
        // The same run without probes counts the same, every accepted divergence unexplained.
        let (plain, probes) = try await Self.run(control: "--mode legacy")
        #expect(probes.isEmpty)
        #expect(plain.features == totals.features)
        #expect(plain.commands == totals.commands)
        #expect(Self.accepted(plain).allSatisfy { $0.unexplained == $0.count && $0.explained == 0 })
        #expect(Self.accepted(plain).map(\.signature).sorted() == accepted.map(\.signature).sorted())
    }

    @Test func aProbeThatDisagreesMakesTheDivergenceUnexpected() async throws {
        let (totals, probes) = try await Self.run(control: "--mode legacy --quirks bank.overdraft --probe ignore")
        #expect(probes.count == 5)
        #expect(Self.accepted(totals).isEmpty)
        let refuted = totals.signatures.filter { $0.text.contains("| not explained by bank.overdraft") }
        #expect(refuted.map(\.feature).sorted() == ["events", "ledger"])
        #expect(refuted.allSatisfy { $0.text.hasSuffix("| not explained by \($0.feature == "ledger" ? "bank.overdraft" : "bank.overdraft.events")") })
        #expect(totals.features["ledger"]?.mismatches == 1 && totals.features["ledger"]?.accepted == 0)
    }

    @Test func aProbeFaultIsAFailedCounterfactual() async throws {
        let (totals, _) = try await Self.run(control: "--mode legacy --quirks bank.overdraft --probe fault")
        // Legacy without the quirk crashes where modern refuses: not explained, and the real applies are untouched.
        #expect(totals.features["ledger"]?.mismatches == 1)
        #expect(totals.features.values.allSatisfy { $0.controlErrors == 0 })
        #expect(totals.signatures.contains { $0.text.hasSuffix("| not explained by bank.overdraft") })
    }

    @Test func aProbeAnsweredInvalidIsBadInput() async throws {
        await #expect(throws: ScenarioError.self) {
            _ = try await Self.run(control: "--mode legacy --quirks bank.overdraft --probe invalid")
        }
    }

    /// `worker-check` plays a scenario with probes before every command when the worker lists quirks: a probe
    /// that changes the world fails the check; one that leaves it as it was passes.
    @Test(arguments: [("honour", true), ("leak", false), ("invalid", false)])
    func workerCheckProbesAWorkerThatListsQuirks(mode: String, passes: Bool) throws {
        var reader = try ScenarioReader(path: Self.scenarios) { line throws(FieldError) in
            TreeCommand(op: line.op, fields: line.fields)
        }
        var scenarios: [ScenarioInput<TreeCommand>] = []
        while let scenario = try reader.nextScenario() { scenarios.append(scenario) }
        // a-2 first: its withdrawal overdraws, so a probe without bank.overdraft refuses it.
        scenarios.sort { ($0.id == "a-2" ? 0 : 1) < ($1.id == "a-2" ? 0 : 1) }
        let command = "\(WorkerSubjectTests.testWorker) --mode legacy --quirks bank.overdraft --probe \(mode)"
        let checks = WorkerChecker(command: WorkerCommand(command: command), options: WorkerOptions(deadline: 2))
            .run(scenarios: scenarios)
        let probes = try #require(checks.first { $0.name == "probes" })
        #expect(probes.passed == passes, "\(probes.detail)")
        let others = checks.filter { $0.name != "probes" }
        #expect(others.allSatisfy { $0.passed }, "\(others.filter { !$0.passed }.map(\.detail))")
        // Without quirks there is no such check.
        let plain = WorkerChecker(command: WorkerCommand(command: "\(WorkerSubjectTests.testWorker) --mode legacy"),
                                  options: WorkerOptions(deadline: 2)).run(scenarios: scenarios)
        #expect(!plain.contains { $0.name == "probes" })
    }

    /// The shipped rules and tolerances over a generated corpus: a worker run whose control is the built-in legacy
    /// served as a worker process (probes over the protocol), and one with the built-in legacy side in process,
    /// explain and leave unexplained exactly what the built-in subject does with the same capabilities.
    @Test func theBuiltinPairThroughWorkersExplainsLikeTheBuiltinSubject() async throws {
        let binary = try #require(ProcessInfo.processInfo.environment["SHADOWGATE_BIN"]
                                  ?? [Self.root.appendingPathComponent(".build/debug/shadowgate").path]
                                    .first(where: FileManager.default.isExecutableFile(atPath:)),
                                  "the shadowgate binary (SHADOWGATE_BIN) serves the built-in legacy side")
        let rules = try AcceptedRules.load(path: Self.root.appendingPathComponent("scenarios/accepted.yaml").path)
        let comparator = OutcomeComparator(rules: try ComparatorRules.load(
            path: Self.root.appendingPathComponent("scenarios/comparator.yaml").path))
        let options = Fixtures.options(workers: 2, comparator: comparator, accepted: rules)
        var sink = WorkerSubjectTests.NullSink()
        var builtinSource = GeneratedSource(seed: 7, count: 80)
        // What a worker control offers: probes, but no corrected world for knock-ons and no triggered quirks.
        let builtin = try await ShadowRunner(subject: BuggyLMS(correctsKnockOns: false, reportsTriggers: false),
                                             options: options).run(&builtinSource, sink: &sink)
        #expect(builtin.signatures.reduce(0) { $0 + $1.explained } > 0)
        for control in [
            try WorkerSide(role: "control", command: WorkerCommand(command: "\(binary) serve-builtin legacy"), count: 2)
                as any SubjectSide,
            BuiltinLMSSide(.legacy, version: "test"),
        ] {
            let subject = try TreeSubject(control: control, candidate: BuiltinLMSSide(.modern, version: "test"))
            var source = MappedSource(GeneratedSource(seed: 7, count: 80)) { command in
                let (op, fields) = LMSCommandCodec.encode(command)
                return TreeCommand(op: op, fields: fields)
            }
            let tree = try await ShadowRunner(subject: subject, options: options).run(&source, sink: &sink)
            func counts(_ totals: RunTotals) -> [String: [Int]] {
                Dictionary(uniqueKeysWithValues: totals.signatures.map { ($0.signature, [$0.count, $0.explained, $0.unexplained]) })
            }
            #expect(counts(tree) == counts(builtin), "\(control.info.name)")
            for (feature, expected) in builtin.features {
                #expect(tree.features[feature]?.mismatches == expected.mismatches, "\(feature)")
                #expect(tree.features[feature]?.accepted == expected.accepted, "\(feature)")
                #expect(tree.features[feature]?.tolerated == expected.tolerated, "\(feature)")
            }
        }
    }
}
