import Foundation
import LMS
import Testing

@Suite struct EventTests {
    @Test func courseCompletedViaItsLastLesson() throws {
        let results = runModern(Fixture.enrolled(lessons: 2) + [.completeLesson(userId: 10, lessonId: 100),
                                                                .completeLesson(userId: 10, lessonId: 101)])
        let midway = try #require(results.dropLast().last?.outcome)
        #expect(midway.events == [
            DomainEvent("LessonCompleted", EventPayload(courseId: 1, userId: 10, lessonId: 100)),
            DomainEvent("ProgressUpdated", EventPayload(courseId: 1, userId: 10, percent: 50)),
        ])
        #expect(midway.jobs.isEmpty)

        let outcome = try #require(results.last?.outcome)
        #expect(outcome.status == .accepted)
        #expect(outcome.value == OutcomeValue(percent: 100))
        #expect(outcome.events == [
            DomainEvent("LessonCompleted", EventPayload(courseId: 1, userId: 10, lessonId: 101)),
            DomainEvent("ProgressUpdated", EventPayload(courseId: 1, userId: 10, percent: 100)),
            DomainEvent("CourseCompleted", EventPayload(courseId: 1, userId: 10)),
        ])
        #expect(outcome.jobs.count == 1)
        let job = try #require(outcome.jobs.first)
        #expect(job.listener == "IssueCertificate" && job.event == "CourseCompleted")
        #expect(job.status == .processed && job.error == nil)
        #expect(outcome.transitions == [StateTransition(entity: "enrollment", id: "enrollment:10/1", from: "active",
                                                        to: "completed")])
        #expect(outcome.snapshot == [EntitySnapshot(key: "enrollment:10/1", status: "completed", progressPercent: 100,
                                                    completedLessons: 2)])
    }

    @Test func listenersRunPerEvent() throws {
        let results = runModern([Fixture.create(), Fixture.lesson(100), .coursePublish(courseId: 1),
                                 .enroll(userId: 10, courseId: 1)])
        let create = try #require(results.first?.outcome)
        #expect(create.events == [DomainEvent("CourseCreated", EventPayload(courseId: 1))])
        #expect(create.jobs.isEmpty)
        let enroll = try #require(results.last?.outcome)
        #expect(enroll.events == [DomainEvent("EnrollmentCreated", EventPayload(courseId: 1, userId: 10))])
        #expect(enroll.jobs.map(\.listener) == ["SendEnrollmentConfirmation"])
        #expect(enroll.jobs.first?.status == .processed)
    }

    @Test func rejectedCommandsEmitNothing() throws {
        let outcome = try #require(runModern([Fixture.create(), .coursePublish(courseId: 1)]).last?.outcome)
        #expect(outcome.status == .rejected)
        #expect(outcome.events.isEmpty && outcome.jobs.isEmpty && outcome.transitions.isEmpty)
    }

    @Test func failingCertificateListenerDoesNotUndoTheCompletion() throws {
        let commands = Fixture.enrolled(lessons: 1, template: nil) + [.completeLesson(userId: 10, lessonId: 100),
                                                                      .reactivateEnrollment(userId: 10, courseId: 1),
                                                                      .enroll(userId: 10, courseId: 1)]
        let results = runModern(commands)
        let completion = try #require(results.dropLast(2).last?.outcome)
        #expect(completion.status == .accepted)
        #expect(completion.eventNames == ["LessonCompleted", "ProgressUpdated", "CourseCompleted"])
        #expect(completion.jobs.count == 1)
        let job = try #require(completion.jobs.first)
        #expect(job.listener == "IssueCertificate" && job.status == .failed)
        #expect(job.error == "course 1 has no certificate template")
        #expect(completion.transitions.map(\.to) == ["completed"])
        #expect(completion.snapshot.first?.status == "completed")
        // The next commands see the completed enrollment: the failed job rolled nothing back.
        let reactivate = try #require(results.dropLast().last?.outcome)
        #expect(reactivate.errorCode == ErrorCode.invalidTransition)
        #expect(reactivate.message?.contains("from completed to active") == true)
        #expect(try #require(results.last?.outcome).errorCode == ErrorCode.alreadyEnrolled)
    }

    @Test func failingInstructorListenerDoesNotUndoTheGrade() throws {
        let commands = Fixture.enrolled(instructor: nil) + [Fixture.quiz()] + Fixture.attempt(1, answers: [1, 1, 0])
            + [.gradeAttempt(attemptId: 1), .finalGrade(userId: 10, courseId: 1)]
        let results = runModern(commands)
        let grade = try #require(results.dropLast(2).last?.outcome)
        #expect(grade.status == .accepted)
        #expect(grade.value == OutcomeValue(score: 66.67, passed: false))
        #expect(grade.events == [DomainEvent("AttemptGraded", EventPayload(courseId: 1, userId: 10, quizId: 5, attemptId: 1,
                                                                           score: 66.67, passed: false))])
        #expect(grade.jobs.count == 1)
        let job = try #require(grade.jobs.first)
        #expect(job.listener == "NotifyInstructor" && job.event == "AttemptGraded")
        #expect(job.status == .failed && job.error == "course 1 has no instructor")
        #expect(grade.snapshot == [EntitySnapshot(key: "attempt:1", status: "graded", score: 66.67, answers: 3)])
        // The attempt stays graded and counts towards the course grade.
        #expect(try #require(results.dropLast().last?.outcome).errorCode == ErrorCode.invalidTransition)
        #expect(try #require(results.last?.outcome).value == OutcomeValue(passed: false, grade: 66.67))
    }

    @Test func legacyRecordsTheSameFailedJobWhenTheCauseIsTheSame() throws {
        // Without an instructor both sides fail NotifyInstructor the same way: not a divergence.
        let commands = Fixture.enrolled(instructor: nil) + [Fixture.quiz()] + Fixture.attempt(1, answers: [1, 1, 1])
        let last = try #require(ShadowPair.run(commands).last)
        #expect(last.legacy.outcome?.jobs.first?.status == .failed)
        #expect(last.agrees)
    }

    @Test func attemptEventsCarryTheirIds() throws {
        let commands = Fixture.enrolled() + [Fixture.quiz()] + Fixture.attempt(1, answers: [1, 1, 1])
        let outcomes = runModern(commands).suffix(3).compactMap(\.outcome)
        let payload = EventPayload(courseId: 1, userId: 10, quizId: 5, attemptId: 1)
        #expect(outcomes.map(\.eventNames) == [["AttemptStarted"], ["AttemptSubmitted"], ["AttemptGraded"]])
        #expect(outcomes[0].events.first?.payload == payload)
        #expect(outcomes[1].events.first?.payload == payload)
        var graded = payload
        graded.score = 100
        graded.passed = true
        #expect(outcomes[2].events.first?.payload == graded)
        #expect(outcomes[2].jobs.map(\.listener) == ["NotifyInstructor"])
        #expect(outcomes[2].jobs.first?.status == .processed)
    }
}
