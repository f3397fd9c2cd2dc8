import Foundation
import LMS
import Testing

/// Every pair of states of a machine, allowed or not.
private func allPairs<State: MachineState>(_: State.Type) -> [(State, State)] {
    State.allCases.flatMap { from in State.allCases.map { (from, $0) } }
}

/// Checks one machine against the transition table of DESIGN §2, written out here independently of the code:
/// each allowed move yields its transition record, every other pair (self-moves too) is refused.
private func checkMachine<State: MachineState>(_ machine: StateMachine<State>, entity: String,
                                               expected: [(State, State)]) {
    let allowed = Set(expected.map { "\($0.0.rawValue)>\($0.1.rawValue)" })
    #expect(machine.entity == entity)
    for (from, to) in allPairs(State.self) {
        let id = "\(entity):1"
        let result = machine.move(id, from: from, to: to)
        if allowed.contains("\(from.rawValue)>\(to.rawValue)") {
            #expect(machine.canMove(from: from, to: to))
            guard case .success(let transition) = result else {
                Issue.record("\(entity) \(from.rawValue) → \(to.rawValue) should be allowed")
                continue
            }
            #expect(transition == StateTransition(entity: entity, id: id, from: from.rawValue, to: to.rawValue))
        } else {
            #expect(!machine.canMove(from: from, to: to))
            guard case .failure(let refused) = result else {
                Issue.record("\(entity) \(from.rawValue) → \(to.rawValue) should be refused")
                continue
            }
            #expect(refused.entity == entity && refused.id == id)
            #expect(refused.from == from.rawValue && refused.to == to.rawValue)
            let outcome = refused.outcome
            #expect(outcome.status == .rejected)
            #expect(outcome.errorCode == ErrorCode.invalidTransition)
            let message = outcome.message ?? ""
            #expect(message.contains("from \(from.rawValue)") && message.contains("to \(to.rawValue)"), "\(message)")
            #expect(outcome.transitions.isEmpty && outcome.events.isEmpty)
        }
    }
}

@Suite struct StateMachineTests {
    @Test func courseMachineMatchesDesign() {
        // draft → published → archived, archived → draft (restore), published → draft (unpublish),
        // draft → archived (retire a draft).
        checkMachine(CourseStatus.machine, entity: "course", expected: [
            (.draft, .published), (.draft, .archived), (.published, .draft), (.published, .archived),
            (.archived, .draft),
        ])
    }

    @Test func enrollmentMachineMatchesDesign() {
        checkMachine(EnrollmentStatus.machine, entity: "enrollment", expected: [
            (.active, .completed), (.active, .cancelled), (.active, .expired),
            (.cancelled, .active), (.expired, .active),
        ])
    }

    @Test func attemptMachineMatchesDesign() {
        checkMachine(AttemptStatus.machine, entity: "attempt", expected: [
            (.inProgress, .submitted), (.inProgress, .expired), (.inProgress, .abandoned), (.submitted, .graded),
        ])
    }

    @Test func statusWireNames() {
        #expect(CourseStatus.allCases.map(\.rawValue) == ["draft", "published", "archived"])
        #expect(EnrollmentStatus.allCases.map(\.rawValue) == ["active", "completed", "cancelled", "expired"])
        #expect(AttemptStatus.allCases.map(\.rawValue) == ["in_progress", "submitted", "graded", "expired", "abandoned"])
    }
}

/// The machines as the modern application enforces them, end to end.
@Suite struct ModernTransitionTests {
    private func last(_ commands: [LMSCommand]) throws -> Outcome {
        let results = runModern(commands)
        return try #require(results.last?.outcome, "modern crashed: \(String(describing: results.last))")
    }

