import Foundation

/// Course lifecycle through ``CourseStatus/machine``, with the publish guard (a course needs a lesson).
struct CourseService {
    func create(_ world: inout ModernWorld, _ events: inout PendingEvents, id: Int, title: String,
                instructorId: Int?, capacity: Int?, certificateTemplate: String?) -> Outcome {
        guard world.courses[id] == nil else { return .rejected(ErrorCode.duplicateId, "course \(id) exists") }
        guard capacity.map({ $0 > 0 }) ?? true else {
            return .rejected(ErrorCode.invalidInput, "capacity must be positive")
        }
        let course = ModernWorld.Course(id: id, title: title, instructorId: instructorId, capacity: capacity,
                                        certificateTemplate: certificateTemplate)
        world.courses[id] = course
        events.raise(EventName.courseCreated, EventPayload(courseId: id))
        return Outcome(status: .accepted, value: OutcomeValue(status: course.status.rawValue),
                       snapshot: [world.courseSnapshot(course)])
    }

    func addLesson(_ world: inout ModernWorld, courseId: Int, lessonId: Int) -> Outcome {
        guard var course = world.courses[courseId] else { return .rejected(ErrorCode.notFound, "course \(courseId)") }
        guard world.lessonCourse[lessonId] == nil else {
            return .rejected(ErrorCode.duplicateId, "lesson \(lessonId) exists")
        }
        guard course.status != .archived else {
            return .rejected(ErrorCode.courseNotOpen, "course \(courseId) is archived")
        }
        course.lessons.append(lessonId)
        world.lessonCourse[lessonId] = courseId
        world.courses[courseId] = course
        return Outcome(status: .accepted, snapshot: [world.courseSnapshot(course)])
    }

    func addQuiz(_ world: inout ModernWorld, courseId: Int, quiz: ModernWorld.Quiz) -> Outcome {
        guard var course = world.courses[courseId] else { return .rejected(ErrorCode.notFound, "course \(courseId)") }
        guard world.quizzes[quiz.id] == nil else { return .rejected(ErrorCode.duplicateId, "quiz \(quiz.id) exists") }
        guard course.status != .archived else {
            return .rejected(ErrorCode.courseNotOpen, "course \(courseId) is archived")
        }
        guard quiz.maxAttempts > 0, (0...100).contains(quiz.passingScore) else {
            return .rejected(ErrorCode.invalidInput, "maxAttempts must be positive and passingScore within 0...100")
        }
        course.quizzes.append(quiz.id)
        world.quizzes[quiz.id] = quiz
        world.courses[courseId] = course
        return Outcome(status: .accepted, snapshot: [world.courseSnapshot(course)])
    }

    func move(_ world: inout ModernWorld, _ events: inout PendingEvents, courseId: Int, to target: CourseStatus,
              event: String) -> Outcome {
        guard var course = world.courses[courseId] else { return .rejected(ErrorCode.notFound, "course \(courseId)") }
        if target == .published, course.status == .draft, course.lessons.isEmpty {
            return .rejected(ErrorCode.courseHasNoLessons, "course \(courseId) has no lessons to publish")
        }
        switch CourseStatus.machine.move(EntityKey.course(courseId), from: course.status, to: target) {
        case .failure(let refused):
            return refused.outcome
        case .success(let transition):
            course.status = target
            world.courses[courseId] = course
            events.raise(event, EventPayload(courseId: courseId))
            return Outcome(status: .accepted, value: OutcomeValue(status: target.rawValue),
                           transitions: [transition], snapshot: [world.courseSnapshot(course)])
        }
    }
}

