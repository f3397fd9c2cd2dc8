import Foundation

/// The old application's controller logic, kept as it was: string statuses, checks scattered or missing,
/// events fired inline before the row is saved. Every behaviour the refactor changes on purpose is a
/// ``LegacyQuirk``, marked in the code with its id and documented in `QUIRKS.md` beside this file.
public struct LegacyLMS: LMSImplementation {
    struct CourseRow: Sendable {
        var title: String
        var instructorId: Int?
        var capacity: Int?
        var certificateTemplate: String?
        var status = "draft"
        var lessons: [Int] = []
        var quizzes: [Int] = []
    }

    struct QuizRow: Sendable {
        var courseId: Int
        var maxAttempts: Int
        var timeLimitMinutes: Int?
        var passingScore: Double
        var weights: [Double]
        /// Kept only for the counterfactual check (``withoutQuirks``): the old schema had no such column.
        var strategy: GradingStrategyKind = .highest
    }

    struct EnrollmentRow: Sendable {
        var status: String
        var progress = 0
        var completedLessons = 0
        /// The distinct lessons completed, for the counterfactual check: legacy itself only counts rows.
        var distinctLessons: Set<Int> = []
    }

    struct AttemptRow: Sendable {
        var userId: Int
        var quizId: Int
        var number: Int
        var status = "in_progress"
        var answers: [Double] = []
        var score: Double?
        var passed: Bool?
    }

    struct UserCourse: Hashable, Sendable {
        var user: Int
        var course: Int
    }

    var courses: [Int: CourseRow] = [:]
    var lessonCourse: [Int: Int] = [:]
    var quizzes: [Int: QuizRow] = [:]
    /// The latest enrollment row per user and course (older rows stay in `enrollmentRowsPerCourse`).
    var enrollments: [UserCourse: EnrollmentRow] = [:]
    var enrollmentRowsPerCourse: [Int: Int] = [:]
    var attempts: [Int: AttemptRow] = [:]
    var attemptIdsByUserQuiz: [UserCourse: [Int]] = [:]
    var ids: IDSource

    /// Quirks switched off: for each, legacy behaves as modern intends (the counterfactual check runs a command
    /// this way on a copy of the world as it was before the command). Empty in every ordinary run.
    public var withoutQuirks: Set<String> = []

    /// The quirks that can be switched off: every catalogued quirk, and `legacy.float_course_grade` (the course
    /// grade as the mean of binary floats rounded by PHP, which the comparator's grade tolerance stands for).
    public static let switchableQuirks: Set<String> = Set(LegacyQuirk.all.map(\.id)).union([floatCourseGrade])
    static let floatCourseGrade = "legacy.float_course_grade"

    /// The quirks whose trigger occurred during the last ``apply(_:now:)`` and that behaved as legacy did: each
    /// call site consults its quirk only where the quirk's behaviour makes a difference to the decision at hand.
    /// The counterfactual check reads it on commands where both sides agree: a candidate that agrees with legacy
    /// where a quirk it should have fixed fired reproduces the quirk.
    public private(set) var triggered: [String] = []

    /// Whether the quirk behaves as legacy did (not switched off); a quirk that does is recorded as triggered.
    @inline(__always) mutating func quirk(_ id: String) -> Bool {
        if !withoutQuirks.isEmpty, withoutQuirks.contains(id) { return false }
        triggered.append(id)
        return true
    }

    public init(ids: IDSource = IDSource()) { self.ids = ids }

