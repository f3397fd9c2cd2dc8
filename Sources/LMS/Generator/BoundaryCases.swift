/// The boundary cases (``EdgeCase/boundaryCases``): each is self-contained — a course of its own set up by the
/// instructor and learners of its own — so it never changes the ordinary plan around it. Where a legacy quirk
/// makes the two sides differ, the command that shows it comes last for its entity, so later commands of the
/// case run on worlds that still agree (the one exception is the attempt tour's expired attempt: grading it is
/// the only way to see the refused expired → graded, and legacy submitted it late).
extension ScenarioBuilder {
    mutating func plantBoundary(_ edge: EdgeCase, setup: inout [Session], actors: inout [[Session]], instructor: Int) {
        switch edge {
        case .courseTransitionTour: courseTour(setup: &setup, actors: &actors, instructor: instructor)
        case .enrollmentTransitionTour: enrollmentTour(setup: &setup, actors: &actors, instructor: instructor)
        case .attemptTransitionTour: attemptTour(setup: &setup, actors: &actors, instructor: instructor)
        case .timeLimitBoundary: timeLimitBoundary(setup: &setup, actors: &actors, instructor: instructor)
        case .passMarkBoundary: passMarkBoundary(setup: &setup, actors: &actors, instructor: instructor)
        case .seatBoundary: seatBoundary(setup: &setup, actors: &actors, instructor: instructor)
        case .attemptLimitBoundary: attemptLimitBoundary(setup: &setup, actors: &actors, instructor: instructor)
        case .settingBoundary: settingBoundary(setup: &setup, actors: &actors, instructor: instructor)
        default: break
        }
    }

    // MARK: Helpers

    private mutating func shuffled<Element>(_ elements: [Element]) -> [Element] {
        var result = elements
        for index in stride(from: result.count - 1, to: 0, by: -1) {
            result.swapAt(index, rng.int(in: 0...index))
        }
        return result
    }

    /// A boundary course: its own ids, `lessons` lessons, the given quizzes and capacity.
    private mutating func boundaryCourse(instructor: Int, lessons: Int = 2, capacity: Int? = nil,
                                         quizzes: (Int) -> [QuizPlan] = { _ in [] }) -> CoursePlan {
        var course = extraCourse(instructor: instructor)
        course.lessons = (1...lessons).map { (ids.lesson(course: course.id, $0), "\($0). Boundary") }
        course.capacity = capacity
        course.quizzes = quizzes(course.id)
        return course
    }

    private func quiz(course: Int, _ number: Int, maxAttempts: Int = 3, timeLimit: Int? = nil, passing: Double = 80,
                      strategy: GradingStrategyKind = .highest, questions: Int = 3) -> QuizPlan {
        QuizPlan(id: ids.quiz(course: course, number), maxAttempts: maxAttempts, timeLimitMinutes: timeLimit,
                 passingScore: passing, strategy: strategy, weights: [Double](repeating: 1, count: questions),
                 afterLessons: 0)
    }

    /// Credits on equally weighted questions (a thousandth of credit each) that score exactly `hundredths`
    /// of a percent on `questions` questions when `questions` is 10: 7999 → seven full, 0.999, then zeros.
    static func credits(hundredths: Int, questions: Int) -> [Double] {
        var credits = [Double](repeating: 0, count: questions)
        var left = max(0, min(hundredths, questions * 1000))
        for question in 0..<questions where left > 0 {
            let millis = min(1000, left)
            credits[question] = Double(millis) / 1000
            left -= millis
        }
        return credits
    }

    private func commands(_ list: [LMSCommand]) -> Session { list.map { .command($0) } }

    // MARK: Transition tours

