import Foundation
import LMS
import LMSShadow
@testable import ShadowKit
import ShadowTestSupport
import Testing

/// Accepted-divergence rules: parsing with errors that name the rule and field, what a rule matches, expiry,
/// and how the runner counts accepted, unexpected and expired-rule divergences.
@Suite struct AcceptedRulesTests {
    static let firstRule = """
          - id: alpha.value
            feature: alpha
            op: alpha.set
            kind: value_mismatch
            paths: ["$.value.amount"]
            reason: The new code returns one more, on purpose.
            owner: team-a
            expires: "2026-11-24"
        """

    /// The second rule field by field, so tests can replace or drop one.
    static let secondRule: [(field: String, value: String)] = [
        ("id", "beta.refusals"), ("feature", "beta"), ("op", "[beta.one, beta.two]"),
        ("kind", "[rejection_mismatch, error_code_mismatch]"), ("controlCode", "accepted"),
        ("candidateCode", "invalid_transition"), ("reason", "Modern refuses what legacy did."), ("owner", "team-b"),
        ("expires", "2027-01-31"),
    ]

    static let thirdRule = """
          - id: effects.any
            feature: effects
            op: alpha.set
            kind: event_mismatch
            paths: ["$.events"]
            reason: Events renamed.
            owner: team-c
            expires: "2026-01-01"
        """

    /// The rules file with the second rule's `field` set to `value` (YAML text), or left out when `value` is nil.
    static func yaml(replacing field: String? = nil, with value: String? = nil) -> String {
        var fields = secondRule
        if let field {
            if let value {
                if fields.contains(where: { $0.field == field }) {
                    fields = fields.map { $0.field == field ? (field, value) : $0 }
                } else {
                    fields.append((field, value))
                }
            } else {
                fields.removeAll { $0.field == field }
            }
        }
        let second = fields.enumerated().map { index, entry in
            (index == 0 ? "  - " : "    ") + "\(entry.field): \(entry.value)"
        }.joined(separator: "\n")
        return "rules:\n" + firstRule + "\n" + second + "\n" + thirdRule + "\n"
    }

    static let yaml = yaml()

    static func rules() throws -> AcceptedRules { try AcceptedRules.parse(yaml, path: "accepted.yaml") }

    static func divergence(feature: String = "alpha", op: String = "alpha.set", kind: DivergenceKind = .valueMismatch,
                           controlCode: String? = nil, candidateCode: String? = nil,
                           paths: [String] = ["$.value.amount"]) -> Divergence {
        Divergence(feature: feature, op: op, kind: kind, scenario: "s", seq: 1, file: "f", line: 1, ordinal: 0,
                   diff: paths.map { DiffEntry(path: $0, control: .int(1), candidate: .int(2)) },
                   controlCode: controlCode, candidateCode: candidateCode, controlOutcome: .null, candidateOutcome: .null,
                   signature: Signature(feature: feature, op: op, kind: kind, controlCode: controlCode,
                                        candidateCode: candidateCode, paths: paths),
                   acceptedRule: nil)
    }

    // MARK: Parsing