    public mutating func apply(_ command: LMSCommand, now: Date) throws(ImplementationFault) -> Outcome {
        if !triggered.isEmpty { triggered.removeAll(keepingCapacity: true) }
        switch command {
        case let .courseCreate(courseId, title, instructorId, capacity, template):
            guard courses[courseId] == nil else { return .rejected(ErrorCode.duplicateId) }
            guard capacity.map({ $0 > 0 }) ?? true else { return .rejected(ErrorCode.invalidInput) }
            courses[courseId] = CourseRow(title: title, instructorId: instructorId, capacity: capacity,
                                          certificateTemplate: template)
            return accepted(value: OutcomeValue(status: "draft"), snapshot: [courseSnapshot(courseId)],
                            events: [DomainEvent(EventName.courseCreated, EventPayload(courseId: courseId))])
        case let .courseAddLesson(courseId, lessonId, _):
            guard var course = courses[courseId] else { return .rejected(ErrorCode.notFound) }
            guard lessonCourse[lessonId] == nil else { return .rejected(ErrorCode.duplicateId) }
            guard course.status != "archived" else { return .rejected(ErrorCode.courseNotOpen) }
            course.lessons.append(lessonId)
            courses[courseId] = course
            lessonCourse[lessonId] = courseId
            return accepted(snapshot: [courseSnapshot(courseId)])
        case let .courseAddQuiz(courseId, quizId, maxAttempts, timeLimit, passingScore, strategy, weights):
            guard var course = courses[courseId] else { return .rejected(ErrorCode.notFound) }
            guard quizzes[quizId] == nil else { return .rejected(ErrorCode.duplicateId) }
            guard course.status != "archived" else { return .rejected(ErrorCode.courseNotOpen) }
            guard maxAttempts > 0, passingScore >= 0, passingScore <= 100 else {
                return .rejected(ErrorCode.invalidInput)
            }
            // The grading strategy column did not exist in the old schema: it is dropped here.
            quizzes[quizId] = QuizRow(courseId: courseId, maxAttempts: maxAttempts, timeLimitMinutes: timeLimit,
                                      passingScore: passingScore, weights: weights, strategy: strategy)
            course.quizzes.append(quizId)
            courses[courseId] = course
            return accepted(snapshot: [courseSnapshot(courseId)])
        case let .coursePublish(courseId):
            guard let course = courses[courseId] else { return .rejected(ErrorCode.notFound) }
            // Quirk legacy.publish_without_lessons: no lesson check.
            // Quirk legacy.archived_to_published: only "already published" is refused.
            guard course.status != "published" else { return .rejected(ErrorCode.invalidTransition) }
            if course.status == "draft", course.lessons.isEmpty, !quirk("legacy.publish_without_lessons") {
                return .rejected(ErrorCode.courseHasNoLessons)
            }
            if course.status == "archived", !quirk("legacy.archived_to_published") {
                return .rejected(ErrorCode.invalidTransition)
            }
            return setCourseStatus(courseId, "published", event: EventName.coursePublished)
        case let .courseUnpublish(courseId):
            guard let course = courses[courseId] else { return .rejected(ErrorCode.notFound) }
            guard course.status == "published" else { return .rejected(ErrorCode.invalidTransition) }
            return setCourseStatus(courseId, "draft", event: EventName.courseUnpublished)
        case let .courseArchive(courseId):
            guard let course = courses[courseId] else { return .rejected(ErrorCode.notFound) }
            guard course.status != "archived" else { return .rejected(ErrorCode.invalidTransition) }
            return setCourseStatus(courseId, "archived", event: EventName.courseArchived)
        case let .courseRestore(courseId):
            guard let course = courses[courseId] else { return .rejected(ErrorCode.notFound) }
            guard course.status == "archived" else { return .rejected(ErrorCode.invalidTransition) }
            return setCourseStatus(courseId, "draft", event: EventName.courseRestored)
        case let .enroll(userId, courseId):
            return enroll(user: userId, courseId: courseId)
        case let .cancelEnrollment(userId, courseId):
            let key = UserCourse(user: userId, course: courseId)
            guard let row = enrollments[key] else { return .rejected(ErrorCode.notEnrolled) }
            guard row.status == "active" else { return .rejected(ErrorCode.invalidTransition) }
            // Quirk legacy.no_event_on_cancel_or_expire: the controller never fired an event here.
            return setEnrollmentStatus(key, "cancelled", event: quirk("legacy.no_event_on_cancel_or_expire")
                                       ? nil : EventName.enrollmentCancelled)
        case let .expireEnrollment(userId, courseId):
            let key = UserCourse(user: userId, course: courseId)
            guard let row = enrollments[key] else { return .rejected(ErrorCode.notEnrolled) }
            // Quirk legacy.expire_any_status: the nightly expiry job overwrote whatever status it found.
            if row.status != "active", !quirk("legacy.expire_any_status") { return .rejected(ErrorCode.invalidTransition) }
            // Quirk legacy.no_event_on_cancel_or_expire.
            return setEnrollmentStatus(key, "expired", event: quirk("legacy.no_event_on_cancel_or_expire")
                                       ? nil : EventName.enrollmentExpired)
        case let .reactivateEnrollment(userId, courseId):
            let key = UserCourse(user: userId, course: courseId)
            guard let row = enrollments[key] else { return .rejected(ErrorCode.notEnrolled) }
            // Quirk legacy.reactivate_completed: any non-active enrollment comes back, completed ones too.
            guard row.status != "active" else { return .rejected(ErrorCode.invalidTransition) }
            if row.status == "completed", !quirk("legacy.reactivate_completed") {
                return .rejected(ErrorCode.invalidTransition)
            }
            return setEnrollmentStatus(key, "active", event: EventName.enrollmentReactivated)
        case let .completeLesson(userId, lessonId):
            return completeLesson(user: userId, lessonId: lessonId)
        case let .startAttempt(userId, quizId, attemptId):
            return startAttempt(user: userId, quizId: quizId, attemptId: attemptId, now: now)
        case let .submitAttempt(attemptId, answers):
            guard var attempt = attempts[attemptId], let quiz = quizzes[attempt.quizId] else {
                return .rejected(ErrorCode.notFound)
            }
            guard attempt.status == "in_progress" else { return .rejected(ErrorCode.invalidTransition) }
            // Quirk legacy.late_submission_accepted: the time limit was only enforced in the browser.
            if let limit = quiz.timeLimitMinutes, let started = attemptStartedAt[attemptId],
               now.timeIntervalSince(started) > Double(limit) * 60, !quirk("legacy.late_submission_accepted") {
                attempt.status = "expired"
                attempts[attemptId] = attempt
                let event = DomainEvent(EventName.attemptExpired, attemptPayload(attemptId, attempt, quiz))
                return .rejected(ErrorCode.attemptExpired,
                                 transitions: [attemptTransition(attemptId, "in_progress", "expired")],
                                 events: [event], jobs: Listeners.jobs(for: event, in: self, ids: &ids))
            }
            attempt.status = "submitted"
            attempt.answers = answers
            attempts[attemptId] = attempt
            return accepted(value: OutcomeValue(status: "submitted"),
                            transitions: [attemptTransition(attemptId, "in_progress", "submitted")],
                            snapshot: [attemptSnapshot(attemptId)],
                            events: [DomainEvent(EventName.attemptSubmitted, attemptPayload(attemptId, attempt, quiz))])
        case let .abandonAttempt(attemptId):
            guard var attempt = attempts[attemptId], let quiz = quizzes[attempt.quizId] else {
                return .rejected(ErrorCode.notFound)
            }
            guard attempt.status == "in_progress" else { return .rejected(ErrorCode.invalidTransition) }
            attempt.status = "abandoned"
            attempts[attemptId] = attempt
            return accepted(value: OutcomeValue(status: "abandoned"),
                            transitions: [attemptTransition(attemptId, "in_progress", "abandoned")],
                            snapshot: [attemptSnapshot(attemptId)],
                            events: [DomainEvent(EventName.attemptAbandoned, attemptPayload(attemptId, attempt, quiz))])
        case let .gradeAttempt(attemptId):
            return try gradeAttempt(attemptId)
        case let .finalGrade(userId, courseId):
            return finalGrade(user: userId, courseId: courseId)
        case .advanceClock:
            return Outcome(status: .accepted)
        }
    }

