import Foundation
import LMS
import LMSShadow
import ShadowKit
import ShadowReport
import ShadowTestSupport
import Testing

/// ddmin on its own: synthetic predicates whose minimal sets are known.
@Suite struct DeltaDebuggingTests {
    @Test(arguments: [
        (64, [3, 7]),
        (100, [0, 99]),
        (64, [2, 5, 11, 19]),
        (1, [0]),
        (257, [128]),
        (50, [10, 11, 12, 13, 14, 15]),
    ] as [(Int, [Int])])
    func findsTheOnlyMinimalSet(count: Int, culprits: [Int]) {
        let needed = Set(culprits)
        let outcome = DeltaDebugging.minimize(Array(0..<count)) { needed.isSubset(of: Set($0)) }
        #expect(outcome.minimal == culprits)
        #expect(outcome.indices == culprits)
        #expect(outcome.isOneMinimal)
    }

    @Test func oneCulpritInAThousandTakesLogarithmicTests() {
        let outcome = DeltaDebugging.minimize(Array(0..<1024)) { $0.contains(777) }
        #expect(outcome.minimal == [777])
        // Two halves per level, ten levels, then the single removal of the last element.
        #expect(outcome.tests <= 2 * 10 + 2, "took \(outcome.tests) tests")
    }

    @Test func anyKElementsGivesExactlyK() {
        let outcome = DeltaDebugging.minimize(Array(0..<40)) { $0.count >= 5 }
        #expect(outcome.minimal.count == 5)
        #expect(outcome.isOneMinimal)
    }

    @Test func propertyThatNeedsNothingShrinksToEmpty() {
        let outcome = DeltaDebugging.minimize(Array(0..<10)) { _ in true }
        #expect(outcome.minimal.isEmpty)
        #expect(outcome.isOneMinimal)
    }

    @Test func alternativesGiveAOneMinimalSet() {
        // 3 together with 7 or 9: either pair is minimal, and removing any element of it loses the property.
        let test: ([Int]) -> Bool = { $0.contains(3) && ($0.contains(7) || $0.contains(9)) }
        let outcome = DeltaDebugging.minimize(Array(0..<30), test)
        #expect(outcome.minimal == [3, 7] || outcome.minimal == [3, 9])
        for index in outcome.minimal.indices {
            var smaller = outcome.minimal
            smaller.remove(at: index)
            #expect(!test(smaller))
        }
    }

    @Test func keepsTheOrderAnOrderDependentPropertyNeeds() {
        // "open" must come before "close"; the list has decoys of both on the wrong side.
        let items = ["close", "x", "open", "y", "z", "close", "open", "w"]
        let outcome = DeltaDebugging.minimize(items) { list in
            guard let open = list.firstIndex(of: "open") else { return false }
            return list[open...].contains("close")
        }
        #expect(outcome.minimal == ["open", "close"])
        #expect(outcome.indices == [2, 5])
    }

    @Test func stopsAtTheTestLimitWithAResultThatStillFails() {
        let needed: Set = [5, 12]
        let test: ([Int]) -> Bool = { needed.isSubset(of: Set($0)) }
        let outcome = DeltaDebugging.minimize(Array(0..<100), maxTests: 4, test)
        #expect(outcome.tests == 4)
        #expect(!outcome.isOneMinimal)
        #expect(test(outcome.minimal))
        #expect(outcome.minimal.count < 100)
    }

    @Test func isDeterministic() {
        let test: ([Int]) -> Bool = { list in list.filter { $0 % 7 == 3 }.count >= 2 && list.contains(40) }
        let first = DeltaDebugging.minimize(Array(0..<80), test)
        let second = DeltaDebugging.minimize(Array(0..<80), test)
        #expect(first.minimal == second.minimal)
        #expect(first.tests == second.tests)
        #expect(first.minimal.count == 3)
    }
}

/// Scenarios for the LMS shrink tests: quirk triggers hidden in generated traffic.
enum ShrinkScenarios {
    static let subject = LMSSubject()
    /// Job ids are ignored as in `scenarios/comparator.yaml`: they come from each side's own id source and drift
    /// apart once the traffic before a trigger ran different jobs on the two sides.
    static let options = Fixtures.options(comparator: OutcomeComparator(rules: ComparatorRules(
        ignored: PathPattern("$.jobs[*].id").map { [$0] } ?? [])))
    static let replayer = Replayer(subject: subject, options: options)

