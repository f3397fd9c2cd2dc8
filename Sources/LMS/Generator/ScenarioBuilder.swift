import SplitMix

/// Plans and emits one scenario. All randomness comes from one ``SplitMix64`` stream drawn in a fixed order,
/// and nothing iterates a dictionary or set, so the output is a pure function of (seed, profile, index).
///
/// The plan follows the modern rules so that ordinary traffic is accepted by the modern implementation:
/// courses get lessons before they are published, quizzes are taken before the last lesson completes the
/// enrollment, attempts stay within their limits and time limits. Edge cases break those rules on purpose.
struct ScenarioBuilder {
    let profile: TrafficProfile
    let ids: ScenarioIDs
    var rng: SplitMix64

    private var commands: [TimedCommand] = []
    private var clock = 0
    /// Offset of the last command emitted (``Step/exactly(seconds:)`` counts from it).
    private var lastCommandOffset = 0
    private var attemptsPlanned = 0
    private var attemptsNumbered = 0
    /// Planned attempt number → emitted attempt id (looked up only, never iterated).
    private var attemptIDs: [Int: Int] = [:]
    private var extraUsersIssued = 0
    private var userCount = 0
    private var coursesIssued = 0

    init(index: Int, profile: TrafficProfile, rng: SplitMix64) {
        self.profile = profile
        ids = ScenarioIDs(index: index)
        self.rng = rng
    }

    // MARK: Scenario

    mutating func build(id: String) -> GeneratedScenario {
        let candidates = chooseEdgeCases()
        userCount = rng.int(in: profile.usersPerScenario)
        let instructors = rng.chance(0.8) ? [ids.instructor(1)] : [ids.instructor(1), ids.instructor(2)]
        var courses: [CoursePlan] = []
        for _ in 0..<rng.int(in: profile.coursesPerScenario) {
            courses.append(planCourse(instructor: rng.pick(instructors)))
        }
        var enrollments = planEnrollments(courses: courses)

        var extraSetup: [Session] = []
        var extraActors: [[Session]] = []
        var edgeCases: [EdgeCase] = []
        for edge in candidates where plant(edge, courses: &courses, enrollments: &enrollments, setup: &extraSetup,
                                           actors: &extraActors, instructor: instructors[0]) {
            edgeCases.append(edge)
        }

        // Setup: the instructor builds and publishes every course, then the courses open some hours later.
        for course in courses {
            emit(courseSetup(course))
            if rng.chance(0.3) { clock += rng.int(in: 5...90) * 60 }
        }
        for session in extraSetup { emit(session) }
        wait(seconds: rng.int(in: 1...48) * 3600 + rng.int(in: 0...59) * 60)

        // Learning: learners' sessions interleave, with minutes to days between them.
        var actors: [[Session]] = []
        var finalStatuses: [PlannedStatus] = []
        for plan in enrollments {
            let (sessions, status) = learnerSessions(plan, course: courses[plan.courseIndex])
            actors.append(sessions)
            finalStatuses.append(status)
        }
        interleave(actors + extraActors)

        // Term end: the nightly job expires some idle enrollments; the instructor retires or reworks courses.
        wait(seconds: rng.int(in: 1...14) * 86_400 + rng.int(in: 0...23) * 3600)
        for (plan, status) in zip(enrollments, finalStatuses) where status == .active && rng.chance(0.2) {
            emit([.command(.expireEnrollment(userId: plan.user, courseId: plan.course))])
        }
        for course in courses {
            let roll = rng.unit()
            if roll < 0.06 {
                emit([.command(.courseArchive(courseId: course.id))])
            } else if roll < 0.11 {
                emit([.command(.courseUnpublish(courseId: course.id))])
            } else if roll < 0.14 {
                emit([.command(.courseArchive(courseId: course.id))])
                wait(seconds: rng.int(in: 1...30) * 86_400)
                emit([.command(.courseRestore(courseId: course.id))])
            }
        }
        return GeneratedScenario(id: id, commands: commands, edgeCases: edgeCases)
    }