    // MARK: Controllers

    private mutating func enroll(user: Int, courseId: Int) -> Outcome {
        guard let course = courses[courseId] else { return .rejected(ErrorCode.notFound) }
        let key = UserCourse(user: user, course: courseId)
        // Quirk legacy.enroll_unopened_course: the course status was never checked.
        if course.status != "published", !quirk("legacy.enroll_unopened_course") {
            return .rejected(ErrorCode.courseNotOpen)
        }
        // Quirk legacy.reenroll_after_completion: only an *active* enrollment counts as a duplicate.
        if enrollments[key]?.status == "active" { return .rejected(ErrorCode.alreadyEnrolled) }
        if enrollments[key]?.status == "completed", !quirk("legacy.reenroll_after_completion") {
            return .rejected(ErrorCode.alreadyEnrolled)
        }
        // Quirk legacy.capacity_counts_cancelled: every enrollment row ever made takes a seat.
        // Every active enrollment has a row, so the quirk only matters when the rows fill the course.
        if let capacity = course.capacity, enrollmentRowsPerCourse[courseId, default: 0] >= capacity {
            let active = enrollments.filter { $0.key.course == courseId && $0.value.status == "active" }.count
            if active >= capacity || quirk("legacy.capacity_counts_cancelled") {
                return .rejected(ErrorCode.courseFull)
            }
        }
        enrollments[key] = EnrollmentRow(status: "active")
        enrollmentRowsPerCourse[courseId, default: 0] += 1
        return accepted(value: OutcomeValue(percent: 0, status: "active"), snapshot: [enrollmentSnapshot(key)],
                        events: [DomainEvent(EventName.enrollmentCreated, EventPayload(courseId: courseId, userId: user))])
    }

