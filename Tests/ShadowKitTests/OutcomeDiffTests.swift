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
                                    tolerances: [(PathPattern("$.value.grade")!, 0.01),
                                                 (PathPattern("$.events[*].payload.score")!, 0.01)])),
        ("unordered lists", ComparatorRules(unordered: [PathPattern("$.snapshot")!, PathPattern("$.events")!,
                                                        PathPattern("$.jobs")!, PathPattern("$.transitions")!])),
        ("ignored parts", ComparatorRules(ignored: [PathPattern("$.value")!, PathPattern("$.events[*].payload")!,
                                                    PathPattern("$.snapshot[1]")!, PathPattern("$.jobs")!])),
        ("wildcards and integer tolerance", ComparatorRules(
            ignored: [PathPattern("$.*.name")!, PathPattern("$.transitions[*].id")!],
            tolerances: [(PathPattern("$.snapshot[*].progressPercent")!, 10), (PathPattern("$.value")!, 3),
                         (PathPattern("$.events[*].payload.percent")!, 25)])),
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

    @Test(arguments: ruleSets.indices)
    func typedDiffEqualsTreeDiff(_ ruleSet: Int) throws {
        let (name, rules) = Self.ruleSets[ruleSet]
        let subject = LMSSubject()
        let comparator = OutcomeComparator(rules: rules)
        var differing = 0
        var wrong: [String] = []
        for (a, b) in try Self.outcomePairs() {
            var behaviour = DiffBuilder(comparator: comparator)
            subject.diffBehaviour(a, b, into: &behaviour)
            let expectedBehaviour = comparator.diff(subject.behaviourTree(a), subject.behaviourTree(b))
            if behaviour.entries != expectedBehaviour { wrong.append("\(behaviour.entries) != \(expectedBehaviour)") }

            var sideEffects = DiffBuilder(comparator: comparator)
            subject.diffSideEffects(a, b, into: &sideEffects)
            let expectedSideEffects = comparator.diff(subject.sideEffectsTree(a), subject.sideEffectsTree(b))
            if sideEffects.entries != expectedSideEffects {
                wrong.append("\(sideEffects.entries) != \(expectedSideEffects)")
            }
            if !expectedBehaviour.isEmpty || !expectedSideEffects.isEmpty { differing += 1 }
        }
        #expect(wrong.isEmpty, "rules \(name): \(wrong.count) pairs differ, first: \(wrong.first ?? "")")
        // Not vacuous: many pairs differ under every rule set.
        #expect(differing > 1_000, "rules \(name)")
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