    @Test func parsesEveryField() throws {
        let rules = try Self.rules().rules
        #expect(rules.map(\.id) == ["alpha.value", "beta.refusals", "effects.any"])
        #expect(rules[0] == AcceptedRule(id: "alpha.value", feature: "alpha", ops: ["alpha.set"], kinds: [.valueMismatch],
                                         controlCode: nil, candidateCode: nil, paths: [ComparatorTests.pattern("$.value.amount")],
                                         reason: "The new code returns one more, on purpose.", owner: "team-a",
                                         expires: "2026-11-24"))
        // The list forms of op and kind, codes, and an unquoted date.
        #expect(rules[1].ops == ["beta.one", "beta.two"])
        #expect(rules[1].kinds == [.rejectionMismatch, .errorCodeMismatch])
        #expect(rules[1].controlCode == "accepted")
        #expect(rules[1].candidateCode == "invalid_transition")
        #expect(rules[1].paths.isEmpty)
        #expect(rules[1].expires == "2027-01-31")
    }

    @Test func emptyFileHasNoRules() throws {
        #expect(try AcceptedRules.parse("rules: []\n", path: "a.yaml").rules.isEmpty)
    }

    @Test(arguments: [
        // (field of the second rule, its new YAML value, what the message must contain)
        ("kind", "value_mismatched", "rules[1] (beta.refusals): unknown kind \"value_mismatched\""),
        ("kind", "[rejection_mismatch, nope]", "rules[1] (beta.refusals): unknown kind \"nope\""),
        ("op", "[]", "rules[1] (beta.refusals): op must name at least one operation"),
        ("candidateCode", "[a, b]", "rules[1].candidateCode"),
        ("paths", "[\"value.amount\"]", "rules[1] (beta.refusals): \"value.amount\" is not a path"),
        ("paths", "\"$.a\"", "rules[1].paths"),
        ("expires", "soon", "rules[1] (beta.refusals): expires \"soon\" is not a date"),
        ("expires", "\"2027-02-30\"", "rules[1] (beta.refusals): expires \"2027-02-30\" is not a date"),
        ("expires", "\"2027-1-31\"", "rules[1] (beta.refusals): expires \"2027-1-31\" is not a date"),
        ("reason", "\"  \"", "rules[1] (beta.refusals): reason must not be empty"),
        ("owner", "\"\"", "rules[1] (beta.refusals): owner must not be empty"),
        ("id", "alpha.value", "rules[1] (alpha.value): duplicate id"),
        ("kind", "{a: 1}", "rules[1].kind"),
        ("feature", "[x]", "rules[1].feature"),
    ] as [(String, String, String)])
    func errorsNameTheRuleAndField(field: String, value: String, message: String) throws {
        let error = #expect(throws: ConfigError.self) {
            try AcceptedRules.parse(Self.yaml(replacing: field, with: value), path: "accepted.yaml")
        }
        #expect(error?.file == "accepted.yaml")
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
        // Decoding errors point at the line of the field at fault when it is in the document.
        #expect(error?.description.hasPrefix("accepted.yaml:") == true)
        if let line = error?.line {
            let text = Self.yaml(replacing: field, with: value).split(separator: "\n", omittingEmptySubsequences: false)
            #expect(line >= 1 && line <= text.count)
        }
    }

    @Test(arguments: ["id", "feature", "op", "kind", "reason", "owner", "expires"])
    func missingRequiredFieldNamesTheRuleAndField(field: String) throws {
        let error = #expect(throws: ConfigError.self) {
            try AcceptedRules.parse(Self.yaml(replacing: field, with: nil), path: "accepted.yaml")
        }
        #expect(error?.message.contains("rules[1]") == true, "\(String(describing: error))")
        #expect(error?.message.contains("missing field \"\(field)\"") == true, "\(String(describing: error))")
    }

    @Test func notYAMLOrWrongShape() throws {
        #expect(throws: ConfigError.self) { try AcceptedRules.parse("rules: [", path: "a.yaml") }
        let error = #expect(throws: ConfigError.self) { try AcceptedRules.parse("rule: []", path: "a.yaml") }
        #expect(error?.message.contains("rules") == true)
        let directory = try TemporaryDirectory()
        let missing = #expect(throws: ConfigError.self) { try AcceptedRules.load(path: directory.file("none.yaml")) }
        #expect(missing?.message == "cannot read the file")
        #expect(missing?.isUnreadable == true)
        #expect(error?.isUnreadable == false)
        let path = try directory.write("accepted.yaml", Self.yaml)
        #expect(try AcceptedRules.load(path: path) == Self.rules())
    }

    @Test func days() {
        #expect(AcceptedRules.isDay("2026-11-24"))
        #expect(AcceptedRules.isDay("2028-02-29"))
        #expect(!AcceptedRules.isDay("2027-02-29"))
        #expect(!AcceptedRules.isDay("2026-11-24T00:00:00Z"))
        #expect(!AcceptedRules.isDay("26-11-24"))
        #expect(!AcceptedRules.isDay(""))
    }

    // MARK: Matching

    @Test func matchesFeatureOpKindAndPaths() throws {
        let rule = try Self.rules().rules[0]
        #expect(rule.matches(Self.divergence()))
        #expect(!rule.matches(Self.divergence(feature: "beta")))
        #expect(!rule.matches(Self.divergence(op: "alpha.other")))
        #expect(!rule.matches(Self.divergence(kind: .eventMismatch)))
    }

    @Test func pathsNarrowerThanTheDivergenceDoNotMatch() throws {
        let rule = try Self.rules().rules[0]
        #expect(!rule.matches(Self.divergence(paths: ["$.value.amount", "$.status"])))
        #expect(!rule.matches(Self.divergence(paths: ["$.value"])), "a parent path is wider than the rule")
        #expect(rule.matches(Self.divergence(paths: ["$.value.amount", "$.value.amount"])))
        // A rule path covers everything below it.
        var wide = rule
        wide.paths = [ComparatorTests.pattern("$.events")]
        wide.kinds = [.eventMismatch]
        #expect(wide.matches(Self.divergence(kind: .eventMismatch, paths: ["$.events[2].name", "$.events[3]"])))
        #expect(!wide.matches(Self.divergence(kind: .eventMismatch, paths: ["$.events[2].name", "$.jobs[0].status"])))
        // With wildcards.
        var wildcard = rule
        wildcard.paths = [ComparatorTests.pattern("$.events[*].payload.percent")]
        #expect(wildcard.matches(Self.divergence(paths: ["$.events[0].payload.percent", "$.events[4].payload.percent"])))
        #expect(!wildcard.matches(Self.divergence(paths: ["$.events[0].payload.percent", "$.events[4].name"])))
    }

    @Test func rulesWithoutPathsMatchAnyPaths() throws {
        let rule = try Self.rules().rules[1]
        #expect(rule.matches(Self.divergence(feature: "beta", op: "beta.two", kind: .rejectionMismatch,
                                             candidateCode: "invalid_transition", paths: ["$.anything", "$.else[3]"])))
    }

    @Test func opListAndKindList() throws {
        let rule = try Self.rules().rules[1]
        for op in ["beta.one", "beta.two"] {
            #expect(rule.matches(Self.divergence(feature: "beta", op: op, kind: .rejectionMismatch, candidateCode: "invalid_transition")))
        }
        #expect(!rule.matches(Self.divergence(feature: "beta", op: "beta.three", kind: .rejectionMismatch, candidateCode: "invalid_transition")))
        #expect(!rule.matches(Self.divergence(feature: "beta", op: "beta.one", kind: .valueMismatch, candidateCode: "invalid_transition")))
    }

    @Test func codesMustMatchAndAcceptedMeansCarriedOut() throws {
        let rule = try Self.rules().rules[1]
        let matching = Self.divergence(feature: "beta", op: "beta.one", kind: .rejectionMismatch, controlCode: nil,
                                       candidateCode: "invalid_transition")
        #expect(rule.matches(matching))
        var otherCandidate = matching
        otherCandidate.candidateCode = "course_full"
        #expect(!rule.matches(otherCandidate))
        var controlRefused = matching
        controlRefused.controlCode = "not_found"
        #expect(!rule.matches(controlRefused), "controlCode: accepted requires the control to carry the command out")
        var candidateAccepted = matching
        candidateAccepted.candidateCode = nil
        #expect(!rule.matches(candidateAccepted))
    }

    // MARK: Expiry and classification

    @Test func ruleMatchesUntilItsExpiryDayInclusive() throws {
        let rules = try Self.rules()
        let divergence = Self.divergence()
        #expect(rules.classify(divergence, on: "2026-11-23") == ("alpha.value", []))
        #expect(rules.classify(divergence, on: "2026-11-24") == ("alpha.value", []))
        let after = rules.classify(divergence, on: "2026-11-25")
        #expect(after.rule == nil)
        #expect(after.expired == ["alpha.value"])
        #expect(rules.rules[0].isExpired(on: "2026-11-25"))
        #expect(!rules.rules[0].isExpired(on: "2026-11-24"))
    }

    @Test func firstUnexpiredMatchWinsAndEarlierExpiredOnesAreReported() throws {
        var rules = try Self.rules()
        var newer = rules.rules[0]
        newer.id = "alpha.value.renewed"
        newer.expires = "2027-12-31"
        rules.rules.append(newer)
        let result = rules.classify(Self.divergence(), on: "2026-12-01")
        #expect(result.rule == "alpha.value.renewed")
        #expect(result.expired == ["alpha.value"])
        // An unrelated divergence matches nothing.
        #expect(rules.classify(Self.divergence(feature: "gamma"), on: "2026-12-01") == (nil, []))
    }

    // MARK: In a run

    /// One scenario: an accepted value mismatch, an unexpected one (wrong path), a divergence only an expired
    /// rule matches, and matches.
    static let runCommands: [FakeCommand] = [
        .differ("alpha.set", control: .value(1), candidate: .value(2)),
        .agree("alpha.set", .value(5)),
        .differ("alpha.other", control: .value(1), candidate: .value(2)),
        .differ("alpha.set", control: .value(1, events: ["A"]), candidate: .value(2, events: ["B"])),
        .differ("beta.one", control: .value(0), candidate: .rejected("invalid_transition")),
    ]

    @Test func runCountsAcceptedUnexpectedAndExpired() async throws {
        var source = ScenarioList(Fixtures.scenarios([("s-1", Self.runCommands)], opOf: \.op))
        let (totals, sink) = try await runToMemory(FakeSubject(), options: Fixtures.options(accepted: try Self.rules()),
                                                   source: &source)
        let alpha = try #require(totals.features["alpha"])
        #expect(alpha.comparisons == 4)
        #expect(alpha.matches == 1)
        #expect(alpha.accepted == 2, "seq 1 and seq 4 (value part) are accepted by alpha.value")
        #expect(alpha.mismatches == 1, "alpha.other is not covered by any rule")
        let beta = try #require(totals.features["beta"])
        #expect(beta.accepted == 1)
        #expect(beta.mismatches == 0)
        #expect(beta.stateTransitionErrors == 0, "an accepted refusal is not a state transition error")
        let effects = try #require(totals.features["effects"])
        #expect(effects.comparisons == 5, "effects are compared wherever neither side crashed (a refusal is an outcome)")
        #expect(effects.mismatches == 1, "only the expired rule effects.any matches the event mismatch")
        #expect(effects.accepted == 0)
        #expect(totals.expiredRuleHits == ["effects.any": 1])
        // Accepted divergences are kept and shown, with their rule.
        let divergences = sink.divergences
        #expect(divergences.map(\.seq) == [1, 3, 4, 4, 5])
        #expect(divergences.map(\.acceptedRule) == ["alpha.value", nil, "alpha.value", nil, "beta.refusals"])
        #expect(divergences.map(\.feature) == ["alpha", "alpha", "alpha", "effects", "beta"])
        let accepted = totals.signatures.filter { $0.acceptedRule != nil }
        #expect(Set(accepted.map(\.acceptedRule)) == ["alpha.value", "beta.refusals"])
        #expect(accepted.first { $0.acceptedRule == "alpha.value" }?.count == 2)
    }

    @Test func theSameRunOnTheExpiryDayAcceptsTheEventsToo() async throws {
        var source = ScenarioList(Fixtures.scenarios([("s-1", Self.runCommands)], opOf: \.op))
        let options = Fixtures.options(accepted: try Self.rules(), day: "2026-01-01")
        let (totals, _) = try await runToMemory(FakeSubject(), options: options, source: &source)
        #expect(totals.features["effects"]?.accepted == 1)
        #expect(totals.features["effects"]?.mismatches == 0)
        #expect(totals.expiredRuleHits.isEmpty)
    }

    @Test func expiredRuleIsReportedInTheTable() async throws {
        var source = ScenarioList(Fixtures.scenarios([("s-1", Self.runCommands)], opOf: \.op))
        let (totals, _) = try await runToMemory(FakeSubject(), options: Fixtures.options(accepted: try Self.rules()),
                                                source: &source)
        let table = RunReport(runId: 1, status: .complete, totals: totals, database: ":memory:").table()
        #expect(table.contains("accepted rule effects.any has expired; it would have matched 1 divergences"))
        #expect(table.contains("accepted: alpha.value"))
        #expect(table.contains("UNEXPECTED"))
    }

    /// A signature's status in the table ("accepted: rule" or "UNEXPECTED") must describe all of its divergences:
    /// the accepted signature counts add up to the accepted count, the others to the unexpected count.
    @Test func signatureStatusAgreesWithTheCounts() async throws {
        // The rule requires the candidate to have refused with code x; the event paths are the same either way.
        let rules = try AcceptedRules.parse("""
            rules:
              - id: effects.when-refused
                feature: effects
                op: alpha.a
                kind: event_mismatch
                candidateCode: x
                reason: The refusal emits another event.
                owner: team
                expires: "2027-01-01"
            """, path: "a.yaml")
        let (totals, sink) = try await RunnerTests.run([
            .differ("alpha.a", control: .rejected("x", events: ["A"]), candidate: .rejected("x", events: ["B"])),
            .differ("alpha.a", control: .value(1, events: ["A"]), candidate: .value(1, events: ["B"])),
        ], options: Fixtures.options(accepted: rules))
        #expect(sink.divergences.map(\.acceptedRule) == ["effects.when-refused", nil])
        let effects = try #require(totals.features["effects"])
        #expect((effects.accepted, effects.mismatches) == (1, 1))
        let acceptedBySignatures = totals.signatures.filter { $0.acceptedRule != nil }.reduce(0) { $0 + $1.count }
        let unexpectedBySignatures = totals.signatures.filter { $0.acceptedRule == nil }.reduce(0) { $0 + $1.count }
        #expect(acceptedBySignatures == 1, "\(totals.signatures.map { ($0.text, $0.count, $0.acceptedRule) })")
        #expect(unexpectedBySignatures == 1)
    }

    // MARK: The shipped rules and the real quirks

    static var shippedRulesPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scenarios/accepted.yaml").path
    }

    @Test func shippedRulesParseAndNameKnownFeaturesAndOps() throws {
        let rules = try AcceptedRules.load(path: Self.shippedRulesPath)
        #expect(!rules.rules.isEmpty)
        let features = Set(LMSFeature.allCases.map(\.rawValue))
        let ops = Set(LMSOperation.allCases.map(\.rawValue))
        for rule in rules.rules {
            #expect(features.contains(rule.feature), "\(rule.id): unknown feature \(rule.feature)")
            #expect(rule.ops.allSatisfy(ops.contains), "\(rule.id): unknown op in \(rule.ops)")
            #expect(!rule.isExpired(on: Fixtures.day), "\(rule.id) expired on \(rule.expires)")
            #expect(rule.id.hasPrefix("legacy."), "\(rule.id) does not name a documented quirk")
        }
    }

    /// Every divergence a quirk's trigger produces is accepted by the shipped rules; its control produces none.
    @Test(arguments: LegacyQuirk.all.map(\.id))
    func shippedRulesAcceptEachQuirkAndNothingInItsControl(id: String) async throws {
        let quirk = try #require(LegacyQuirk.all.first { $0.id == id })
        let rules = try AcceptedRules.load(path: Self.shippedRulesPath)
        let comparator = OutcomeComparator(rules: try ComparatorRules.load(
            path: Self.shippedRulesPath.replacingOccurrences(of: "accepted.yaml", with: "comparator.yaml")))
        // All lines at the same time: only clock.advance moves the clock, as in the quirk catalogue.
        var source = ScenarioList(Fixtures.scenarios([("trigger", quirk.trigger), ("control", quirk.control)], step: 0,
                                                    opOf: { $0.op.rawValue }))
        let (totals, sink) = try await runToMemory(LMSSubject(), options: Fixtures.options(comparator: comparator, accepted: rules),
                                                   source: &source)
        let trigger = sink.divergences.filter { $0.scenario == "trigger" }
        #expect(trigger.contains { $0.seq == quirk.trigger.count }, "\(id): the last command does not diverge")
        for divergence in trigger {
            #expect(divergence.acceptedRule != nil, "\(id): unexpected \(divergence.signature.text) at seq \(divergence.seq)")
        }
        #expect(sink.divergences.filter { $0.scenario == "control" }.isEmpty, "\(id): its control diverges")
        #expect(totals.features.values.allSatisfy { $0.mismatches == 0 })
        #expect(totals.expiredRuleHits.isEmpty)
    }
}