    static func scenario(_ commands: [LMSCommand], id: String = "trigger") -> ScenarioInput<LMSCommand> {
        // Lines at one time: only clock.advance moves the clock, as in the quirk catalogue.
        Fixtures.scenarios([(id, commands)], step: 0, opOf: { $0.op.rawValue })[0]
    }

    static func signatures(_ scenario: ScenarioInput<LMSCommand>) -> Set<String> {
        Set(replayer.divergences(of: scenario).map(\.signature.id))
    }

    /// Generated traffic (seed 7) as one scenario of 150+ commands, made of the generated scenarios that do not
    /// show `signature` themselves (they show plenty of others).
    static func noise(avoiding signature: String) throws -> ScenarioInput<LMSCommand> {
        var source = GeneratedSource(seed: 7, count: 1000)
        var parts: [ScenarioInput<LMSCommand>] = []
        var total = 0
        while total < 150, let next = try source.nextScenario() {
            guard !signatures(next).contains(signature) else { continue }
            parts.append(next)
            total += next.commands.count
        }
        let noise = ScenarioComposer.concatenate(parts, id: "noisy", file: "memory", subject: subject)
        try #require(noise.commands.count >= 150)
        try #require(!signatures(noise).contains(signature), "the noise itself shows \(signature)")
        return noise
    }

    /// The signature a quirk's trigger shows on its last command, in the quirk's first feature.
    static func target(of quirk: LegacyQuirk) -> Signature? {
        let trigger = scenario(quirk.trigger)
        return replayer.divergences(of: trigger).first {
            $0.seq == trigger.commands.count && $0.feature == quirk.features[0].rawValue
        }?.signature
    }

    /// The quirk's trigger, ids moved out of the generator's range, spread through noise that does not show
    /// `target` on its own.
    static func noisy(_ quirk: LegacyQuirk, target: Signature) throws -> ScenarioInput<LMSCommand> {
        let fresh = try ScenarioComposer.shiftingIDs(quirk.trigger, by: 1_000_000_000, subject: subject)
        return ScenarioComposer.plant(fresh, into: try noise(avoiding: target.id), subject: subject)
    }

    static func quirk(_ id: String) throws -> LegacyQuirk {
        try #require(LegacyQuirk.all.first { $0.id == id })
    }

    /// `true` when removing any single command of `scenario` loses `signature`.
    static func isOneMinimal(_ scenario: ScenarioInput<LMSCommand>, signature: String) -> Bool {
        scenario.commands.indices.allSatisfy { index in
            var smaller = scenario
            smaller.commands.remove(at: index)
            return !signatures(smaller).contains(signature)
        }
    }
}

/// The scenario shrinker on the LMS: every documented quirk comes back in its minimal form.
@Suite struct ScenarioShrinkerTests {
    let shrinker = ScenarioShrinker(subject: ShrinkScenarios.subject, options: ShrinkScenarios.options)

    @Test(arguments: LegacyQuirk.all.map(\.id))
    func eachQuirkShrinksToItsMinimalForm(id: String) throws {
        let quirk = try ShrinkScenarios.quirk(id)
        let target = try #require(ShrinkScenarios.target(of: quirk), "\(id): the trigger shows no divergence")
        let noisy = try ShrinkScenarios.noisy(quirk, target: target)
        try #require(ShrinkScenarios.signatures(noisy).contains(target.id), "\(id): the planted trigger no longer diverges")

        let result = try shrinker.shrink(noisy, target: target.id)
        #expect(result.target == target)
        #expect(result.divergence.signature == target)
        #expect(result.originalLength == noisy.commands.count)
        #expect(result.finalLength == result.scenario.commands.count)
        #expect(result.finalLength <= quirk.trigger.count, "\(id): \(result.lines.map(\.jsonLine))")
        #expect(result.isOneMinimal)
        #expect(result.stoppedBy == nil)
        #expect(ShrinkScenarios.signatures(result.scenario).contains(target.id))
        #expect(ShrinkScenarios.isOneMinimal(result.scenario, signature: target.id), "\(id) is not 1-minimal")
        // The divergence is the last command: everything after the first occurrence is cut.
        #expect(result.divergence.seq == result.finalLength)
    }

