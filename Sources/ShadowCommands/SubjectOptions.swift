import ArgumentParser
import Foundation
import LMS
import LMSShadow
import ShadowKit
import ShadowWorker

/// Which implementations a command drives: the built-in LMS pair (default), or any two sides given as
/// worker commands (docs/protocol.md) or `builtin:legacy` / `builtin:modern`.
struct SubjectOptions: ParsableArguments {
    @Option(name: .long, help: "Control side: a worker command (run with /bin/sh -c), or builtin:legacy / builtin:modern.")
    var control: String?

    @Option(name: .long, help: "Candidate side: a worker command, or builtin:legacy / builtin:modern.")
    var candidate: String?

    @Option(name: .long, help: "A second control (worker command or builtin:…): paths where it differs from the control are noise.")
    var secondary: String?

    @Option(name: .long, help: "A subject file (YAML): both commands, working directory, environment, deadline.")
    var subject: String?

    @Option(name: .long, help: "Milliseconds a worker has for one command before it is restarted (default 5000).")
    var deadline: Int?

    @Option(name: .customLong("rebuild-limit"), help: "Earlier commands replayed to rebuild a restarted worker's world (default 100000).")
    var rebuildLimit: Int?

    func validate() throws {
        if subject != nil && (control != nil || candidate != nil) {
            throw ValidationError("give either --subject FILE or --control and --candidate, not both")
        }
        if (control == nil) != (candidate == nil) { throw ValidationError("give both --control and --candidate") }
        if secondary != nil && control == nil && subject == nil {
            throw ValidationError("--secondary needs --control and --candidate (or --subject)")
        }
        if let deadline, deadline < 1 { throw ValidationError("--deadline must be at least 1 ms") }
        if let rebuildLimit, rebuildLimit < 0 { throw ValidationError("--rebuild-limit must be zero or more") }
    }

    /// Whether the built-in LMS pair runs (no side given).
    var isBuiltinPair: Bool { control == nil && candidate == nil && subject == nil && secondary == nil }

    /// The subject file's or the options' sides; nil for the built-in pair.
    func specification() throws -> SubjectSpecification? {
        var specification: SubjectSpecification
        if let subject {
            specification = try SubjectSpecification.load(path: subject)
        } else if let control, let candidate {
            specification = SubjectSpecification(control: .init(command: control), candidate: .init(command: candidate))
        } else {
            return nil
        }
        if let secondary { specification.secondary = .init(command: secondary) }
        if let deadline { specification.deadlineMs = deadline }
        if let rebuildLimit { specification.rebuildLimit = rebuildLimit }
        return specification
    }
}

/// Both sides of an external subject, as options or a subject file give them, and as a run stores them.
struct SubjectSpecification: Decodable, Equatable {
    struct Side: Decodable, Equatable {
        var command: String
        var workingDirectory: String?
        var environment: [String: String]?
    }

    var control: Side
    var candidate: Side
    var secondary: Side?
    var workingDirectory: String?
    var environment: [String: String]?
    var deadlineMs: Int?
    var rebuildLimit: Int?

    init(control: Side, candidate: Side) {
        self.control = control
        self.candidate = candidate
    }

    static let keys: KeySchema = {
        let side = KeySchema.mapping(["command": .any, "workingDirectory": .any, "environment": .any])
        return .mapping(["control": side, "candidate": side, "secondary": side, "workingDirectory": .any, "environment": .any,
                         "deadlineMs": .any, "rebuildLimit": .any])
    }()

    static func load(path: String) throws(ConfigError) -> SubjectSpecification {
        try ConfigFile.load(SubjectSpecification.self, path: path, keys: keys)
    }

    var options: WorkerOptions {
        var options = WorkerOptions()
        if let deadlineMs { options.deadline = Double(deadlineMs) / 1000 }
        if let rebuildLimit { options.rebuildLimit = rebuildLimit }
        return options
    }

    func command(_ side: Side) -> WorkerCommand {
        WorkerCommand(command: side.command, workingDirectory: side.workingDirectory ?? workingDirectory,
                      environment: (environment ?? [:]).merging(side.environment ?? [:]) { $1 })
    }

