import Foundation
import ShadowKit
import ShadowTestSupport
import Testing

/// The structural diff, its rules (ignored paths, tolerances, unordered lists), path patterns and signatures.
@Suite struct ComparatorTests {
    static func pattern(_ text: String) -> PathPattern {
        guard let pattern = PathPattern(text) else {
            Issue.record("\(text) is not a pattern")
            return PathPattern("$")!
        }
        return pattern
    }

    static func outcome(percent: Int = 50, grade: Double = 80, events: [String] = ["A", "B", "C"],
                        jobs: [(Int, String)] = [(1, "Mail")], tags: [String] = ["x", "y"]) -> JSONValue {
        .object([
            "status": .string("accepted"),
            "value": .object(["percent": .int(percent), "grade": .double(grade)]),
            "events": .array(events.map { .object(["name": .string($0), "payload": .object(["courseId": .int(7)])]) }),
            "jobs": .array(jobs.map { .object(["id": .int($0.0), "listener": .string($0.1)]) }),
            "tags": .array(tags.map(JSONValue.string)),
        ])
    }

    // MARK: Plain diff

    @Test func equalTreesHaveNoDiff() {
        #expect(OutcomeComparator().diff(Self.outcome(), Self.outcome()).isEmpty)
        #expect(OutcomeComparator().diff(.null, .null).isEmpty)
    }

    @Test func namesTheDifferingLeafPath() {
        let diff = OutcomeComparator().diff(Self.outcome(percent: 66), Self.outcome(percent: 67))
        #expect(diff == [DiffEntry(path: "$.value.percent", control: .int(66), candidate: .int(67))])
    }

    @Test func namesArrayElementsByIndex() {
        let diff = OutcomeComparator().diff(Self.outcome(events: ["A", "B", "C"]), Self.outcome(events: ["A", "B", "X"]))
        #expect(diff == [DiffEntry(path: "$.events[2].name", control: .string("C"), candidate: .string("X"))])
    }

