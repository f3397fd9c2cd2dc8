import Foundation
import LMS
import Testing

@Suite struct GeneratorTests {
    private static let start = Date(timeIntervalSince1970: 1_795_000_000)
    private static let noEdgeCases = TrafficProfile(edgeCaseShare: 0)
    private static let onlyEdgeCases = TrafficProfile(edgeCaseShare: 1)

    // MARK: Helpers

    /// Applies a scenario to a fresh world with `now = start + offset`, as the shadow runner does.
    private static func replay<Implementation: LMSImplementation>(
        _ scenario: GeneratedScenario, on _: Implementation.Type
    ) -> [Result<Outcome, ImplementationFault>] {
        var world = Implementation(ids: IDSource())
        return scenario.commands.map { timed in
            Result { () throws(ImplementationFault) -> Outcome in
                try world.apply(timed.command, now: start.addingTimeInterval(TimeInterval(timed.offset)))
            }
        }
    }

    private struct UserCourse: Hashable { var user: Int; var course: Int }
    private struct UserLesson: Hashable { var user: Int; var lesson: Int }

    /// Whether the scenario enrolls someone twice in one course or completes one lesson twice.
    private static func hasDuplicates(_ scenario: GeneratedScenario) -> (enrollments: Bool, completions: Bool) {
        var enrollments: [UserCourse: Int] = [:]
        var completions: [UserLesson: Int] = [:]
        for timed in scenario.commands {
            switch timed.command {
            case let .enroll(user, course): enrollments[UserCourse(user: user, course: course), default: 0] += 1
            case let .completeLesson(user, lesson): completions[UserLesson(user: user, lesson: lesson), default: 0] += 1
            default: break
            }
        }
        return (enrollments.values.contains { $0 > 1 }, completions.values.contains { $0 > 1 })
    }

    private static func quizzes(in scenarios: [GeneratedScenario])
        -> [(maxAttempts: Int, timeLimit: Int?, passing: Double, strategy: GradingStrategyKind, weights: [Double])] {
        scenarios.flatMap(\.commands).compactMap { timed in
            if case let .courseAddQuiz(_, _, maxAttempts, timeLimit, passing, strategy, weights) = timed.command {
                return (maxAttempts, timeLimit, passing, strategy, weights)
            }
            return nil
        }
    }

    // MARK: Reproducibility

    @Test func sameSeedGivesIdenticalScenarios() {
        let first = TrafficGenerator(seed: 42).scenarios(count: 300)
        let second = TrafficGenerator(seed: 42).scenarios(count: 300)
        #expect(first == second)
        #expect(first.count == 300)
    }

    @Test func scenarioDependsOnlyOnItsIndex() {
        let generator = TrafficGenerator(seed: 7)
        let all = generator.scenarios(count: 120)
        // Out of order and in isolation, as a split or streaming run would generate them.
        for index in [119, 0, 57, 3, 88] {
            #expect(generator.scenario(index) == all[index])
        }
    }

    @Test func differentSeedsGiveDifferentTraffic() {
        let one = TrafficGenerator(seed: 1).scenarios(count: 50)
        let two = TrafficGenerator(seed: 2).scenarios(count: 50)
        let identical = zip(one, two).filter { $0.commands == $1.commands }.count
        #expect(identical == 0)
    }

    @Test func scenarioIdsArePaddedIndexes() {
        #expect(TrafficGenerator.scenarioID(0) == "s-000000")
        #expect(TrafficGenerator.scenarioID(17) == "s-000017")
        #expect(TrafficGenerator.scenarioID(1_234_567) == "s-1234567")
        let scenarios = TrafficGenerator(seed: 3).scenarios(count: 200)
        #expect(scenarios[17].id == "s-000017")
        #expect(Set(scenarios.map(\.id)).count == 200)
    }

    // MARK: Shape of the traffic

    @Test func defaultCorpusUsesEveryOperation() {
        let ops = Set(TrafficGenerator(seed: 2026).scenarios(count: 2000).flatMap(\.commands).map(\.command.op))
        let missing = LMSOperation.allCases.filter { !ops.contains($0) }
        #expect(missing.isEmpty, "never generated: \(missing.map(\.rawValue))")
    }