    private func expectRefused(_ outcome: Outcome, from: String, to: String,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(outcome.status == .rejected, sourceLocation: sourceLocation)
        #expect(outcome.errorCode == ErrorCode.invalidTransition, sourceLocation: sourceLocation)
        #expect(outcome.message?.contains("from \(from) to \(to)") == true, "\(outcome.message ?? "")",
                sourceLocation: sourceLocation)
        #expect(outcome.transitions.isEmpty && outcome.events.isEmpty, sourceLocation: sourceLocation)
    }

    private let published: [LMSCommand] = [Fixture.create(), Fixture.lesson(100), .coursePublish(courseId: 1)]

    @Test func courseLifecycleRecordsEachTransition() throws {
        let results = runModern(published + [.courseUnpublish(courseId: 1), .coursePublish(courseId: 1),
                                             .courseArchive(courseId: 1), .courseRestore(courseId: 1)])
        let transitions = results.compactMap(\.outcome).flatMap(\.transitions).map { "\($0.from)>\($0.to)" }
        #expect(transitions == ["draft>published", "published>draft", "draft>published", "published>archived",
                                "archived>draft"])
        let events = results.compactMap(\.outcome).flatMap(\.eventNames)
        #expect(events == ["CourseCreated", "CoursePublished", "CourseUnpublished", "CoursePublished",
                           "CourseArchived", "CourseRestored"])
    }

    @Test func archivedCannotBePublished() throws {
        expectRefused(try last(published + [.courseArchive(courseId: 1), .coursePublish(courseId: 1)]),
                      from: "archived", to: "published")
    }

    @Test func restoreOnlyFromArchived() throws {
        expectRefused(try last([Fixture.create(), .courseRestore(courseId: 1)]), from: "draft", to: "draft")
        expectRefused(try last(published + [.courseRestore(courseId: 1)]), from: "published", to: "draft")
        #expect(try last([.courseRestore(courseId: 42)]).errorCode == ErrorCode.notFound)
    }

    @Test func publishTwiceAndUnpublishDraftRefused() throws {
        expectRefused(try last(published + [.coursePublish(courseId: 1)]), from: "published", to: "published")
        expectRefused(try last([Fixture.create(), .courseUnpublish(courseId: 1)]), from: "draft", to: "draft")
        expectRefused(try last(published + [.courseArchive(courseId: 1), .courseArchive(courseId: 1)]),
                      from: "archived", to: "archived")
    }

    @Test func gradingAnInProgressAttemptRefused() throws {
        let commands = Fixture.enrolled() + [Fixture.quiz(), .startAttempt(userId: 10, quizId: 5, attemptId: 1),
                                             .gradeAttempt(attemptId: 1)]
        expectRefused(try last(commands), from: "in_progress", to: "graded")
    }

    @Test func attemptTerminalStatesAreFinal() throws {
        let started = Fixture.enrolled() + [Fixture.quiz(), .startAttempt(userId: 10, quizId: 5, attemptId: 1)]
        expectRefused(try last(started + [.abandonAttempt(attemptId: 1), .submitAttempt(attemptId: 1, answers: [1])]),
                      from: "abandoned", to: "submitted")
        expectRefused(try last(started + Array(Fixture.attempt(1, answers: [1, 1, 1]).dropFirst())
                                + [.gradeAttempt(attemptId: 1)]),
                      from: "graded", to: "graded")
        expectRefused(try last(started + [.submitAttempt(attemptId: 1, answers: [1]), .abandonAttempt(attemptId: 1)]),
                      from: "submitted", to: "abandoned")
    }

    @Test func cancellingACompletedEnrollmentRefused() throws {
        let completed = Fixture.enrolled(lessons: 1) + [.completeLesson(userId: 10, lessonId: 100)]
        #expect(try last(completed).snapshot.first?.status == "completed")
        expectRefused(try last(completed + [.cancelEnrollment(userId: 10, courseId: 1)]), from: "completed",
                      to: "cancelled")
        expectRefused(try last(completed + [.expireEnrollment(userId: 10, courseId: 1)]), from: "completed",
                      to: "expired")
        expectRefused(try last(completed + [.reactivateEnrollment(userId: 10, courseId: 1)]), from: "completed",
                      to: "active")
    }

    @Test func enrollmentReactivationCycle() throws {
        let results = runModern(Fixture.enrolled() + [.cancelEnrollment(userId: 10, courseId: 1),
                                                      .reactivateEnrollment(userId: 10, courseId: 1),
                                                      .expireEnrollment(userId: 10, courseId: 1),
                                                      .reactivateEnrollment(userId: 10, courseId: 1),
                                                      .reactivateEnrollment(userId: 10, courseId: 1)])
        let outcomes = results.suffix(5).compactMap(\.outcome)
        #expect(outcomes.prefix(4).map { $0.transitions.map { "\($0.from)>\($0.to)" } }
                == [["active>cancelled"], ["cancelled>active"], ["active>expired"], ["expired>active"]])
        let repeated = try #require(outcomes.last)
        expectRefused(repeated, from: "active", to: "active")
    }
}
