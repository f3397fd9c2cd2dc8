import Foundation
import ShadowKit

/// Drives a worker through the protocol's corner cases and says what is wrong (`shadowgate worker-check`),
/// for people writing a worker: handshake, reset between scenarios, ids in order under pipelining,
/// well-formed outcomes, determinism (the same scenario twice gives the same outcomes, whatever ran between),
/// refusal of another protocol version, a clean shutdown and, for a worker that lists `quirks`, probes that
/// leave its world as it was.
public struct WorkerChecker {
    public struct Check: Sendable, Equatable {
        public var name: String
        public var passed: Bool
        public var detail: String
    }

    public let command: WorkerCommand
    public let options: WorkerOptions

    public init(command: WorkerCommand, options: WorkerOptions = WorkerOptions()) {
        self.command = command
        self.options = options
    }

    /// Runs every check, playing `inputs` (scenarios of the worker's ops).
    public func run(scenarios inputs: [ScenarioInput<TreeCommand>]) -> [Check] {
        var checks: [Check] = []
        func check(_ name: String, _ passed: Bool, _ detail: String) {
            checks.append(Check(name: name, passed: passed, detail: detail))
        }
        let connection: WorkerConnection
        do {
            connection = try WorkerConnection.start(command, role: "control", options: options)
        } catch {
            check("handshake", false, "\(error)")
            return checks
        }
        let info = connection.info
        let scenarios = inputs.map { input in
            var clock = ScenarioClock(start: input.commands.first?.at ?? 0)
            let times = ScenarioClock.times(input.commands, clock: &clock) { command in
                command.op == info.clockOp ? command.fields["seconds"]?.numberValue : nil
            }
            let requests = zip(input.commands, times).map { command, now in
                SideRequest(scenario: input.id, seq: command.seq, at: command.at, now: now, op: command.command.op,
                            fields: command.command.fields)
            }
            return (id: input.id, start: input.commands.first?.at ?? 0, requests: requests)
        }
        check("handshake", true, "\(info.name) \(info.version), \(info.ops.count) ops, protocol \(WorkerProtocol.version)")
        let usable = scenarios.filter { scenario in scenario.requests.allSatisfy { info.ops[$0.op] != nil } }
        check("ops", !usable.isEmpty, usable.isEmpty
              ? "none of the \(scenarios.count) scenarios uses only ops the worker lists; give --input with its ops"
              : "\(usable.count) of \(scenarios.count) scenarios use only ops the worker lists")
        guard !usable.isEmpty else {
            connection.shutdown()
            return checks
        }
        var first: [String: [JSONValue]] = [:]
        var problems: [String] = []
        var faults = 0
        // Every scenario once, then the first again after the others: a world that leaks between scenarios,
        // a clock or id source not restarted by reset, or randomness shows up as a difference.
        let order = usable.map(\.id) + [usable[0].id]
        let byId = Dictionary(usable.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for (round, id) in order.enumerated() {
            guard let scenario = byId[id] else { continue }
            do {
                let outcomes = try play(scenario, on: connection, faults: &faults)
                if round == order.count - 1 {
                    let earlier = first[id] ?? []
                    if let index = earlier.indices.first(where: { $0 >= outcomes.count || earlier[$0] != outcomes[$0] }) {
                        let seq = scenario.requests[index].seq
                        let diff = OutcomeComparator().diff(earlier[index], outcomes[index]).prefix(3)
                            .map { "\($0.path): \($0.control?.jsonText ?? "(absent)") then \($0.candidate?.jsonText ?? "(absent)")" }
                        problems.append("scenario \(id) played twice differs at seq \(seq): " + diff.joined(separator: "; "))
                    }
                } else {
                    first[id] = outcomes
                }
            } catch {
                check("scenarios", false, "scenario \(id): \(error)")
                connection.process.terminate()
                return checks
            }
        }
        let commands = usable.reduce(0) { $0 + $1.requests.count }
        check("scenarios", true, "\(usable.count) scenarios, \(commands) commands pipelined, "
              + "every reply in order with its id, every outcome well formed\(faults > 0 ? " (\(faults) faults)" : "")")
        check("determinism", problems.isEmpty, problems.first
              ?? "scenario \(usable[0].id) gave the same outcomes again after the others ran (reset is a fresh world)")
        if !info.quirks.isEmpty, let scenario = byId[usable[0].id] {
            checks.append(probes(scenario, expected: first[scenario.id] ?? [], quirks: Set(info.quirks), connection))
        }
        connection.shutdown()
        check("shutdown", true, "exited after shutdown")
        checks.append(otherProtocol())
        return checks
    }

    /// The scenario again with a probe switching every listed quirk off before each command: every probe must be
    /// answered (not `invalid`), and the real outcomes must be those of the scenario without probes.
    private func probes(_ scenario: (id: String, start: Double, requests: [SideRequest]), expected: [JSONValue],
                        quirks: Set<String>, _ connection: WorkerConnection) -> Check {
        var faults = 0
        var probed = 0
        do {
            let outcomes = try play(scenario, on: connection, faults: &faults, probing: quirks, probed: &probed)
            if let index = expected.indices.first(where: { $0 >= outcomes.count || expected[$0] != outcomes[$0] }) {
                let diff = OutcomeComparator().diff(expected[index], outcomes[index]).prefix(3)
                    .map { "\($0.path): \($0.control?.jsonText ?? "(absent)") then \($0.candidate?.jsonText ?? "(absent)")" }
                return Check(name: "probes", passed: false,
                             detail: "with probes, scenario \(scenario.id) differs at seq \(scenario.requests[index].seq) "
                                 + "(a probe must leave the world as it was): " + diff.joined(separator: "; "))
            }
        } catch {
            return Check(name: "probes", passed: false, detail: "scenario \(scenario.id) with probes: \(error)")
        }
        return Check(name: "probes", passed: true,
                     detail: "\(probed) probes without all \(quirks.count) listed quirks answered, the real outcomes unchanged")
    }

    /// The outcomes of one scenario, every request written before any reply is read (within the window). With
    /// `probing`, a probe switching those quirks off goes before each request; its reply is checked and dropped.
    private func play(_ scenario: (id: String, start: Double, requests: [SideRequest]),
                      on connection: WorkerConnection, faults: inout Int, probing: Set<String>? = nil) throws -> [JSONValue] {
        var probed = 0
        return try play(scenario, on: connection, faults: &faults, probing: probing, probed: &probed)
    }

    private func play(_ scenario: (id: String, start: Double, requests: [SideRequest]),
                      on connection: WorkerConnection, faults: inout Int, probing: Set<String>?,
                      probed: inout Int) throws -> [JSONValue] {
        let deadline = { Date().addingTimeInterval(options.deadline) }
        try connection.send(.object(["type": .string("reset"), "scenario": .string(scenario.id),
                                     "at": .string(Timestamp.format(scenario.start))]), deadline: deadline())
        guard case .line(let ready) = connection.process.next(deadline: deadline()),
              (try? JSONValue.parse(ready))?["type"] == .string("ready") else {
            throw WorkerBroken(reason: "reset was not answered with {\"type\":\"ready\"}", stderrTail: connection.process.stderr)
        }
        var ids: [Int] = []
        var probeIds: [Int?] = []
        for var request in scenario.requests {
            if let probing {
                request.without = probing
                probeIds.append(connection.nextId)
                try connection.send(WorkerProtocol.probe(request, id: connection.nextId), deadline: deadline())
                connection.nextId += 1
            } else {
                probeIds.append(nil)
            }
            ids.append(connection.nextId)
            try connection.send(WorkerProtocol.apply(request, id: connection.nextId), deadline: deadline())
            connection.nextId += 1
        }
        var outcomes: [JSONValue] = []
        for (index, id) in ids.enumerated() {
            let seq = scenario.requests[index].seq
            if let probeId = probeIds[index] {
                guard case .line(let bytes) = connection.process.next(deadline: deadline()),
                      let reply = try? JSONValue.parse(bytes), reply["id"] == .int(probeId) else {
                    throw WorkerBroken(reason: "the probe before seq \(seq) was not answered in order with its id",
                                       stderrTail: connection.process.stderr)
                }
                switch WorkerProtocol.applyReply(reply) {
                case .outcome, .fault: probed += 1
                case .invalid(let message):
                    throw WorkerBroken(reason: "the probe before seq \(seq) was refused as invalid: \(message)", stderrTail: "")
                case .malformed(let reason):
                    throw WorkerBroken(reason: "the probe before seq \(seq): \(reason)", stderrTail: "")
                }
            }
            guard case .line(let bytes) = connection.process.next(deadline: deadline()) else {
                throw WorkerBroken(reason: "no reply to seq \(seq) within \(WorkerProtocol.milliseconds(options.deadline))",
                                   stderrTail: connection.process.stderr)
            }
            guard let reply = try? JSONValue.parse(bytes) else {
                throw WorkerBroken(reason: "the reply to seq \(seq) is not JSON: \(WorkerProtocol.excerpt(bytes))",
                                   stderrTail: connection.process.stderr)
            }
            guard reply["id"] == .int(id) else {
                throw WorkerBroken(reason: "the reply to seq \(seq) has id \(reply["id"]?.jsonText ?? "(none)"), expected \(id): "
                                   + "replies must come in request order", stderrTail: "")
            }
            switch WorkerProtocol.applyReply(reply) {
            case .outcome(let outcome):
                var tree = outcome.tree
                tree["message"] = nil
                outcomes.append(.object(tree))
            case .fault(let fault):
                faults += 1
                outcomes.append(.object(["fault": .string(fault.description)]))
            case .invalid(let message):
                throw WorkerBroken(reason: "seq \(seq) (\(scenario.requests[index].op)) was refused as invalid: \(message)",
                                   stderrTail: "")
            case .malformed(let reason):
                throw WorkerBroken(reason: "seq \(seq): \(reason)", stderrTail: "")
            }
        }
        return outcomes
    }

    /// A worker offered another protocol version must not claim to speak it.
    private func otherProtocol() -> Check {
        let name = "other protocol"
        guard let process = try? WorkerProcess(command) else { return Check(name: name, passed: false, detail: "could not start") }
        defer { process.terminate() }
        let deadline = Date().addingTimeInterval(options.handshakeDeadline)
        try? process.send(JSONValue.object(["type": .string("hello"), "protocol": .int(99), "side": .string("control")]).jsonText,
                          deadline: deadline)
        switch process.next(deadline: deadline) {
        case .line(let bytes):
            let reply = try? JSONValue.parse(bytes)
            if reply?["type"] == .string("hello"), reply?["protocol"] == .int(99) {
                return Check(name: name, passed: false, detail: "answered a protocol 99 hello claiming to speak 99")
            }
            return Check(name: name, passed: true, detail: "a protocol 99 hello is refused (\(WorkerProtocol.excerpt(bytes)))")
        case .ended:
            return Check(name: name, passed: true, detail: "a protocol 99 hello makes the worker exit")
        case .timedOut:
            return Check(name: name, passed: false, detail: "no answer to a protocol 99 hello")
        }
    }
}