    @Test func offsetsNeverGoBackAndFollowClockAdvances() {
        for scenario in TrafficGenerator(seed: 11).scenarios(count: 1000) {
            #expect(scenario.commands.first?.offset == 0)
            for (previous, next) in zip(scenario.commands, scenario.commands.dropFirst()) {
                #expect(next.offset >= previous.offset, "\(scenario.id): offset goes back")
                if case .advanceClock(let seconds) = previous.command {
                    #expect(seconds > 0)
                    #expect(next.offset >= previous.offset + seconds, "\(scenario.id): advance not reflected")
                }
            }
        }
    }

    @Test func averageScenarioLengthIsRealistic() {
        let scenarios = TrafficGenerator(seed: 5).scenarios(count: 1000)
        let mean = Double(scenarios.map(\.commands.count).reduce(0, +)) / Double(scenarios.count)
        #expect((30...80).contains(mean), "mean length \(mean)")
        #expect(scenarios.allSatisfy { $0.commands.count >= 5 })
    }

    @Test func quizzesAndCoursesAreConfiguredRealistically() {
        // Boundary cases configure quizzes at the limits on purpose (pass marks 0 and 100, ten questions).
        let scenarios = TrafficGenerator(seed: 9).scenarios(count: 1000)
            .filter { $0.edgeCases.allSatisfy { !EdgeCase.boundaryCases.contains($0) } }
        let quizzes = Self.quizzes(in: scenarios)
        #expect(quizzes.count > 500)
        for quiz in quizzes {
            #expect((1...3).contains(quiz.maxAttempts))
            #expect([60, 70, 75, 80].contains(quiz.passing))
            #expect(quiz.timeLimit.map { (10...60).contains($0) } ?? true)
            if quiz.weights.contains(where: { $0 > 0 }) {
                #expect((3...8).contains(quiz.weights.count))
                #expect(quiz.weights.allSatisfy { (0.5...3).contains($0) })
            }
        }
        let strategies = Dictionary(grouping: quizzes, by: \.strategy).mapValues(\.count)
        #expect(Set(strategies.keys) == Set(GradingStrategyKind.allCases))
        let highest = strategies[.highest] ?? 0
        #expect(strategies.allSatisfy { $0.key == .highest || $0.value < highest })
        #expect(quizzes.contains { $0.timeLimit == nil } && quizzes.contains { $0.timeLimit != nil })

        var templates = 0
        var missingTemplates = 0
        for case let .courseCreate(_, _, _, _, template) in scenarios.flatMap(\.commands).map(\.command) {
            templates += 1
            if template == nil { missingTemplates += 1 }
        }
        let missingShare = Double(missingTemplates) / Double(templates)
        #expect((0.01...0.12).contains(missingShare), "courses without a certificate template: \(missingShare)")
    }

    @Test func profileRangesAreHonoured() {
        let profile = TrafficProfile(edgeCaseShare: 0, usersPerScenario: 5...5, coursesPerScenario: 2...2,
                                     lessonsPerCourse: 3...3, quizzesPerCourse: 1...1)
        for scenario in TrafficGenerator(seed: 4, profile: profile).scenarios(count: 100) {
            let commands = scenario.commands.map(\.command)
            var courses = 0, lessons = 0, quizzes = 0
            var learners = Set<Int>()
            for command in commands {
                switch command {
                case .courseCreate: courses += 1
                case .courseAddLesson: lessons += 1
                case .courseAddQuiz: quizzes += 1
                case let .enroll(user, _): learners.insert(user)
                default: break
                }
            }
            #expect(courses == 2 && lessons == 6 && quizzes == 2, "\(scenario.id)")
            #expect(learners.count == 5, "\(scenario.id)")
        }
    }

    @Test func outOfRangeProfileIsClamped() {
        let generator = TrafficGenerator(seed: 1, profile: TrafficProfile(
            edgeCaseShare: 7, usersPerScenario: -3...0, coursesPerScenario: 0...0, lessonsPerCourse: 0...0,
            quizzesPerCourse: 0...100, edgeCasesPerScenario: 0...99, zeroWeightQuizShare: .nan))
        #expect(generator.profile.edgeCaseShare == 1)
        #expect(generator.profile.usersPerScenario == 1...1)
        #expect(generator.profile.zeroWeightQuizShare == 0)
        let scenarios = generator.scenarios(count: 30)
        #expect(scenarios.allSatisfy { !$0.edgeCases.isEmpty && !$0.commands.isEmpty })
    }

