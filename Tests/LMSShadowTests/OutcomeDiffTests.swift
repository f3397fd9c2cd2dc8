import Foundation
import LMS
import LMSShadow
import ShadowKit
import ShadowTestSupport
import Testing

/// The LMS subject diffs its typed outcomes directly for speed; the entries must be exactly those of the tree
/// diff, in the same order, under any comparator rules.
@Suite struct OutcomeDiffTests {
    static let ruleSets: [(String, ComparatorRules)] = [
        ("none", ComparatorRules()),
        ("shipped", ComparatorRules(ignored: [PathPattern("$.jobs[*].id")!],
                                    tolerances: [Tolerance(pattern: PathPattern("$.value.grade")!, absolute: 0.01),
                                                 Tolerance(pattern: PathPattern("$.events[*].payload.score")!, absolute: 0.01)])),
        ("unordered lists", ComparatorRules(unordered: [PathPattern("$.snapshot")!, PathPattern("$.events")!,
                                                        PathPattern("$.jobs")!, PathPattern("$.transitions")!])),
        ("ignored parts", ComparatorRules(ignored: [PathPattern("$.value")!, PathPattern("$.events[*].payload")!,
                                                    PathPattern("$.snapshot[1]")!, PathPattern("$.jobs")!])),
        ("wildcards and integer tolerance", ComparatorRules(
            ignored: [PathPattern("$.*.name")!, PathPattern("$.transitions[*].id")!],
            tolerances: [Tolerance(pattern: PathPattern("$.snapshot[*].progressPercent")!, absolute: 10), Tolerance(pattern: PathPattern("$.value")!, absolute: 3),
                         Tolerance(pattern: PathPattern("$.events[*].payload.percent")!, absolute: 25)])),
    ]

    /// Outcomes of generated traffic with many edge cases: each command's two sides, and (for shapes the two
    /// implementations never disagree on, such as a missing value) each outcome against the next command's.
    static func outcomePairs() throws -> [(Outcome, Outcome)] {
        var source = GeneratedSource(seed: 29, count: 120, profile: TrafficProfile(edgeCaseShare: 0.6))
        let sides = try Fixtures.outcomes(LMSSubject(), &source).compactMap { pair in
            pair.control.flatMap { control in pair.candidate.map { (control, $0) } }
        }
        return sides + zip(sides, sides.dropFirst()).map { ($0.0, $1.1) }
    }

    /// Both typed diffs of a pair against their tree diffs: what disagrees, and whether the pair differs at all.
    static func compare(_ a: Outcome, _ b: Outcome, _ subject: LMSSubject,
                        _ comparator: OutcomeComparator) -> (wrong: [String], differ: Bool) {
        var behaviour = DiffBuilder(comparator: comparator)
        subject.diffBehaviour(a, b, into: &behaviour)
        let expectedBehaviour = comparator.diff(subject.behaviourTree(a), subject.behaviourTree(b))
        var sideEffects = DiffBuilder(comparator: comparator)
        subject.diffSideEffects(a, b, into: &sideEffects)
        let expectedSideEffects = comparator.diff(subject.sideEffectsTree(a), subject.sideEffectsTree(b))
        var wrong: [String] = []
        if behaviour.entries != expectedBehaviour { wrong.append("\(behaviour.entries) != \(expectedBehaviour)") }
        if sideEffects.entries != expectedSideEffects { wrong.append("\(sideEffects.entries) != \(expectedSideEffects)") }
        return (wrong, !expectedBehaviour.isEmpty || !expectedSideEffects.isEmpty)
    }

    @Test(.tags(.slow), arguments: ruleSets.indices)
    func typedDiffEqualsTreeDiff(_ ruleSet: Int) throws {
        let (name, rules) = Self.ruleSets[ruleSet]
        let subject = LMSSubject()
        let comparator = OutcomeComparator(rules: rules)
        var differing = 0
        var wrong: [String] = []
        for (a, b) in try Self.outcomePairs() {
            let check = Self.compare(a, b, subject, comparator)
            wrong += check.wrong
            if check.differ { differing += 1 }
        }
        #expect(wrong.isEmpty, "rules \(name): \(wrong.count) pairs differ, first: \(wrong.first ?? "")")
        // Not vacuous: many pairs differ under every rule set.
        #expect(differing > 1_000, "rules \(name)")
    }