    /// draft → draft (restore, unpublish), draft → archived, archived → archived, archived → draft,
    /// draft → published, published → published, published → draft, published → archived, and last
    /// archived → published (refused by modern, carried out by legacy: `legacy.archived_to_published`).
    private mutating func courseTour(setup: inout [Session], actors: inout [[Session]], instructor: Int) {
        let course = boundaryCourse(instructor: instructor, lessons: 1)
        setup.append([.command(course.createCommand)] + course.addLessonCommands.map { .command($0) })
        let id = course.id
        actors.append([
            commands([.courseRestore(courseId: id), .courseUnpublish(courseId: id)]),
            commands([.courseArchive(courseId: id), .courseArchive(courseId: id)]),
            commands([.courseRestore(courseId: id), .coursePublish(courseId: id), .coursePublish(courseId: id)]),
            commands([.courseUnpublish(courseId: id), .coursePublish(courseId: id)]),
            commands([.courseArchive(courseId: id)]),
            commands([.coursePublish(courseId: id)]),
        ])
    }

    /// Three learners of one course walk every enrollment transition; the ones legacy carries out and modern
    /// refuses (expiring a cancelled or completed enrollment, reactivating a completed one) end a learner.
    private mutating func enrollmentTour(setup: inout [Session], actors: inout [[Session]], instructor: Int) {
        let course = boundaryCourse(instructor: instructor, lessons: 2)
        setup.append(courseSetup(course))
        let id = course.id
        let last = course.lessons[1].id
        let (first, second, third) = (nextExtraUser(), nextExtraUser(), nextExtraUser())
        let completeAll = course.lessons.map { LMSCommand.completeLesson(userId: first, lessonId: $0.id) }
        actors.append([
            commands([.enroll(userId: first, courseId: id)]),
            commands([.reactivateEnrollment(userId: first, courseId: id)]),                 // active → active
            commands([.cancelEnrollment(userId: first, courseId: id)]),                     // active → cancelled
            commands([.cancelEnrollment(userId: first, courseId: id)]),                     // cancelled → cancelled
            commands([.completeLesson(userId: first, lessonId: last)]),                    // cancelled → completed
            commands([.reactivateEnrollment(userId: first, courseId: id)]),                 // cancelled → active
            commands([.expireEnrollment(userId: first, courseId: id)]),                     // active → expired
            commands([.expireEnrollment(userId: first, courseId: id)]),                     // expired → expired
            commands([.cancelEnrollment(userId: first, courseId: id)]),                     // expired → cancelled
            commands([.completeLesson(userId: first, lessonId: last)]),                    // expired → completed
            commands([.reactivateEnrollment(userId: first, courseId: id)]),                 // expired → active
            commands(completeAll),                                                         // active → completed
            commands([.cancelEnrollment(userId: first, courseId: id)]),                     // completed → cancelled
            commands([.completeLesson(userId: first, lessonId: last)]),                    // completed → completed
            commands([.reactivateEnrollment(userId: first, courseId: id)]),                 // completed → active
        ])
        actors.append([
            commands([.enroll(userId: second, courseId: id)]),
            commands([.cancelEnrollment(userId: second, courseId: id)]),
            commands([.expireEnrollment(userId: second, courseId: id)]),                    // cancelled → expired
        ])
        actors.append([
            commands([.enroll(userId: third, courseId: id)]),
            commands(course.lessons.map { .completeLesson(userId: third, lessonId: $0.id) }),
            commands([.expireEnrollment(userId: third, courseId: id)]),                     // completed → expired
        ])
    }

