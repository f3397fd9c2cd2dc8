import Foundation
import LMS
import ShadowTestSupport
import Testing

/// Transition coverage and boundary counts (`shadowgate coverage`): what they count, and that the default
/// corpus covers every transition of both sides and every boundary of the domain.
@Suite struct CoverageTests {
    private static func scenario(_ commands: [LMSCommand], seconds: [Int]? = nil) -> GeneratedScenario {
        var offset = 0
        return GeneratedScenario(id: "s-test", commands: commands.enumerated().map { index, command in
            offset += seconds?[index] ?? 5
            return TimedCommand(offset: offset, command: command)
        })
    }

    private static func pair(_ machine: CoverageMachine, _ from: String, _ to: String) -> TransitionPair {
        TransitionPair(machine: machine, from: from, to: to)
    }

    // MARK: What is counted

    @Test func eachSideCountsItsOwnMoveFromItsOwnState() {
        let coverage = CorpusCoverage.measure([Self.scenario([
            .courseCreate(courseId: 1, title: "t", instructorId: 9, capacity: nil, certificateTemplate: nil),
            .courseAddLesson(courseId: 1, lessonId: 10, title: "l"),
            .courseArchive(courseId: 1),
            .coursePublish(courseId: 1),
        ])])
        let archive = Self.pair(.course, "draft", "archived")
        let republish = Self.pair(.course, "archived", "published")
        #expect(coverage.legacy[archive]?.carriedOut == 1 && coverage.modern[archive]?.carriedOut == 1)
        // legacy.archived_to_published: legacy carries it out, modern refuses.
        #expect(coverage.legacy[republish] == TransitionCounts(carriedOut: 1, refused: 0))
        #expect(coverage.modern[republish] == TransitionCounts(carriedOut: 0, refused: 1))
        #expect(!coverage.gaps.isEmpty)
    }

    @Test func theLastLessonAimsAtCompletionOnlyWhenItCannotComplete() {
        let coverage = CorpusCoverage.measure([Self.scenario([
            .courseCreate(courseId: 1, title: "t", instructorId: 9, capacity: nil, certificateTemplate: nil),
            .courseAddLesson(courseId: 1, lessonId: 10, title: "a"),
            .courseAddLesson(courseId: 1, lessonId: 11, title: "b"),
            .coursePublish(courseId: 1),
            .enroll(userId: 5, courseId: 1),
            .completeLesson(userId: 5, lessonId: 11),   // active, one of two: no move yet
            .completeLesson(userId: 5, lessonId: 10),   // active → completed
            .completeLesson(userId: 5, lessonId: 11),   // completed → completed, refused
        ])])
        #expect(coverage.modern[Self.pair(.enrollment, "active", "completed")] == TransitionCounts(carriedOut: 1, refused: 0))
        #expect(coverage.modern[Self.pair(.enrollment, "completed", "completed")]?.refused == 1)
        #expect(coverage.boundaries[.secondLastLesson] == 1 && coverage.boundaries[.lastLesson] == 1)
        #expect(coverage.boundaries[.lessonAfterCompletion] == 1)
    }

    @Test func timeLimitBoundariesAreCountedToTheSecond() {
        let quiz = LMSCommand.courseAddQuiz(courseId: 1, quizId: 3, maxAttempts: 5, timeLimitMinutes: 10,
                                            passingScore: 80, strategy: .highest, weights: [1])
        var commands: [LMSCommand] = [
            .courseCreate(courseId: 1, title: "t", instructorId: 9, capacity: nil, certificateTemplate: nil),
            .courseAddLesson(courseId: 1, lessonId: 10, title: "a"), quiz, .coursePublish(courseId: 1),
            .enroll(userId: 5, courseId: 1),
        ]
        var seconds = [Int](repeating: 5, count: commands.count)
        for (attempt, elapsed) in [(1, 599), (2, 600), (3, 601), (4, 660)] {
            commands += [.startAttempt(userId: 5, quizId: 3, attemptId: attempt), .submitAttempt(attemptId: attempt, answers: [1])]
            seconds += [5, elapsed]
        }
        let coverage = CorpusCoverage.measure([Self.scenario(commands, seconds: seconds)])
        #expect(coverage.boundaries[.submitBeforeLimit] == 1)
        #expect(coverage.boundaries[.submitAtLimit] == 1)
        #expect(coverage.boundaries[.submitAfterLimit] == 1)
        // Only the two late ones expire on modern; legacy submits all four.
        #expect(coverage.modern[Self.pair(.attempt, "in_progress", "expired")]?.carriedOut == 2)
        #expect(coverage.legacy[Self.pair(.attempt, "in_progress", "submitted")]?.carriedOut == 4)
    }

    // MARK: The generator reaches every transition and boundary

    @Test func boundaryScenariosCoverEverything() {
        let profile = TrafficProfile(edgeCaseShare: 1, boundaryShare: 1)
        let coverage = CorpusCoverage.measure(TrafficGenerator(seed: 77, profile: profile).scenarios(count: 300))
        #expect(coverage.gaps.isEmpty, "\(coverage.gaps)")
    }

    @Test func withoutBoundaryShareNoBoundaryCaseIsPlanted() {
        let profile = TrafficProfile(edgeCaseShare: 1, boundaryShare: 0)
        let scenarios = TrafficGenerator(seed: 77, profile: profile).scenarios(count: 200)
        #expect(scenarios.allSatisfy { $0.edgeCases.allSatisfy { !EdgeCase.boundaryCases.contains($0) } })
    }

    @Test func timeLimitSubmissionsFollowTheirStartToTheSecond() {
        let profile = TrafficProfile(edgeCaseShare: 1, boundaryShare: 1)
        for scenario in TrafficGenerator(seed: 5, profile: profile).scenarios(count: 200)
        where scenario.edgeCases.contains(.timeLimitBoundary) {
            // Offsets and clock advances agree: every advance is followed by a command at exactly its end.
            for (previous, next) in zip(scenario.commands, scenario.commands.dropFirst()) {
                if case .advanceClock(let seconds) = previous.command {
                    #expect(next.offset >= previous.offset + seconds, "\(scenario.id)")
                }
            }
        }
    }

    /// The default corpus of `make run` (seed 20261125, 3000 scenarios): every allowed and refused transition
    /// of each machine on both sides, every boundary, every seat and attempt path.
    @Test(.tags(.slow)) func defaultCorpusCoversEveryTransitionAndBoundary() {
        let generator = TrafficGenerator(seed: 20_261_125)
        let coverage = CorpusCoverage.measure((0..<3000).lazy.map { generator.scenario($0) })
        #expect(coverage.scenarios == 3000)
        for point in BoundaryPoint.allCases {
            #expect((coverage.boundaries[point] ?? 0) > 0, "boundary \(point.rawValue) never hit")
        }
        for pair in CorpusCoverage.pairs where pair.machine.unreachableReason(from: pair.from, to: pair.to) == nil {
            let modern = coverage.modern[pair] ?? TransitionCounts()
            if pair.machine.allows(from: pair.from, to: pair.to) {
                #expect(modern.carriedOut > 0, "\(pair): allowed, never carried out")
            } else {
                #expect(modern.refused > 0, "\(pair): never refused")
            }
        }
        #expect(coverage.gaps.isEmpty, "\(coverage.gaps)")
    }
}