    // MARK: Edge cases

    @Test func defaultProfilePlantsEdgeCasesInAboutFifteenPercent() {
        let scenarios = TrafficGenerator(seed: 12).scenarios(count: 2000)
        let share = Double(scenarios.filter { !$0.edgeCases.isEmpty }.count) / Double(scenarios.count)
        #expect((0.12...0.18).contains(share), "edge-case share \(share)")
        // 2–4 edge cases (and a zero-weight quiz now and then), plus 2–4 boundary cases in about half of them.
        let withEdgeCases = scenarios.filter { !$0.edgeCases.isEmpty }
        let perScenario = withEdgeCases.map { $0.edgeCases.filter { !EdgeCase.boundaryCases.contains($0) }.count }
        #expect(perScenario.allSatisfy { (2...5).contains($0) })
        let boundaries = withEdgeCases.map { $0.edgeCases.filter { EdgeCase.boundaryCases.contains($0) }.count }
        #expect(boundaries.allSatisfy { $0 == 0 || (2...4).contains($0) })
        let boundaryShare = Double(boundaries.filter { $0 > 0 }.count) / Double(withEdgeCases.count)
        #expect((0.4...0.6).contains(boundaryShare), "boundary share \(boundaryShare)")
    }

    @Test func ordinaryTrafficHasNoDuplicates() {
        for scenario in TrafficGenerator(seed: 13, profile: Self.noEdgeCases).scenarios(count: 1000) {
            #expect(scenario.edgeCases.isEmpty)
            let duplicates = Self.hasDuplicates(scenario)
            #expect(!duplicates.enrollments, "\(scenario.id) enrolls someone twice")
            #expect(!duplicates.completions, "\(scenario.id) completes a lesson twice")
        }
    }