    @Test func publishOfAnEmptyCourseIsCreateThenPublish() throws {
        let quirk = try ShrinkScenarios.quirk("legacy.publish_without_lessons")
        let target = try #require(ShrinkScenarios.target(of: quirk))
        let result = try shrinker.shrink(try ShrinkScenarios.noisy(quirk, target: target), target: target.id)
        #expect(result.lines.map(\.op) == ["course.create", "course.publish"])
        // Ids renumbered from 1_000_000_001 to 1, optional fields dropped, the title emptied, the gap closed.
        #expect(result.lines[0].fields == ["courseId": .int(1), "title": .string("")])
        #expect(result.lines[1].fields == ["courseId": .int(1)])
        #expect(result.lines[0].at == result.lines[1].at)
        #expect(result.lines.map(\.seq) == [1, 2])
        #expect(result.lines.allSatisfy { $0.scenario == "noisy-min" })
        #expect(result.scenario.id == "noisy-min")
        #expect(result.valueSimplifications > 0)
    }

    @Test(arguments: [
        // Shorter than the catalogue's trigger: legacy also archives a draft, and then publishes it.
        ("legacy.archived_to_published", ["course.create", "course.archive", "course.publish"]),
        ("legacy.capacity_counts_cancelled", ["course.create", "course.addLesson", "course.publish", "enrollment.enroll",
                                              "enrollment.cancel", "enrollment.enroll"]),
    ])
    func anOrderDependentDivergenceKeepsItsOrder(id: String, ops: [String]) throws {
        let quirk = try ShrinkScenarios.quirk(id)
        let target = try #require(ShrinkScenarios.target(of: quirk))
        let result = try shrinker.shrink(try ShrinkScenarios.noisy(quirk, target: target), target: target.id)
        #expect(result.lines.map(\.op) == ops)
        // The order matters: the last two commands swapped no longer show the signature.
        var swapped = result.scenario
        let count = swapped.commands.count
        let last = swapped.commands[count - 1].command
        swapped.commands[count - 1].command = swapped.commands[count - 2].command
        swapped.commands[count - 2].command = last
        #expect(!ShrinkScenarios.signatures(swapped).contains(target.id))
    }

    @Test func sameScenarioSameResult() throws {
        let quirk = try ShrinkScenarios.quirk("legacy.float_pass_mark")
        let target = try #require(ShrinkScenarios.target(of: quirk))
        let noisy = try ShrinkScenarios.noisy(quirk, target: target)
        let first = try shrinker.shrink(noisy, target: target.id)
        let second = try shrinker.shrink(noisy, target: target.id)
        #expect(first.lines == second.lines)
        #expect(first.predicateCalls == second.predicateCalls)
        #expect(first.valueSimplifications == second.valueSimplifications)
    }

    @Test func aTimeDependentDivergenceKeepsTheTimeItNeeds() throws {
        let quirk = try ShrinkScenarios.quirk("legacy.late_submission_accepted")
        let target = try #require(ShrinkScenarios.target(of: quirk))
        let result = try shrinker.shrink(try ShrinkScenarios.noisy(quirk, target: target), target: target.id)
        let start = try #require(result.lines.firstIndex { $0.op == "attempt.start" })
        let submit = try #require(result.lines.lastIndex { $0.op == "attempt.submit" })
        let quiz = try #require(result.lines.first { $0.op == "course.addQuiz" })
        // The time between start and submit (gaps and clock.advance together) still exceeds the limit.
        let advanced = result.lines[start..<submit].compactMap { line -> Double? in
            guard line.op == "clock.advance", case .int(let seconds)? = line.fields["seconds"] else { return nil }
            return Double(seconds)
        }.reduce(0, +)
        let elapsed = result.lines[submit].at - result.lines[start].at + advanced
        let limitMinutes = quiz.fields["timeLimitMinutes"]?.numberValue ?? 0
        #expect(elapsed > limitMinutes * 60)
        // …and no more than one second past it: the search moved the time down to the edge.
        #expect(elapsed <= limitMinutes * 60 + 1, "\(result.lines.map(\.jsonLine))")
    }

    @Test func aThousandCommandScenarioShrinksToFiveOrFewer() throws {
        let quirk = try ShrinkScenarios.quirk("legacy.publish_without_lessons")
        let target = try #require(ShrinkScenarios.target(of: quirk))
        var source = GeneratedSource(seed: 42, count: 100)
        var parts: [ScenarioInput<LMSCommand>] = []
        var total = 0
        while total < 998, let next = try source.nextScenario() {
            parts.append(next)
            total += next.commands.count
        }
        var noise = ScenarioComposer.concatenate(parts, id: "planted", file: "memory", subject: ShrinkScenarios.subject)
        noise.commands = Array(noise.commands.prefix(998))
        let fresh = try ScenarioComposer.shiftingIDs(quirk.trigger, by: 1_000_000_000, subject: ShrinkScenarios.subject)
        let planted = ScenarioComposer.plant(fresh, into: noise, subject: ShrinkScenarios.subject)
        #expect(planted.commands.count == 1000)
        let result = try shrinker.shrink(planted, target: target.id)
        #expect(result.finalLength <= 5)
        #expect(result.isOneMinimal)
        #expect(ShrinkScenarios.signatures(result.scenario).contains(target.id))
    }