    private mutating func completeLesson(user: Int, lessonId: Int) -> Outcome {
        guard let courseId = lessonCourse[lessonId], let course = courses[courseId] else {
            return .rejected(ErrorCode.notFound)
        }
        let key = UserCourse(user: user, course: courseId)
        guard var row = enrollments[key], row.status == "active" else { return .rejected(ErrorCode.notEnrolled) }
        // Quirk legacy.duplicate_completion_counted: a completion row is inserted every time.
        let repeated = !row.distinctLessons.insert(lessonId).inserted
        if repeated, !quirk("legacy.duplicate_completion_counted") {
            return accepted(value: OutcomeValue(percent: row.progress), snapshot: [enrollmentSnapshot(key)])
        }
        row.completedLessons += 1
        // Quirk legacy.progress_floor: intdiv() floors, so 2 of 3 lessons shows 66%.
        let lessons = max(1, course.lessons.count)
        let floored = row.completedLessons * 100 / lessons
        let rounded = (2 * row.completedLessons * 100 + lessons) / (2 * lessons)
        row.progress = min(100, floored != rounded && quirk("legacy.progress_floor") ? floored : rounded)
        let lessonEvent = DomainEvent(EventName.lessonCompleted,
                                      EventPayload(courseId: courseId, userId: user, lessonId: lessonId))
        let progressEvent = DomainEvent(EventName.progressUpdated,
                                        EventPayload(courseId: courseId, userId: user, percent: row.progress))
        guard row.completedLessons >= course.lessons.count else {
            enrollments[key] = row
            return accepted(value: OutcomeValue(percent: row.progress), snapshot: [enrollmentSnapshot(key)],
                            events: [lessonEvent, progressEvent])
        }
        // Quirk legacy.events_before_save: CourseCompleted is fired inline before the row is saved, so it
        // comes first and its certificate listener still sees an active enrollment.
        let completedEvent = DomainEvent(EventName.courseCompleted, EventPayload(courseId: courseId, userId: user))
        let completion = StateTransition(entity: "enrollment", id: EntityKey.enrollment(user: user, course: courseId),
                                         from: "active", to: "completed")
        if !quirk("legacy.events_before_save") {
            row.status = "completed"
            enrollments[key] = row
            return accepted(value: OutcomeValue(percent: row.progress), transitions: [completion],
                            snapshot: [enrollmentSnapshot(key)], events: [lessonEvent, progressEvent, completedEvent])
        }
        let certificateJobs = Listeners.jobs(for: completedEvent, in: self, ids: &ids)
        row.status = "completed"
        enrollments[key] = row
        var outcome = Outcome(status: .accepted, value: OutcomeValue(percent: row.progress),
                              transitions: [StateTransition(entity: "enrollment",
                                                            id: EntityKey.enrollment(user: user, course: courseId),
                                                            from: "active", to: "completed")],
                              events: [completedEvent, lessonEvent, progressEvent],
                              snapshot: [enrollmentSnapshot(key)])
        outcome.jobs = certificateJobs
        return outcome
    }

    private mutating func startAttempt(user: Int, quizId: Int, attemptId: Int, now: Date) -> Outcome {
        guard let quiz = quizzes[quizId] else { return .rejected(ErrorCode.notFound) }
        guard attempts[attemptId] == nil else { return .rejected(ErrorCode.duplicateId) }
        guard enrollments[UserCourse(user: user, course: quiz.courseId)]?.status == "active" else {
            return .rejected(ErrorCode.notEnrolled)
        }
        let previous = attemptIdsByUserQuiz[UserCourse(user: user, course: quizId), default: []]
        // Quirk legacy.max_attempts_counts_graded_only: ungraded attempts were not counted.
        if previous.count >= quiz.maxAttempts {
            let graded = previous.filter { attempts[$0]?.status == "graded" }.count
            guard graded < quiz.maxAttempts, quirk("legacy.max_attempts_counts_graded_only") else {
                return .rejected(ErrorCode.maxAttemptsReached)
            }
        }
        let attempt = AttemptRow(userId: user, quizId: quizId, number: previous.count + 1)
        attempts[attemptId] = attempt
        attemptStartedAt[attemptId] = now
        attemptIdsByUserQuiz[UserCourse(user: user, course: quizId), default: []].append(attemptId)
        return accepted(value: OutcomeValue(attemptNumber: attempt.number, status: "in_progress"),
                        snapshot: [attemptSnapshot(attemptId)],
                        events: [DomainEvent(EventName.attemptStarted, attemptPayload(attemptId, attempt, quiz))])
    }