    // MARK: Timeline

    /// Appends a session's steps at the current time, a few seconds apart.
    private mutating func emit(_ session: Session) {
        for step in session {
            switch step {
            case .command(let command):
                commands.append(TimedCommand(offset: clock, command: numberingAttempts(command)))
                lastCommandOffset = clock
                clock += rng.int(in: 2...20)
            case .wait(let seconds):
                wait(seconds: seconds)
            case .pause(let seconds):
                clock += seconds
            case .exactly(let seconds):
                // At the previous command's own offset, so a runner that only adds up clock.advance commands
                // and one that reads the offsets both see exactly `seconds` pass.
                commands.append(TimedCommand(offset: lastCommandOffset, command: .advanceClock(seconds: seconds)))
                clock = max(clock, lastCommandOffset + seconds)
            }
        }
    }

    /// Attempts are planned learner by learner, but their ids are handed out in the order the attempts start,
    /// like an auto-increment column in a recorded log.
    private mutating func numberingAttempts(_ command: LMSCommand) -> LMSCommand {
        switch command {
        case let .startAttempt(user, quiz, planned):
            return .startAttempt(userId: user, quizId: quiz, attemptId: attemptID(planned))
        case let .submitAttempt(planned, answers): return .submitAttempt(attemptId: attemptID(planned), answers: answers)
        case let .abandonAttempt(planned): return .abandonAttempt(attemptId: attemptID(planned))
        case let .gradeAttempt(planned): return .gradeAttempt(attemptId: attemptID(planned))
        default: return command
        }
    }

    private mutating func attemptID(_ planned: Int) -> Int {
        if let id = attemptIDs[planned] { return id }
        attemptsNumbered += 1
        let id = ids.attempt(attemptsNumbered)
        attemptIDs[planned] = id
        return id
    }

    private mutating func wait(seconds: Int) {
        commands.append(TimedCommand(offset: clock, command: .advanceClock(seconds: seconds)))
        clock += seconds
    }

    /// Emits every actor's sessions in order, picking the next actor at random. Each actor's own order is kept,
    /// so every plan stays valid however the actors interleave.
    private mutating func interleave(_ actors: [[Session]]) {
        var queues = actors.filter { !$0.isEmpty }
        var positions = [Int](repeating: 0, count: queues.count)
        var first = true
        while !queues.isEmpty {
            if !first { gapBetweenSessions() }
            first = false
            let pick = rng.index(below: queues.count)
            emit(queues[pick][positions[pick]])
            positions[pick] += 1
            if positions[pick] == queues[pick].count {
                // Swap-remove keeps this linear; the order of the remaining queues is still seed-determined.
                queues.swapAt(pick, queues.count - 1)
                positions.swapAt(pick, positions.count - 1)
                queues.removeLast()
                positions.removeLast()
            }
        }
    }

    /// Short gaps only move the offsets; the longer ones are explicit `clock.advance` commands.
    private mutating func gapBetweenSessions() {
        let roll = rng.unit()
        if roll < 0.45 { return }
        if roll < 0.85 { clock += rng.int(in: 1...50) * 60 }
        else if roll < 0.97 { wait(seconds: rng.int(in: 1...10) * 3600 + rng.int(in: 0...59) * 60) }
        else { wait(seconds: rng.int(in: 1...3) * 86_400) }
    }

    // MARK: Courses

    private static let courseTopics = [
        "Intro to Swift", "Data Structures", "Linear Algebra", "Academic Writing", "Photography Basics",
        "Project Management", "Spanish for Travellers", "Statistics 101", "Web Accessibility", "Café Business Plans",
        "Music Theory", "First Aid", "Negotiation Skills", "Machine Learning Primer", "Résumé Workshop",
        "Digital Marketing", "Organic Chemistry", "Public Speaking", "Watercolour Painting", "SQL Fundamentals",
    ]
    private static let lessonTopics = [
        "Welcome", "Getting Started", "Core Concepts", "Hands-on Exercise", "Case Study", "Common Pitfalls",
        "Deep Dive", "Review", "Practice Set", "Wrap-up", "Guest Lecture", "Q&A Session",
    ]
    private static let templates = ["classic", "modern", "minimal"]
    private static let passingScores: [Double] = [60, 70, 75, 80]
    private static let variedWeights: [Double] = [0.5, 1, 1.5, 2, 2.5, 3]

