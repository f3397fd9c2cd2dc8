import Foundation
import ShadowKit
import ShadowReport
import ShadowRollout
import ShadowTestSupport
import Testing

/// `shadowgate report` end to end: the four files in `reports/<run id>/` and a copy in `reports/latest/`, the printed
/// path, regenerated context for generated input, redaction from the config, `--fail-on-new`, and errors.
@Suite(.tags(.endToEnd), .timeLimit(.minutes(5)))
struct ReportCommandTests {
    static let fixture = CLI.packageRoot.appendingPathComponent("Tests/ShadowReportTests/Fixtures/report-input.jsonl").path

    /// Copies the fixture's scenarios into the directory, keeping only those given.
    static func input(_ directory: TemporaryDirectory, _ name: String, scenarios: Set<String>) throws -> String {
        let lines = try String(contentsOfFile: fixture, encoding: .utf8).split(separator: "\n").filter { line in
            scenarios.contains { line.contains("\"scenario\":\"\($0)\"") }
        }
        try directory.write(name, lines: lines.map(String.init))
        return name
    }

    static func run(_ directory: TemporaryDirectory, _ arguments: [String]) throws {
        let result = try CLI.run(["run", "--db", "runs.sqlite", "--quiet"] + CLI.ruleArguments + arguments, in: directory.path)
        #expect(result.status == 0, "\(result.stderr)")
    }

    static func report(_ directory: TemporaryDirectory, _ arguments: [String] = []) throws -> CLI.Result {
        let criteria = CLI.packageRoot.appendingPathComponent("scenarios/success-criteria.md").path
        let config = CLI.packageRoot.appendingPathComponent("scenarios/report.yaml").path
        return try CLI.run(["report", "--db", "runs.sqlite", "--criteria", criteria, "--config", config] + arguments,
                           in: directory.path)
    }

    @Test func writesFourFilesAndRefreshesLatest() throws {
        let directory = try TemporaryDirectory()
        let file = try Self.input(directory, "a.jsonl", scenarios: ["rep-publish-empty", "rep-user-987601"])
        try Self.run(directory, ["--input", file, "--generate", "15", "--seed", "11"])
        let result = try Self.report(directory)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "reports/1/index.html\n")
        for name in ["index.html", "report.md", "junit.xml", "summary.json"] {
            #expect(FileManager.default.fileExists(atPath: directory.file("reports/1/\(name)")), "\(name)")
            #expect(try directory.read("reports/latest/\(name)") == directory.read("reports/1/\(name)"), "\(name)")
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.file("reports/latest"))
        #expect(attributes[.type] as? FileAttributeType == .typeDirectory, "latest is a directory, not a link")