    // MARK: Target, errors, budget

    @Test func defaultTargetIsTheFirstUnexpectedDivergence() throws {
        let accepted = try AcceptedRules.parse("""
            rules:
              - id: legacy.publish_without_lessons
                feature: course_state_machine
                op: course.publish
                kind: rejection_mismatch
                controlCode: accepted
                candidateCode: course_has_no_lessons
                paths: ["$.status", "$.errorCode", "$.value", "$.transitions", "$.snapshot"]
                reason: test
                owner: test
                expires: "2099-01-01"
              - id: legacy.publish_without_lessons.events
                feature: domain_events
                op: course.publish
                kind: event_mismatch
                controlCode: accepted
                candidateCode: course_has_no_lessons
                paths: ["$.events"]
                reason: test
                owner: test
                expires: "2099-01-01"
            """, path: "accepted.yaml")
        // An accepted divergence first (publish of an empty course 1), then an unexpected one (course 2 archived
        // and published again: no rule for it here).
        let commands: [LMSCommand] = [
            .courseCreate(courseId: 1, title: "a", instructorId: nil, capacity: nil, certificateTemplate: nil),
            .coursePublish(courseId: 1),
            .courseCreate(courseId: 2, title: "b", instructorId: nil, capacity: nil, certificateTemplate: nil),
            .courseAddLesson(courseId: 2, lessonId: 200, title: "l"),
            .coursePublish(courseId: 2), .courseArchive(courseId: 2), .coursePublish(courseId: 2),
        ]
        let scenario = ShrinkScenarios.scenario(commands)
        let withRules = ScenarioShrinker(subject: ShrinkScenarios.subject, options: Fixtures.options(accepted: accepted))
        let divergences = Replayer(subject: ShrinkScenarios.subject, options: Fixtures.options(accepted: accepted))
            .divergences(of: scenario)
        #expect(divergences.first?.acceptedRule == "legacy.publish_without_lessons")
        let unexpected = try #require(divergences.first { $0.acceptedRule == nil })
        let result = try withRules.shrink(scenario)
        #expect(result.target == unexpected.signature)
        #expect(result.divergence.acceptedRule == nil)
        #expect(result.divergence.op == "course.publish")
        #expect(result.lines.map(\.op).suffix(2) == ["course.archive", "course.publish"])
        // Without rules every divergence is unexpected: the first one is shrunk.
        let plain = try shrinker.shrink(scenario)
        #expect(plain.lines.map(\.op) == ["course.create", "course.publish"])
    }

    @Test func unknownSignatureListsTheScenariosSignatures() throws {
        let quirk = try ShrinkScenarios.quirk("legacy.publish_without_lessons")
        let scenario = ShrinkScenarios.scenario(quirk.trigger)
        #expect {
            try shrinker.shrink(scenario, target: "000000000000")
        } throws: { error in
            guard case .signatureNotFound(let signature, let id, let available)? = error as? ShrinkError else { return false }
            return signature == "000000000000" && id == "trigger" && !available.isEmpty
                && Set(available.map(\.id)) == ShrinkScenarios.signatures(scenario)
        }
    }

    @Test func scenarioWithoutDivergenceIsAnError() throws {
        let quirk = try ShrinkScenarios.quirk("legacy.publish_without_lessons")
        #expect(throws: ShrinkError.noDivergence(scenario: "trigger")) {
            try shrinker.shrink(ShrinkScenarios.scenario(quirk.control))
        }
        #expect(throws: ShrinkError.emptyScenario(scenario: "trigger")) {
            try shrinker.shrink(ShrinkScenarios.scenario([]))
        }
    }

    @Test func replayLimitStopsEarlyWithAScenarioThatStillDiverges() throws {
        let quirk = try ShrinkScenarios.quirk("legacy.final_grade_ignores_strategy")
        let target = try #require(ShrinkScenarios.target(of: quirk))
        let noisy = try ShrinkScenarios.noisy(quirk, target: target)
        let result = try shrinker.shrink(noisy, target: target.id, budget: ShrinkBudget(maxPredicateCalls: 6))
        #expect(result.stoppedBy == .predicateCalls)
        #expect(!result.isOneMinimal)
        #expect(result.predicateCalls <= 7, "six replays plus the final check")
        #expect(result.finalLength <= noisy.commands.count)
        #expect(ShrinkScenarios.signatures(result.scenario).contains(target.id))
    }

    @Test func timeBudgetStopsEarly() throws {
        let quirk = try ShrinkScenarios.quirk("legacy.final_grade_ignores_strategy")
        let target = try #require(ShrinkScenarios.target(of: quirk))
        let result = try shrinker.shrink(try ShrinkScenarios.noisy(quirk, target: target), target: target.id, budget: .seconds(0))
        #expect(result.stoppedBy == .time)
        #expect(!result.isOneMinimal)
        #expect(ShrinkScenarios.signatures(result.scenario).contains(target.id))
    }
}