    /// What the run stores: the commands, working directory and the *names* of the environment variables set
    /// (values may be secrets), so report and shrink can start the same workers again.
    func runConfig(_ subject: TreeSubject) -> [String: String] {
        var config: [String: String] = [:]
        var sides = [("control", control, subject.control.info), ("candidate", candidate, subject.candidate.info)]
        if let secondary, let info = subject.secondary?.info { sides.append(("secondary", secondary, info)) }
        for (role, side, info) in sides {
            config["\(role).command"] = side.command
            config["\(role).name"] = info.name
            config["\(role).version"] = info.version
            if let directory = side.workingDirectory ?? workingDirectory { config["\(role).workingDirectory"] = directory }
            let names = Set((environment ?? [:]).keys).union((side.environment ?? [:]).keys).sorted()
            if !names.isEmpty { config["\(role).environment"] = names.joined(separator: ",") }
        }
        if let deadlineMs { config["deadlineMs"] = "\(deadlineMs)" }
        if let rebuildLimit { config["rebuildLimit"] = "\(rebuildLimit)" }
        return config
    }

    /// Starts both sides (`pairs` workers each) and checks they agree.
    func start(pairs: Int) throws -> TreeSubject {
        let control = try Self.side(self.control, role: "control", pairs: pairs, spec: self)
        let candidate = try Self.side(self.candidate, role: "candidate", pairs: pairs, spec: self)
        let secondary = try self.secondary.map { try Self.side($0, role: "secondary", pairs: pairs, spec: self) }
        return try TreeSubject(control: control, candidate: candidate, secondary: secondary)
    }

    static let builtinPrefix = "builtin:"

    private static func side(_ side: Side, role: String, pairs: Int, spec: SubjectSpecification) throws -> any SubjectSide {
        if side.command.hasPrefix(builtinPrefix) {
            let name = String(side.command.dropFirst(builtinPrefix.count))
            guard let implementation = BuiltinLMSSide.Implementation(rawValue: name) else {
                throw ValidationError("--\(role) \(side.command): the built-in sides are builtin:legacy and builtin:modern")
            }
            return BuiltinLMSSide(implementation, version: ShadowGateCommand.version)
        }
        return try WorkerSide(role: role, command: spec.command(side), count: pairs, options: spec.options)
    }
}

extension TreeSubject {
    /// Stops every worker of both sides.
    func shutdown() {
        (control as? WorkerSide)?.shutdown()
        (candidate as? WorkerSide)?.shutdown()
        (secondary as? WorkerSide)?.shutdown()
    }

    /// Generated LMS traffic as this subject's commands.
    static func command(_ command: LMSCommand) -> TreeCommand {
        let (op, fields) = LMSCommandCodec.encode(command)
        return TreeCommand(op: op, fields: fields)
    }
}

extension SubjectSpecification {
    /// The sides a stored run drove, from its `config` (nil for the built-in pair). Environment values are
    /// not stored (only their names): restarted workers get the current environment.
    static func fromRun(_ config: [String: String]) -> SubjectSpecification? {
        guard let control = config["control.command"], let candidate = config["candidate.command"] else { return nil }
        func side(_ role: String, _ command: String) -> Side {
            Side(command: command, workingDirectory: config["\(role).workingDirectory"])
        }
        var specification = SubjectSpecification(control: side("control", control), candidate: side("candidate", candidate))
        specification.secondary = config["secondary.command"].map { side("secondary", $0) }
        specification.deadlineMs = config["deadlineMs"].flatMap { Int($0) }
        specification.rebuildLimit = config["rebuildLimit"].flatMap { Int($0) }
        return specification
    }

    /// The options that start these sides again, for the commands reports print.
    var arguments: String {
        func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        var parts = ["--control \(quoted(control.command))", "--candidate \(quoted(candidate.command))"]
        if let secondary { parts.append("--secondary \(quoted(secondary.command))") }
        if let deadlineMs { parts.append("--deadline \(deadlineMs)") }
        return parts.joined(separator: " ")
    }
}
