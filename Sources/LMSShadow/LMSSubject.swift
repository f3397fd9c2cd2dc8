import Foundation
import LMS
import ShadowKit

/// The LMS plugged into the engine: legacy is the control, modern the candidate.
public struct LMSSubject: ShadowSubject {
    public typealias Command = LMSCommand
    public typealias Outcome = LMS.Outcome
    public typealias ControlWorld = LegacyLMS
    public typealias CandidateWorld = ModernLMS

    public init() {}

    public var name: String { "lms" }
    public var features: [String] {
        LMSFeature.allCases.filter { $0 != .domainEvents }.map(\.rawValue)
    }
    public var sideEffectsFeature: String? { LMSFeature.domainEvents.rawValue }
    public var transitionRefusalCode: String? { ErrorCode.invalidTransition }

    public func decode(_ line: ScenarioLine) throws(FieldError) -> LMSCommand {
        try LMSCommandCodec.decode(line)
    }

    public func encode(_ command: LMSCommand) -> (op: String, fields: [String: JSONValue]) {
        LMSCommandCodec.encode(command)
    }

    public func feature(of command: LMSCommand) -> String? { command.op.feature?.rawValue }

    public func clockAdvance(of command: LMSCommand) -> Double? {
        if case .advanceClock(let seconds) = command { return Double(seconds) }
        return nil
    }

    public func makeControlWorld() -> LegacyLMS { LegacyLMS(ids: IDSource()) }
    public func makeCandidateWorld() -> ModernLMS { ModernLMS(ids: IDSource()) }

    public func applyControl(_ command: LMSCommand, to world: inout LegacyLMS, now: Date) throws -> LMS.Outcome {
        try world.apply(command, now: now)
    }

    public func applyCandidate(_ command: LMSCommand, to world: inout ModernLMS, now: Date) throws -> LMS.Outcome {
        try world.apply(command, now: now)
    }

    public var switchableQuirks: Set<String> { LegacyLMS.switchableQuirks }

    public func applyControl(_ command: LMSCommand, without quirks: Set<String>, on world: LegacyLMS,
                             now: Date) throws -> LMS.Outcome? {
        var copy = world
        return try applyControl(command, without: quirks, to: &copy, now: now)
    }

    public func applyControl(_ command: LMSCommand, without quirks: Set<String>, to world: inout LegacyLMS,
                             now: Date) throws -> LMS.Outcome? {
        world.withoutQuirks = quirks
        defer { world.withoutQuirks = [] }
        return try world.apply(command, now: now)
    }

    public func triggeredQuirks(in world: LegacyLMS) -> [String] { world.triggered }

    public func behavioursEqual(_ control: LMS.Outcome, _ candidate: LMS.Outcome) -> Bool {
        control.status == candidate.status && control.errorCode == candidate.errorCode
            && control.value == candidate.value && control.transitions == candidate.transitions
            && control.snapshot == candidate.snapshot
    }

    public func sideEffectsEqual(_ control: LMS.Outcome, _ candidate: LMS.Outcome) -> Bool {
        control.events == candidate.events && control.jobs == candidate.jobs
    }

    public func behaviourTree(_ outcome: LMS.Outcome) -> JSONValue { OutcomeTree.behaviour(outcome) }
    public func sideEffectsTree(_ outcome: LMS.Outcome) -> JSONValue { OutcomeTree.sideEffects(outcome) }
    public func outcomeTree(_ outcome: LMS.Outcome) -> JSONValue { OutcomeTree.outcome(outcome) }
    public func outcomeTree(_ outcome: LMS.Outcome, selecting selection: TreeSelection) -> JSONValue {
        OutcomeTree.outcome(outcome, selecting: selection)
    }
    public func diffBehaviour(_ control: LMS.Outcome, _ candidate: LMS.Outcome, into diff: inout DiffBuilder) {
        OutcomeDiff.behaviour(control, candidate, &diff)
    }
    public func diffSideEffects(_ control: LMS.Outcome, _ candidate: LMS.Outcome, into diff: inout DiffBuilder) {
        OutcomeDiff.sideEffects(control, candidate, &diff)
    }
    public func rejectionCode(_ outcome: LMS.Outcome) -> String? {
        outcome.status == .rejected ? outcome.errorCode ?? "rejected" : nil
    }

