import Foundation
import LMS
import Testing

/// SplitMix64: a tiny seeded generator, so the command list is the same on every machine and run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A long, varied command list over a handful of courses, users, lessons, quizzes and attempts, mixing valid
/// flows with duplicates, invalid transitions, late submissions and unknown ids.
func variedCommands(seed: UInt64, count: Int) -> [LMSCommand] {
    var rng = SeededGenerator(seed: seed)
    let courses = 1...4
    let users = 10...17
    let lessonsPerCourse = 3
    func lesson(course: Int, index: Int) -> Int { course * 100 + index }
    func quiz(course: Int) -> Int { course * 10 }
    var commands: [LMSCommand] = []
    // A base every course shares, so most later commands hit existing entities.
    for course in courses {
        commands.append(.courseCreate(courseId: course, title: "Course \(course)",
                                      instructorId: course == 1 ? nil : 90 + course,
                                      capacity: course == 2 ? 3 : nil,
                                      certificateTemplate: course == 3 ? nil : "classic"))
        for index in 0..<lessonsPerCourse {
            commands.append(.courseAddLesson(courseId: course, lessonId: lesson(course: course, index: index),
                                             title: "L\(index)"))
        }
        let strategy = GradingStrategyKind.allCases[course % GradingStrategyKind.allCases.count]
        commands.append(.courseAddQuiz(courseId: course, quizId: quiz(course: course), maxAttempts: 3,
                                       timeLimitMinutes: course.isMultiple(of: 2) ? 15 : nil, passingScore: 80,
                                       strategy: strategy, weights: course == 4 ? [] : [1, 2, 1]))
        commands.append(.coursePublish(courseId: course))
    }
    var nextAttempt = 1
    let credits: [Double] = [0, 0.25, 0.4, 0.5, 0.75, 0.8, 1]
    while commands.count < count {
        let course = Int.random(in: courses, using: &rng)
        let user = Int.random(in: users, using: &rng)
        let attempt = Int.random(in: max(1, nextAttempt - 6)...nextAttempt, using: &rng)
        switch Int.random(in: 0..<20, using: &rng) {
        case 0: commands.append(.coursePublish(courseId: course))
        case 1: commands.append(.courseUnpublish(courseId: course))
        case 2: commands.append(.courseArchive(courseId: course))
        case 3: commands.append(.courseRestore(courseId: course))
        case 4, 5, 6: commands.append(.enroll(userId: user, courseId: course))
        case 7: commands.append(.cancelEnrollment(userId: user, courseId: course))
        case 8: commands.append(.expireEnrollment(userId: user, courseId: course))
        case 9: commands.append(.reactivateEnrollment(userId: user, courseId: course))
        case 10, 11, 12:
            commands.append(.completeLesson(userId: user,
                                            lessonId: lesson(course: course, index: Int.random(in: 0..<lessonsPerCourse,
                                                                                                using: &rng))))
        case 13, 14:
            commands.append(.startAttempt(userId: user, quizId: quiz(course: course), attemptId: nextAttempt))
            nextAttempt += 1
        case 15:
            let answers = (0..<Int.random(in: 0...3, using: &rng)).map { _ in credits.randomElement(using: &rng) ?? 0 }
            commands.append(.submitAttempt(attemptId: attempt, answers: answers))
        case 16: commands.append(.gradeAttempt(attemptId: attempt))
        case 17: commands.append(.abandonAttempt(attemptId: attempt))
        case 18: commands.append(.finalGrade(userId: user, courseId: course))
        default: commands.append(.advanceClock(seconds: Int.random(in: 1...600, using: &rng)))
        }
    }
    return commands
}

@Suite struct DeterminismTests {
    static let commands = variedCommands(seed: 20_261_124, count: 400)

    @Test func generatedListIsItselfReproducibleAndVaried() {
        #expect(variedCommands(seed: 20_261_124, count: 400) == Self.commands)
        #expect(variedCommands(seed: 7, count: 400) != Self.commands)
        #expect(Self.commands.count == 400)
        #expect(Set(Self.commands.map(\.op)) == Set(LMSOperation.allCases))
    }

    @Test func legacyIsDeterministic() {
        let first = runLegacy(Self.commands)
        let second = runLegacy(Self.commands)
        #expect(first == second)
        expectVaried(first)
    }

    @Test func modernIsDeterministic() {
        let first = runModern(Self.commands)
        let second = runModern(Self.commands)
        #expect(first == second)
        expectVaried(first)
    }

    @Test func pairedRunsAreDeterministic() {
        let first = ShadowPair.run(Self.commands)
        let second = ShadowPair.run(Self.commands)
        #expect(first.map(\.legacy) == second.map(\.legacy))
        #expect(first.map(\.modern) == second.map(\.modern))
        #expect(first.map(\.agrees) == second.map(\.agrees))
        // Both agreement and divergence occur: the list exercises the quirks, not just happy paths.
        #expect(first.contains { $0.agrees } && first.contains { !$0.agrees })
    }

    /// Job ids are the only thing the ID source changes.
    @Test func idSourceOnlyShiftsJobIds() {
        let base = runModern(Self.commands, ids: IDSource())
        let shifted = runModern(Self.commands, ids: IDSource(startingAt: 10_000))
        #expect(base.map(\.normalised) == shifted.map(\.normalised))
        let baseIds = base.compactMap(\.outcome).flatMap(\.jobs).map(\.id)
        let shiftedIds = shifted.compactMap(\.outcome).flatMap(\.jobs).map(\.id)
        #expect(!baseIds.isEmpty)
        #expect(shiftedIds == baseIds.map { $0 + 9_999 })
    }

    @Test func jobIdsStartWhereTold() throws {
        let commands = [Fixture.create(), Fixture.lesson(100), .coursePublish(courseId: 1),
                        .enroll(userId: 10, courseId: 1), .enroll(userId: 11, courseId: 1)]
        for start in [1, 500, 1_000_000] {
            for results in [runModern(commands, ids: IDSource(startingAt: start)),
                            runLegacy(commands, ids: IDSource(startingAt: start))] {
                let ids = results.compactMap(\.outcome).flatMap(\.jobs).map(\.id)
                #expect(ids == [start, start + 1])
            }
        }
    }

    @Test func idSourceCountsUp() {
        var ids = IDSource(startingAt: 41)
        #expect(ids.nextValue == 41)
        #expect(ids.next() == 41)
        #expect(ids.next() == 42)
        #expect(ids.nextValue == 43)
        var fresh = IDSource()
        #expect(fresh.next() == 1)
    }

    /// Guards against a vacuous determinism check: the run must accept, reject, emit and fail things.
    private func expectVaried(_ results: [SideResult], sourceLocation: SourceLocation = #_sourceLocation) {
        let outcomes = results.compactMap(\.outcome)
        #expect(outcomes.contains { $0.status == .accepted }, sourceLocation: sourceLocation)
        #expect(Set(outcomes.compactMap(\.errorCode)).count >= 4, sourceLocation: sourceLocation)
        #expect(outcomes.contains { !$0.transitions.isEmpty }, sourceLocation: sourceLocation)
        #expect(outcomes.contains { $0.jobs.contains { $0.status == .failed } }, sourceLocation: sourceLocation)
    }
}