    @Test func edgeCaseProfileHasManyDuplicates() {
        let scenarios = TrafficGenerator(seed: 13, profile: Self.onlyEdgeCases).scenarios(count: 500)
        #expect(scenarios.allSatisfy { !$0.edgeCases.isEmpty })
        let duplicated = scenarios.filter { let found = Self.hasDuplicates($0); return found.enrollments || found.completions }
        #expect(Double(duplicated.count) / Double(scenarios.count) > 0.3, "\(duplicated.count) of 500")
        // Every labelled double enrollment or repeated completion is really in the commands.
        for scenario in scenarios {
            let found = Self.hasDuplicates(scenario)
            if scenario.edgeCases.contains(.doubleEnrollment) { #expect(found.enrollments, "\(scenario.id)") }
            if scenario.edgeCases.contains(.repeatedCompletion) { #expect(found.completions, "\(scenario.id)") }
        }
    }

    /// The refusals the modern side gives for each planted edge case (the others are accepted by modern).
    private static let expectedRefusals: [EdgeCase: Set<String>] = [
        .doubleEnrollment: [ErrorCode.alreadyEnrolled], .lateSubmission: [ErrorCode.attemptExpired],
        .publishArchivedCourse: [ErrorCode.invalidTransition], .unpublishDraftCourse: [ErrorCode.invalidTransition],
        .gradeUnsubmittedAttempt: [ErrorCode.invalidTransition], .cancelCompletedEnrollment: [ErrorCode.invalidTransition],
        .reactivateCompletedEnrollment: [ErrorCode.invalidTransition], .enrollDraftCourse: [ErrorCode.courseNotOpen],
        .capacityContention: [ErrorCode.courseFull], .extraAttempts: [ErrorCode.maxAttemptsReached],
        .publishWithoutLessons: [ErrorCode.courseHasNoLessons], .zeroWeightQuiz: [ErrorCode.quizHasNoQuestions],
        .courseTransitionTour: [ErrorCode.invalidTransition],
        .enrollmentTransitionTour: [ErrorCode.invalidTransition, ErrorCode.notEnrolled],
        .attemptTransitionTour: [ErrorCode.invalidTransition, ErrorCode.attemptExpired],
        .timeLimitBoundary: [ErrorCode.attemptExpired],
        .seatBoundary: [ErrorCode.courseFull],
        .attemptLimitBoundary: [ErrorCode.maxAttemptsReached, ErrorCode.attemptExpired],
        .settingBoundary: [ErrorCode.invalidInput, ErrorCode.courseFull, ErrorCode.maxAttemptsReached],
    ]

    /// Whether a learner turned away with `course_full` later enrolled in the same course.
    private static func someoneGotAFreedSeat(_ commands: [LMSCommand], _ outcomes: [Outcome]) -> Bool {
        var turnedAway = Set<UserCourse>()
        for (command, outcome) in zip(commands, outcomes) {
            guard case let .enroll(user, course) = command else { continue }
            let key = UserCourse(user: user, course: course)
            if outcome.errorCode == ErrorCode.courseFull { turnedAway.insert(key) }
            else if outcome.status == .accepted, turnedAway.contains(key) { return true }
        }
        return false
    }

    @Test func everyPlantedEdgeCaseShowsUpInTheModernOutcomes() {
        let profile = TrafficProfile(edgeCaseShare: 1, zeroWeightQuizShare: 0.05, boundaryShare: 0.5)
        var seen = Set<EdgeCase>()
        for scenario in TrafficGenerator(seed: 21, profile: profile).scenarios(count: 400) {
            let outcomes = Self.replay(scenario, on: ModernLMS.self).compactMap { try? $0.get() }
            let codes = Set(outcomes.compactMap(\.errorCode))
            if scenario.edgeCases.contains(.capacityContention) {
                #expect(Self.someoneGotAFreedSeat(scenario.commands.map(\.command), outcomes), "\(scenario.id)")
            }
            for edge in scenario.edgeCases {
                seen.insert(edge)
                for code in Self.expectedRefusals[edge] ?? [] where edge != .attemptLimitBoundary || code != ErrorCode.attemptExpired {
                    #expect(codes.contains(code), "\(scenario.id) plants \(edge) but modern never refuses with \(code)")
                }
            }
            // Ordinary traffic is refused for nothing: every refusal comes from a planted edge case.
            let explained = Set(scenario.edgeCases.flatMap { Self.expectedRefusals[$0] ?? [] })
            #expect(codes.isSubset(of: explained), "\(scenario.id): unexplained \(codes.subtracting(explained))")
        }
        #expect(seen == Set(EdgeCase.allCases))
    }

    @Test func nearPassMarkScoresLandOnThePassMark() throws {
        var scenarios = 0
        var exact = 0
        for scenario in TrafficGenerator(seed: 23, profile: Self.onlyEdgeCases).scenarios(count: 400)
        where scenario.edgeCases.contains(.nearPassMark) {
            scenarios += 1
            var passMarks: [Int: Double] = [:]
            var quizOfAttempt: [Int: Int] = [:]
            var distances: [Double] = []
            var world = ModernLMS(ids: IDSource())
            for timed in scenario.commands {
                let outcome = try world.apply(timed.command, now: Self.start.addingTimeInterval(TimeInterval(timed.offset)))
                switch timed.command {
                case let .courseAddQuiz(_, quiz, _, _, passing, _, _): passMarks[quiz] = passing
                case let .startAttempt(_, quiz, attempt): quizOfAttempt[attempt] = quiz
                case let .gradeAttempt(attempt):
                    if let score = outcome.value?.score, let quiz = quizOfAttempt[attempt], let mark = passMarks[quiz] {
                        distances.append(abs(score - mark))
                    }
                default: break
                }
            }
            // A tenth of a point either side on 3 or more questions is at most 3.34 percentage points.
            #expect(distances.contains { $0 <= 3.34 }, "\(scenario.id): no score near the pass mark in \(distances)")
            if distances.contains(where: { $0 < 0.001 }) { exact += 1 }
        }
        #expect(scenarios >= 30)
        #expect(Double(exact) / Double(scenarios) > 0.3, "\(exact) of \(scenarios) land exactly on the mark")
    }

    @Test func zeroWeightQuizzesAreVeryRare() {
        let scenarios = TrafficGenerator(seed: 31).scenarios(count: 5000)
        let labelled = scenarios.filter { $0.edgeCases.contains(.zeroWeightQuiz) }
        #expect((1...30).contains(labelled.count), "\(labelled.count) of 5000")
        for scenario in scenarios {
            let hasZeroWeightQuiz = Self.quizzes(in: [scenario]).contains { !$0.weights.contains { $0 > 0 } }
            #expect(hasZeroWeightQuiz == scenario.edgeCases.contains(.zeroWeightQuiz), "\(scenario.id)")
        }
    }

    // MARK: Against the implementations

    @Test func modernAcceptsTheLargeMajority() {
        var accepted = 0
        var total = 0
        for scenario in TrafficGenerator(seed: 2026).scenarios(count: 500) {
            for result in Self.replay(scenario, on: ModernLMS.self) {
                total += 1
                if case .success(let outcome) = result, outcome.status == .accepted { accepted += 1 }
            }
        }
        let ratio = Double(accepted) / Double(total)
        #expect(ratio >= 0.8, "modern accepted \(ratio)")
    }

    /// Ordinary traffic follows the modern rules exactly: anything refused is a generator bug.
    @Test func modernAcceptsEveryOrdinaryCommand() {
        var refusals: [String] = []
        for scenario in TrafficGenerator(seed: 77, profile: Self.noEdgeCases).scenarios(count: 400) {
            for (timed, result) in zip(scenario.commands, Self.replay(scenario, on: ModernLMS.self)) {
                switch result {
                case .success(let outcome) where outcome.status == .accepted:
                    continue
                case .success(let outcome):
                    refusals.append("\(scenario.id) @\(timed.offset) \(timed.command): \(outcome.errorCode ?? "")")
                case .failure(let fault):
                    refusals.append("\(scenario.id) @\(timed.offset) \(timed.command): crashed: \(fault)")
                }
            }
        }
        #expect(refusals.isEmpty, "\(refusals.count) refused, first: \(refusals.prefix(3))")
    }

    /// A runner that takes time from the offsets and one that only adds up `clock.advance` commands see the
    /// same outcomes: no time-limit decision falls in the seconds between commands.
    @Test func bothWaysOfKeepingTimeAgree() throws {
        for scenario in TrafficGenerator(seed: 19, profile: TrafficProfile(edgeCaseShare: 0.5)).scenarios(count: 300) {
            var byOffset = ModernLMS(ids: IDSource())
            var byAdvances = ModernLMS(ids: IDSource())
            var advanced = 0
            for timed in scenario.commands {
                if case .advanceClock(let seconds) = timed.command { advanced += seconds }
                let fromOffset = try byOffset.apply(timed.command, now: Self.start.addingTimeInterval(TimeInterval(timed.offset)))
                let fromAdvances = try byAdvances.apply(timed.command, now: Self.start.addingTimeInterval(TimeInterval(advanced)))
                #expect(fromOffset == fromAdvances, "\(scenario.id) @\(timed.offset) \(timed.command)")
            }
        }
    }

    @Test func legacyCrashesOnlyGradingZeroWeightQuizzes() {
        let forcing = TrafficProfile(edgeCaseShare: 1, zeroWeightQuizShare: 1)
        let corpora = [TrafficGenerator(seed: 2026).scenarios(count: 2000),
                       TrafficGenerator(seed: 8, profile: forcing).scenarios(count: 100)]
        var crashes = 0
        for scenario in corpora.joined() {
            var zeroWeightQuizzes = Set<Int>()
            var quizOfAttempt: [Int: Int] = [:]
            for (timed, result) in zip(scenario.commands, Self.replay(scenario, on: LegacyLMS.self)) {
                switch timed.command {
                case let .courseAddQuiz(_, quiz, _, _, _, _, weights) where !weights.contains(where: { $0 > 0 }):
                    zeroWeightQuizzes.insert(quiz)
                case let .startAttempt(_, quiz, attempt):
                    quizOfAttempt[attempt] = quiz
                default: break
                }
                guard case .failure(let fault) = result else { continue }
                crashes += 1
                guard case .gradeAttempt(let attempt) = timed.command,
                      let quiz = quizOfAttempt[attempt], zeroWeightQuizzes.contains(quiz) else {
                    Issue.record("\(scenario.id): legacy crashed on \(timed.command): \(fault)")
                    continue
                }
            }
        }
        #expect(crashes >= 50, "the forcing profile must make legacy crash; saw \(crashes)")
    }
}