/// The shrinker knows no domain: with the fake subject it simplifies values nested in objects.
@Suite struct GenericShrinkTests {
    @Test func shrinksNestedValuesOfAnySubject() throws {
        let subject = FakeSubject()
        var commands: [FakeCommand] = (0..<40).map { .agree($0 % 2 == 0 ? "alpha.step" : "beta.step", .value($0)) }
        commands.insert(.differ("alpha.set", control: .value(1000, events: ["A", "B"]), candidate: .value(1777)), at: 23)
        let scenario = Fixtures.scenarios([("fake", commands)], opOf: \.op)[0]
        let shrinker = ScenarioShrinker(subject: subject, options: Fixtures.options())
        let target = try #require(Replayer(subject: subject, options: Fixtures.options()).divergences(of: scenario)
            .first { $0.feature == "alpha" })
        let result = try shrinker.shrink(scenario, target: target.signature.id)
        #expect(result.finalLength == 1)
        let fields = try #require(result.lines.first?.fields)
        // Both amounts as small as they can be while still different (keys in sorted order: the candidate's
        // goes to 0 first, then the control's can only go down to 1), the events that do not matter gone.
        #expect(fields["candidate"] == .object(["value": .int(0)]))
        #expect(fields["control"] == .object(["value": .int(1)]))
        #expect(result.lines.first?.at == Fixtures.start + 23 * 60, "a single command keeps its time")
    }
}

/// Building long scenarios for tests and benchmarks.
@Suite struct ScenarioComposerTests {
    let subject = LMSSubject()

    @Test func concatenationKeepsEachScenariosGapsAndNeverGoesBack() throws {
        var source = GeneratedSource(seed: 3, count: 3)
        var parts: [ScenarioInput<LMSCommand>] = []
        while let next = try source.nextScenario() { parts.append(next) }
        let joined = ScenarioComposer.concatenate(parts, id: "joined", file: "f", subject: subject)
        #expect(joined.commands.count == parts.map(\.commands.count).reduce(0, +))
        #expect(joined.commands.map(\.seq) == Array(1...joined.commands.count))
        #expect(zip(joined.commands, joined.commands.dropFirst()).allSatisfy { $0.at <= $1.at })
        // The second scenario starts once the first one's clock (gaps and clock.advance) has run out.
        let first = parts[0].commands
        let advance = first.compactMap { subject.clockAdvance(of: $0.command) }.reduce(0, +)
        let second = joined.commands[first.count]
        #expect(second.at >= first.last!.at - first.first!.at + joined.commands[0].at)
        #expect(second.at <= joined.commands[0].at + (first.last!.at - first.first!.at) + advance)
        // Gaps inside the second scenario are unchanged.
        let original = parts[1].commands
        for offset in 1..<original.count {
            #expect(joined.commands[first.count + offset].at - joined.commands[first.count + offset - 1].at
                == original[offset].at - original[offset - 1].at)
        }
    }

    @Test func plantingSpreadsTheCommandsAndEndsWithTheLast() throws {
        let quirk = try ShrinkScenarios.quirk("legacy.capacity_counts_cancelled")
        let noise = try ShrinkScenarios.noise(avoiding: "")
        let fresh = try ScenarioComposer.shiftingIDs(quirk.trigger, by: 1_000_000_000, subject: subject)
        let planted = ScenarioComposer.plant(fresh, into: noise, subject: subject)
        #expect(planted.commands.count == noise.commands.count + fresh.count)
        #expect(planted.commands.last?.command == fresh.last)
        let positions = fresh.map { command in planted.commands.firstIndex { $0.command == command } ?? -1 }
        #expect(positions == positions.sorted(), "planted commands keep their order")
        #expect(positions[0] > 0, "spread out, not all at the start")
        #expect(zip(planted.commands, planted.commands.dropFirst()).allSatisfy { $0.at <= $1.at })
        #expect(planted.commands.map(\.seq) == Array(1...planted.commands.count))
    }

    @Test func shiftingMovesIdentifiersOnly() throws {
        let shifted = try ScenarioComposer.shiftingIDs(
            [.courseAddQuiz(courseId: 1, quizId: 5, maxAttempts: 3, timeLimitMinutes: 10, passingScore: 80,
                            strategy: .highest, weights: [1, 2]),
             .enroll(userId: 10, courseId: 1)], by: 100, subject: subject)
        #expect(shifted == [
            .courseAddQuiz(courseId: 101, quizId: 105, maxAttempts: 3, timeLimitMinutes: 10, passingScore: 80,
                           strategy: .highest, weights: [1, 2]),
            .enroll(userId: 110, courseId: 101),
        ])
    }

    @Test(arguments: [("id", true), ("courseId", true), ("user_id", true), ("orderID", true), ("idle", false),
                      ("seconds", false), ("weights", false), ("Identifier", false)])
    func idFieldsAreRecognisedByName(name: String, isID: Bool) {
        #expect(ShrinkDefaults.isIDField(name) == isID)
    }
}