    /// Random outcomes with every field the types have, whether or not the generator ever produces it, so a
    /// field added to the tree but not to the typed walk (or the other way round) fails here.
    @Test(.tags(.slow), arguments: ruleSets.indices)
    func typedDiffEqualsTreeDiffOnRandomOutcomes(_ ruleSet: Int) {
        let (name, rules) = Self.ruleSets[ruleSet]
        let subject = LMSSubject()
        let comparator = OutcomeComparator(rules: rules)
        var random = RandomOutcomes(seed: 20_261_125 &+ UInt64(ruleSet))
        var wrong: [String] = []
        for _ in 0..<3_000 {
            let a = random.outcome()
            // Half the pairs differ in a few places only, as real divergences do.
            let b = random.chance(0.5) ? random.outcome() : random.mutated(a)
            wrong += Self.compare(a, b, subject, comparator).wrong
        }
        #expect(wrong.isEmpty, "rules \(name): \(wrong.count) pairs differ, first: \(wrong.first ?? "")")
    }

    /// The random outcomes below set every field of every outcome type, and the derived trees have exactly
    /// those fields: the key paths of the types (by reflection, whatever the coding keys) equal the key paths
    /// of the trees. A field added to a type and not to `RandomOutcomes` fails here.
    @Test func randomOutcomesSetEveryFieldAndTreesHaveExactlyThoseFields() {
        let subject = LMSSubject()
        var random = RandomOutcomes(seed: 7)
        var typed = FieldPaths()
        var trees = FieldPaths()
        for _ in 0..<2_000 {
            let outcome = random.outcome()
            typed.add(reflecting: outcome.behaviour)
            typed.add(reflecting: outcome.sideEffects)
            trees.add(tree: subject.behaviourTree(outcome))
            trees.add(tree: subject.sideEffectsTree(outcome))
        }
        let typesOnly = typed.all.subtracting(trees.all).sorted()
        let treesOnly = trees.all.subtracting(typed.all).sorted()
        #expect(typesOnly.isEmpty && treesOnly.isEmpty, "in the types only: \(typesOnly); in the trees only: \(treesOnly)")
        #expect(typed.all.contains("snapshot[*].progressPercent") && typed.all.contains("events[*].payload.quizId"))
        // Each outcome field is compared as behaviour or as side effects, except the free-text message.
        let outcomeFields = Set(Mirror(reflecting: Outcome(status: .accepted)).children.compactMap(\.label))
        let compared = Set(Mirror(reflecting: Outcome(status: .accepted).behaviour).children.compactMap(\.label))
            .union(Mirror(reflecting: Outcome(status: .accepted).sideEffects).children.compactMap(\.label))
        #expect(outcomeFields == compared.union(["message"]))
    }

    /// The typed diff reports a difference in every leaf field: with `typedDiffEqualsTreeDiffOnRandomOutcomes`
    /// this makes a field left out of the typed walk fail a test (its entries would be missing there).
    @Test func typedDiffReportsEveryLeafField() {
        let subject = LMSSubject()
        let comparator = OutcomeComparator()
        var random = RandomOutcomes(seed: 8)
        var trees = FieldPaths()
        var reported = Set<String>()
        for _ in 0..<3_000 {
            let a = random.outcome()
            let b = random.chance(0.5) ? random.outcome() : random.mutated(a)
            trees.add(tree: subject.behaviourTree(a))
            trees.add(tree: subject.sideEffectsTree(a))
            var behaviour = DiffBuilder(comparator: comparator)
            subject.diffBehaviour(a, b, into: &behaviour)
            var sideEffects = DiffBuilder(comparator: comparator)
            subject.diffSideEffects(a, b, into: &sideEffects)
            for entry in behaviour.entries + sideEffects.entries { reported.insert(FieldPaths.wildcard(entry.path)) }
        }
        #expect(!trees.leaves.isEmpty)
        #expect(trees.leaves.subtracting(reported).isEmpty, "never reported: \(trees.leaves.subtracting(reported).sorted())")
    }

