import Foundation
import LMS
import LMSShadow
@testable import ShadowKit
import ShadowTestSupport
import Testing

/// Knock-ons: a divergence on a command that touches an entity an earlier divergent command of the same scenario
/// touched is downstream of that one's root, out of every rate, counted under the root's signature.
@Suite struct KnockOnTests {
    static func runLMS(_ commands: [LMSCommand]) async throws -> (totals: RunTotals, sink: RecordingSink) {
        let rules = try AcceptedRules.load(path: AcceptedRulesTests.shippedRulesPath)
        return try await RunnerTests.runLMS([("s-1", commands)], options: Fixtures.options(accepted: rules))
    }

    static func create(_ course: Int) -> LMSCommand {
        .courseCreate(courseId: course, title: "Course \(course)", instructorId: 99, capacity: nil, certificateTemplate: nil)
    }

    static func lesson(_ lesson: Int, course: Int = 1) -> LMSCommand {
        .courseAddLesson(courseId: course, lessonId: lesson, title: "Lesson \(lesson)")
    }

    @Test func anAcceptedRootMakesLaterDivergencesOnItsCourseDownstreamNotUnexpected() async throws {
        // Legacy publishes the empty course 1 (accepted quirk); adding a lesson then differs in the snapshot
        // (published on one side only) and enrolling differs in the refusal: knock-ons, not new problems.
        // Course 2 stays clean: its commands are compared as usual.
        let (totals, sink) = try await Self.runLMS([
            Self.create(1), .coursePublish(courseId: 1), Self.lesson(100), .enroll(userId: 10, courseId: 1),
            Self.create(2), Self.lesson(200, course: 2),
        ])
        let course = try #require(totals.features["course_state_machine"])
        #expect((course.accepted, course.mismatches, course.downstream) == (1, 0, 1))
        #expect(course.comparisons == 4, "the downstream addLesson is not a comparison: 5 course commands, 1 knock-on")
        #expect(course.matches == 3)
        let enrollment = try #require(totals.features["enrollment_service"])
        #expect((enrollment.comparisons, enrollment.mismatches, enrollment.accepted, enrollment.downstream) == (0, 0, 0, 1))
        #expect(totals.features.values.allSatisfy { $0.mismatches == 0 }, "nothing unexpected")
        #expect(enrollment.mismatchRate == nil, "no comparison on a clean state: no rate, not a zero rate")

        let root = try #require(totals.signatures.first { $0.acceptedRule == "legacy.publish_without_lessons" })
        #expect(root.caused >= 2, "caused the addLesson and the enroll knock-ons (and their event knock-ons)")
        let knockOns = totals.signatures.filter { $0.downstreamOf != nil }
        #expect(!knockOns.isEmpty && knockOns.allSatisfy { $0.acceptedRule == nil })
        #expect(Set(knockOns.map(\.downstreamOf)) == [root.signature])
        #expect(knockOns.reduce(0) { $0 + $1.count } == root.caused)
        let stored = sink.divergences.filter { $0.root != nil }
        #expect(stored.map(\.seq).contains(3) && stored.map(\.seq).contains(4))
        #expect(stored.allSatisfy { $0.root == KnockOnRoot(scenario: "s-1", seq: 2, signature: root.signature) })
    }

    @Test func anUnexpectedRootIsCountedOnceAndItsKnockOnsUnderIt() async throws {
        // Modern resets progress on reactivation (the unexpected finding); completing the next lesson then
        // differs in the percent too. A cancellation without its event (accepted, side effects only) starts no
        // chain, so the reactivation stays the root.
        let (totals, _) = try await Self.runLMS([
            Self.create(1), Self.lesson(100), Self.lesson(101), Self.lesson(102), .coursePublish(courseId: 1),
            .enroll(userId: 10, courseId: 1), .completeLesson(userId: 10, lessonId: 100),
            .cancelEnrollment(userId: 10, courseId: 1), .reactivateEnrollment(userId: 10, courseId: 1),
            .completeLesson(userId: 10, lessonId: 101), .finalGrade(userId: 10, courseId: 1),
        ])
        let reactivation = try #require(totals.features["enrollment_state_machine"])
        #expect(reactivation.mismatches == 1, "counted once, as the root")
        let progress = try #require(totals.features["progress_service"])
        #expect(progress.mismatches == 0)
        #expect(progress.downstream == 1)
        #expect(progress.comparisons == 1, "the first completion, on a clean state")
        let root = try #require(totals.signatures.first { $0.op == "enrollment.reactivate" && $0.downstreamOf == nil })
        #expect(root.acceptedRule == nil && root.count == 1)
        #expect(root.caused >= 1)
        #expect(totals.signatures.filter { $0.downstreamOf == nil && $0.acceptedRule == nil }.map(\.op) == ["enrollment.reactivate"])
    }

