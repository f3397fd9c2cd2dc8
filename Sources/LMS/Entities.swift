import Foundation

/// What a world can tell about the rows a command names only by id: the course of a lesson or a quiz, the
/// user and quiz of an attempt. Both implementations keep these links, and neither ever changes them once a
/// row exists, so looking them up before or after the command is applied gives the same answer.
public protocol LMSEntityLookup {
    func course(ofLesson lesson: Int) -> Int?
    func course(ofQuiz quiz: Int) -> Int?
    func attempt(_ attempt: Int) -> (user: Int, quiz: Int)?
}

/// The entity keys a command touches, for tracing a divergence to the earlier divergence it follows from
/// (knock-ons): `course:C`, `enrollment:U:C` (a user in a course), `lesson:L`, `quiz:Q`, `attempt:A`.
///
/// A command that only names a lesson, quiz or attempt is given the course (and enrollment) it belongs to by
/// looking it up in `world`; a command that creates a lesson or quiz holds its course in its own fields. When
/// the world does not know the row (the command was refused there), only the keys the fields name are given:
/// the creating command also gave `lesson:L` / `quiz:Q` / `attempt:A`, so the two still meet on that key.
/// The Laravel example app returns the same keys (`examples/laravel-lms/app/Shadow/Entities.php`).
public enum LMSEntities {
    public static func keys(of command: LMSCommand, in world: some LMSEntityLookup) -> [String] {
        func course(_ id: Int) -> String { "course:\(id)" }
        func enrollment(_ user: Int, _ course: Int) -> String { "enrollment:\(user):\(course)" }
        switch command {
        case let .courseCreate(courseId, _, _, _, _), let .coursePublish(courseId), let .courseUnpublish(courseId),
             let .courseArchive(courseId), let .courseRestore(courseId):
            return [course(courseId)]
        case let .courseAddLesson(courseId, lessonId, _):
            return [course(courseId), "lesson:\(lessonId)"]
        case let .courseAddQuiz(courseId, quizId, _, _, _, _, _):
            return [course(courseId), "quiz:\(quizId)"]
        case let .enroll(userId, courseId), let .cancelEnrollment(userId, courseId),
             let .expireEnrollment(userId, courseId), let .reactivateEnrollment(userId, courseId),
             let .finalGrade(userId, courseId):
            return [course(courseId), enrollment(userId, courseId)]
        case let .completeLesson(userId, lessonId):
            guard let courseId = world.course(ofLesson: lessonId) else { return ["lesson:\(lessonId)"] }
            return [course(courseId), enrollment(userId, courseId), "lesson:\(lessonId)"]
        case let .startAttempt(userId, quizId, attemptId):
            guard let courseId = world.course(ofQuiz: quizId) else { return ["quiz:\(quizId)", "attempt:\(attemptId)"] }
            return [course(courseId), enrollment(userId, courseId), "quiz:\(quizId)", "attempt:\(attemptId)"]
        case let .submitAttempt(attemptId, _), let .abandonAttempt(attemptId), let .gradeAttempt(attemptId):
            guard let attempt = world.attempt(attemptId) else { return ["attempt:\(attemptId)"] }
            guard let courseId = world.course(ofQuiz: attempt.quiz) else {
                return ["quiz:\(attempt.quiz)", "attempt:\(attemptId)"]
            }
            return [course(courseId), enrollment(attempt.user, courseId), "quiz:\(attempt.quiz)", "attempt:\(attemptId)"]
        case .advanceClock:
            return []
        }
    }
}

extension LegacyLMS: LMSEntityLookup {
    public func course(ofLesson lesson: Int) -> Int? { lessonCourse[lesson] }
    public func course(ofQuiz quiz: Int) -> Int? { quizzes[quiz]?.courseId }
    public func attempt(_ attempt: Int) -> (user: Int, quiz: Int)? {
        attempts[attempt].map { ($0.userId, $0.quizId) }
    }
}

extension ModernLMS: LMSEntityLookup {
    public func course(ofLesson lesson: Int) -> Int? { world.lessonCourse[lesson] }
    public func course(ofQuiz quiz: Int) -> Int? { world.quizzes[quiz]?.courseId }
    public func attempt(_ attempt: Int) -> (user: Int, quiz: Int)? {
        world.attempts[attempt].map { ($0.userId, $0.quizId) }
    }
}