/// The regression corpus on disk.
@Suite struct RegressionCorpusTests {
    @Test func savedReproductionReplaysWithTheSameSignature() throws {
        let quirk = try ShrinkScenarios.quirk("legacy.reactivate_completed")
        let target = try #require(ShrinkScenarios.target(of: quirk))
        let shrinker = ScenarioShrinker(subject: ShrinkScenarios.subject, options: ShrinkScenarios.options)
        let result = try shrinker.shrink(try ShrinkScenarios.noisy(quirk, target: target), target: target.id)
        let directory = try TemporaryDirectory()
        let corpus = directory.file("scenarios/regressions")
        let date = try #require(Timestamp.parse("2026-11-24T10:00:00Z"))
        let files = try RegressionCorpus.save(result, to: corpus, date: Date(timeIntervalSince1970: date))
        #expect(files.scenario == corpus + "/\(target.id).jsonl")
        #expect(files.metadata == corpus + "/\(target.id).meta.json")

        var reader = try ScenarioReader(path: files.scenario, decode: ShrinkScenarios.subject.decode)
        let reread = try #require(try reader.nextScenario())
        #expect(try reader.nextScenario() == nil)
        #expect(reread.id == "regression-\(target.id)")
        #expect(reread.commands.map(\.op) == result.lines.map(\.op))
        #expect(reread.commands.count == result.finalLength)
        #expect(reread.commands.map(\.line) == Array(2...result.finalLength + 1), "after the header line")
        #expect(reread.synthetic, "a reproduction's clock is not real traffic time")
        #expect(ShrinkScenarios.signatures(reread).contains(target.id))

        let metadata = try RegressionCorpus.metadata(at: files.metadata)
        #expect(metadata.signature == target.id)
        #expect(metadata.signatureText == target.text)
        #expect(metadata.feature == quirk.features[0].rawValue)
        #expect(metadata.op == "enrollment.reactivate")
        #expect(metadata.kind == result.divergence.kind.rawValue)
        #expect(metadata.acceptedRule == nil)
        #expect(metadata.sourceFile == "memory")
        #expect(metadata.sourceScenario == "noisy")
        #expect(metadata.date == "2026-11-24T10:00:00Z")
        #expect(metadata.originalLength == result.originalLength)
        #expect(metadata.minimalLength == result.finalLength)
        #expect(metadata.oneMinimal)
        // Saving again replaces both files rather than adding new ones.
        try RegressionCorpus.save(result, to: corpus)
        #expect(try FileManager.default.contentsOfDirectory(atPath: corpus).sorted()
            == ["\(target.id).jsonl", "\(target.id).meta.json"])
    }

    @Test func unwritableDirectoryIsAnOutputError() throws {
        let quirk = try ShrinkScenarios.quirk("legacy.publish_without_lessons")
        let shrinker = ScenarioShrinker(subject: ShrinkScenarios.subject, options: ShrinkScenarios.options)
        let result = try shrinker.shrink(ShrinkScenarios.scenario(quirk.trigger))
        let directory = try TemporaryDirectory()
        let blocker = try directory.write("file", "not a directory")
        #expect(throws: OutputError.self) { try RegressionCorpus.save(result, to: blocker + "/corpus") }
    }
}