    /// The runner asks `behavioursEqual`/`sideEffectsEqual` before any diff: they must be the parts' equality.
    @Test func quickEqualityIsThePartsEquality() {
        let subject = LMSSubject()
        var random = RandomOutcomes(seed: 9)
        var differing = 0
        for _ in 0..<3_000 {
            let a = random.outcome()
            let b = random.chance(0.5) ? random.outcome() : random.mutated(a)
            #expect(subject.behavioursEqual(a, b) == (a.behaviour == b.behaviour))
            #expect(subject.sideEffectsEqual(a, b) == (a.sideEffects == b.sideEffects))
            if a.behaviour != b.behaviour { differing += 1 }
        }
        #expect(differing > 1_000)
    }

    @Test func aValuePresentOnOneSideIsOneEntryHoldingTheWholeObject() {
        let comparator = OutcomeComparator()
        let a = Outcome(status: .accepted)
        let b = Outcome(status: .accepted, value: OutcomeValue(percent: 40, passed: true))
        var diff = DiffBuilder(comparator: comparator)
        LMSSubject().diffBehaviour(a, b, into: &diff)
        #expect(diff.entries == [DiffEntry(path: "$.value", control: nil,
                                           candidate: .object(["percent": .int(40), "passed": .bool(true)]))])
    }

    @Test func ignoredJobIdsLeaveNoEntryButOtherJobFieldsDo() {
        let comparator = OutcomeComparator(rules: ComparatorRules(ignored: [PathPattern("$.jobs[*].id")!]))
        let a = Outcome(status: .accepted, jobs: [JobRecord(id: 3, listener: "SendEmail", event: "E", status: .processed)])
        let b = Outcome(status: .accepted, jobs: [JobRecord(id: 4, listener: "SendEmail", event: "E", status: .failed,
                                                            error: "smtp")])
        var diff = DiffBuilder(comparator: comparator)
        LMSSubject().diffSideEffects(a, b, into: &diff)
        #expect(diff.entries.map(\.path) == ["$.jobs[0].error", "$.jobs[0].status"])
    }
}

/// Arbitrary LMS outcomes from the engine's seeded generator (few distinct values, so that equal fields are common).
private struct RandomOutcomes {
    var generator: SeededGenerator
    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    mutating func next() -> UInt64 { generator.next() }

    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    mutating func chance(_ p: Double) -> Bool { Double(next() % 10_000) < p * 10_000 }
    mutating func maybe<T>(_ make: (inout RandomOutcomes) -> T) -> T? { chance(0.5) ? make(&self) : nil }
    mutating func pick<T>(_ values: [T]) -> T { values[int(0...values.count - 1)] }
    mutating func list<T>(_ make: (inout RandomOutcomes) -> T) -> [T] { (0..<int(0...3)).map { _ in make(&self) } }
    // No NaN: it is unequal to itself, so two identical diff entries holding it would not compare equal.
    mutating func number() -> Double { pick([0, -0.0, 1, 54.37, 54.38, 80, 80.004, -3.5, 1e16]) }
    mutating func text() -> String { pick(["a", "b", "course:7", "published", ""]) }

    mutating func outcome() -> Outcome {
        Outcome(status: pick([.accepted, .rejected]), errorCode: maybe { $0.text() }, message: maybe { $0.text() },
                value: maybe { $0.value() }, transitions: list { $0.transition() }, events: list { $0.event() },
                jobs: list { $0.job() }, snapshot: list { $0.snapshot() })
    }

