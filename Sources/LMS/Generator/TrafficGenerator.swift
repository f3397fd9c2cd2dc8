import SplitMix
import Foundation

/// One generated command with its time offset (seconds since the scenario start).
///
/// Offsets never decrease within a scenario. A `clock.advance` of `s` seconds at offset `t` is followed by
/// commands at `t + s` or later, so a runner that derives time from the offsets and one that only adds up
/// `clock.advance` commands agree on every time-limit decision (the generator keeps ordinary in-time
/// submissions at least a minute inside the limit and late ones at least a minute past it; a boundary
/// submission — one second before, at, one second after the limit — follows its start through one
/// `clock.advance` at the start's own offset, so both readings agree to the second).
public struct TimedCommand: Sendable, Equatable {
    public var offset: Int
    public var command: LMSCommand

    public init(offset: Int, command: LMSCommand) {
        self.offset = offset
        self.command = command
    }
}

/// One generated scenario: a small tenant's traffic, applied in order to its own fresh world.
public struct GeneratedScenario: Sendable, Equatable {
    /// `s-000017` for index 17 (at least six digits).
    public var id: String
    public var commands: [TimedCommand]
    /// The edge cases deliberately planted in this scenario, in ``EdgeCase`` declaration order; empty for a
    /// scenario of ordinary traffic. Kept out of the scenario file format: it is a label for tests and reports.
    public var edgeCases: [EdgeCase]

    public init(id: String, commands: [TimedCommand], edgeCases: [EdgeCase] = []) {
        self.id = id
        self.commands = commands
        self.edgeCases = edgeCases
    }
}

/// A kind of unusual traffic the generator plants in a share of scenarios (see ``TrafficProfile/edgeCaseShare``).
public enum EdgeCase: String, Sendable, Codable, CaseIterable {
    /// A learner enrolls twice in a course while the first enrollment is active.
    case doubleEnrollment = "double_enrollment"
    /// A learner completes a lesson they already completed.
    case repeatedCompletion = "repeated_completion"
    /// A quiz is submitted after its time limit.
    case lateSubmission = "late_submission"
    /// An archived course is published directly (then restored and republished).
    case publishArchivedCourse = "publish_archived_course"
    /// A draft course is unpublished.
    case unpublishDraftCourse = "unpublish_draft_course"
    /// An attempt is graded before it is submitted.
    case gradeUnsubmittedAttempt = "grade_unsubmitted_attempt"
    /// A completed enrollment is cancelled.
    case cancelCompletedEnrollment = "cancel_completed_enrollment"
    /// A completed enrollment is reactivated.
    case reactivateCompletedEnrollment = "reactivate_completed_enrollment"
    /// Learners try to enroll into a course that is still a draft (and again once it is published).
    case enrollDraftCourse = "enroll_draft_course"
    /// A course with 1–3 seats gets more enrollees; one cancels and a waiting learner retries.
    case capacityContention = "capacity_contention"
    /// A learner starts one more attempt than the quiz allows.
    case extraAttempts = "extra_attempts"
    /// A course is published before it has lessons (then fixed and republished).
    case publishWithoutLessons = "publish_without_lessons"
    /// An attempt scores exactly around the pass mark (2.4 of 3 points against 80%).
    case nearPassMark = "near_pass_mark"
    /// An enrollment expires mid-course and is reactivated.
    case expireAndReactivate = "expire_and_reactivate"
    /// A quiz whose questions weigh nothing is taken and graded (legacy crashes on it). Very rare.
    case zeroWeightQuiz = "zero_weight_quiz"

    // Boundary cases (``TrafficProfile/boundaryShare`` of the scenarios with edge cases): each sits at a
    // threshold of the domain and one step either side, or walks every transition of a state machine.

    /// A course walks every allowed and refused course transition (draft, published, archived to each).
    case courseTransitionTour = "course_transition_tour"
    /// Learners walk every allowed and refused enrollment transition, including completing a lesson while
    /// cancelled, expired or completed.
    case enrollmentTransitionTour = "enrollment_transition_tour"
    /// Attempts walk every allowed and refused attempt transition: grade, submit, abandon from each status.
    case attemptTransitionTour = "attempt_transition_tour"
    /// Three attempts submitted one second before, exactly at and one second after the time limit.
    case timeLimitBoundary = "time_limit_boundary"
    /// Attempts scoring exactly the pass mark and one hundredth either side, then the final grade.
    case passMarkBoundary = "pass_mark_boundary"
    /// The last seat of a capacity and one past it, first filled, then freed by cancel, expiry, completion or
    /// reactivation and taken again.
    case seatBoundary = "seat_boundary"
    /// The last allowed attempt and one more, after attempts ended graded, abandoned, expired or ungraded.
    case attemptLimitBoundary = "attempt_limit_boundary"
    /// Settings at their limits: capacity 0 and 1, max attempts 0 and 1, pass mark -0.01, 0, 100, 100.01.
    case settingBoundary = "setting_boundary"

