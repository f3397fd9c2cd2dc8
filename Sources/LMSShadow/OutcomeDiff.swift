import LMS
import ShadowKit

/// The typed diff of LMS outcomes: the same entries as diffing ``OutcomeTree``s, without building them.
///
/// One command in ten diverges in generated traffic (planted edge cases, accepted quirks), and two
/// outcome trees per divergence cost more than running the command on both sides. Fields are visited in
/// the sorted order of their JSON keys, which is the order the tree diff reports them in. The trees derive
/// from the types, this walk does not: `OutcomeDiffTests` check that it equals the tree diff under several
/// comparator rules and that the corpus they use makes every field of every outcome type differ, so a
/// field added to a type and not here fails a test.
enum OutcomeDiff {
    static func behaviour(_ a: Outcome, _ b: Outcome, _ d: inout DiffBuilder) {
        d.value("errorCode", a.errorCode, b.errorCode, JSONValue.string)
        d.list("snapshot", a.snapshot, b.snapshot, tree: OutcomeTree.tree, walk: snapshot)
        d.value("status", a.status, b.status) { .string($0.rawValue) }
        d.list("transitions", a.transitions, b.transitions, tree: OutcomeTree.tree, walk: transition)
        d.object("value", a.value, b.value, tree: OutcomeTree.tree, walk: value)
    }

    static func sideEffects(_ a: Outcome, _ b: Outcome, _ d: inout DiffBuilder) {
        d.list("events", a.events, b.events, tree: OutcomeTree.tree, walk: event)
        d.list("jobs", a.jobs, b.jobs, tree: OutcomeTree.tree, walk: job)
    }

    static func value(_ d: inout DiffBuilder, _ a: OutcomeValue, _ b: OutcomeValue) {
        d.value("attemptNumber", a.attemptNumber, b.attemptNumber, JSONValue.int)
        d.value("grade", a.grade, b.grade, OutcomeTree.number)
        d.value("passed", a.passed, b.passed, JSONValue.bool)
        d.value("percent", a.percent, b.percent, JSONValue.int)
        d.value("score", a.score, b.score, OutcomeTree.number)
        d.value("status", a.status, b.status, JSONValue.string)
    }

    static func snapshot(_ d: inout DiffBuilder, _ a: EntitySnapshot, _ b: EntitySnapshot) {
        d.value("answers", a.answers, b.answers, JSONValue.int)
        d.value("completedLessons", a.completedLessons, b.completedLessons, JSONValue.int)
        d.value("key", a.key, b.key, JSONValue.string)
        d.value("lessons", a.lessons, b.lessons, JSONValue.int)
        d.value("progressPercent", a.progressPercent, b.progressPercent, JSONValue.int)
        d.value("quizzes", a.quizzes, b.quizzes, JSONValue.int)
        d.value("score", a.score, b.score, OutcomeTree.number)
        d.value("status", a.status, b.status, JSONValue.string)
    }

    static func transition(_ d: inout DiffBuilder, _ a: StateTransition, _ b: StateTransition) {
        d.value("entity", a.entity, b.entity, JSONValue.string)
        d.value("from", a.from, b.from, JSONValue.string)
        d.value("id", a.id, b.id, JSONValue.string)
        d.value("to", a.to, b.to, JSONValue.string)
    }

    static func event(_ d: inout DiffBuilder, _ a: DomainEvent, _ b: DomainEvent) {
        d.value("name", a.name, b.name, JSONValue.string)
        d.object("payload", a.payload, b.payload, tree: OutcomeTree.tree, walk: payload)
    }

    static func payload(_ d: inout DiffBuilder, _ a: EventPayload, _ b: EventPayload) {
        d.value("attemptId", a.attemptId, b.attemptId, JSONValue.int)
        d.value("courseId", a.courseId, b.courseId, JSONValue.int)
        d.value("lessonId", a.lessonId, b.lessonId, JSONValue.int)
        d.value("passed", a.passed, b.passed, JSONValue.bool)
        d.value("percent", a.percent, b.percent, JSONValue.int)
        d.value("quizId", a.quizId, b.quizId, JSONValue.int)
        d.value("score", a.score, b.score, OutcomeTree.number)
        d.value("userId", a.userId, b.userId, JSONValue.int)
    }

    static func job(_ d: inout DiffBuilder, _ a: JobRecord, _ b: JobRecord) {
        d.value("error", a.error, b.error, JSONValue.string)
        d.value("event", a.event, b.event, JSONValue.string)
        d.value("id", a.id, b.id, JSONValue.int)
        d.value("listener", a.listener, b.listener, JSONValue.string)
        d.value("status", a.status, b.status) { .string($0.rawValue) }
    }
}