    /// One learner's attempts walk every attempt transition: graded, submitted and abandoned from each status.
    private mutating func attemptTour(setup: inout [Session], actors: inout [[Session]], instructor: Int) {
        let limit = rng.int(in: 1...6) * 5
        var course = boundaryCourse(instructor: instructor)
        course.quizzes = [quiz(course: course.id, 1, maxAttempts: 4, timeLimit: limit)]
        setup.append(courseSetup(course))
        let learner = nextExtraUser()
        let quizId = course.quizzes[0].id
        let (first, second, third) = (nextAttemptID(), nextAttemptID(), nextAttemptID())
        let full: [Double] = [1, 1, 1]
        actors.append([
            commands([.enroll(userId: learner, courseId: course.id)]),
            commands([.startAttempt(userId: learner, quizId: quizId, attemptId: first),
                      .gradeAttempt(attemptId: first),                                      // in_progress → graded
                      .submitAttempt(attemptId: first, answers: full),                      // in_progress → submitted
                      .submitAttempt(attemptId: first, answers: full),                      // submitted → submitted
                      .abandonAttempt(attemptId: first),                                    // submitted → abandoned
                      .gradeAttempt(attemptId: first),                                      // submitted → graded
                      .gradeAttempt(attemptId: first),                                      // graded → graded
                      .submitAttempt(attemptId: first, answers: full),                      // graded → submitted
                      .abandonAttempt(attemptId: first)]),                                  // graded → abandoned
            commands([.startAttempt(userId: learner, quizId: quizId, attemptId: second),
                      .abandonAttempt(attemptId: second),                                   // in_progress → abandoned
                      .abandonAttempt(attemptId: second),                                   // abandoned → abandoned
                      .submitAttempt(attemptId: second, answers: full),                     // abandoned → submitted
                      .gradeAttempt(attemptId: second)]),                                   // abandoned → graded
            [.command(.startAttempt(userId: learner, quizId: quizId, attemptId: third)),
             .exactly(seconds: limit * 60 + 1),
             .command(.submitAttempt(attemptId: third, answers: full))],                    // in_progress → expired
            commands([.submitAttempt(attemptId: third, answers: full),                      // expired → submitted
                      .abandonAttempt(attemptId: third),                                    // expired → abandoned
                      .gradeAttempt(attemptId: third)]),                                    // expired → graded
        ])
    }

    // MARK: Thresholds

    /// Submissions one second before, exactly at and one second after the time limit, in random order.
    private mutating func timeLimitBoundary(setup: inout [Session], actors: inout [[Session]], instructor: Int) {
        let limit = rng.int(in: 1...12) * 5
        let strategy = rng.pick(GradingStrategyKind.allCases)
        let passing = rng.pick(Self.boundaryPassMarks)
        var course = boundaryCourse(instructor: instructor)
        course.quizzes = [quiz(course: course.id, 1, maxAttempts: 3, timeLimit: limit, passing: passing,
                               strategy: strategy)]
        setup.append(courseSetup(course))
        let learner = nextExtraUser()
        var sessions: [Session] = [commands([.enroll(userId: learner, courseId: course.id)])]
        for delta in shuffled([-1, 0, 1]) {
            let attempt = nextAttemptID()
            var session: Session = [.command(.startAttempt(userId: learner, quizId: course.quizzes[0].id,
                                                           attemptId: attempt)),
                                    .exactly(seconds: limit * 60 + delta),
                                    .command(.submitAttempt(attemptId: attempt,
                                                            answers: answers(for: course.quizzes[0], skill: 0.8)))]
            // The late one expires on modern and is left alone (the attempt tour grades an expired attempt).
            if delta <= 0 { session.append(.command(.gradeAttempt(attemptId: attempt))) }
            sessions.append(session)
        }
        sessions.append(commands([.finalGrade(userId: learner, courseId: course.id)]))
        actors.append(sessions)
    }

    private static let boundaryPassMarks: [Double] = [60, 70, 75, 80]

    /// On ten equally weighted questions a thousandth of credit is a hundredth of a percent, so scores land
    /// exactly on the pass mark and one hundredth either side; the final grade follows.
    private mutating func passMarkBoundary(setup: inout [Session], actors: inout [[Session]], instructor: Int) {
        let passing = rng.pick(Self.boundaryPassMarks)
        let strategy = rng.pick(GradingStrategyKind.allCases)
        var course = boundaryCourse(instructor: instructor)
        course.quizzes = [quiz(course: course.id, 1, maxAttempts: 3, passing: passing, strategy: strategy, questions: 10)]
        setup.append(courseSetup(course))
        let quizId = course.quizzes[0].id
        let mark = Int(passing) * 100
        // One learner scores all three (in random order), another only one of them.
        let learner = nextExtraUser()
        var sessions: [Session] = [commands([.enroll(userId: learner, courseId: course.id)])]
        for delta in shuffled([-1, 0, 1]) {
            let attempt = nextAttemptID()
            sessions.append(commands([.startAttempt(userId: learner, quizId: quizId, attemptId: attempt),
                                      .submitAttempt(attemptId: attempt,
                                                     answers: Self.credits(hundredths: mark + delta, questions: 10)),
                                      .gradeAttempt(attemptId: attempt)]))
        }
        sessions.append(commands([.finalGrade(userId: learner, courseId: course.id)]))
        actors.append(sessions)
        let single = nextExtraUser()
        let attempt = nextAttemptID()
        actors.append([
            commands([.enroll(userId: single, courseId: course.id)]),
            commands([.startAttempt(userId: single, quizId: quizId, attemptId: attempt),
                      .submitAttempt(attemptId: attempt,
                                     answers: Self.credits(hundredths: mark + rng.pick([-1, 0, 1]), questions: 10)),
                      .gradeAttempt(attemptId: attempt)]),
            commands([.finalGrade(userId: single, courseId: course.id)]),
        ])
    }

