import Foundation
import LMS
import Testing

/// Legacy is a PHP app: it rounds with PHP's round(), which pre-rounds to 15 significant digits. The Laravel
/// example app (`examples/laravel-lms`) runs the same legacy code on PHP 8.2; these values were checked there.
@Suite struct PHPRoundingTests {
    @Test(arguments: [
        (54.375, 54.38), (14.375, 14.38), (1.005, 1.01), (2.675, 2.68), (1.955, 1.96), (0.285, 0.29),
        (79.99999999999999, 80.0), (33.333333333333336, 33.33), (66.66666666666667, 66.67), (80.0, 80.0),
        (-54.375, -54.38), (0.001, 0.0), (0.005, 0.01), (123456.785, 123456.79),
    ])
    func roundsToTwoPlacesLikePHP(value: Double, php: Double) {
        #expect(PHPMath.round(value, 2) == php)
    }

    @Test func schoolbookRoundingOfTheBinaryValueDiffers() {
        // 1.15 of 8 points: 14.374999999999998 in binary. What the built-in legacy did before, rounding the
        // binary value (1437.4999…), gives 14.37; PHP pre-rounds to 14.375 and gives 14.38.
        let score = 1.15 / 8 * 100
        #expect((score * 100).rounded() / 100 == 14.37)
        #expect(PHPMath.round(score, 2) == 14.38)
    }

    @Test func wholeNumbersAndEdges() {
        #expect(PHPMath.round(2.5) == 3)
        #expect(PHPMath.round(-2.5) == -3)
        // PHP 8.2's pre-rounding even lifts the largest double below 0.5 to 1 (PHP's bug GH-12143).
        #expect(PHPMath.round(0.49999999999999994) == 1)
        #expect(PHPMath.round(0) == 0)
        #expect(PHPMath.round(.infinity, 2) == .infinity)
        #expect(PHPMath.round(1e20, 2) == 1e20)
    }

    /// The attempt of regression 0e334891d780: weights [3,3,1,1] with credits [0, 0.25, 0.4] earn 1.15 of 8
    /// points, 14.375% (14.37499… in binary). PHP's legacy shows 14.38, as modern's exact arithmetic does.
    @Test func legacyAttemptScoreUsesPHPRounding() throws {
        let commands: [LMSCommand] = [
            .courseCreate(courseId: 1, title: "", instructorId: nil, capacity: nil, certificateTemplate: nil),
            .courseAddLesson(courseId: 1, lessonId: 1, title: ""),
            .courseAddQuiz(courseId: 1, quizId: 1, maxAttempts: 1, timeLimitMinutes: nil, passingScore: 0,
                           strategy: .average, weights: [3, 3, 1, 1]),
            .coursePublish(courseId: 1),
            .enroll(userId: 1, courseId: 1),
            .startAttempt(userId: 1, quizId: 1, attemptId: 1),
            .submitAttempt(attemptId: 1, answers: [0, 0.25, 0.4]),
            .gradeAttempt(attemptId: 1),
        ]
        let last = try #require(ShadowPair.run(commands).last)
        let legacy = try #require(last.legacy.outcome)
        #expect(legacy.value?.score == 14.38)
        #expect(legacy.snapshot.first?.score == 14.38)
        #expect(legacy.events.first?.payload.score == 14.38)
        #expect(last.modern.outcome?.value?.score == 14.38)
    }

    /// The final grade averages the best attempt of each quiz: (54.37 + 54.38) / 2 is 54.375, shown as 54.38.
    @Test func legacyFinalGradeUsesPHPRounding() throws {
        var commands: [LMSCommand] = [
            .courseCreate(courseId: 1, title: "", instructorId: 9, capacity: nil, certificateTemplate: nil),
            .courseAddLesson(courseId: 1, lessonId: 1, title: ""),
            .courseAddQuiz(courseId: 1, quizId: 1, maxAttempts: 1, timeLimitMinutes: nil, passingScore: 50,
                           strategy: .highest, weights: [1]),
            .courseAddQuiz(courseId: 1, quizId: 2, maxAttempts: 1, timeLimitMinutes: nil, passingScore: 50,
                           strategy: .highest, weights: [1]),
            .coursePublish(courseId: 1),
            .enroll(userId: 1, courseId: 1),
        ]
        // 0.5437 and 0.5438 of the single question: scores 54.37 and 54.38.
        for (quiz, credit) in [(1, 0.5437), (2, 0.5438)] {
            commands += [.startAttempt(userId: 1, quizId: quiz, attemptId: quiz),
                         .submitAttempt(attemptId: quiz, answers: [credit]), .gradeAttempt(attemptId: quiz)]
        }
        commands.append(.finalGrade(userId: 1, courseId: 1))
        let legacy = try #require(runLegacy(commands).compactMap(\.outcome).last)
        #expect(legacy.value == OutcomeValue(passed: true, grade: 54.38))
        #expect(legacy.events.first?.payload.score == 54.38)
    }
}