/// Enrollment creation and lifecycle through ``EnrollmentStatus/machine``.
struct EnrollmentService {
    func enroll(_ world: inout ModernWorld, _ events: inout PendingEvents, user: Int, courseId: Int) -> Outcome {
        guard let course = world.courses[courseId] else { return .rejected(ErrorCode.notFound, "course \(courseId)") }
        guard course.status == .published else {
            return .rejected(ErrorCode.courseNotOpen, "course \(courseId) is \(course.status.rawValue)")
        }
        let key = ModernWorld.EnrollmentKey(user: user, course: courseId)
        if let existing = world.enrollments[key], existing.status == .active || existing.status == .completed {
            return .rejected(ErrorCode.alreadyEnrolled, "user \(user) is \(existing.status.rawValue) in \(courseId)")
        }
        if let capacity = course.capacity, world.activeSeats[courseId, default: 0] >= capacity {
            return .rejected(ErrorCode.courseFull, "course \(courseId) has \(capacity) seats taken")
        }
        // A cancelled or expired enrollment is replaced by a fresh one: progress starts over.
        world.enrollments[key] = ModernWorld.Enrollment(status: .active)
        world.completedCount[key] = 0
        for lesson in course.lessons { world.completions.remove(.init(user: user, lesson: lesson)) }
        world.activeSeats[courseId, default: 0] += 1
        events.raise(EventName.enrollmentCreated, EventPayload(courseId: courseId, userId: user))
        return Outcome(status: .accepted, value: OutcomeValue(percent: 0, status: EnrollmentStatus.active.rawValue),
                       snapshot: world.enrollmentSnapshot(key).map { [$0] } ?? [])
    }

    func move(_ world: inout ModernWorld, _ events: inout PendingEvents, user: Int, courseId: Int,
              to target: EnrollmentStatus, event: String) -> Outcome {
        let key = ModernWorld.EnrollmentKey(user: user, course: courseId)
        guard var enrollment = world.enrollments[key] else {
            return .rejected(ErrorCode.notEnrolled, "user \(user) has no enrollment in course \(courseId)")
        }
        let id = EntityKey.enrollment(user: user, course: courseId)
        switch EnrollmentStatus.machine.move(id, from: enrollment.status, to: target) {
        case .failure(let refused):
            return refused.outcome
        case .success(let transition):
            if enrollment.status == .active { world.activeSeats[courseId, default: 0] -= 1 }
            if target == .active {
                world.activeSeats[courseId, default: 0] += 1
                // Deliberately not a documented fix: modern resets progress on reactivation while legacy
                // keeps it. Shadow runs surface this as an unexpected divergence (see README, "Findings").
                enrollment.progressPercent = 0
            }
            enrollment.status = target
            world.enrollments[key] = enrollment
            events.raise(event, EventPayload(courseId: courseId, userId: user))
            return Outcome(status: .accepted,
                           value: OutcomeValue(percent: enrollment.progressPercent, status: target.rawValue),
                           transitions: [transition], snapshot: world.enrollmentSnapshot(key).map { [$0] } ?? [])
        }
    }
}

/// Lesson completion and progress: idempotent per lesson, percent rounded half up, completes at 100%.
struct ProgressService {
    func completeLesson(_ world: inout ModernWorld, _ events: inout PendingEvents, user: Int, lessonId: Int) -> Outcome {
        guard let courseId = world.lessonCourse[lessonId], let course = world.courses[courseId] else {
            return .rejected(ErrorCode.notFound, "lesson \(lessonId)")
        }
        let key = ModernWorld.EnrollmentKey(user: user, course: courseId)
        guard var enrollment = world.enrollments[key], enrollment.status == .active else {
            return .rejected(ErrorCode.notEnrolled, "user \(user) is not actively enrolled in course \(courseId)")
        }
        let completion = ModernWorld.EnrollmentKeyLesson(user: user, lesson: lessonId)
        guard world.completions.insert(completion).inserted else {
            // Completing a lesson twice changes nothing.
            return Outcome(status: .accepted, value: OutcomeValue(percent: enrollment.progressPercent),
                           snapshot: world.enrollmentSnapshot(key).map { [$0] } ?? [])
        }
        let done = world.completedCount[key, default: 0] + 1
        world.completedCount[key] = done
        enrollment.progressPercent = FixedPointScore.divideRoundingHalfUp(done * 100, by: max(1, course.lessons.count))
        var transitions: [StateTransition] = []
        events.raise(EventName.lessonCompleted, EventPayload(courseId: courseId, userId: user, lessonId: lessonId))
        events.raise(EventName.progressUpdated,
                     EventPayload(courseId: courseId, userId: user, percent: enrollment.progressPercent))
        if done >= course.lessons.count {
            let id = EntityKey.enrollment(user: user, course: courseId)
            if case .success(let transition) = EnrollmentStatus.machine.move(id, from: .active, to: .completed) {
                enrollment.status = .completed
                world.activeSeats[courseId, default: 0] -= 1
                transitions.append(transition)
                events.raise(EventName.courseCompleted, EventPayload(courseId: courseId, userId: user))
            }
        }
        world.enrollments[key] = enrollment
        return Outcome(status: .accepted, value: OutcomeValue(percent: enrollment.progressPercent),
                       transitions: transitions, snapshot: world.enrollmentSnapshot(key).map { [$0] } ?? [])
    }
}

