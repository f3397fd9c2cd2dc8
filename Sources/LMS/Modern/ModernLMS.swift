import Foundation

/// The refactored backend: services, explicit state machines, grading strategies, and domain events
/// dispatched to listeners only after the change is applied (a failing listener never undoes the command).
public struct ModernLMS: LMSImplementation {
    var world = ModernWorld()
    var ids: IDSource

    public init(ids: IDSource = IDSource()) { self.ids = ids }

    public mutating func apply(_ command: LMSCommand, now: Date) throws(ImplementationFault) -> Outcome {
        var events = PendingEvents()
        var outcome = handle(command, now: now, events: &events)
        // Dispatch after the change: listeners read the world as the command left it.
        outcome.events = events.events
        outcome.jobs = events.events.flatMap { Listeners.jobs(for: $0, in: world, ids: &ids) }
        return outcome
    }

    private mutating func handle(_ command: LMSCommand, now: Date, events: inout PendingEvents) -> Outcome {
        let courses = CourseService()
        switch command {
        case let .courseCreate(courseId, title, instructorId, capacity, template):
            return courses.create(&world, &events, id: courseId, title: title, instructorId: instructorId,
                                  capacity: capacity, certificateTemplate: template)
        case let .courseAddLesson(courseId, lessonId, _):
            return courses.addLesson(&world, courseId: courseId, lessonId: lessonId)
        case let .courseAddQuiz(courseId, quizId, maxAttempts, timeLimit, passingScore, strategy, weights):
            let quiz = ModernWorld.Quiz(id: quizId, courseId: courseId, maxAttempts: maxAttempts,
                                        timeLimitMinutes: timeLimit, passingScore: passingScore,
                                        strategy: strategy, weights: weights)
            return courses.addQuiz(&world, courseId: courseId, quiz: quiz)
        case let .coursePublish(courseId):
            return courses.move(&world, &events, courseId: courseId, to: .published, event: EventName.coursePublished)
        case let .courseUnpublish(courseId):
            return courses.move(&world, &events, courseId: courseId, to: .draft, event: EventName.courseUnpublished)
        case let .courseArchive(courseId):
            return courses.move(&world, &events, courseId: courseId, to: .archived, event: EventName.courseArchived)
        case let .courseRestore(courseId):
            guard world.courses[courseId]?.status == .archived || world.courses[courseId] == nil else {
                // Restore means archived → draft; from any other state it is a refused transition.
                let from = world.courses[courseId]?.status.rawValue ?? ""
                return TransitionRefused(entity: "course", id: EntityKey.course(courseId), from: from,
                                         to: "draft").outcome
            }
            return courses.move(&world, &events, courseId: courseId, to: .draft, event: EventName.courseRestored)
        case let .enroll(userId, courseId):
            return EnrollmentService().enroll(&world, &events, user: userId, courseId: courseId)
        case let .cancelEnrollment(userId, courseId):
            return EnrollmentService().move(&world, &events, user: userId, courseId: courseId, to: .cancelled,
                                            event: EventName.enrollmentCancelled)
        case let .expireEnrollment(userId, courseId):
            return EnrollmentService().move(&world, &events, user: userId, courseId: courseId, to: .expired,
                                            event: EventName.enrollmentExpired)
        case let .reactivateEnrollment(userId, courseId):
            return EnrollmentService().move(&world, &events, user: userId, courseId: courseId, to: .active,
                                            event: EventName.enrollmentReactivated)
        case let .completeLesson(userId, lessonId):
            return ProgressService().completeLesson(&world, &events, user: userId, lessonId: lessonId)
        case let .startAttempt(userId, quizId, attemptId):
            return AttemptService().start(&world, &events, user: userId, quizId: quizId, attemptId: attemptId, now: now)
        case let .submitAttempt(attemptId, answers):
            return AttemptService().submit(&world, &events, attemptId: attemptId, answers: answers, now: now)
        case let .abandonAttempt(attemptId):
            return AttemptService().abandon(&world, &events, attemptId: attemptId)
        case let .gradeAttempt(attemptId):
            return GradingService().grade(&world, &events, attemptId: attemptId)
        case let .finalGrade(userId, courseId):
            return GradingService().finalGrade(world, &events, user: userId, courseId: courseId)
        case .advanceClock:
            return Outcome(status: .accepted)
        }
    }
}
