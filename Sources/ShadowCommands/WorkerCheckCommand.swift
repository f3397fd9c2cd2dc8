import ArgumentParser
import Foundation
import LMSShadow
import ShadowKit
import ShadowWorker

struct WorkerCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker-check",
        abstract: "Drive a worker through the protocol's corner cases (docs/protocol.md) and say what is wrong.",
        discussion: "Exit 0 when every check passes, 1 otherwise.")

    @Argument(help: "The worker command, run with /bin/sh -c.")
    var command: String

    @Option(name: .long, parsing: .upToNextOption, help: "Scenario files of the worker's ops (default: generated LMS traffic).")
    var input: [String] = []

    @Option(name: .long, help: "Generated LMS scenarios to play when no --input is given.")
    var generate: Int = 20

    @Option(name: .long, help: "Seed of the generated scenarios.")
    var seed: UInt64 = 20261125

    @Option(name: .long, help: "Milliseconds a worker has for one command.")
    var deadline: Int = 5000

    @Option(name: .customLong("working-directory"), help: "Directory to run the worker in.")
    var workingDirectory: String?

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() throws {
        var scenarios: [ScenarioInput<TreeCommand>] = []
        if input.isEmpty {
            var source = MappedSource(GeneratedSource(seed: seed, count: generate), transform: TreeSubject.command)
            while let scenario = try source.nextScenario() { scenarios.append(scenario) }
        }
        for path in input {
            var reader = try ScenarioReader(path: path) { line throws(FieldError) in
                TreeCommand(op: line.op, fields: line.fields)
            }
            while let scenario = try reader.nextScenario() { scenarios.append(scenario) }
        }
        let checker = WorkerChecker(command: WorkerCommand(command: command, workingDirectory: workingDirectory),
                                    options: WorkerOptions(deadline: Double(deadline) / 1000))
        let checks = checker.run(scenarios: scenarios)
        if json {
            print(JSONValue.object(["passed": .bool(checks.allSatisfy(\.passed)), "checks": .array(checks.map {
                .object(["name": .string($0.name), "passed": .bool($0.passed), "detail": .string($0.detail)])
            })]).jsonText)
        } else {
            for check in checks { print("\(check.passed ? "✓" : "✗") \(check.name): \(check.detail)") }
        }
        if !checks.allSatisfy(\.passed) { throw ExitCode(ExitCodes.gateFailed) }
    }
}

/// The built-in LMS served as a worker over docs/protocol.md, so it can stand on either side of an external
/// pair as a process (and as a worker written against the protocol, for comparison with one's own).
struct ServeBuiltinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve-builtin",
        abstract: "Serve the built-in legacy or modern LMS as a worker on stdin/stdout (docs/protocol.md).")

    @Argument(help: "legacy or modern.")
    var implementation: String

    func validate() throws {
        guard BuiltinLMSSide.Implementation(rawValue: implementation) != nil else {
            throw ValidationError("serve-builtin takes legacy or modern")
        }
    }

    func run() throws {
        guard let kind = BuiltinLMSSide.Implementation(rawValue: implementation) else { return }
        let ending = WorkerServer(side: BuiltinLMSSide(kind, version: ShadowGateCommand.version)).serve()
        if ending == .unsupportedProtocol { throw ExitCode(ExitCodes.usageError) }
    }
}