    /// Worlds are values in this process: a second control world can be timed beside the first (A/A).
    public var timesControlTwice: Bool { true }

    public func failedJobCount(_ outcome: LMS.Outcome) -> Int { outcome.jobs.count { $0.status == .failed } }

    /// The LMS's entity keys (``LMSEntities``): a lesson's, quiz's or attempt's course looked up in the legacy
    /// world the command was just applied to (those links never change once a row exists).
    public func entities(of command: LMSCommand, control: Result<LMS.Outcome, any Error>, world: LegacyLMS) -> [String] {
        LMSEntities.keys(of: command, in: world)
    }

    public func records(_ outcome: LMS.Outcome) -> SideEffectRecords {
        var records = SideEffectRecords()
        if !outcome.events.isEmpty {
            records.events = outcome.events.map { .init(name: $0.name, payloadJSON: Self.payloadJSON($0.payload)) }
        }
        if !outcome.transitions.isEmpty {
            records.transitions = outcome.transitions.map {
                .init(entity: $0.entity, entityId: $0.id, from: $0.from, to: $0.to)
            }
        }
        for job in outcome.jobs where job.status == .failed {
            records.failedJobs.append(.init(job: job.listener, event: job.event, error: job.error ?? "failed"))
        }
        return records
    }

    /// Written byte by byte into one pre-sized string because it runs for every candidate event of a run:
    /// JSONEncoder, or appending interpolated parts, costs more than applying the command. Keys in sorted order.
    static func payloadJSON(_ payload: EventPayload) -> String {
        // A score is rare (course grades only) and needs the shortest round-trip spelling; the rest are integers.
        let score = payload.score.map { Array(JSONValue.double($0).jsonText.utf8) } ?? []
        // Written into scratch space first, then copied into a string of exactly the right size: most payloads
        // are 40-70 bytes, and a string with room for the largest one would hold 256 per logged event.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256 + score.count) { buffer in
            var writer = PayloadWriter(buffer: buffer)
            writer.byte(UInt8(ascii: "{"))
            if let value = payload.attemptId { writer.field("attemptId", value) }
            if let value = payload.courseId { writer.field("courseId", value) }
            if let value = payload.lessonId { writer.field("lessonId", value) }
            if let value = payload.passed { writer.field("passed", raw: value ? "true" : "false") }
            if let value = payload.percent { writer.field("percent", value) }
            if let value = payload.quizId { writer.field("quizId", value) }
            if payload.score != nil { writer.field("score", bytes: score) }
            if let value = payload.userId { writer.field("userId", value) }
            writer.byte(UInt8(ascii: "}"))
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<writer.count]), as: UTF8.self)
        }
    }

    /// Appends JSON object fields to a buffer sized for the largest payload (eight keys, 20-digit integers).
    struct PayloadWriter {
        let buffer: UnsafeMutableBufferPointer<UInt8>
        var count = 0

        mutating func byte(_ value: UInt8) {
            buffer[count] = value
            count += 1
        }

        mutating func key(_ name: StaticString) {
            if count > 1 { byte(UInt8(ascii: ",")) }
            byte(UInt8(ascii: "\""))
            name.withUTF8Buffer { for value in $0 { byte(value) } }
            byte(UInt8(ascii: "\""))
            byte(UInt8(ascii: ":"))
        }

        mutating func field(_ name: StaticString, _ value: Int) {
            key(name)
            if value < 0 { byte(UInt8(ascii: "-")) }
            var magnitude = value.magnitude
            var digits: (UInt64, Int) = (0, 0)  // reversed decimal digits, four bits each, and their count
            repeat {
                digits.0 = digits.0 << 4 | UInt64(magnitude % 10)
                digits.1 += 1
                magnitude /= 10
            } while magnitude > 0 && digits.1 < 16
            if magnitude > 0 {  // more than 16 digits: rare enough for the standard library
                for value in String(value.magnitude).utf8 { byte(value) }
                return
            }
            for _ in 0..<digits.1 {
                byte(UInt8(ascii: "0") + UInt8(digits.0 & 0xF))
                digits.0 >>= 4
            }
        }

        mutating func field(_ name: StaticString, raw: StaticString) {
            key(name)
            raw.withUTF8Buffer { for value in $0 { byte(value) } }
        }

        mutating func field(_ name: StaticString, bytes: [UInt8]) {
            key(name)
            for value in bytes { byte(value) }
        }
    }
}

