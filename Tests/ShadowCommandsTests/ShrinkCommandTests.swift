import Foundation
import LMS
import LMSShadow
import ShadowKit
import ShadowReport
import ShadowRollout
import ShadowTestSupport
import Testing

/// `shadowgate shrink` end to end: a planted quirk dug out of 300 commands, saved to the regression corpus and
/// replayed by `run` with the same signature; generated scenarios by seed; determinism; errors and exit codes.
@Suite(.tags(.endToEnd), .timeLimit(.minutes(5)))
struct ShrinkCommandTests {
    /// Replays with the repository's rules, as the CLI does with `CLI.ruleArguments`.
    static func replayer() throws -> Replayer<LMSSubject> {
        let root = CLI.packageRoot
        let accepted = try AcceptedRules.load(path: root.appendingPathComponent("scenarios/accepted.yaml").path)
        let comparator = try ComparatorRules.load(path: root.appendingPathComponent("scenarios/comparator.yaml").path)
        return Replayer(subject: LMSSubject(), options: RunOptions(
            workers: 1, comparator: OutcomeComparator(rules: comparator), accepted: accepted, day: "2026-11-24"))
    }

    /// The signature of the publish of an empty course, as a run with the repository's rules classifies it.
    static func emptyPublishSignature() throws -> Signature {
        let commands: [LMSCommand] = [
            .courseCreate(courseId: 1, title: "t", instructorId: nil, capacity: nil, certificateTemplate: nil),
            .coursePublish(courseId: 1),
        ]
        let scenario = Fixtures.scenarios([("q", commands)], step: 0, opOf: { $0.op.rawValue })[0]
        return try #require(try replayer().divergences(of: scenario).first { $0.feature == "course_state_machine" }).signature
    }