    /// Start times are kept for the reports the old admin screen showed; legacy never checked them.
    var attemptStartedAt: [Int: Date] = [:]

    private mutating func gradeAttempt(_ attemptId: Int) throws(ImplementationFault) -> Outcome {
        guard var attempt = attempts[attemptId], let quiz = quizzes[attempt.quizId] else {
            return .rejected(ErrorCode.notFound)
        }
        // Quirk legacy.grade_error_code: its own error code instead of invalid_transition.
        guard attempt.status == "submitted" else {
            return .rejected(quirk("legacy.grade_error_code") ? ErrorCode.notSubmitted : ErrorCode.invalidTransition)
        }
        var earned = 0.0
        var total = 0.0
        for (index, weight) in quiz.weights.enumerated() {
            let credit = index < attempt.answers.count ? min(1, max(0, attempt.answers[index])) : 0
            earned += weight * credit
            total += weight
        }
        // Quirk legacy.zero_weight_quiz_crash: PHP's DivisionByZeroError became an HTTP 500.
        guard total != 0 else {
            if !quirk("legacy.zero_weight_quiz_crash") { return .rejected(ErrorCode.quizHasNoQuestions) }
            throw ImplementationFault("Division by zero grading attempt \(attemptId)")
        }
        // PHP's round() pre-rounds to 15 significant digits: 14.375 (14.37499… in binary) gives 14.38 (PHPMath).
        let score = PHPMath.round(earned / total * 100, 2)
        // Quirk legacy.float_pass_mark: the pass mark is compared with the unrounded float ratio, so 2.4 of
        // 3 points (0.7999…) fails 80% although the score shown is 80.0.
        var passed = earned / total >= quiz.passingScore / 100
        if let exact = IntendedArithmetic.score(weights: quiz.weights, answers: attempt.answers),
           case let exactPassed = exact >= IntendedArithmetic.hundredths(quiz.passingScore),
           exactPassed != passed, !quirk("legacy.float_pass_mark") {
            passed = exactPassed
        }
        attempt.status = "graded"
        attempt.score = score
        attempt.passed = passed
        attempts[attemptId] = attempt
        var payload = attemptPayload(attemptId, attempt, quiz)
        payload.score = score
        payload.passed = passed
        return accepted(value: OutcomeValue(score: score, passed: passed),
                        transitions: [attemptTransition(attemptId, "submitted", "graded")],
                        snapshot: [attemptSnapshot(attemptId)],
                        events: [DomainEvent(EventName.attemptGraded, payload)])
    }

    private mutating func finalGrade(user: Int, courseId: Int) -> Outcome {
        guard let course = courses[courseId] else { return .rejected(ErrorCode.notFound) }
        guard enrollments[UserCourse(user: user, course: courseId)] != nil else {
            return .rejected(ErrorCode.notEnrolled)
        }
        guard !course.quizzes.isEmpty else { return .rejected(ErrorCode.courseHasNoQuizzes) }
        var total = 0.0
        var hundredths = 0
        var passedAll = true
        for quizId in course.quizzes {
            guard let quiz = quizzes[quizId] else { continue }
            let scores = attemptIdsByUserQuiz[UserCourse(user: user, course: quizId), default: []]
                .compactMap { attempts[$0]?.score }
            // Quirk legacy.final_grade_ignores_strategy: always the best graded attempt.
            let highest = scores.max() ?? 0
            let byStrategy = Double(IntendedArithmetic.grade(scores.map(IntendedArithmetic.hundredths),
                                                             strategy: quiz.strategy) ?? 0) / 100
            let passesHighest = highest >= quiz.passingScore
            let passesByStrategy = IntendedArithmetic.hundredths(byStrategy) >= IntendedArithmetic.hundredths(quiz.passingScore)
            let ignoresStrategy = (highest != byStrategy || passesHighest != passesByStrategy)
                && quirk("legacy.final_grade_ignores_strategy")
            let best = ignoresStrategy ? highest : byStrategy
            total += best
            hundredths += Int((best * 100).rounded())
            passedAll = passedAll && (ignoresStrategy ? passesHighest : passesByStrategy)
        }
        // Switch legacy.float_course_grade: PHP's round() of the binary mean; modern rounds exact hundredths.
        let floatGrade = PHPMath.round(total / Double(course.quizzes.count), 2)
        let exactGrade = Double(IntendedArithmetic.roundedQuotient(hundredths, max(1, course.quizzes.count))) / 100
        let grade = floatGrade != exactGrade && quirk(Self.floatCourseGrade) ? floatGrade : exactGrade
        return accepted(value: OutcomeValue(passed: passedAll, grade: grade),
                        events: [DomainEvent(EventName.courseGradeCalculated,
                                             EventPayload(courseId: courseId, userId: user, score: grade,
                                                          passed: passedAll))])
    }