    private mutating func nextCourseNumber() -> Int {
        coursesIssued += 1
        return coursesIssued
    }

    private mutating func planCourse(instructor: Int) -> CoursePlan {
        let number = nextCourseNumber()
        let id = ids.course(number)
        let lessonCount = rng.int(in: profile.lessonsPerCourse)
        var course = CoursePlan(
            number: number, id: id, title: rng.pick(Self.courseTopics),
            // About 5% of courses lack an instructor or a certificate template: their listeners fail.
            instructorId: rng.chance(0.95) ? instructor : nil,
            capacity: rng.chance(0.1) ? userCount * 2 + rng.int(in: 10...40) : nil,
            certificateTemplate: rng.chance(0.95) ? rng.pick(Self.templates) : nil,
            lessons: [], quizzes: [])
        for lesson in 1...lessonCount {
            course.lessons.append((ids.lesson(course: id, lesson), "\(lesson). \(rng.pick(Self.lessonTopics))"))
        }
        for _ in 0..<rng.int(in: profile.quizzesPerCourse) { course.quizzes.append(planQuiz(in: course)) }
        return course
    }

    mutating func planQuiz(in course: CoursePlan) -> QuizPlan {
        let questions = rng.int(in: 3...8)
        var weights = [Double](repeating: 1, count: questions)
        if rng.chance(0.35) {
            for question in 0..<questions { weights[question] = rng.pick(Self.variedWeights) }
        }
        return QuizPlan(
            id: ids.quiz(course: course.id, course.quizzes.count + 1),
            maxAttempts: rng.int(in: 1...3),
            timeLimitMinutes: rng.chance(0.4) ? nil : rng.int(in: 2...12) * 5,
            passingScore: rng.pick(Self.passingScores),
            strategy: rng.weighted([(.highest, 55), (.latest, 15), (.average, 15), (.first, 15)]),
            weights: weights,
            afterLessons: course.lessons.count >= 2 ? rng.int(in: 1...(course.lessons.count - 1)) : 0)
    }

    func courseSetup(_ course: CoursePlan) -> Session {
        var steps: [Step] = [.command(course.createCommand)]
        steps += course.addLessonCommands.map { .command($0) }
        steps += course.quizzes.map { .command($0.addCommand(course: course.id)) }
        steps.append(.command(.coursePublish(courseId: course.id)))
        return steps
    }

    // MARK: Enrollments

    private mutating func planEnrollments(courses: [CoursePlan]) -> [EnrollmentPlan] {
        var plans: [EnrollmentPlan] = []
        for user in 1...userCount {
            var choices = Array(courses.indices)
            let wanted = min(choices.count, rng.weighted([(1, 85), (2, 12), (3, 3)]))
            for _ in 0..<wanted {
                let courseIndex = choices.remove(at: rng.index(below: choices.count))
                plans.append(planEnrollment(user: ids.user(user), courseIndex: courseIndex, course: courses[courseIndex]))
            }
        }
        return plans
    }

