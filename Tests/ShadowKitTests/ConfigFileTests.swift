import Foundation
import LMS
import LMSShadow
import ShadowKit
import Testing

/// Configuration and scenario values that used to be accepted silently or to crash.
@Suite struct ConfigFileTests {
    static let rule = """
        rules:
          - id: r1
            feature: progress_service
            op: progress.completeLesson
            kind: value_mismatch
            path: ["$.value.percent"]
            reason: floor
            owner: team
            expires: "2030-01-01"
        """

    @Test func aMisspeltRuleKeyIsAnErrorWithItsLine() {
        #expect {
            try AcceptedRules.parse(Self.rule, path: "accepted.yaml")
        } throws: { error in
            let description = (error as? ConfigError)?.description ?? ""
            return description.hasPrefix(#"accepted.yaml:6: rules[0]: unknown key "path""#)
        }
    }

    @Test func yamlSyntaxErrorsNameTheLine() {
        #expect {
            try AcceptedRules.parse("rules:\n  - id: [a\n  b: c\n", path: "accepted.yaml")
        } throws: { error in
            (error as? ConfigError)?.line == 3
        }
    }

    @Test func aMissingFieldNamesTheRuleLine() {
        let text = Self.rule.replacingOccurrences(of: "    path: [\"$.value.percent\"]\n", with: "")
            .replacingOccurrences(of: "    expires: \"2030-01-01\"", with: "")
        #expect {
            try AcceptedRules.parse(text, path: "accepted.yaml")
        } throws: { error in
            let error = error as? ConfigError
            return error?.line == 2 && error?.message.contains("missing field \"expires\"") == true
        }
    }

    @Test func misspeltComparatorKeysAreErrors() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cmp-\(UUID().uuidString).yaml").path
        try "ignore:\n  - paths: \"$.jobs[*].id\"\n".write(toFile: directory, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: ConfigError.self) { try ComparatorRules.load(path: directory) }
    }

    @Test(arguments: [
        ("course.addQuiz", #"{"courseId":1,"quizId":1,"maxAttempts":1,"passingScore":80,"strategy":"highest","weights":[1e300]}"#),
        ("course.addQuiz", #"{"courseId":1,"quizId":1,"maxAttempts":1,"passingScore":1e300,"strategy":"highest","weights":[1]}"#),
        ("attempt.submit", #"{"attemptId":1,"answers":[1e300]}"#),
    ])
    func hugeNumbersAreBadInputNotACrash(op: String, fields: String) throws {
        guard case .object(let object) = try JSONValue.parse(Array(fields.utf8)) else {
            Issue.record("fixture is not an object")
            return
        }
        let line = ScenarioLine(scenario: "s", seq: 1, at: 0, op: op, fields: object)
        #expect(throws: FieldError.self) { try LMSSubject().decode(line) }
    }

    @Test func aHugeTimeLimitDoesNotOverflow() throws {
        var modern = ModernLMS()
        let start = Date(timeIntervalSince1970: 0)
        for command: LMSCommand in [
            .courseCreate(courseId: 1, title: "t", instructorId: 1, capacity: nil, certificateTemplate: "c"),
            .courseAddLesson(courseId: 1, lessonId: 1, title: "l"),
            .courseAddQuiz(courseId: 1, quizId: 1, maxAttempts: 1, timeLimitMinutes: Int.max, passingScore: 50,
                           strategy: .highest, weights: [1]),
            .coursePublish(courseId: 1), .enroll(userId: 1, courseId: 1),
            .startAttempt(userId: 1, quizId: 1, attemptId: 1),
        ] {
            _ = try modern.apply(command, now: start)
        }
        let outcome = try modern.apply(.submitAttempt(attemptId: 1, answers: [1]), now: start.addingTimeInterval(3600))
        #expect(outcome.status == .accepted)
    }
}