    /// The minimal scenario printed after the two summary lines.
    static func scenarioLines(_ stdout: String) -> [String] {
        stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix("{") }
    }

    @Test func plantedQuirkIsSavedToTheCorpusAndReplayedWithTheSameSignature() throws {
        let directory = try TemporaryDirectory()
        let plant = try CLI.run(["plant", "--length", "300", "--seed", "3", "--out", "planted.jsonl"], in: directory.path)
        #expect(plant.status == 0, "\(plant.stderr)")
        let signature = try Self.emptyPublishSignature()

        let shrink = try CLI.run(["shrink", "--input", "planted.jsonl", "--scenario", "planted", "--signature", signature.id,
                                  "--save", "--out", "min.jsonl"] + CLI.ruleArguments, in: directory.path)
        #expect(shrink.status == 0, "\(shrink.stderr)")
        let summary = shrink.stdout.split(separator: "\n").prefix(2).joined(separator: "\n")
        #expect(summary.contains("signature \(signature.id)  accepted by legacy.publish_without_lessons  \(signature.text)"))
        #expect(summary.contains("shrunk planted (planted.jsonl) from 300 to 2 commands"), "\(summary)")
        #expect(summary.contains("1-minimal"))
        let lines = Self.scenarioLines(shrink.stdout)
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("{\"scenario\":\"planted-min\",\"seq\":1,") == true)
        #expect(lines.first?.contains("\"op\":\"course.create\"") == true)
        #expect(lines.last?.contains("\"op\":\"course.publish\",\"courseId\":1}") == true)

        // --out and --save write the same scenario; the sidecar says where it came from.
        let saved = "scenarios/regressions/\(signature.id).jsonl"
        #expect(shrink.stderr.contains("wrote min.jsonl"))
        #expect(shrink.stderr.contains("saved \(saved) and scenarios/regressions/\(signature.id).meta.json"))
        // The corpus copy is named after the signature, inside the file too, so ids are unique across the corpus.
        let written = String(decoding: try directory.read(saved), as: UTF8.self)
        #expect(String(decoding: try directory.read("min.jsonl"), as: UTF8.self) == lines.map { $0 + "\n" }.joined())
        #expect(written == "{\"corpus\":\"generated\",\"origin\":\"shrink\"}\n" + lines.map {
            $0.replacingOccurrences(of: "\"planted-min\"", with: "\"regression-\(signature.id)\"") + "\n"
        }.joined())
        let metadata = try RegressionCorpus.metadata(at: directory.file("scenarios/regressions/\(signature.id).meta.json"))
        #expect(metadata.signature == signature.id)
        #expect(metadata.signatureText == signature.text)
        #expect(metadata.feature == "course_state_machine")
        #expect(metadata.op == "course.publish")
        #expect(metadata.kind == "rejection_mismatch")
        #expect(metadata.acceptedRule == "legacy.publish_without_lessons")
        #expect(metadata.sourceFile == "planted.jsonl")
        #expect(metadata.sourceScenario == "planted")
        #expect(metadata.originalLength == 300)
        #expect(metadata.minimalLength == 2)
        #expect(metadata.oneMinimal)
        #expect(Timestamp.parse(metadata.date) != nil)

        // `run` over the corpus (what make run passes with --input scenarios/regressions/*.jsonl) shows the signature.
        let run = try CLI.run(["run", "--input", saved, "--db", "runs.sqlite", "--quiet"] + CLI.ruleArguments,
                              in: directory.path)
        #expect(run.status == 0, "\(run.stderr)")
        let rows = try CLI.sqlite(directory.file("runs.sqlite"), "select signature, count from signatures")
        #expect(rows.contains([signature.id, "1"]), "\(rows)")
        let scenarios = try CLI.sqlite(directory.file("runs.sqlite"), "select distinct scenario from divergences")
        #expect(scenarios == [["regression-\(signature.id)"]])
    }

    @Test func generatedScenarioIsRegeneratedFromItsSeed() throws {
        // The first generated scenario of seed 5 with an unexpected divergence, found in process.
        let replayer = try Self.replayer()
        var source = GeneratedSource(seed: 5, count: 200)
        var found: (id: String, length: Int, signature: Signature)?
        while found == nil, let next = try source.nextScenario() {
            if let unexpected = replayer.divergences(of: next).first(where: { $0.acceptedRule == nil && $0.root == nil }) {
                found = (next.id, next.commands.count, unexpected.signature)
            }
        }
        let (id, length, signature) = try #require(found, "no generated scenario of seed 5 diverges unexpectedly")
        let directory = try TemporaryDirectory()
        let result = try CLI.run(["shrink", "--seed", "5", "--scenario", id] + CLI.ruleArguments, in: directory.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("signature \(signature.id)  UNEXPECTED  \(signature.text)\n"), "\(result.stdout)")
        #expect(result.stdout.contains("shrunk \(id) (generated:seed=5) from \(length) to "))
        let lines = Self.scenarioLines(result.stdout)
        #expect(!lines.isEmpty && lines.count < length)
        #expect(lines.allSatisfy { $0.hasPrefix("{\"scenario\":\"\(id)-min\"") })
        #expect(!FileManager.default.fileExists(atPath: directory.file("scenarios/regressions")), "nothing saved without --save")

        // Same input, same minimal scenario.
        let again = try CLI.run(["shrink", "--seed", "5", "--scenario", id] + CLI.ruleArguments, in: directory.path)
        #expect(Self.scenarioLines(again.stdout) == lines)
    }

    @Test(arguments: [
        (["shrink", "--scenario", "s-000001"], "give either --input FILE or --seed S"),
        (["shrink", "--scenario", "s-000001", "--seed", "1", "--input", "x.jsonl"], "give either --input FILE or --seed S"),
        (["shrink", "--scenario", "s-000001", "--seed", "1", "--budget", "0"], "--budget must be a positive number"),
        (["shrink", "--scenario", "s-000001", "--seed", "1", "--max-calls", "0"], "--max-calls must be at least 1"),
        (["plant", "--quirk", "legacy.nope", "--out", "x.jsonl"], "unknown quirk \"legacy.nope\""),
    ] as [([String], String)])
    func usageErrorsExitWith64(arguments: [String], message: String) throws {
        let directory = try TemporaryDirectory()
        let result = try CLI.run(arguments, in: directory.path)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
    }

    @Test func scenarioThatDoesNotDivergeAsAskedExitsWith64() throws {
        let directory = try TemporaryDirectory()
        let subject = LMSSubject()
        let agreeing: [LMSCommand] = [
            .courseCreate(courseId: 1, title: "t", instructorId: nil, capacity: nil, certificateTemplate: nil),
            .courseAddLesson(courseId: 1, lessonId: 2, title: "l"), .coursePublish(courseId: 1),
        ]
        let diverging: [LMSCommand] = [
            .courseCreate(courseId: 1, title: "t", instructorId: nil, capacity: nil, certificateTemplate: nil),
            .coursePublish(courseId: 1),
        ]
        try directory.write("s.jsonl", lines: Fixtures.lines(subject, scenario: "ok", agreeing)
            + Fixtures.lines(subject, scenario: "bad", diverging))
        let clean = try CLI.run(["shrink", "--input", "s.jsonl", "--scenario", "ok"] + CLI.ruleArguments, in: directory.path)
        #expect(clean.status == 64, "\(clean.stderr)")
        #expect(clean.stderr.contains("scenario \"ok\" produces no divergence; nothing to shrink"))

        let wrong = try CLI.run(["shrink", "--input", "s.jsonl", "--scenario", "bad", "--signature", "0123456789ab"]
            + CLI.ruleArguments, in: directory.path)
        #expect(wrong.status == 64, "\(wrong.stderr)")
        #expect(wrong.stderr.contains("never diverges with signature 0123456789ab; its signatures are:"))
        #expect(wrong.stderr.contains(try Self.emptyPublishSignature().id), "the list names the real signatures")

        let missing = try CLI.run(["shrink", "--input", "s.jsonl", "--scenario", "nope"] + CLI.ruleArguments, in: directory.path)
        #expect(missing.status == 65, "\(missing.stderr)")
        #expect(missing.stderr.contains("scenario \"nope\" not found in s.jsonl"))

        let unwritable = try CLI.run(["shrink", "--input", "s.jsonl", "--scenario", "bad", "--out", "no/such/dir/min.jsonl"]
            + CLI.ruleArguments, in: directory.path)
        #expect(unwritable.status == 73, "\(unwritable.stderr)")
        #expect(unwritable.stderr.contains("no/such/dir/min.jsonl"))
    }

    @Test func malformedInputExitsWith65WithFileAndLine() throws {
        let directory = try TemporaryDirectory()
        try directory.write("broken.jsonl", lines: [
            "{\"scenario\":\"a\",\"seq\":1,\"at\":\"2026-11-24T10:00:00Z\",\"op\":\"course.publish\",\"courseId\":1}",
            "{\"scenario\":\"a\",\"seq\":2,\"at\":\"2026-11-24T10:00:00Z\",\"op\":\"course.publish\"}",
        ])
        let result = try CLI.run(["shrink", "--input", "broken.jsonl", "--scenario", "a"] + CLI.ruleArguments, in: directory.path)
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stderr.contains("broken.jsonl:2:"), "\(result.stderr)")
    }

    @Test func tinyReplayLimitSaysTheResultIsNotProvenMinimal() throws {
        let directory = try TemporaryDirectory()
        _ = try CLI.run(["plant", "--length", "120", "--quirk", "legacy.float_pass_mark", "--out", "p.jsonl"], in: directory.path)
        let result = try CLI.run(["shrink", "--input", "p.jsonl", "--scenario", "planted", "--max-calls", "3"]
            + CLI.ruleArguments, in: directory.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("not proven 1-minimal: the replay limit ran out (raise --max-calls)"), "\(result.stdout)")
        #expect(!Self.scenarioLines(result.stdout).isEmpty)
    }
}