/// Quiz attempts through ``AttemptStatus/machine``: attempt limit counts every attempt, time limit enforced.
struct AttemptService {
    func start(_ world: inout ModernWorld, _ events: inout PendingEvents, user: Int, quizId: Int, attemptId: Int,
               now: Date) -> Outcome {
        guard let quiz = world.quizzes[quizId] else { return .rejected(ErrorCode.notFound, "quiz \(quizId)") }
        guard world.attempts[attemptId] == nil else {
            return .rejected(ErrorCode.duplicateId, "attempt \(attemptId) exists")
        }
        let key = ModernWorld.EnrollmentKey(user: user, course: quiz.courseId)
        guard world.enrollments[key]?.status == .active else {
            return .rejected(ErrorCode.notEnrolled, "user \(user) is not actively enrolled in course \(quiz.courseId)")
        }
        let userQuiz = ModernWorld.UserQuiz(user: user, quiz: quizId)
        let previous = world.attemptsByUserQuiz[userQuiz, default: []]
        guard previous.count < quiz.maxAttempts else {
            return .rejected(ErrorCode.maxAttemptsReached, "\(previous.count) of \(quiz.maxAttempts) attempts used")
        }
        let attempt = ModernWorld.Attempt(id: attemptId, userId: user, quizId: quizId, number: previous.count + 1,
                                          startedAt: now)
        world.attempts[attemptId] = attempt
        world.attemptsByUserQuiz[userQuiz, default: []].append(attemptId)
        events.raise(EventName.attemptStarted,
                     EventPayload(courseId: quiz.courseId, userId: user, quizId: quizId, attemptId: attemptId))
        return Outcome(status: .accepted, value: OutcomeValue(attemptNumber: attempt.number, status: attempt.status.rawValue),
                       snapshot: [world.attemptSnapshot(attempt)])
    }

    func submit(_ world: inout ModernWorld, _ events: inout PendingEvents, attemptId: Int, answers: [Double],
                now: Date) -> Outcome {
        guard var attempt = world.attempts[attemptId], let quiz = world.quizzes[attempt.quizId] else {
            return .rejected(ErrorCode.notFound, "attempt \(attemptId)")
        }
        let id = EntityKey.attempt(attemptId)
        let payload = EventPayload(courseId: quiz.courseId, userId: attempt.userId, quizId: quiz.id, attemptId: attemptId)
        if attempt.status == .inProgress, let limit = quiz.timeLimitMinutes,
           now.timeIntervalSince(attempt.startedAt) > Double(limit) * 60 {
            // The deadline passed: the attempt expires, and the late answers are refused.
            guard case .success(let transition) = AttemptStatus.machine.move(id, from: .inProgress, to: .expired) else {
                return .rejected(ErrorCode.attemptExpired)
            }
            attempt.status = .expired
            world.attempts[attemptId] = attempt
            events.raise(EventName.attemptExpired, payload)
            return .rejected(ErrorCode.attemptExpired, "submitted after the \(limit)-minute limit",
                             transitions: [transition])
        }
        switch AttemptStatus.machine.move(id, from: attempt.status, to: .submitted) {
        case .failure(let refused):
            return refused.outcome
        case .success(let transition):
            attempt.status = .submitted
            attempt.answers = answers
            world.attempts[attemptId] = attempt
            events.raise(EventName.attemptSubmitted, payload)
            return Outcome(status: .accepted, value: OutcomeValue(status: attempt.status.rawValue),
                           transitions: [transition], snapshot: [world.attemptSnapshot(attempt)])
        }
    }