        let html = String(decoding: try directory.read("reports/1/index.html"), as: UTF8.self)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("shadowgate replay --seed 11 --scenario s-0000"), "generated examples replay from the seed")
        #expect(html.contains("shadowgate replay a.jsonl --scenario rep-user-user-") == false, "the scenario id has no configured pattern")
        #expect(html.contains("shadowgate replay a.jsonl --scenario rep-user-987601 --upto 11"))
        #expect(html.contains("diverged</span>"), "the commands before a divergence are shown")
        // The shipped config redacts user ids and titles in every file.
        for name in ["index.html", "report.md", "junit.xml", "summary.json"] {
            let text = String(decoding: try directory.read("reports/1/\(name)"), as: UTF8.self)
            #expect(!text.contains("\"userId\":987601") && !text.contains("enrollment:987602/"), "\(name)")
            #expect(!text.contains("Queues in Depth") && !text.contains("alert(1)"), "\(name)")
        }
        let summary = try JSONValue.parse(Array(try directory.read("reports/1/summary.json")))
        #expect(summary["run"]?["id"] == .int(1))
        #expect(summary["run"]?["seed"] == .int(11))
        guard case .array(let signatures)? = summary["signatures"] else {
            Issue.record("summary.json has no signatures")
            return
        }
        #expect(!signatures.isEmpty)
        // A generated example carries the regenerated commands of its scenario.
        let generated = signatures.compactMap { signature -> JSONValue? in
            guard case .array(let examples)? = signature["examples"] else { return nil }
            return examples.first { $0["file"] == .string("generated:seed=11") }
        }.first
        guard case .array(let context)? = generated?["context"] else {
            Issue.record("no generated example with context")
            return
        }
        #expect(!context.isEmpty)
        #expect(context.last?["seq"] == generated?["seq"])
        #expect(context.last?["scenario"] == generated?["scenario"])
    }

    @Test func failOnNewExitsOneOnlyForNewUnexpectedSignatures() throws {
        let directory = try TemporaryDirectory()
        let before = try Self.input(directory, "before.jsonl", scenarios: ["rep-publish-empty", "rep-enroll-draft"])
        let after = try Self.input(directory, "after.jsonl", scenarios: ["rep-publish-empty", "rep-enroll-draft", "rep-user-987601"])

        // First run: no baseline, nothing is new.
        try Self.run(directory, ["--input", before])
        let first = try Self.report(directory, ["--fail-on-new"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("no earlier complete run"))

        // The same input again: nothing new. Completing a lesson in the draft course (which modern never enrolled
        // the user in) is a knock-on of the accepted enrollment, listed under its root, never new on its own.
        try Self.run(directory, ["--input", before])
        let second = try Self.report(directory, ["--fail-on-new"])
        #expect(second.status == 0, "\(second.stderr)")
        let markdown = String(decoding: try directory.read("reports/2/report.md"), as: UTF8.self)
        #expect(markdown.contains("**Knock-ons**"))
        #expect(markdown.contains("legacy.enroll_unopened_course"))

        // A new scenario brings a new unexpected root (modern resets progress on reactivation): exit 1, listed on
        // stderr, the report still written.
        try Self.run(directory, ["--input", after])
        let third = try Self.report(directory, ["--fail-on-new"])
        #expect(third.status == 1, "\(third.stderr)")
        #expect(third.stderr.contains("new unexpected signature(s) since run 2"))
        #expect(third.stderr.contains("enrollment_state_machine enrollment.reactivate value_mismatch"))
        #expect(third.stdout == "reports/3/index.html\n")
        let newer = String(decoding: try directory.read("reports/3/report.md"), as: UTF8.self)
        #expect(newer.contains("New since run 2"))
        #expect(newer.contains("--scenario rep-user-987601 --upto 11"))
        // Without the flag the same report exits 0; against run 3 itself as baseline nothing is new.
        #expect(try Self.report(directory, ["--run", "3"]).status == 0)
        #expect(try Self.report(directory, ["--run", "3", "--fail-on-new", "--baseline", "3"]).status == 0)
    }

    @Test func outputDirectoryAndErrors() throws {
        let directory = try TemporaryDirectory()
        let empty = try Self.report(directory)
        #expect(empty.status == 64, "no database: \(empty.stderr)")
        #expect(empty.stderr.contains("runs.sqlite: no such database"))
        #expect(!FileManager.default.fileExists(atPath: directory.file("runs.sqlite")), "a report never creates a database")

        let file = try Self.input(directory, "a.jsonl", scenarios: ["rep-publish-empty"])
        try Self.run(directory, ["--input", file])
        let custom = try Self.report(directory, ["--out", "ci/run-1", "--html-url", "https://ci.example/artifacts/index.html"])
        #expect(custom.status == 0, "\(custom.stderr)")
        #expect(custom.stdout == "ci/run-1/index.html\n")
        #expect(FileManager.default.fileExists(atPath: directory.file("ci/latest/index.html")), "latest beside the output")
        let markdown = String(decoding: try directory.read("ci/run-1/report.md"), as: UTF8.self)
        #expect(markdown.contains("[https://ci.example/artifacts/index.html](https://ci.example/artifacts/index.html)"))

        let missing = try Self.report(directory, ["--run", "9"])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("there is no run 9"))
        #expect(try Self.report(directory, ["--run", "first"]).status == 64)

        try directory.write("bad.yaml", "sensitive: [userId]\nembedded:\n  - field: title\n    pattern: '(x)'\n")
        let badConfig = try CLI.run(["report", "--db", "runs.sqlite", "--config", "bad.yaml"], in: directory.path)
        #expect(badConfig.status == 65)
        #expect(badConfig.stderr.contains("bad.yaml: embedded[0]: field \"title\" is not listed under sensitive"))

        // A file where the output directory should be: cannot write (73).
        try directory.write("blocked", "not a directory")
        let blocked = try Self.report(directory, ["--out", "blocked/run"])
        #expect(blocked.status == 73, "\(blocked.stderr)")
    }

    @Test func unexpectedSignaturesGetAMinimalReproduction() throws {
        let directory = try TemporaryDirectory()
        try Self.run(directory, ["--generate", "60", "--seed", "5"])
        let shrunk = try Self.report(directory)
        #expect(shrunk.status == 0, "\(shrunk.stderr)")
        let html = String(decoding: try directory.read("reports/1/index.html"), as: UTF8.self)
        #expect(html.contains("Minimal reproduction"))
        #expect(html.contains("shrunk from "))
        #expect(html.contains("shadowgate shrink --seed 5 --scenario s-"))
        #expect(!FileManager.default.fileExists(atPath: directory.file("reports/1/reproductions")),
                "nothing unredacted is written beside the report")

        let plain = try Self.report(directory, ["--shrink-budget", "0", "--out", "plain"])
        #expect(plain.status == 0, "\(plain.stderr)")
        let without = String(decoding: try directory.read("plain/index.html"), as: UTF8.self)
        #expect(!without.contains("shrunk from "))
    }

    @Test func failOnNewNeverPassesOnARunThatDidNotComplete() throws {
        let directory = try TemporaryDirectory()
        try directory.write("bad.jsonl", "{\"scenario\":\"x\"}\n")
        let run = try CLI.run(["run", "--input", "bad.jsonl", "--db", "runs.sqlite", "--quiet"] + CLI.ruleArguments,
                              in: directory.path)
        #expect(run.status == 65)
        let result = try Self.report(directory, ["--fail-on-new", "--shrink-budget", "0"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("is aborted, not complete"))
    }
}