    /// The boundary cases, in declaration order.
    public static let boundaryCases: [EdgeCase] = [
        .courseTransitionTour, .enrollmentTransitionTour, .attemptTransitionTour, .timeLimitBoundary,
        .passMarkBoundary, .seatBoundary, .attemptLimitBoundary, .settingBoundary,
    ]
}

/// The shape of generated traffic. Out-of-range values are clamped by ``TrafficGenerator/init(seed:profile:)``.
public struct TrafficProfile: Sendable, Equatable {
    /// Share of scenarios that contain edge cases (0...1). Default 0.15.
    public var edgeCaseShare: Double
    /// Learners per scenario (1...5000). Default 3...12. Edge cases may add a few learners of their own.
    package var usersPerScenario: ClosedRange<Int>
    /// Courses the instructor creates per scenario (1...50). Default 1...3.
    package var coursesPerScenario: ClosedRange<Int>
    /// Lessons per course (1...90). Default 2...6.
    package var lessonsPerCourse: ClosedRange<Int>
    /// Quizzes per course (0...8). Default 0...2.
    package var quizzesPerCourse: ClosedRange<Int>
    /// How many distinct edge cases a scenario with edge cases gets. Default 2...4.
    package var edgeCasesPerScenario: ClosedRange<Int>
    /// Share of *all* scenarios that get a zero-weight quiz (only scenarios with edge cases can). Default 0.002.
    package var zeroWeightQuizShare: Double
    /// Share of the scenarios with edge cases that also get 2–4 boundary cases (``EdgeCase/boundaryCases``):
    /// thresholds hit exactly and one step either side, every state-machine transition walked. Default 0.5.
    public var boundaryShare: Double

    public init(edgeCaseShare: Double = 0.15, usersPerScenario: ClosedRange<Int> = 3...12,
                coursesPerScenario: ClosedRange<Int> = 1...3, lessonsPerCourse: ClosedRange<Int> = 2...6,
                quizzesPerCourse: ClosedRange<Int> = 0...2, edgeCasesPerScenario: ClosedRange<Int> = 2...4,
                zeroWeightQuizShare: Double = 0.002, boundaryShare: Double = 0.5) {
        self.edgeCaseShare = edgeCaseShare
        self.usersPerScenario = usersPerScenario
        self.coursesPerScenario = coursesPerScenario
        self.lessonsPerCourse = lessonsPerCourse
        self.quizzesPerCourse = quizzesPerCourse
        self.edgeCasesPerScenario = edgeCasesPerScenario
        self.zeroWeightQuizShare = zeroWeightQuizShare
        self.boundaryShare = boundaryShare
    }

    /// 15% edge-case scenarios (half of them with boundary cases), 3–12 learners, 1–3 courses of 2–6 lessons and 0–2 quizzes.
    public static let `default` = TrafficProfile()

    /// The profile with every value inside the range the id scheme and the planner support.
    func clamped() -> TrafficProfile {
        func share(_ value: Double) -> Double { value.isNaN ? 0 : min(1, max(0, value)) }
        return TrafficProfile(
            edgeCaseShare: share(edgeCaseShare),
            usersPerScenario: usersPerScenario.clamped(to: 1...5000),
            coursesPerScenario: coursesPerScenario.clamped(to: 1...50),
            lessonsPerCourse: lessonsPerCourse.clamped(to: 1...90),
            quizzesPerCourse: quizzesPerCourse.clamped(to: 0...8),
            edgeCasesPerScenario: edgeCasesPerScenario.clamped(to: 1...(EdgeCase.allCases.count - 1)),
            zeroWeightQuizShare: share(zeroWeightQuizShare), boundaryShare: share(boundaryShare))
    }
}

/// A seeded, reproducible generator of realistic LMS traffic.
///
/// Each scenario is one small tenant: an instructor sets up courses, learners enroll, work through lessons,
/// take quizzes and ask for grades, with time passing between sessions. Scenario `i` depends only on the seed,
/// the profile and `i`, so generation can stream, be split across workers, and be replayed from the seed alone.
public struct TrafficGenerator: Sendable {
    public let seed: UInt64
    /// The profile in use, clamped to supported ranges.
    public let profile: TrafficProfile

    public init(seed: UInt64, profile: TrafficProfile = .default) {
        self.seed = seed
        self.profile = profile.clamped()
    }

    /// Scenario number `index` (0-based) — independent of the others, so generation can stream and be split.
    public func scenario(_ index: Int) -> GeneratedScenario {
        precondition(index >= 0, "scenario index must not be negative")
        var builder = ScenarioBuilder(index: index, profile: profile,
                                      rng: SplitMix64(seed: seed, stream: UInt64(index)))
        return builder.build(id: Self.scenarioID(index))
    }

    /// Scenarios `0..<count`.
    public func scenarios(count: Int) -> [GeneratedScenario] {
        (0..<max(0, count)).map { scenario($0) }
    }

    /// `s-000017`: the index zero-padded to at least six digits.
    public static func scenarioID(_ index: Int) -> String {
        let digits = String(index)
        return "s-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }
}