    private mutating func planEnrollment(user: Int, courseIndex: Int, course: CoursePlan) -> EnrollmentPlan {
        let lessonCount = course.lessons.count
        var plan = EnrollmentPlan(user: user, course: course.id, courseIndex: courseIndex,
                                  skill: 0.4 + rng.unit() * 0.55, lessonsToComplete: lessonCount)
        let roll = rng.unit()
        if roll < 0.55 {
            // Most learners drop out, most of them early (the lower of two uniform draws).
            plan.lessonsToComplete = min(rng.int(in: 0...(lessonCount - 1)), rng.int(in: 0...(lessonCount - 1)))
        } else if roll < 0.62 {
            plan.interruption = Interruption(afterLessons: rng.int(in: 0...(lessonCount - 1)), kind: .cancel,
                                             returns: rng.chance(0.25))
        } else if roll < 0.70 {
            plan.interruption = Interruption(afterLessons: rng.int(in: 0...(lessonCount - 1)), kind: .expire,
                                             returns: rng.chance(0.5))
        }
        if let interruption = plan.interruption, interruption.returns, rng.chance(0.4) {
            // Some who come back still drop out before the end.
            plan.lessonsToComplete = rng.int(in: interruption.afterLessons...lessonCount)
        }
        return plan
    }

    /// One learner's sessions in one course, and the enrollment status they leave behind.
    private mutating func learnerSessions(_ plan: EnrollmentPlan, course: CoursePlan) -> ([Session], PlannedStatus) {
        let enroll = LMSCommand.enroll(userId: plan.user, courseId: course.id)
        var sessions: [Session] = []
        var current: Session = [.command(enroll)]
        if plan.doubleEnroll {
            if rng.chance(0.5) { current.append(.command(enroll)) } else {
                sessions.append(current)
                current = [.command(enroll)]
            }
        }
        func close(_ sessions: inout [Session], _ current: inout Session) {
            if !current.isEmpty { sessions.append(current) }
            current = []
        }
        if rng.chance(0.5) { close(&sessions, &current) }

        let lessonCount = course.lessons.count
        var completed = 0
        var interruption = plan.interruption
        var status = PlannedStatus.active
        var attemptedQuiz = false
        while true {
            for quiz in course.quizzes
            where quiz.afterLessons == completed && (plan.scriptedQuizzes.contains(quiz.id) || rng.chance(0.9)) {
                close(&sessions, &current)
                sessions += quizSessions(quiz, plan: plan)
                attemptedQuiz = true
            }
            if let pause = interruption, pause.afterLessons == completed {
                interruption = nil
                close(&sessions, &current)
                let command: LMSCommand = pause.kind == .cancel
                    ? .cancelEnrollment(userId: plan.user, courseId: course.id)
                    : .expireEnrollment(userId: plan.user, courseId: course.id)
                sessions.append([.command(command)])
                guard pause.returns else {
                    status = pause.kind == .cancel ? .cancelled : .expired
                    break
                }
                current = [.command(.reactivateEnrollment(userId: plan.user, courseId: course.id))]
            }
            if completed >= plan.lessonsToComplete || completed >= lessonCount { break }
            let lesson = course.lessons[completed]
            current.append(.command(.completeLesson(userId: plan.user, lessonId: lesson.id)))
            completed += 1
            if plan.repeatLesson == completed, completed < lessonCount {
                current.append(.command(.completeLesson(userId: plan.user, lessonId: lesson.id)))
            }
            if rng.chance(0.45) { close(&sessions, &current) }
        }
        close(&sessions, &current)
        if status == .active, completed >= lessonCount {
            status = .completed
            if plan.cancelAfterCompletion {
                sessions.append([.command(.cancelEnrollment(userId: plan.user, courseId: course.id))])
            }
            if plan.reactivateAfterCompletion {
                sessions.append([.command(.reactivateEnrollment(userId: plan.user, courseId: course.id))])
            }
        }
        if !course.quizzes.isEmpty, attemptedQuiz ? rng.chance(0.7) : rng.chance(0.1) {
            sessions.append([.command(.finalGrade(userId: plan.user, courseId: course.id))])
        }
        return (sessions, status)
    }

    // MARK: Quizzes

    /// A plan-local attempt number; ``numberingAttempts(_:)`` turns it into the id that is emitted.
    mutating func nextAttemptID() -> Int {
        attemptsPlanned += 1
        return attemptsPlanned
    }

