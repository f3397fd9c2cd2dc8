import Foundation
import LMS
import LMSShadow
@testable import ShadowKit
import ShadowTestSupport
import Testing

/// The LMS subject's outcome trees derive from the outcome types (`JSONValueEncoder`); they must be exactly what
/// `JSONEncoder`'s text gives, the shape stored outcomes, reports and the PHP worker use.
@Suite struct OutcomeTreeTests {
    @Test func derivedTreesEqualEncodedOnes() throws {
        let subject = LMSSubject()
        var source = GeneratedSource(seed: 11, count: 150, profile: TrafficProfile(edgeCaseShare: 0.6))
        var checked = 0
        for pair in try Fixtures.outcomes(subject, &source) {
            for outcome in [pair.control, pair.candidate].compactMap({ $0 }) {
                #expect(subject.behaviourTree(outcome) == JSONValue.of(outcome.behaviour))
                #expect(subject.sideEffectsTree(outcome) == JSONValue.of(outcome.sideEffects))
                #expect(subject.outcomeTree(outcome) == JSONValue.of(outcome))
                // The event log's payload text says what the event says.
                for (event, record) in zip(outcome.events, subject.records(outcome).events) {
                    let logged = try JSONValue.parse(Array(record.payloadJSON.utf8))
                    #expect(OutcomeComparator().diff(logged, JSONValue.of(event.payload)).isEmpty, "\(record.payloadJSON)")
                    #expect(record.name == event.name)
                }
                checked += 1
            }
        }
        #expect(checked > 5_000)
    }

    /// The trees built for the shipped accepted rules' value constraints answer every constrained path as the
    /// whole trees do.
    @Test func selectedTreesAnswerTheShippedRulesPaths() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let rules = try AcceptedRules.load(path: root.appendingPathComponent("scenarios/accepted.yaml").path)
        let patterns = rules.rules.flatMap { rule in (rule.control.entries + rule.candidate.entries).map(\.pattern) }
        #expect(patterns.count > 5)
        let selection = TreeSelection(patterns)
        let subject = LMSSubject()
        var source = GeneratedSource(seed: 12, count: 100, profile: TrafficProfile(edgeCaseShare: 0.6))
        var smaller = 0
        for pair in try Fixtures.outcomes(subject, &source) {
            for outcome in [pair.control, pair.candidate].compactMap({ $0 }) {
                let whole = subject.outcomeTree(outcome)
                let selected = subject.outcomeTree(outcome, selecting: selection)
                for pattern in patterns {
                    #expect(pattern.values(in: selected, bindings: []) == pattern.values(in: whole, bindings: []))
                }
                if selected != whole { smaller += 1 }
            }
        }
        #expect(smaller > 1_000)
    }

    @Test(arguments: [EventPayload(), EventPayload(courseId: 0), EventPayload(userId: -42, passed: false),
                      EventPayload(courseId: Int.max, userId: Int.min, lessonId: 1_234_567_890_123_456_789),
                      EventPayload(courseId: 9_999_999_999_999_999, quizId: 10_000_000_000_000_000),
                      EventPayload(courseId: 7, userId: 12, lessonId: 3, quizId: 4, attemptId: 5, percent: 100,
                                   score: 54.375, passed: true),
                      EventPayload(score: 80)])
    func eventLogPayloadIsTheEventsJSON(_ payload: EventPayload) throws {
        let outcome = Outcome(status: .accepted, events: [DomainEvent("Probe", payload)])
        let text = try #require(LMSSubject().records(outcome).events.first).payloadJSON
        let parsed = try JSONValue.parse(Array(text.utf8))
        #expect(OutcomeComparator().diff(parsed, JSONValue.of(payload)).isEmpty, "\(text)")
        // Keys in sorted order, so equal payloads are equal text.
        guard case .object(let fields) = parsed else { Issue.record("not an object: \(text)"); return }
        let keys = fields.keys.sorted().map { "\"\($0)\":" }
        var position = text.startIndex
        for key in keys {
            let found = try #require(text.range(of: key, range: position..<text.endIndex), "\(key) in \(text)")
            position = found.upperBound
        }
    }
}