    /// A course of 1–3 seats filled to the last seat and one past it; then one seat is freed along one path
    /// (cancel, expiry, completion, or cancel and reactivation) and taken again, and one more learner is
    /// turned away. Legacy counts every enrollment row against the capacity, so it refuses the retaken seat
    /// (`legacy.capacity_counts_cancelled`); that learner does nothing else.
    private mutating func seatBoundary(setup: inout [Session], actors: inout [[Session]], instructor: Int) {
        let seats = rng.int(in: 1...3)
        let course = boundaryCourse(instructor: instructor, lessons: rng.int(in: 1...2), capacity: seats)
        setup.append(courseSetup(course))
        let id = course.id
        let holders = (0..<seats).map { _ in nextExtraUser() }
        let (waiting, late) = (nextExtraUser(), nextExtraUser())
        var steps: [LMSCommand] = holders.map { .enroll(userId: $0, courseId: id) }    // the last one: last seat
        steps.append(.enroll(userId: waiting, courseId: id))                          // one past capacity
        switch rng.int(in: 0...3) {
        case 0:
            steps += [.cancelEnrollment(userId: holders[0], courseId: id), .enroll(userId: waiting, courseId: id)]
        case 1:
            steps += [.expireEnrollment(userId: holders[0], courseId: id), .enroll(userId: waiting, courseId: id)]
        case 2:
            steps += course.lessons.map { .completeLesson(userId: holders[0], lessonId: $0.id) }
            steps.append(.enroll(userId: waiting, courseId: id))
        default:
            // The seat a cancellation frees is taken back by the same learner's reactivation.
            steps += [.cancelEnrollment(userId: holders[0], courseId: id),
                      .reactivateEnrollment(userId: holders[0], courseId: id)]
        }
        steps.append(.enroll(userId: late, courseId: id))                             // one past capacity again
        actors.append(steps.map { [.command($0)] })
    }

    /// A quiz of 1–3 attempts used up, the first ended one way (graded, abandoned, left ungraded, or submitted
    /// a second late so it expires) and the others graded; the last allowed attempt, then one more. Legacy
    /// counts graded attempts only (`legacy.max_attempts_counts_graded_only`); the extra attempt is left alone.
    private mutating func attemptLimitBoundary(setup: inout [Session], actors: inout [[Session]], instructor: Int) {
        let maxAttempts = rng.int(in: 1...3)
        let limit = rng.int(in: 1...6) * 5
        var course = boundaryCourse(instructor: instructor)
        course.quizzes = [quiz(course: course.id, 1, maxAttempts: maxAttempts, timeLimit: limit,
                               strategy: rng.pick(GradingStrategyKind.allCases))]
        setup.append(courseSetup(course))
        let quiz = course.quizzes[0]
        let learner = nextExtraUser()
        let firstEnding = rng.int(in: 0...3)
        var sessions: [Session] = [commands([.enroll(userId: learner, courseId: course.id)])]
        for number in 1...maxAttempts {
            let attempt = nextAttemptID()
            let start = LMSCommand.startAttempt(userId: learner, quizId: quiz.id, attemptId: attempt)
            let submit = LMSCommand.submitAttempt(attemptId: attempt, answers: answers(for: quiz, skill: 0.6))
            switch number == 1 ? firstEnding : 0 {
            case 1: sessions.append(commands([start, .abandonAttempt(attemptId: attempt)]))
            case 2: sessions.append(commands([start, submit]))
            case 3: sessions.append([.command(start), .exactly(seconds: limit * 60 + 1), .command(submit)])
            default: sessions.append(commands([start, submit, .gradeAttempt(attemptId: attempt)]))
            }
        }
        sessions.append(commands([.startAttempt(userId: learner, quizId: quiz.id, attemptId: nextAttemptID())]))
        actors.append(sessions)
    }