    func abandon(_ world: inout ModernWorld, _ events: inout PendingEvents, attemptId: Int) -> Outcome {
        guard var attempt = world.attempts[attemptId], let quiz = world.quizzes[attempt.quizId] else {
            return .rejected(ErrorCode.notFound, "attempt \(attemptId)")
        }
        switch AttemptStatus.machine.move(EntityKey.attempt(attemptId), from: attempt.status, to: .abandoned) {
        case .failure(let refused):
            return refused.outcome
        case .success(let transition):
            attempt.status = .abandoned
            world.attempts[attemptId] = attempt
            events.raise(EventName.attemptAbandoned, EventPayload(courseId: quiz.courseId, userId: attempt.userId,
                                                                  quizId: quiz.id, attemptId: attemptId))
            return Outcome(status: .accepted, value: OutcomeValue(status: attempt.status.rawValue),
                           transitions: [transition], snapshot: [world.attemptSnapshot(attempt)])
        }
    }
}

/// Scoring of one attempt in exact fixed point, and the course grade through each quiz's strategy.
struct GradingService {
    func grade(_ world: inout ModernWorld, _ events: inout PendingEvents, attemptId: Int) -> Outcome {
        guard var attempt = world.attempts[attemptId], let quiz = world.quizzes[attempt.quizId] else {
            return .rejected(ErrorCode.notFound, "attempt \(attemptId)")
        }
        let id = EntityKey.attempt(attemptId)
        guard AttemptStatus.machine.canMove(from: attempt.status, to: .graded) else {
            return TransitionRefused(entity: "attempt", id: id, from: attempt.status.rawValue,
                                     to: AttemptStatus.graded.rawValue).outcome
        }
        guard let score = FixedPointScore.hundredths(weights: quiz.weights, answers: attempt.answers) else {
            return .rejected(ErrorCode.quizHasNoQuestions, "quiz \(quiz.id) has no weighted questions")
        }
        let passed = score >= FixedPointScore.hundredths(percent: quiz.passingScore)
        let transition = StateTransition(entity: "attempt", id: id, from: attempt.status.rawValue,
                                         to: AttemptStatus.graded.rawValue)
        attempt.status = .graded
        attempt.scoreHundredths = score
        world.attempts[attemptId] = attempt
        events.raise(EventName.attemptGraded,
                     EventPayload(courseId: quiz.courseId, userId: attempt.userId, quizId: quiz.id,
                                  attemptId: attemptId, score: FixedPointScore.percent(score), passed: passed))
        return Outcome(status: .accepted, value: OutcomeValue(score: FixedPointScore.percent(score), passed: passed),
                       transitions: [transition], snapshot: [world.attemptSnapshot(attempt)])
    }

    func finalGrade(_ world: ModernWorld, _ events: inout PendingEvents, user: Int, courseId: Int) -> Outcome {
        guard let course = world.courses[courseId] else { return .rejected(ErrorCode.notFound, "course \(courseId)") }
        guard world.enrollments[.init(user: user, course: courseId)] != nil else {
            return .rejected(ErrorCode.notEnrolled, "user \(user) never enrolled in course \(courseId)")
        }
        guard !course.quizzes.isEmpty else {
            return .rejected(ErrorCode.courseHasNoQuizzes, "course \(courseId) has no quizzes")
        }
        var grades: [Int] = []
        var passedAll = true
        for quizId in course.quizzes {
            guard let quiz = world.quizzes[quizId] else { continue }
            let scores = world.attemptsByUserQuiz[.init(user: user, quiz: quizId), default: []]
                .compactMap { world.attempts[$0]?.scoreHundredths }
            let grade = quiz.strategy.strategy.grade(scores) ?? 0
            grades.append(grade)
            passedAll = passedAll && grade >= FixedPointScore.hundredths(percent: quiz.passingScore)
        }
        let courseGrade = FixedPointScore.divideRoundingHalfUp(grades.reduce(0, +), by: max(1, grades.count))
        events.raise(EventName.courseGradeCalculated,
                     EventPayload(courseId: courseId, userId: user, score: FixedPointScore.percent(courseGrade),
                                  passed: passedAll))
        return Outcome(status: .accepted, value: OutcomeValue(passed: passedAll, grade: FixedPointScore.percent(courseGrade)))
    }
}