    @Test func missingElementsAndKeys() {
        let longer = OutcomeComparator().diff(Self.outcome(events: ["A"]), Self.outcome(events: ["A", "B"]))
        #expect(longer.map(\.path) == ["$.events[1]"])
        #expect(longer.first?.control == nil)
        #expect(longer.first?.candidate?["name"] == .string("B"))
        let keys = OutcomeComparator().diff(.object(["a": .int(1), "b": .int(2)]), .object(["b": .int(2), "c": .null]))
        #expect(keys == [DiffEntry(path: "$.a", control: .int(1), candidate: nil),
                         DiffEntry(path: "$.c", control: nil, candidate: .null)])
    }

    @Test func typeChangesAreDifferences() {
        #expect(OutcomeComparator().diff(.object(["v": .string("1")]), .object(["v": .int(1)])).map(\.path) == ["$.v"])
        #expect(OutcomeComparator().diff(.object(["v": .array([])]), .object(["v": .object([:])])).map(\.path) == ["$.v"])
        #expect(OutcomeComparator().diff(.object(["v": .null]), .object(["v": .bool(false)])).map(\.path) == ["$.v"])
        #expect(OutcomeComparator().diff(.int(1), .int(2)).map(\.path) == ["$"])
    }

    /// JSON has one number type: 1 and 1.0 are the same value.
    @Test func integerAndEqualDoubleAreEqual() {
        #expect(OutcomeComparator().diff(.object(["score": .int(80)]), .object(["score": .double(80)])).isEmpty)
    }

    @Test func diffIsInDocumentOrderWithSortedKeys() {
        let control = JSONValue.object(["z": .int(1), "a": .array([.int(1), .int(2)]), "m": .object(["y": .int(1), "b": .int(1)])])
        let candidate = JSONValue.object(["z": .int(2), "a": .array([.int(0), .int(0)]), "m": .object(["y": .int(2), "b": .int(2)])])
        #expect(OutcomeComparator().diff(control, candidate).map(\.path) == ["$.a[0]", "$.a[1]", "$.m.b", "$.m.y", "$.z"])
    }

    // MARK: Rules

    @Test func ignoredPathsAreSkipped() {
        let rules = ComparatorRules(ignored: [Self.pattern("$.jobs[*].id")])
        let control = Self.outcome(jobs: [(1, "Mail"), (2, "Certificate")])
        #expect(OutcomeComparator(rules: rules).diff(control, Self.outcome(jobs: [(5, "Mail"), (6, "Certificate")])).isEmpty)
        // Only the id is ignored: a different listener still shows.
        #expect(OutcomeComparator(rules: rules).diff(control, Self.outcome(jobs: [(5, "Mail"), (6, "Other")])).map(\.path)
                == ["$.jobs[1].listener"])
        // Without the rule the ids differ.
        #expect(OutcomeComparator().diff(control, Self.outcome(jobs: [(5, "Mail"), (2, "Certificate")])).map(\.path) == ["$.jobs[0].id"])
        // An ignored subtree hides everything below it, and a missing subtree too.
        let subtree = ComparatorRules(ignored: [Self.pattern("$.value")])
        #expect(OutcomeComparator(rules: subtree).diff(Self.outcome(percent: 1, grade: 1), Self.outcome(percent: 2, grade: 2)).isEmpty)
        #expect(OutcomeComparator(rules: subtree).diff(.object(["value": .int(1)]), .object([:])).isEmpty)
    }

    @Test func numericTolerance() {
        let rules = ComparatorRules(tolerances: [Tolerance(pattern: Self.pattern("$.value.grade"), absolute: 0.01)])
        let comparator = OutcomeComparator(rules: rules)
        #expect(comparator.diff(Self.outcome(grade: 80), Self.outcome(grade: 80.01)).isEmpty)
        #expect(comparator.diff(Self.outcome(grade: 80.01), Self.outcome(grade: 80)).isEmpty)
        #expect(comparator.diff(Self.outcome(grade: 80), Self.outcome(grade: 80.02)).map(\.path) == ["$.value.grade"])
        // The tolerance covers its path only, not the percent next to it.
        #expect(comparator.diff(Self.outcome(percent: 50), Self.outcome(percent: 51)).map(\.path) == ["$.value.percent"])
        // Integers and numbers mix within a tolerance.
        #expect(comparator.diff(.object(["value": .object(["grade": .int(80)])]),
                                .object(["value": .object(["grade": .double(80.005)])])).isEmpty)
        // A tolerance is for numbers: a string is still a difference.
        #expect(comparator.diff(.object(["value": .object(["grade": .string("80")])]),
                                .object(["value": .object(["grade": .double(80)])])).map(\.path) == ["$.value.grade"])
        // Wildcards work in tolerances.
        let wildcard = OutcomeComparator(rules: ComparatorRules(tolerances: [Tolerance(pattern: Self.pattern("$.events[*].score"), absolute: 0.5)]))
        #expect(wildcard.diff(.object(["events": .array([.object(["score": .double(1)]), .object(["score": .double(2)])])]),
                              .object(["events": .array([.object(["score": .double(1.4)]), .object(["score": .double(2.6)])])]))
                .map(\.path) == ["$.events[1].score"])
    }

    @Test func unorderedLists() {
        let rules = ComparatorRules(unordered: [Self.pattern("$.tags")])
        #expect(OutcomeComparator(rules: rules).diff(Self.outcome(tags: ["a", "b", "c"]), Self.outcome(tags: ["c", "a", "b"])).isEmpty)
        #expect(OutcomeComparator().diff(Self.outcome(tags: ["a", "b", "c"]), Self.outcome(tags: ["c", "a", "b"])).map(\.path)
                == ["$.tags[0]", "$.tags[1]", "$.tags[2]"])
        // Still a multiset: a different element or a different count shows.
        #expect(!OutcomeComparator(rules: rules).diff(Self.outcome(tags: ["a", "b"]), Self.outcome(tags: ["b", "b"])).isEmpty)
        #expect(!OutcomeComparator(rules: rules).diff(Self.outcome(tags: ["a", "b"]), Self.outcome(tags: ["b", "a", "a"])).isEmpty)
        // Only the listed path: the events keep their order.
        #expect(OutcomeComparator(rules: rules).diff(Self.outcome(events: ["A", "B"]), Self.outcome(events: ["B", "A"])).map(\.path)
                == ["$.events[0].name", "$.events[1].name"])
        // Lists of objects.
        let events = OutcomeComparator(rules: ComparatorRules(unordered: [Self.pattern("$.events")]))
        #expect(events.diff(Self.outcome(events: ["A", "B", "C"]), Self.outcome(events: ["C", "B", "A"])).isEmpty)
    }

    // MARK: Rules file

    @Test func loadsTheShippedRulesFile() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scenarios/comparator.yaml").path
        let rules = try ComparatorRules.load(path: path)
        #expect(rules.ignored.map(\.description).contains("$.jobs[*].id"))
        #expect(rules.tolerances.contains { $0.pattern.description == "$.value.grade" && $0.absolute == 0.01 })
    }

    @Test func loadsAllThreeKindsOfRule() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("comparator.yaml", """
            ignore:
              - path: "$.jobs[*].id"
                reason: ids differ
            tolerance:
              - {path: "$.value.grade", absolute: 0.5}
            unordered:
              - path: $.tags
            """)
        let rules = try ComparatorRules.load(path: path)
        #expect(rules == ComparatorRules(ignored: [Self.pattern("$.jobs[*].id")], tolerances: [Tolerance(pattern: Self.pattern("$.value.grade"), absolute: 0.5)],
                                         unordered: [Self.pattern("$.tags")]))
        let empty = try directory.write("empty.yaml", "ignore: []\n")
        #expect(try ComparatorRules.load(path: empty) == ComparatorRules())
    }

    @Test(arguments: [
        ("ignore:\n  - path: value.percent\n", "ignore[0]: \"value.percent\" is not a path"),
        ("unordered:\n  - path: $.a\n  - path: \"$.b[\"\n", "unordered[1]: \"$.b[\" is not a path"),
        ("tolerance:\n  - {path: $.a, absolute: -1}\n", "tolerance[0]: absolute must be zero or more"),
        ("tolerance:\n  - {path: $.a}\n", "absolute"),
        ("tolerance:\n  - {path: $.a, absolute: lots}\n", "tolerance[0].absolute"),
        ("ignore:\n  - reason: no path\n", "ignore[0].path"),
    ] as [(String, String)])
    func rulesFileErrorsNameTheEntry(yaml: String, message: String) throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("comparator.yaml", yaml)
        let error = #expect(throws: ConfigError.self) { try ComparatorRules.load(path: path) }
        #expect(error?.file == path)
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }

    @Test func missingRulesFile() throws {
        let directory = try TemporaryDirectory()
        let error = #expect(throws: ConfigError.self) { try ComparatorRules.load(path: directory.file("none.yaml")) }
        #expect(error?.message == "cannot read the file")
        #expect(error?.isUnreadable == true)
    }

    // MARK: Path patterns

    @Test(arguments: ["$", "$.a", "$.value.percent", "$.events[2].name", "$.jobs[*].id", "$.*", "$[0]", "$.a[*][*]", "$.*.name"])
    func validPatterns(text: String) throws {
        let pattern = try #require(PathPattern(text))
        #expect(pattern.description == text)
    }

    @Test(arguments: ["", "a.b", "value", "$.", "$..a", "$.a[", "$.a[x]", "$.a[]", "$a", "$.a.[0]", "$ .a"])
    func invalidPatterns(text: String) {
        #expect(PathPattern(text) == nil)
    }

    @Test func coverage() {
        #expect(Self.pattern("$.events").covers(rendered: "$.events[2].name"))
        #expect(Self.pattern("$.events").covers(rendered: "$.events"))
        #expect(Self.pattern("$").covers(rendered: "$.anything[3]"))
        #expect(Self.pattern("$.events[*].name").covers(rendered: "$.events[2].name"))
        #expect(!Self.pattern("$.events[*].name").covers(rendered: "$.events[2].payload"))
        #expect(Self.pattern("$.events[2]").covers(rendered: "$.events[2].name"))
        #expect(!Self.pattern("$.events[1]").covers(rendered: "$.events[2].name"))
        #expect(Self.pattern("$.*.percent").covers(rendered: "$.value.percent"))
        #expect(!Self.pattern("$.*.percent").covers(rendered: "$.value.grade"))
        // Wildcards match their own kind of step only.
        #expect(!Self.pattern("$[*]").covers(rendered: "$.events"))
        #expect(!Self.pattern("$.*").covers(rendered: "$[0]"))
        // A pattern longer than the path does not cover it (the path is a parent of what it names).
        #expect(!Self.pattern("$.value.percent").covers(rendered: "$.value"))
        // Keys are compared whole, not as prefixes.
        #expect(!Self.pattern("$.value").covers(rendered: "$.values"))
        // A rendered path never contains wildcards.
        #expect(!Self.pattern("$.events").covers(rendered: "$.events[*]"))
        #expect(!Self.pattern("$").covers(rendered: "not a path"))
        // Step form, as the comparator uses it.
        #expect(Self.pattern("$.jobs[*].id").covers([.key("jobs"), .index(4), .key("id")]))
        #expect(!Self.pattern("$.jobs[*].id").covers([.key("jobs"), .key("4"), .key("id")]))
    }

    @Test func renderPaths() {
        #expect(renderPath([]) == "$")
        #expect(renderPath([.key("events"), .index(2), .key("name")]) == "$.events[2].name")
        #expect(renderPath([.index(0), .index(1)]) == "$[0][1]")
    }

    // MARK: Signatures

    @Test func signatureFoldsIndices() {
        #expect(Signature.foldIndices("$.events[2].name") == "$.events[*].name")
        #expect(Signature.foldIndices("$.a[10][3].b") == "$.a[*][*].b")
        #expect(Signature.foldIndices("$.value.percent") == "$.value.percent")
        let one = Signature(feature: "domain_events", op: "progress.completeLesson", kind: .eventMismatch, controlCode: nil,
                            candidateCode: nil, paths: ["$.events[0].name", "$.events[1].name"])
        let other = Signature(feature: "domain_events", op: "progress.completeLesson", kind: .eventMismatch, controlCode: nil,
                              candidateCode: nil, paths: ["$.events[7].name"])
        #expect(one == other)
        #expect(one.text == "domain_events progress.completeLesson event_mismatch $.events[*].name")
    }

    @Test func signatureIgnoresPathOrderAndValues() {
        let a = Signature(feature: "f", op: "o", kind: .valueMismatch, controlCode: nil, candidateCode: nil,
                          paths: ["$.b", "$.a"])
        let b = Signature(feature: "f", op: "o", kind: .valueMismatch, controlCode: nil, candidateCode: nil,
                          paths: ["$.a", "$.b", "$.a"])
        #expect(a == b)
        #expect(a.text == "f o value_mismatch $.a,$.b")
    }

    @Test func signatureSeparatesFeatureOpKindCodesAndPaths() {
        func signature(feature: String = "f", op: String = "o", kind: DivergenceKind = .rejectionMismatch,
                       control: String? = nil, candidate: String? = "x", paths: [String] = ["$.status"]) -> String {
            Signature(feature: feature, op: op, kind: kind, controlCode: control, candidateCode: candidate, paths: paths).id
        }
        let base = signature()
        #expect(Set([base, signature(feature: "g"), signature(op: "p"), signature(kind: .errorCodeMismatch),
                     signature(candidate: "y"), signature(control: "z"), signature(paths: ["$.value"])]).count == 7)
        // Codes are part of the text only for the kinds that are about codes.
        let rejection = Signature(feature: "f", op: "o", kind: .rejectionMismatch, controlCode: nil, candidateCode: "x", paths: [])
        #expect(rejection.text == "f o rejection_mismatch accepted→x")
        let errorCode = Signature(feature: "f", op: "o", kind: .errorCodeMismatch, controlCode: "a", candidateCode: "b", paths: ["$.errorCode"])
        #expect(errorCode.text == "f o error_code_mismatch a→b $.errorCode")
        let value = Signature(feature: "f", op: "o", kind: .valueMismatch, controlCode: "a", candidateCode: "a", paths: ["$.v"])
        #expect(value.text == "f o value_mismatch $.v")
    }

    /// Signature ids are stored and compared across runs: these must never change by accident.
    @Test func signatureIdsAreStable() {
        let simple = Signature(feature: "alpha", op: "alpha.set", kind: .valueMismatch, controlCode: nil, candidateCode: nil,
                               paths: ["$.value.amount"])
        #expect(simple.text == "alpha alpha.set value_mismatch $.value.amount")
        #expect(simple.id == "73d99b89c20a")
        let publish = Signature(feature: "course_state_machine", op: "course.publish", kind: .rejectionMismatch,
                                controlCode: nil, candidateCode: "course_has_no_lessons",
                                paths: ["$.transitions[0]", "$.status", "$.errorCode", "$.snapshot[0].status"])
        #expect(publish.text == "course_state_machine course.publish rejection_mismatch accepted→course_has_no_lessons $.errorCode,$.snapshot[*].status,$.status,$.transitions[*]")
        #expect(publish.id == "9b7852bd1c02")
        #expect(publish.id.count == 12 && publish.id.allSatisfy(\.isHexDigit))
    }
}