/// The wire format of LMS commands: field names per op, as documented in the README.
public enum LMSCommandCodec {
    public static func decode(_ line: ScenarioLine) throws(FieldError) -> LMSCommand {
        guard let op = LMSOperation(rawValue: line.op) else {
            throw FieldError("unknown op \"\(line.op)\"; expected one of \(LMSOperation.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let f = FieldReader(op: line.op, fields: line.fields)
        let command = try decode(op, f)
        // After the fields it needs: a missing field (`id` for `courseId`) is reported as missing.
        try f.onlyFields(fieldNames(of: op))
        return command
    }

    private static func decode(_ op: LMSOperation, _ f: FieldReader) throws(FieldError) -> LMSCommand {
        switch op {
        case .courseCreate:
            return .courseCreate(courseId: try f.int("courseId"), title: try f.string("title"),
                                 instructorId: try f.optionalInt("instructorId"), capacity: try f.optionalInt("capacity"),
                                 certificateTemplate: try f.optionalString("certificateTemplate"))
        case .courseAddLesson:
            return .courseAddLesson(courseId: try f.int("courseId"), lessonId: try f.int("lessonId"),
                                    title: try f.string("title"))
        case .courseAddQuiz:
            let strategyName = try f.string("strategy")
            guard let strategy = GradingStrategyKind(rawValue: strategyName) else {
                throw FieldError("field \"strategy\": \"\(strategyName)\" is not one of \(GradingStrategyKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return .courseAddQuiz(courseId: try f.int("courseId"), quizId: try f.int("quizId"),
                                  maxAttempts: try f.int("maxAttempts"),
                                  timeLimitMinutes: try f.optionalInt("timeLimitMinutes"),
                                  passingScore: try bounded(f.number("passingScore"), "passingScore", -1e6...1e6),
                                  strategy: strategy, weights: try boundedList(f.numbers("weights"), "weights", 0...1000))
        case .coursePublish: return .coursePublish(courseId: try f.int("courseId"))
        case .courseUnpublish: return .courseUnpublish(courseId: try f.int("courseId"))
        case .courseArchive: return .courseArchive(courseId: try f.int("courseId"))
        case .courseRestore: return .courseRestore(courseId: try f.int("courseId"))
        case .enrollmentEnroll: return .enroll(userId: try f.int("userId"), courseId: try f.int("courseId"))
        case .enrollmentCancel: return .cancelEnrollment(userId: try f.int("userId"), courseId: try f.int("courseId"))
        case .enrollmentExpire: return .expireEnrollment(userId: try f.int("userId"), courseId: try f.int("courseId"))
        case .enrollmentReactivate:
            return .reactivateEnrollment(userId: try f.int("userId"), courseId: try f.int("courseId"))
        case .progressCompleteLesson:
            return .completeLesson(userId: try f.int("userId"), lessonId: try f.int("lessonId"))
        case .attemptStart:
            return .startAttempt(userId: try f.int("userId"), quizId: try f.int("quizId"), attemptId: try f.int("attemptId"))
        case .attemptSubmit:
            return .submitAttempt(attemptId: try f.int("attemptId"),
                                  answers: try boundedList(f.numbers("answers"), "answers", -1000...1000))
        case .attemptAbandon: return .abandonAttempt(attemptId: try f.int("attemptId"))
        case .attemptGrade: return .gradeAttempt(attemptId: try f.int("attemptId"))
        case .gradeFinal: return .finalGrade(userId: try f.int("userId"), courseId: try f.int("courseId"))
        case .clockAdvance:
            let seconds = try f.int("seconds")
            guard seconds >= 0 else { throw FieldError("field \"seconds\": time cannot move backwards (\(seconds))") }
            return .advanceClock(seconds: seconds)
        }
    }

    /// The fields each op takes (besides the envelope), as documented in the README.
    static func fieldNames(of op: LMSOperation) -> [String] {
        switch op {
        case .courseCreate: ["courseId", "title", "instructorId", "capacity", "certificateTemplate"]
        case .courseAddLesson: ["courseId", "lessonId", "title"]
        case .courseAddQuiz: ["courseId", "quizId", "maxAttempts", "timeLimitMinutes", "passingScore", "strategy", "weights"]
        case .coursePublish, .courseUnpublish, .courseArchive, .courseRestore: ["courseId"]
        case .enrollmentEnroll, .enrollmentCancel, .enrollmentExpire, .enrollmentReactivate, .gradeFinal: ["userId", "courseId"]
        case .progressCompleteLesson: ["userId", "lessonId"]
        case .attemptStart: ["userId", "quizId", "attemptId"]
        case .attemptSubmit: ["attemptId", "answers"]
        case .attemptAbandon, .attemptGrade: ["attemptId"]
        case .clockAdvance: ["seconds"]
        }
    }

    /// Numbers far outside what an LMS stores are bad input, not something to overflow on.
    static func bounded(_ value: Double, _ field: String, _ range: ClosedRange<Double>) throws(FieldError) -> Double {
        guard range.contains(value) else {
            throw FieldError("field \"\(field)\": \(value) is out of range \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    static func boundedList(_ values: [Double], _ field: String, _ range: ClosedRange<Double>,
                            maxCount: Int = 1000) throws(FieldError) -> [Double] {
        guard values.count <= maxCount else {
            throw FieldError("field \"\(field)\": \(values.count) entries, more than \(maxCount)")
        }
        for (index, value) in values.enumerated() { _ = try bounded(value, "\(field)[\(index)]", range) }
        return values
    }

    public static func encode(_ command: LMSCommand) -> (op: String, fields: [String: JSONValue]) {
        var fields: [String: JSONValue] = [:]
        func put(_ key: String, _ value: Int?) { if let value { fields[key] = .int(value) } }
        switch command {
        case let .courseCreate(courseId, title, instructorId, capacity, template):
            put("courseId", courseId)
            fields["title"] = .string(title)
            put("instructorId", instructorId)
            put("capacity", capacity)
            if let template { fields["certificateTemplate"] = .string(template) }
        case let .courseAddLesson(courseId, lessonId, title):
            put("courseId", courseId)
            put("lessonId", lessonId)
            fields["title"] = .string(title)
        case let .courseAddQuiz(courseId, quizId, maxAttempts, timeLimit, passingScore, strategy, weights):
            put("courseId", courseId)
            put("quizId", quizId)
            put("maxAttempts", maxAttempts)
            put("timeLimitMinutes", timeLimit)
            fields["passingScore"] = number(passingScore)
            fields["strategy"] = .string(strategy.rawValue)
            fields["weights"] = .array(weights.map(number))
        case let .coursePublish(id), let .courseUnpublish(id), let .courseArchive(id), let .courseRestore(id):
            put("courseId", id)
        case let .enroll(user, course), let .cancelEnrollment(user, course), let .expireEnrollment(user, course),
             let .reactivateEnrollment(user, course), let .finalGrade(user, course):
            put("userId", user)
            put("courseId", course)
        case let .completeLesson(user, lesson):
            put("userId", user)
            put("lessonId", lesson)
        case let .startAttempt(user, quiz, attempt):
            put("userId", user)
            put("quizId", quiz)
            put("attemptId", attempt)
        case let .submitAttempt(attempt, answers):
            put("attemptId", attempt)
            fields["answers"] = .array(answers.map(number))
        case let .abandonAttempt(attempt), let .gradeAttempt(attempt):
            put("attemptId", attempt)
        case let .advanceClock(seconds):
            put("seconds", seconds)
        }
        return (command.op.rawValue, fields)
    }

    /// Whole numbers are written as integers (`1`, not `1.0`) so files stay readable.
    static func number(_ value: Double) -> JSONValue {
        value == value.rounded() && abs(value) < 1e15 ? .int(Int(value)) : .double(value)
    }
}