    /// One session per attempt: start, work on it, submit, get graded; retry while failing and attempts remain.
    private mutating func quizSessions(_ quiz: QuizPlan, plan: EnrollmentPlan) -> [Session] {
        var late = plan.lateSubmissionQuiz == quiz.id && quiz.timeLimitMinutes != nil
        var gradeEarly = plan.gradeUnsubmittedQuiz == quiz.id
        var nearPass = plan.nearPassQuiz == quiz.id
        let exhaust = plan.extraAttemptQuiz == quiz.id
        // A learner acting out an edge case neither abandons nor waits for manual grading.
        let scripted = plan.scriptedQuizzes.contains(quiz.id)
        var sessions: [Session] = []
        var used = 0
        var skill = plan.skill
        while used < quiz.maxAttempts {
            let attempt = nextAttemptID()
            used += 1
            var session: Session = [.command(.startAttempt(userId: plan.user, quizId: quiz.id, attemptId: attempt))]
            if !scripted, rng.chance(0.05) {
                session += [.pause(seconds: rng.int(in: 1...10) * 60), .command(.abandonAttempt(attemptId: attempt))]
                sessions.append(session)
                if rng.chance(0.5) { continue } else { break }
            }
            if gradeEarly {
                gradeEarly = false
                session.append(.command(.gradeAttempt(attemptId: attempt)))
            }
            if late, let limit = quiz.timeLimitMinutes {
                // An explicit clock.advance, so that every runner sees the deadline pass.
                late = false
                session += [.wait(seconds: (limit + rng.int(in: 1...30)) * 60),
                            .command(.submitAttempt(attemptId: attempt, answers: answers(for: quiz, skill: skill)))]
                sessions.append(session)
                continue
            }
            // In time with a margin of over a minute, whatever the seconds between commands add up to. Only the
            // offsets move: a runner that counts `clock.advance` alone sees the submission even earlier.
            let workMinutes = quiz.timeLimitMinutes.map { rng.int(in: 1...max(1, $0 - 3)) } ?? rng.int(in: 3...45)
            let given: [Double]
            if nearPass {
                nearPass = false
                given = nearPassAnswers(for: quiz)
            } else {
                given = answers(for: quiz, skill: skill)
            }
            session += [.pause(seconds: workMinutes * 60),
                        .command(.submitAttempt(attemptId: attempt, answers: given))]
            guard scripted || rng.chance(0.97) else {
                // Left for the instructor to grade by hand: the learner waits and does not retry.
                sessions.append(session)
                break
            }
            session.append(.command(.gradeAttempt(attemptId: attempt)))
            sessions.append(session)
            let score = FixedPointScore.hundredths(weights: quiz.weights, answers: given)
            let passed = score.map { $0 >= FixedPointScore.hundredths(percent: quiz.passingScore) } ?? false
            if exhaust { continue }
            if passed || rng.chance(0.3) { break }
            skill = min(0.98, skill + 0.1)
        }
        if exhaust, used == quiz.maxAttempts {
            sessions.append([.command(.startAttempt(userId: plan.user, quizId: quiz.id, attemptId: nextAttemptID()))])
        }
        return sessions
    }

    private static let partialCredits: [Double] = [0.25, 0.4, 0.5, 0.6, 0.75]

    /// Mostly full or no credit per question, sometimes partial; now and then the last question is left blank.
    mutating func answers(for quiz: QuizPlan, skill: Double) -> [Double] {
        var credits: [Double] = []
        credits.reserveCapacity(quiz.weights.count)
        for _ in quiz.weights {
            if rng.chance(0.1) { credits.append(rng.pick(Self.partialCredits)) }
            else { credits.append(rng.chance(skill) ? 1 : 0) }
        }
        if !credits.isEmpty, rng.chance(0.03) { credits.removeLast() }
        return credits
    }

