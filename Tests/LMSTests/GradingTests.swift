import Foundation
import LMS
import Testing

@Suite struct GradingStrategyTests {
    // Scores are hundredths of a percent, in the order the attempts were started.
    static let varied = [7000, 9000, 8000]

    @Test func highest() {
        let strategy = HighestAttemptStrategy()
        #expect(strategy.grade(Self.varied) == 9000)
        #expect(strategy.grade([8000, 8000, 6000]) == 8000)
        #expect(strategy.grade([4200]) == 4200)
        #expect(strategy.grade([0, 0]) == 0)
        #expect(strategy.grade([]) == nil)
    }

    @Test func latest() {
        let strategy = LatestAttemptStrategy()
        #expect(strategy.grade(Self.varied) == 8000)
        #expect(strategy.grade([9000, 5000, 5000]) == 5000)
        #expect(strategy.grade([4200]) == 4200)
        #expect(strategy.grade([]) == nil)
    }

    @Test func first() {
        let strategy = FirstAttemptStrategy()
        #expect(strategy.grade(Self.varied) == 7000)
        #expect(strategy.grade([5000, 5000, 9000]) == 5000)
        #expect(strategy.grade([4200]) == 4200)
        #expect(strategy.grade([]) == nil)
    }

    @Test func averageRoundsHalfUp() {
        let strategy = AverageAttemptStrategy()
        #expect(strategy.grade(Self.varied) == 8000)
        #expect(strategy.grade([8000, 8001]) == 8001)   // 8000.5 → 8001
        #expect(strategy.grade([1, 2]) == 2)            // 1.5 → 2
        #expect(strategy.grade([1, 1, 2]) == 1)         // 1.33 → 1
        #expect(strategy.grade([2, 2, 1]) == 2)         // 1.67 → 2
        #expect(strategy.grade([6000, 6000]) == 6000)
        #expect(strategy.grade([4200]) == 4200)
        #expect(strategy.grade([]) == nil)
    }

    @Test(arguments: GradingStrategyKind.allCases)
    func kindSelectsItsStrategy(kind: GradingStrategyKind) {
        let expected: [GradingStrategyKind: Int] = [.highest: 9000, .latest: 8000, .average: 8000, .first: 7000]
        #expect(kind.strategy.grade(Self.varied) == expected[kind])
        #expect(kind.strategy.grade([]) == nil)
    }

    @Test func kindWireNames() {
        #expect(GradingStrategyKind.allCases.map(\.rawValue) == ["highest", "latest", "average", "first"])
    }
}

@Suite struct FixedPointScoreTests {
    private let passMark = FixedPointScore.hundredths(percent: 80)

    @Test func passMarkInHundredths() {
        #expect(passMark == 8000)
        #expect(FixedPointScore.hundredths(percent: 79.5) == 7950)
        #expect(FixedPointScore.hundredths(percent: 0) == 0)
        #expect(FixedPointScore.hundredths(percent: 100) == 10_000)
        #expect(FixedPointScore.percent(8000) == 80.0)
        #expect(FixedPointScore.percent(3333) == 33.33)
    }

    @Test func seventyNinePointFiveFailsEverywhere() throws {
        let score = try #require(FixedPointScore.hundredths(weights: [1, 1], answers: [1, 0.59]))
        #expect(score == 7950)
        #expect(score < passMark)
        let step = try gradeOnBothSides(weights: [1, 1], answers: [1, 0.59])
        #expect(step.legacy.outcome?.value == OutcomeValue(score: 79.5, passed: false))
        #expect(step.modern.outcome?.value == OutcomeValue(score: 79.5, passed: false))
    }

