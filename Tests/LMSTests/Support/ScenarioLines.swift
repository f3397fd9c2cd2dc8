import LMS

/// Renders a command as the `op` and fields of a scenario line (without `scenario`, `seq` and `at`), in the
/// field order of ``LMSCommand``. Used to check that `QUIRKS.md` shows each trigger as it is in the catalogue.
func scenarioLine(_ command: LMSCommand) -> String {
    func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
    func string(_ value: String) -> String { "\"\(value)\"" }
    var fields: [(String, String?)]
    switch command {
    case let .courseCreate(courseId, title, instructorId, capacity, template):
        fields = [("courseId", "\(courseId)"), ("title", string(title)), ("instructorId", instructorId.map { "\($0)" }),
                  ("capacity", capacity.map { "\($0)" }), ("certificateTemplate", template.map(string))]
    case let .courseAddLesson(courseId, lessonId, title):
        fields = [("courseId", "\(courseId)"), ("lessonId", "\(lessonId)"), ("title", string(title))]
    case let .courseAddQuiz(courseId, quizId, maxAttempts, timeLimit, passingScore, strategy, weights):
        fields = [("courseId", "\(courseId)"), ("quizId", "\(quizId)"), ("maxAttempts", "\(maxAttempts)"),
                  ("timeLimitMinutes", timeLimit.map { "\($0)" }), ("passingScore", number(passingScore)),
                  ("strategy", string(strategy.rawValue)),
                  ("weights", "[" + weights.map(number).joined(separator: ",") + "]")]
    case let .coursePublish(courseId), let .courseUnpublish(courseId), let .courseArchive(courseId),
         let .courseRestore(courseId):
        fields = [("courseId", "\(courseId)")]
    case let .enroll(userId, courseId), let .cancelEnrollment(userId, courseId), let .expireEnrollment(userId, courseId),
         let .reactivateEnrollment(userId, courseId), let .finalGrade(userId, courseId):
        fields = [("userId", "\(userId)"), ("courseId", "\(courseId)")]
    case let .completeLesson(userId, lessonId):
        fields = [("userId", "\(userId)"), ("lessonId", "\(lessonId)")]
    case let .startAttempt(userId, quizId, attemptId):
        fields = [("userId", "\(userId)"), ("quizId", "\(quizId)"), ("attemptId", "\(attemptId)")]
    case let .submitAttempt(attemptId, answers):
        fields = [("attemptId", "\(attemptId)"), ("answers", "[" + answers.map(number).joined(separator: ",") + "]")]
    case let .abandonAttempt(attemptId), let .gradeAttempt(attemptId):
        fields = [("attemptId", "\(attemptId)")]
    case let .advanceClock(seconds):
        fields = [("seconds", "\(seconds)")]
    }
    let body = fields.compactMap { key, value in value.map { "\"\(key)\":\($0)" } }
    return "{" + (["\"op\":\"\(command.op.rawValue)\""] + body).joined(separator: ",") + "}"
}