    @Test func aLessonsCourseIsFoundThroughTheControlWorld() async throws {
        // Course 1 is published again from archived on legacy only (accepted quirk): the root, on course:1.
        // Completing lesson 100 names no course; its course is looked up in legacy's world, so the
        // divergence is downstream. Lesson 100 was added before the root, so its own key is in no chain.
        let commands: [LMSCommand] = [
            Self.create(1), Self.lesson(100), .coursePublish(courseId: 1), .courseArchive(courseId: 1),
            .coursePublish(courseId: 1), .enroll(userId: 10, courseId: 1), .completeLesson(userId: 10, lessonId: 100),
        ]
        let (totals, sink) = try await Self.runLMS(commands)
        let progress = try #require(totals.features["progress_service"])
        #expect((progress.comparisons, progress.mismatches, progress.accepted, progress.downstream) == (0, 0, 0, 1))
        let completion = try #require(sink.divergences.first { $0.op == "progress.completeLesson" })
        #expect(completion.root?.seq == 5)

        var world = LegacyLMS()
        for command in commands.prefix(2) { _ = try world.apply(command, now: Date(timeIntervalSince1970: 0)) }
        #expect(LMSEntities.keys(of: .completeLesson(userId: 10, lessonId: 100), in: world)
                == ["course:1", "enrollment:10:1", "lesson:100"])
        #expect(LMSEntities.keys(of: .completeLesson(userId: 10, lessonId: 7), in: world) == ["lesson:7"],
                "an unknown lesson: only the key its fields name")
    }

    // MARK: Tree subjects (workers)

    /// A side that answers from the command's fields: `value` (the candidate's `candidate` when given), and the
    /// control's `entities` when the fields carry them.
    struct ScriptedSide: SubjectSide {
        let candidate: Bool
        var info: SideInfo { SideInfo(name: candidate ? "scripted-modern" : "scripted-legacy", version: "1",
                                      ops: ["thing.set": "things"]) }

        func makeSession() throws -> any SideSession { Session(candidate: candidate) }

        final class Session: SideSession {
            let candidate: Bool
            var requests: [SideRequest] = []
            var next = 0
            init(candidate: Bool) { self.candidate = candidate }

            func begin(scenario: String, start: Double, requests: [SideRequest], first: Bool, last: Bool) throws {
                self.requests = requests
                next = 0
            }

            func applyNext() throws -> TreeOutcome {
                let fields = requests[next].fields
                next += 1
                var tree: [String: JSONValue] = ["status": .string("accepted"),
                                                 "value": (candidate ? fields["candidate"] : nil) ?? fields["value"] ?? .null]
                if let entities = fields["entities"] { tree["entities"] = entities }
                return TreeOutcome(tree: tree)
            }
        }
    }

    static func runTree(_ commands: [[String: JSONValue]]) async throws -> RunTotals {
        let subject = try TreeSubject(control: ScriptedSide(candidate: false), candidate: ScriptedSide(candidate: true))
        var source = ScenarioList(Fixtures.scenarios([("w-1", commands.map { TreeCommand(op: "thing.set", fields: $0) })],
                                                    opOf: \.op))
        return try await runToMemory(subject, options: Fixtures.options(), source: &source).totals
    }

    @Test func aWorkersEntitiesAreHonoured() async throws {
        // Two divergences on different entities: two roots. A third on the first entity: downstream.
        func set(_ value: Int, _ candidate: Int? = nil, _ entities: [String]) -> [String: JSONValue] {
            var fields: [String: JSONValue] = ["value": .int(value), "entities": .array(entities.map(JSONValue.string))]
            if let candidate { fields["candidate"] = .int(candidate) }
            return fields
        }
        let totals = try await Self.runTree([
            set(1, 2, ["thing:1"]), set(1, 2, ["thing:2"]), set(1, nil, ["thing:3"]), set(1, 3, ["thing:1", "thing:9"]),
            set(1, 3, ["thing:9"]),
        ])
        let things = try #require(totals.features["things"])
        #expect((things.comparisons, things.matches, things.mismatches, things.downstream) == (3, 1, 2, 2),
                "the fifth follows the fourth's thing:9, which joined thing:1's chain")
        let root = try #require(totals.signatures.first { $0.downstreamOf == nil })
        #expect(root.count == 2 && root.caused == 2)
    }

    @Test func withoutEntitiesTheWholeScenarioIsOneEntity() async throws {
        let totals = try await Self.runTree([
            ["value": .int(1)], ["value": .int(1), "candidate": .int(2)], ["value": .int(1)],
            ["value": .int(5), "candidate": .int(6)],
        ])
        let things = try #require(totals.features["things"])
        #expect((things.comparisons, things.matches, things.mismatches, things.downstream) == (3, 2, 1, 1))
        // The same default for any subject that says nothing about entities.
        #expect(FakeSubject(wholeScenarioIsOneEntity: true).entities(of: .agree("alpha.a"), control: .failure(CancellationError()),
                                                                     world: FakeWorld()) == ["*"])
        #expect(OrderLoggingSubject().entities(of: .agree("alpha.a"), control: .failure(CancellationError()),
                                               world: FakeWorld()) == ["*"], "the protocol's default")
    }

    @Test func theBuiltInSidesReturnTheBuiltInSubjectsEntities() async throws {
        // builtin:legacy as a worker-protocol side carries the keys the built-in subject uses, so a worker run with
        // a built-in control chains knock-ons exactly as the built-in pair does.
        let session = try BuiltinLMSSide(.legacy, version: "test").makeSession()
        let commands: [LMSCommand] = [Self.create(1), Self.lesson(100), .completeLesson(userId: 10, lessonId: 100)]
        let requests = commands.enumerated().map { index, command in
            let (op, fields) = LMSCommandCodec.encode(command)
            return SideRequest(scenario: "s", seq: index + 1, at: 0, now: 0, op: op, fields: fields)
        }
        try session.begin(scenario: "s", start: 0, requests: requests, first: true, last: true)
        var world = LegacyLMS()
        for command in commands {
            let outcome = try session.applyNext()
            _ = try world.apply(command, now: Date(timeIntervalSince1970: 0))
            #expect(outcome.tree["entities"] == .array(LMSEntities.keys(of: command, in: world).map(JSONValue.string)))
        }
    }
}