    /// Credits adding up to the pass mark on equally weighted questions (80% of 3 is 2.4: 1, 1, 0.4),
    /// sometimes a tenth of a point either side.
    private mutating func nearPassAnswers(for quiz: QuizPlan) -> [Double] {
        let count = quiz.weights.count
        let nudge = rng.pick([-0.1, 0, 0, 0.1])
        let target = min(Double(count), max(0, quiz.passingScore * Double(count) / 100 + nudge))
        let whole = Int(target)
        let fraction = ((target - Double(whole)) * 100).rounded() / 100
        var credits = [Double](repeating: 0, count: count)
        for question in 0..<min(whole, count) { credits[question] = 1 }
        if whole < count, fraction > 0 { credits[whole] = fraction }
        return credits
    }

    // MARK: Edge cases

    private mutating func chooseEdgeCases() -> [EdgeCase] {
        guard rng.chance(profile.edgeCaseShare) else { return [] }
        var pool: [(EdgeCase, Int)] = [
            (.doubleEnrollment, 3), (.repeatedCompletion, 3), (.lateSubmission, 2), (.publishArchivedCourse, 1),
            (.unpublishDraftCourse, 1), (.gradeUnsubmittedAttempt, 1), (.cancelCompletedEnrollment, 1),
            (.reactivateCompletedEnrollment, 1), (.enrollDraftCourse, 2), (.capacityContention, 2),
            (.extraAttempts, 2), (.publishWithoutLessons, 1), (.nearPassMark, 2), (.expireAndReactivate, 2),
        ]
        var chosen: [EdgeCase] = []
        for _ in 0..<min(pool.count, rng.int(in: profile.edgeCasesPerScenario)) {
            let edge = rng.weighted(pool)
            chosen.append(edge)
            pool.removeAll { $0.0 == edge }
        }
        // Only scenarios with edge cases can get one, so draw with the conditional probability.
        if profile.edgeCaseShare > 0, rng.chance(profile.zeroWeightQuizShare / profile.edgeCaseShare) {
            chosen.append(.zeroWeightQuiz)
        }
        if rng.chance(profile.boundaryShare) {
            var boundaries = EdgeCase.boundaryCases
            for _ in 0..<rng.int(in: 2...4) {
                chosen.append(boundaries.remove(at: rng.index(below: boundaries.count)))
            }
        }
        let order = EdgeCase.allCases
        return order.filter { chosen.contains($0) }
    }

