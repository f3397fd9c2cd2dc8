import Foundation
import LMS
import LMSShadow
import ShadowKit
import Testing

/// The LMS's entity keys, command by command: the same list as the Laravel app's EntitiesTest
/// (examples/laravel-lms/tests/Feature/EntitiesTest.php), so both return the same keys.
@Suite struct LMSEntitiesTests {
    static let expected: [(LMSCommand, [String])] = [
        (.courseCreate(courseId: 1, title: "Course 1", instructorId: 99, capacity: nil, certificateTemplate: "classic"), ["course:1"]),
        (.courseAddLesson(courseId: 1, lessonId: 100, title: "Lesson 100"), ["course:1", "lesson:100"]),
        (.courseAddQuiz(courseId: 1, quizId: 5, maxAttempts: 3, timeLimitMinutes: nil, passingScore: 80, strategy: .highest,
                        weights: [1, 1, 1]), ["course:1", "quiz:5"]),
        (.coursePublish(courseId: 1), ["course:1"]),
        (.enroll(userId: 10, courseId: 1), ["course:1", "enrollment:10:1"]),
        (.startAttempt(userId: 10, quizId: 5, attemptId: 1), ["course:1", "enrollment:10:1", "quiz:5", "attempt:1"]),
        (.startAttempt(userId: 10, quizId: 77, attemptId: 2), ["quiz:77", "attempt:2"]),
        (.submitAttempt(attemptId: 1, answers: [1, 1, 1]), ["course:1", "enrollment:10:1", "quiz:5", "attempt:1"]),
        (.gradeAttempt(attemptId: 1), ["course:1", "enrollment:10:1", "quiz:5", "attempt:1"]),
        (.abandonAttempt(attemptId: 42), ["attempt:42"]),
        (.completeLesson(userId: 10, lessonId: 100), ["course:1", "enrollment:10:1", "lesson:100"]),
        (.completeLesson(userId: 10, lessonId: 999), ["lesson:999"]),
        (.finalGrade(userId: 10, courseId: 1), ["course:1", "enrollment:10:1"]),
        (.advanceClock(seconds: 60), []),
    ]

    @Test func eachCommandTouchesItsKeysInEitherWorld() throws {
        var legacy = LegacyLMS()
        var modern = ModernLMS()
        let subject = LMSSubject()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        for (index, (command, keys)) in Self.expected.enumerated() {
            let outcome = try legacy.apply(command, now: now)
            _ = try modern.apply(command, now: now)
            #expect(subject.entities(of: command, control: .success(outcome), world: legacy) == keys, "command \(index)")
            #expect(LMSEntities.keys(of: command, in: modern) == keys, "command \(index), modern world")
        }
    }
}