    @Test func twoPointFourOfThreePassesOnlyInModern() throws {
        // The premise: binary floating point puts 2.4 / 3 below 0.8.
        let ratio: Double = (1.0 + 1.0 + 0.4) / 3.0
        #expect(ratio < 0.8)
        let score = try #require(FixedPointScore.hundredths(weights: [1, 1, 1], answers: [1, 1, 0.4]))
        #expect(score == 8000)
        #expect(score >= passMark)
        let step = try gradeOnBothSides(weights: [1, 1, 1], answers: [1, 1, 0.4])
        #expect(step.legacy.outcome?.value == OutcomeValue(score: 80, passed: false))
        #expect(step.modern.outcome?.value == OutcomeValue(score: 80, passed: true))
    }

    @Test func exactlyEightyPassesEverywhere() throws {
        // 4 of 5 points is exactly 0.8 in binary floating point as well.
        let ratio: Double = 4.0 / 5.0
        #expect(ratio == 0.8 && ratio * 100 == 80)
        let answers: [Double] = [1, 1, 1, 1, 0]
        let score = try #require(FixedPointScore.hundredths(weights: [1, 1, 1, 1, 1], answers: answers))
        #expect(score == 8000)
        let step = try gradeOnBothSides(weights: [1, 1, 1, 1, 1], answers: answers)
        #expect(step.legacy.outcome?.value == OutcomeValue(score: 80, passed: true))
        #expect(step.modern.outcome?.value == OutcomeValue(score: 80, passed: true))
        #expect(step.agrees)
    }

    @Test func creditIsClampedToZeroThroughOne() throws {
        #expect(FixedPointScore.hundredths(weights: [1, 1], answers: [1.5, -0.5]) == 5000)
        #expect(FixedPointScore.hundredths(weights: [1, 1], answers: [7, 7]) == 10_000)
        #expect(FixedPointScore.hundredths(weights: [1, 1], answers: [-1, -1]) == 0)
        let step = try gradeOnBothSides(weights: [1, 1], answers: [1.5, -0.5])
        #expect(step.modern.outcome?.value?.score == 50)
        #expect(step.agrees)
    }

    @Test func missingAnswersEarnNothing() {
        #expect(FixedPointScore.hundredths(weights: [1, 1, 1, 1], answers: [1]) == 2500)
        #expect(FixedPointScore.hundredths(weights: [3, 1], answers: []) == 0)
        // Extra answers beyond the questions are ignored.
        #expect(FixedPointScore.hundredths(weights: [1], answers: [1, 1, 1]) == 10_000)
    }

    @Test func weightsCount() {
        #expect(FixedPointScore.hundredths(weights: [3, 1], answers: [1, 0]) == 7500)
        #expect(FixedPointScore.hundredths(weights: [3, 1], answers: [0, 1]) == 2500)
        #expect(FixedPointScore.hundredths(weights: [1, 1, 1], answers: [1, 0, 0]) == 3333)
        #expect(FixedPointScore.hundredths(weights: [1, 1, 1], answers: [1, 1, 0]) == 6667)
    }

    @Test func roundsHalfUp() {
        // 1 thousandth of credit on 1 of 20 equal questions is 0.5 hundredths: rounds up to 1.
        let weights = [Double](repeating: 1, count: 20)
        #expect(FixedPointScore.hundredths(weights: weights, answers: [0.001]) == 1)
        #expect(FixedPointScore.hundredths(weights: weights, answers: [0.003]) == 2)   // 1.5 → 2
    }

    @Test func weightlessQuizHasNoScore() {
        #expect(FixedPointScore.hundredths(weights: [], answers: []) == nil)
        #expect(FixedPointScore.hundredths(weights: [0, 0], answers: [1, 1]) == nil)
    }

    /// Grades one submitted attempt on a fresh pair and returns the grade step.
    private func gradeOnBothSides(weights: [Double], answers: [Double]) throws -> PairStep {
        let steps = ShadowPair.run(Fixture.enrolled() + [Fixture.quiz(weights: weights)]
                                   + Fixture.attempt(1, answers: answers))
        return try #require(steps.last)
    }
}