    /// Plants one edge case: adjusts the course and enrollment plans, or adds setup and actors of its own.
    /// Returns `false` when the scenario has no room for it (a repeated completion needs a two-lesson course).
    private mutating func plant(_ edge: EdgeCase, courses: inout [CoursePlan], enrollments: inout [EnrollmentPlan],
                                setup: inout [Session], actors: inout [[Session]], instructor: Int) -> Bool {
        switch edge {
        case .doubleEnrollment:
            enrollments[rng.index(below: enrollments.count)].doubleEnroll = true
        case .repeatedCompletion:
            let roomy = courses.indices.filter { courses[$0].lessons.count >= 2 }
            guard !roomy.isEmpty else { return false }
            let courseIndex = rng.pick(roomy)
            let lessonCount = courses[courseIndex].lessons.count
            let learner = enrollment(in: courseIndex, courses: courses, enrollments: &enrollments)
            enrollments[learner].finish(lessonCount: lessonCount)
            enrollments[learner].repeatLesson = rng.int(in: 1...(lessonCount - 1))
        case .lateSubmission:
            let (courseIndex, quizIndex) = ensureQuiz(&courses)
            if courses[courseIndex].quizzes[quizIndex].timeLimitMinutes == nil {
                courses[courseIndex].quizzes[quizIndex].timeLimitMinutes = rng.int(in: 2...6) * 5
            }
            // Room for an in-time retry after the expired attempt.
            courses[courseIndex].quizzes[quizIndex].maxAttempts = max(2, courses[courseIndex].quizzes[quizIndex].maxAttempts)
            let learner = quizTaker(courseIndex, quizIndex, courses: courses, enrollments: &enrollments)
            enrollments[learner].lateSubmissionQuiz = courses[courseIndex].quizzes[quizIndex].id
        case .gradeUnsubmittedAttempt:
            let (courseIndex, quizIndex) = ensureQuiz(&courses)
            let learner = quizTaker(courseIndex, quizIndex, courses: courses, enrollments: &enrollments)
            enrollments[learner].gradeUnsubmittedQuiz = courses[courseIndex].quizzes[quizIndex].id
        case .extraAttempts:
            let (courseIndex, quizIndex) = ensureQuiz(&courses)
            let learner = quizTaker(courseIndex, quizIndex, courses: courses, enrollments: &enrollments)
            enrollments[learner].extraAttemptQuiz = courses[courseIndex].quizzes[quizIndex].id
        case .nearPassMark:
            let (courseIndex, quizIndex) = ensureQuiz(&courses)
            courses[courseIndex].quizzes[quizIndex].weights = [Double](repeating: 1, count: rng.int(in: 3...8))
            let learner = quizTaker(courseIndex, quizIndex, courses: courses, enrollments: &enrollments)
            enrollments[learner].nearPassQuiz = courses[courseIndex].quizzes[quizIndex].id
        case .cancelCompletedEnrollment, .reactivateCompletedEnrollment:
            let courseIndex = rng.index(below: courses.count)
            let learner = enrollment(in: courseIndex, courses: courses, enrollments: &enrollments)
            enrollments[learner].finish(lessonCount: courses[courseIndex].lessons.count)
            if edge == .cancelCompletedEnrollment { enrollments[learner].cancelAfterCompletion = true }
            else { enrollments[learner].reactivateAfterCompletion = true }
        case .expireAndReactivate:
            let courseIndex = rng.index(below: courses.count)
            let lessonCount = courses[courseIndex].lessons.count
            let learner = enrollment(in: courseIndex, courses: courses, enrollments: &enrollments)
            enrollments[learner].interruption = Interruption(
                afterLessons: lessonCount >= 2 ? rng.int(in: 1...(lessonCount - 1)) : 0, kind: .expire, returns: true)
            enrollments[learner].lessonsToComplete = lessonCount
        case .zeroWeightQuiz:
            let courseIndex = rng.index(below: courses.count)
            var quiz = planQuiz(in: courses[courseIndex])
            quiz.weights = rng.chance(0.5) ? [] : [Double](repeating: 0, count: rng.int(in: 1...4))
            quiz.maxAttempts = 1
            courses[courseIndex].quizzes.append(quiz)
            _ = quizTaker(courseIndex, courses[courseIndex].quizzes.count - 1, courses: courses, enrollments: &enrollments)
        case .publishWithoutLessons:
            let course = extraCourse(instructor: instructor)
            setup.append([.command(course.createCommand), .command(.coursePublish(courseId: course.id))]
                         + course.addLessonCommands.map { .command($0) }
                         + [.command(.coursePublish(courseId: course.id))])
        case .publishArchivedCourse:
            let course = extraCourse(instructor: instructor)
            setup.append(courseSetup(course))
            actors.append([
                [.command(.courseArchive(courseId: course.id))],
                [.command(.coursePublish(courseId: course.id)), .command(.courseRestore(courseId: course.id)),
                 .command(.coursePublish(courseId: course.id))],
            ])
        case .unpublishDraftCourse:
            let course = extraCourse(instructor: instructor)
            setup.append([.command(course.createCommand)] + course.addLessonCommands.map { .command($0) })
            actors.append([[.command(.courseUnpublish(courseId: course.id))],
                           [.command(.coursePublish(courseId: course.id))]])
        case .enrollDraftCourse:
            let course = extraCourse(instructor: instructor)
            setup.append([.command(course.createCommand)] + course.addLessonCommands.map { .command($0) })
            let early = (0..<rng.int(in: 1...2)).map { _ in nextExtraUser() }
            var sessions: [Session] = early.map { [.command(.enroll(userId: $0, courseId: course.id))] }
            sessions.append([.command(.coursePublish(courseId: course.id))])
            for user in early {
                sessions.append([.command(.enroll(userId: user, courseId: course.id)),
                                 .command(.completeLesson(userId: user, lessonId: course.lessons[0].id))])
            }
            actors.append(sessions)
        case .capacityContention:
            var course = extraCourse(instructor: instructor)
            let seats = rng.int(in: 1...3)
            course.capacity = seats
            setup.append(courseSetup(course))
            let learners = (0..<(seats + rng.int(in: 1...2))).map { _ in nextExtraUser() }
            var sessions: [Session] = learners.map { [.command(.enroll(userId: $0, courseId: course.id))] }
            // A seat-holder drops out; the first one turned away retries and now gets the freed seat.
            sessions.append([.command(.cancelEnrollment(userId: learners[0], courseId: course.id))])
            sessions.append([.command(.enroll(userId: learners[seats], courseId: course.id))])
            if learners.count > seats + 1 {
                sessions.append([.command(.enroll(userId: learners[seats + 1], courseId: course.id))])
            }
            actors.append(sessions)
        case .courseTransitionTour, .enrollmentTransitionTour, .attemptTransitionTour, .timeLimitBoundary,
             .passMarkBoundary, .seatBoundary, .attemptLimitBoundary, .settingBoundary:
            plantBoundary(edge, setup: &setup, actors: &actors, instructor: instructor)
        }
        return true
    }