    mutating func value() -> OutcomeValue {
        OutcomeValue(percent: maybe { $0.int(0...2) * 50 }, score: maybe { $0.number() }, passed: maybe { $0.chance(0.5) },
                     grade: maybe { $0.number() }, attemptNumber: maybe { $0.int(1...2) }, status: maybe { $0.text() })
    }

    mutating func transition() -> StateTransition {
        StateTransition(entity: text(), id: text(), from: text(), to: text())
    }

    mutating func event() -> DomainEvent {
        DomainEvent(pick(["LessonCompleted", "CourseGradeCalculated"]), EventPayload(
            courseId: maybe { $0.int(1...2) }, userId: maybe { $0.int(1...2) }, lessonId: maybe { $0.int(1...2) },
            quizId: maybe { $0.int(1...2) }, attemptId: maybe { $0.int(1...2) }, percent: maybe { $0.int(0...2) * 50 },
            score: maybe { $0.number() }, passed: maybe { $0.chance(0.5) }))
    }

    mutating func job() -> JobRecord {
        JobRecord(id: int(1...3), listener: text(), event: text(), status: pick([.processed, .failed]),
                  error: maybe { $0.text() })
    }

    mutating func snapshot() -> EntitySnapshot {
        EntitySnapshot(key: text(), status: text(), lessons: maybe { $0.int(0...2) }, quizzes: maybe { $0.int(0...2) },
                       progressPercent: maybe { $0.int(0...2) * 50 }, completedLessons: maybe { $0.int(0...2) },
                       score: maybe { $0.number() }, answers: maybe { $0.int(0...2) })
    }

    /// `outcome` with one or two parts replaced.
    mutating func mutated(_ outcome: Outcome) -> Outcome {
        var copy = outcome
        for _ in 0..<int(1...2) {
            switch int(0...7) {
            case 0: copy.status = pick([.accepted, .rejected])
            case 1: copy.errorCode = maybe { $0.text() }
            case 2: copy.value = maybe { $0.value() }
            case 3: copy.transitions = list { $0.transition() }
            case 4: if copy.events.isEmpty { copy.events = [event()] } else { copy.events[0].payload = event().payload }
            case 5: if copy.jobs.isEmpty { copy.jobs = [job()] } else { copy.jobs[int(0...copy.jobs.count - 1)].id += 1 }
            case 6: if copy.snapshot.isEmpty { copy.snapshot = [snapshot()] } else { copy.snapshot[0].score = number() }
            default: copy.snapshot.reverse()
            }
        }
        return copy
    }
}

/// Key paths (`snapshot[*].score`) of typed values, by reflection, and of trees; `leaves` are those of trees
/// holding a scalar.
private struct FieldPaths {
    var all = Set<String>()
    var leaves = Set<String>()

    /// `$.snapshot[3].score` → `snapshot[*].score`.
    static func wildcard(_ path: String) -> String {
        String(path.dropFirst(path.hasPrefix("$.") ? 2 : 1))
            .replacingOccurrences(of: #"\[[0-9]+\]"#, with: "[*]", options: .regularExpression)
    }

    mutating func add(reflecting value: Any, prefix: String = "") {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .struct, .class:
            for child in mirror.children {
                guard let label = child.label else { continue }
                let path = prefix.isEmpty ? label : prefix + "." + label
                all.insert(path)
                add(reflecting: child.value, prefix: path)
            }
        case .optional:
            if let wrapped = mirror.children.first { add(reflecting: wrapped.value, prefix: prefix) }
        case .collection:
            for child in mirror.children { add(reflecting: child.value, prefix: prefix + "[*]") }
        default:
            break
        }
    }

    mutating func add(tree: JSONValue, prefix: String = "") {
        switch tree {
        case .object(let fields):
            for (key, value) in fields {
                let path = prefix.isEmpty ? key : prefix + "." + key
                all.insert(path)
                add(tree: value, prefix: path)
            }
        case .array(let values):
            for value in values { add(tree: value, prefix: prefix + "[*]") }
        default:
            leaves.insert(prefix)
        }
    }
}
