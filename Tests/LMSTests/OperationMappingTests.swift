import LMS
import Testing

/// The op names and feature flags of DESIGN §2, written out as the table states them.
@Suite struct OperationMappingTests {
    static let designTable: [String: String?] = [
        "course.create": "course_state_machine",
        "course.addLesson": "course_state_machine",
        "course.addQuiz": "course_state_machine",
        "course.publish": "course_state_machine",
        "course.unpublish": "course_state_machine",
        "course.archive": "course_state_machine",
        "course.restore": "course_state_machine",
        "enrollment.enroll": "enrollment_service",
        "enrollment.cancel": "enrollment_state_machine",
        "enrollment.expire": "enrollment_state_machine",
        "enrollment.reactivate": "enrollment_state_machine",
        "progress.completeLesson": "progress_service",
        "attempt.start": "attempt_state_machine",
        "attempt.submit": "attempt_state_machine",
        "attempt.abandon": "attempt_state_machine",
        "attempt.grade": "grading_service",
        "grade.final": "grading_strategies",
        "clock.advance": nil,
    ]

    @Test func everyOperationIsInTheDesignTable() {
        #expect(Set(LMSOperation.allCases.map(\.rawValue)) == Set(Self.designTable.keys))
    }

    @Test(arguments: LMSOperation.allCases)
    func featureMatchesDesign(operation: LMSOperation) throws {
        let expected = try #require(Self.designTable[operation.rawValue], "\(operation.rawValue) not in DESIGN §2")
        #expect(operation.feature?.rawValue == expected)
        #expect(LMSOperation(rawValue: operation.rawValue) == operation)
    }

    @Test func featureNamesFollowTheGuide() {
        #expect(Set(LMSFeature.allCases.map(\.rawValue)) == [
            "enrollment_service", "progress_service", "grading_service", "course_state_machine",
            "enrollment_state_machine", "attempt_state_machine", "domain_events", "grading_strategies",
        ])
        // domain_events is compared on every command, so no operation belongs to it alone.
        #expect(!LMSOperation.allCases.contains { $0.feature == .domainEvents })
    }

    /// One command of each case, with the op it must report.
    static let commands: [(LMSCommand, String)] = [
        (.courseCreate(courseId: 1, title: "T", instructorId: nil, capacity: nil, certificateTemplate: nil), "course.create"),
        (.courseAddLesson(courseId: 1, lessonId: 2, title: "L"), "course.addLesson"),
        (.courseAddQuiz(courseId: 1, quizId: 3, maxAttempts: 1, timeLimitMinutes: nil, passingScore: 50,
                        strategy: .first, weights: [1]), "course.addQuiz"),
        (.coursePublish(courseId: 1), "course.publish"),
        (.courseUnpublish(courseId: 1), "course.unpublish"),
        (.courseArchive(courseId: 1), "course.archive"),
        (.courseRestore(courseId: 1), "course.restore"),
        (.enroll(userId: 1, courseId: 1), "enrollment.enroll"),
        (.cancelEnrollment(userId: 1, courseId: 1), "enrollment.cancel"),
        (.expireEnrollment(userId: 1, courseId: 1), "enrollment.expire"),
        (.reactivateEnrollment(userId: 1, courseId: 1), "enrollment.reactivate"),
        (.completeLesson(userId: 1, lessonId: 2), "progress.completeLesson"),
        (.startAttempt(userId: 1, quizId: 3, attemptId: 4), "attempt.start"),
        (.submitAttempt(attemptId: 4, answers: [1]), "attempt.submit"),
        (.abandonAttempt(attemptId: 4), "attempt.abandon"),
        (.gradeAttempt(attemptId: 4), "attempt.grade"),
        (.finalGrade(userId: 1, courseId: 1), "grade.final"),
        (.advanceClock(seconds: 60), "clock.advance"),
    ]

    @Test func everyCommandMapsToItsOp() {
        for (command, op) in Self.commands {
            #expect(command.op.rawValue == op, "\(command)")
        }
        // Every operation is reached by some command.
        #expect(Set(Self.commands.map { $0.0.op }) == Set(LMSOperation.allCases))
    }
}