    /// A course created by an edge case: its own ids, one or two lessons, no quizzes.
    mutating func extraCourse(instructor: Int) -> CoursePlan {
        let number = nextCourseNumber()
        let id = ids.course(number)
        let lessons = (1...rng.int(in: 1...2)).map { (ids.lesson(course: id, $0), "\($0). \(rng.pick(Self.lessonTopics))") }
        return CoursePlan(number: number, id: id, title: rng.pick(Self.courseTopics), instructorId: instructor,
                          capacity: nil, certificateTemplate: rng.pick(Self.templates), lessons: lessons, quizzes: [])
    }

    mutating func nextExtraUser() -> Int {
        extraUsersIssued += 1
        return ids.user(userCount + extraUsersIssued)
    }

    /// A course and one of its weighted quizzes, adding a quiz when no course has one.
    private mutating func ensureQuiz(_ courses: inout [CoursePlan]) -> (course: Int, quiz: Int) {
        var candidates: [(Int, Int)] = []
        for (courseIndex, course) in courses.enumerated() {
            for (quizIndex, quiz) in course.quizzes.enumerated() where quiz.hasWeight {
                candidates.append((courseIndex, quizIndex))
            }
        }
        if !candidates.isEmpty { return rng.pick(candidates) }
        let courseIndex = rng.index(below: courses.count)
        courses[courseIndex].quizzes.append(planQuiz(in: courses[courseIndex]))
        return (courseIndex, courses[courseIndex].quizzes.count - 1)
    }

    /// A learner of the course who will finish it and take the quiz as scripted.
    private mutating func quizTaker(_ courseIndex: Int, _ quizIndex: Int, courses: [CoursePlan],
                                    enrollments: inout [EnrollmentPlan]) -> Int {
        let learner = enrollment(in: courseIndex, courses: courses, enrollments: &enrollments)
        enrollments[learner].finish(lessonCount: courses[courseIndex].lessons.count)
        enrollments[learner].scriptedQuizzes.append(courses[courseIndex].quizzes[quizIndex].id)
        return learner
    }

    /// Index of a random enrollment in the course; enrolls a random learner when nobody is.
    private mutating func enrollment(in courseIndex: Int, courses: [CoursePlan],
                                     enrollments: inout [EnrollmentPlan]) -> Int {
        let candidates = enrollments.indices.filter { enrollments[$0].courseIndex == courseIndex }
        if !candidates.isEmpty { return rng.pick(candidates) }
        let user = ids.user(rng.int(in: 1...userCount))
        enrollments.append(planEnrollment(user: user, courseIndex: courseIndex, course: courses[courseIndex]))
        return enrollments.count - 1
    }
}