    /// Settings at their limits: capacity 0 (refused) then 1, max attempts 0 (refused) and 1, pass marks
    /// -0.01 and 100.01 (refused), 0 and 100; learners take the one seat and one past it, score 0 against a
    /// pass mark of 0, 100 and 99.99 against 100, and use the single attempt and one more.
    private mutating func settingBoundary(setup: inout [Session], actors: inout [[Session]], instructor: Int) {
        var course = boundaryCourse(instructor: instructor, lessons: 1, capacity: 1)
        let id = course.id
        course.quizzes = [
            quiz(course: id, 1, maxAttempts: 2, passing: 0),
            quiz(course: id, 2, maxAttempts: 2, passing: 100, questions: 10),
            quiz(course: id, 3, maxAttempts: 1),
        ]
        let refusedQuizzes: [LMSCommand] = [
            .courseAddQuiz(courseId: id, quizId: ids.quiz(course: id, 4), maxAttempts: 0, timeLimitMinutes: nil,
                           passingScore: 80, strategy: .highest, weights: [1, 1, 1]),
            .courseAddQuiz(courseId: id, quizId: ids.quiz(course: id, 5), maxAttempts: 2, timeLimitMinutes: nil,
                           passingScore: -0.01, strategy: .highest, weights: [1, 1, 1]),
            .courseAddQuiz(courseId: id, quizId: ids.quiz(course: id, 6), maxAttempts: 2, timeLimitMinutes: nil,
                           passingScore: 100.01, strategy: .highest, weights: [1, 1, 1]),
        ]
        var zeroCapacity = course.createCommand
        if case let .courseCreate(courseId, title, instructorId, _, template) = zeroCapacity {
            zeroCapacity = .courseCreate(courseId: courseId, title: title, instructorId: instructorId, capacity: 0,
                                         certificateTemplate: template)
        }
        var session = commands([zeroCapacity])
        session += courseSetup(course).dropLast()
        session += commands(refusedQuizzes + [.coursePublish(courseId: id)])
        setup.append(session)
        let (learner, turnedAway) = (nextExtraUser(), nextExtraUser())
        let zeroQuiz = course.quizzes[0].id, fullQuiz = course.quizzes[1].id, singleQuiz = course.quizzes[2].id
        let (zero, nearFull, full, single, extra) = (nextAttemptID(), nextAttemptID(), nextAttemptID(),
                                                     nextAttemptID(), nextAttemptID())
        actors.append([
            commands([.enroll(userId: learner, courseId: id)]),
            commands([.enroll(userId: turnedAway, courseId: id)]),
            commands([.startAttempt(userId: learner, quizId: zeroQuiz, attemptId: zero),
                      .submitAttempt(attemptId: zero, answers: [0, 0, 0]), .gradeAttempt(attemptId: zero)]),
            commands([.startAttempt(userId: learner, quizId: fullQuiz, attemptId: nearFull),
                      .submitAttempt(attemptId: nearFull, answers: Self.credits(hundredths: 9999, questions: 10)),
                      .gradeAttempt(attemptId: nearFull)]),
            commands([.startAttempt(userId: learner, quizId: fullQuiz, attemptId: full),
                      .submitAttempt(attemptId: full, answers: Self.credits(hundredths: 10_000, questions: 10)),
                      .gradeAttempt(attemptId: full)]),
            commands([.startAttempt(userId: learner, quizId: singleQuiz, attemptId: single),
                      .submitAttempt(attemptId: single, answers: [1, 1, 0]), .gradeAttempt(attemptId: single)]),
            commands([.startAttempt(userId: learner, quizId: singleQuiz, attemptId: extra)]),
            commands([.finalGrade(userId: learner, courseId: id)]),
        ])
    }
}