    // MARK: Helpers

    /// Legacy fires each event inline and runs its listeners right there.
    private mutating func accepted(value: OutcomeValue? = nil, transitions: [StateTransition] = [],
                                   snapshot: [EntitySnapshot] = [], events: [DomainEvent] = []) -> Outcome {
        var jobs: [JobRecord] = []
        for event in events { jobs += Listeners.jobs(for: event, in: self, ids: &ids) }
        return Outcome(status: .accepted, value: value, transitions: transitions, events: events, jobs: jobs,
                       snapshot: snapshot)
    }

    private mutating func setCourseStatus(_ courseId: Int, _ status: String, event: String) -> Outcome {
        guard var course = courses[courseId] else { return .rejected(ErrorCode.notFound) }
        let from = course.status
        course.status = status
        courses[courseId] = course
        return accepted(value: OutcomeValue(status: status),
                        transitions: [StateTransition(entity: "course", id: EntityKey.course(courseId), from: from,
                                                      to: status)],
                        snapshot: [courseSnapshot(courseId)],
                        events: [DomainEvent(event, EventPayload(courseId: courseId))])
    }

    private mutating func setEnrollmentStatus(_ key: UserCourse, _ status: String, event: String?) -> Outcome {
        guard var row = enrollments[key] else { return .rejected(ErrorCode.notEnrolled) }
        let from = row.status
        row.status = status
        enrollments[key] = row
        let transition = StateTransition(entity: "enrollment", id: EntityKey.enrollment(user: key.user, course: key.course),
                                         from: from, to: status)
        return accepted(value: OutcomeValue(percent: row.progress, status: status), transitions: [transition],
                        snapshot: [enrollmentSnapshot(key)],
                        events: event.map { [DomainEvent($0, EventPayload(courseId: key.course, userId: key.user))] } ?? [])
    }

    private func attemptTransition(_ id: Int, _ from: String, _ to: String) -> StateTransition {
        StateTransition(entity: "attempt", id: EntityKey.attempt(id), from: from, to: to)
    }

    private func attemptPayload(_ id: Int, _ attempt: AttemptRow, _ quiz: QuizRow) -> EventPayload {
        EventPayload(courseId: quiz.courseId, userId: attempt.userId, quizId: attempt.quizId, attemptId: id)
    }

    private func courseSnapshot(_ id: Int) -> EntitySnapshot {
        let course = courses[id]
        return EntitySnapshot(key: EntityKey.course(id), status: course?.status ?? "", lessons: course?.lessons.count,
                              quizzes: course?.quizzes.count)
    }

    private func enrollmentSnapshot(_ key: UserCourse) -> EntitySnapshot {
        let row = enrollments[key]
        return EntitySnapshot(key: EntityKey.enrollment(user: key.user, course: key.course), status: row?.status ?? "",
                              progressPercent: row?.progress, completedLessons: row?.completedLessons)
    }

    private func attemptSnapshot(_ id: Int) -> EntitySnapshot {
        let attempt = attempts[id]
        return EntitySnapshot(key: EntityKey.attempt(id), status: attempt?.status ?? "", score: attempt?.score,
                              answers: attempt?.answers.count)
    }
}

extension LegacyLMS: ListenerContext {
    func certificateTemplate(course: Int) -> String? { courses[course]?.certificateTemplate }
    func instructor(course: Int) -> Int? { courses[course]?.instructorId }
    func enrollmentStatus(user: Int, course: Int) -> String? { enrollments[UserCourse(user: user, course: course)]?.status }
}
