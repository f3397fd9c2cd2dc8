import Foundation
import LMS
import ShadowKit

/// Outcome trees built directly, with the same shape `JSONEncoder` gives (property names as keys, `nil`
/// left out, whole numbers as integers). Divergences are common in shadow runs of a refactor with known
/// quirks, and going through JSON text for each one costs several times more than the command itself.
enum OutcomeTree {
    static func behaviour(_ o: LMS.Outcome) -> JSONValue {
        var object: [String: JSONValue] = ["status": .string(o.status.rawValue),
                                           "transitions": .array(o.transitions.map(transition)),
                                           "snapshot": .array(o.snapshot.map(snapshot))]
        if let code = o.errorCode { object["errorCode"] = .string(code) }
        if let value = o.value { object["value"] = self.value(value) }
        return .object(object)
    }

    static func sideEffects(_ o: LMS.Outcome) -> JSONValue {
        .object(["events": .array(o.events.map(event)), "jobs": .array(o.jobs.map(job))])
    }

    static func outcome(_ o: LMS.Outcome) -> JSONValue {
        guard case .object(var object) = behaviour(o) else { return .null }
        object["events"] = .array(o.events.map(event))
        object["jobs"] = .array(o.jobs.map(job))
        if let message = o.message { object["message"] = .string(message) }
        return .object(object)
    }

    static func number(_ value: Double) -> JSONValue { LMSCommandCodec.number(value) }

    static func value(_ v: OutcomeValue) -> JSONValue {
        var object: [String: JSONValue] = [:]
        if let x = v.percent { object["percent"] = .int(x) }
        if let x = v.score { object["score"] = number(x) }
        if let x = v.passed { object["passed"] = .bool(x) }
        if let x = v.grade { object["grade"] = number(x) }
        if let x = v.attemptNumber { object["attemptNumber"] = .int(x) }
        if let x = v.status { object["status"] = .string(x) }
        return .object(object)
    }

    static func transition(_ t: StateTransition) -> JSONValue {
        .object(["entity": .string(t.entity), "id": .string(t.id), "from": .string(t.from), "to": .string(t.to)])
    }

    static func snapshot(_ s: EntitySnapshot) -> JSONValue {
        var object: [String: JSONValue] = ["key": .string(s.key), "status": .string(s.status)]
        if let x = s.lessons { object["lessons"] = .int(x) }
        if let x = s.quizzes { object["quizzes"] = .int(x) }
        if let x = s.progressPercent { object["progressPercent"] = .int(x) }
        if let x = s.completedLessons { object["completedLessons"] = .int(x) }
        if let x = s.score { object["score"] = number(x) }
        if let x = s.answers { object["answers"] = .int(x) }
        return .object(object)
    }

    static func event(_ e: DomainEvent) -> JSONValue {
        .object(["name": .string(e.name), "payload": payload(e.payload)])
    }

    static func payload(_ p: EventPayload) -> JSONValue {
        var object: [String: JSONValue] = [:]
        if let x = p.courseId { object["courseId"] = .int(x) }
        if let x = p.userId { object["userId"] = .int(x) }
        if let x = p.lessonId { object["lessonId"] = .int(x) }
        if let x = p.quizId { object["quizId"] = .int(x) }
        if let x = p.attemptId { object["attemptId"] = .int(x) }
        if let x = p.percent { object["percent"] = .int(x) }
        if let x = p.score { object["score"] = number(x) }
        if let x = p.passed { object["passed"] = .bool(x) }
        return .object(object)
    }

    static func job(_ j: JobRecord) -> JSONValue {
        var object: [String: JSONValue] = ["id": .int(j.id), "listener": .string(j.listener), "event": .string(j.event),
                                           "status": .string(j.status.rawValue)]
        if let error = j.error { object["error"] = .string(error) }
        return .object(object)
    }
}