/// `grade.final` end to end through the modern application, one quiz per strategy.
@Suite struct FinalGradeTests {
    /// Graded 70, 100, 75, then an abandoned attempt and a submitted-but-ungraded one (neither counts).
    private func history(_ strategy: GradingStrategyKind) -> [LMSCommand] {
        Fixture.enrolled() + [Fixture.quiz(strategy: strategy, weights: [1])]
            + Fixture.attempt(1, answers: [0.7]) + Fixture.attempt(2, answers: [1]) + Fixture.attempt(3, answers: [0.75])
            + [.startAttempt(userId: 10, quizId: 5, attemptId: 4), .abandonAttempt(attemptId: 4),
               .startAttempt(userId: 10, quizId: 5, attemptId: 6), .submitAttempt(attemptId: 6, answers: [0]),
               .finalGrade(userId: 10, courseId: 1)]
    }

    @Test(arguments: [
        (GradingStrategyKind.highest, 100.0, true),
        (.latest, 75.0, false),
        (.average, 81.67, true),   // (70 + 100 + 75) / 3 = 81.666… → 81.67
        (.first, 70.0, false),
    ])
    func eachStrategy(strategy: GradingStrategyKind, grade: Double, passed: Bool) throws {
        let results = runModern(history(strategy))
        for result in results { #expect(result.outcome != nil, "modern crashed: \(result)") }
        let outcome = try #require(results.last?.outcome)
        #expect(outcome.status == .accepted)
        #expect(outcome.value == OutcomeValue(passed: passed, grade: grade))
        #expect(outcome.events == [DomainEvent("CourseGradeCalculated",
                                               EventPayload(courseId: 1, userId: 10, score: grade, passed: passed))])
    }

    @Test func highestStrategyAgreesWithLegacy() throws {
        for step in ShadowPair.run(history(.highest)) {
            #expect(step.legacy.outcome?.behaviour == step.modern.outcome?.behaviour, "\(step.command)")
        }
        let last = try #require(ShadowPair.run(history(.highest)).last)
        #expect(last.agrees)
    }

    @Test func legacyAlwaysTakesTheHighest() throws {
        for strategy in GradingStrategyKind.allCases {
            let outcome = try #require(runLegacy(history(strategy)).last?.outcome)
            #expect(outcome.value == OutcomeValue(passed: true, grade: 100))
        }
    }

    @Test func courseGradeAveragesItsQuizzes() throws {
        let commands = Fixture.enrolled()
            + [Fixture.quiz(5, strategy: .highest, weights: [1]), Fixture.quiz(6, strategy: .first, weights: [1]),
               Fixture.quiz(7, strategy: .latest, weights: [1])]
            + Fixture.attempt(1, quiz: 5, answers: [0.9]) + Fixture.attempt(2, quiz: 6, answers: [0.85])
            + [.finalGrade(userId: 10, courseId: 1)]
        let outcome = try #require(runModern(commands).last?.outcome)
        // Quiz 7 has no graded attempt: it counts 0 and fails its pass mark. (90 + 85 + 0) / 3 = 58.33.
        #expect(outcome.value == OutcomeValue(passed: false, grade: 58.33))
    }

    @Test func refusals() throws {
        let noQuiz = Fixture.enrolled() + [.finalGrade(userId: 10, courseId: 1)]
        #expect(try #require(runModern(noQuiz).last?.outcome).errorCode == ErrorCode.courseHasNoQuizzes)
        let stranger = Fixture.enrolled() + [Fixture.quiz(), .finalGrade(userId: 77, courseId: 1)]
        #expect(try #require(runModern(stranger).last?.outcome).errorCode == ErrorCode.notEnrolled)
        #expect(try #require(runModern([.finalGrade(userId: 10, courseId: 9)]).last?.outcome).errorCode
                == ErrorCode.notFound)
    }

    @Test func noGradedAttemptGradesZero() throws {
        let commands = Fixture.enrolled() + [Fixture.quiz(strategy: .average), .finalGrade(userId: 10, courseId: 1)]
        let steps = ShadowPair.run(commands)
        let last = try #require(steps.last)
        #expect(last.modern.outcome?.value == OutcomeValue(passed: false, grade: 0))
        #expect(last.agrees)
    }
}
