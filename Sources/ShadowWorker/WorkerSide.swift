import Foundation
import ShadowKit
import Synchronization

/// How a side's workers are driven.
public struct WorkerOptions: Sendable, Equatable {
    /// Time a worker has for one command (and for a reset) before it is stopped and restarted.
    public var deadline: TimeInterval = 5
    /// Time a worker has to start and answer `hello`.
    package var handshakeDeadline: TimeInterval = 30
    /// Earlier commands of a scenario replayed into a restarted worker to rebuild its world; past this, the
    /// rest of the scenario is abandoned.
    public var rebuildLimit = 100_000
    /// Requests written ahead of the reply being waited for.
    public var window = 64
    /// Restarts in a row without a completed scenario after which the subject is unavailable.
    var maxConsecutiveRestarts = 5

    public init(deadline: TimeInterval = 5, handshakeDeadline: TimeInterval = 30, rebuildLimit: Int = 100_000,
                window: Int = 64, maxConsecutiveRestarts: Int = 5) {
        self.deadline = deadline
        self.handshakeDeadline = handshakeDeadline
        self.rebuildLimit = max(0, rebuildLimit)
        self.window = max(1, window)
        self.maxConsecutiveRestarts = max(1, maxConsecutiveRestarts)
    }
}

/// A worker's crash on one command (its `fault` reply): a control or candidate error, never a rejection.
public struct WorkerFault: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    var errorClass: String?
    public var description: String { errorClass.map { "\($0): \(message)" } ?? message }
}

/// The handshake failed: the run stops before any comparison (exit 69).
public struct WorkerStartError: Error, Sendable, CustomStringConvertible {
    public var role: String
    public var command: String
    public var reason: String
    package var stderrTail: String
    public var description: String {
        "the \(role) worker (\(command)) \(reason)" + (stderrTail.isEmpty ? "" : "\nits stderr ends:\n\(stderrTail)")
    }
}

/// One side driven by worker processes speaking docs/protocol.md: a pool of `count` workers (one per
/// concurrent batch), each checked out by a scenario for as long as the scenario runs.
public final class WorkerSide: SubjectSide, @unchecked Sendable {
    public let role: String
    public let command: WorkerCommand
    public let options: WorkerOptions
    public let info: SideInfo
    private let idle = Mutex<[WorkerConnection]>([])
    let restartsInARow = Atomic<Int>(0)

    /// Starts `count` workers and shakes hands with each; they must all describe themselves the same way.
    public init(role: String, command: WorkerCommand, count: Int = 1, options: WorkerOptions = WorkerOptions())
        throws(WorkerStartError) {
        self.role = role
        self.command = command
        self.options = options
        var connections: [WorkerConnection] = []
        var first: SideInfo?
        do throws(WorkerStartError) {
            for _ in 0..<max(1, count) {
                let connection = try WorkerConnection.start(command, role: role, options: options)
                connections.append(connection)
                if let first, first != connection.info {
                    throw WorkerStartError(role: role, command: command.command,
                                           reason: "described itself differently in two processes", stderrTail: "")
                }
                first = connection.info
            }
        } catch {
            // The workers that did start are stopped, not left to the end of the process.
            for connection in connections { connection.process.terminate() }
            throw error
        }
        info = connections[0].info
        idle.withLock { $0 = connections }
    }

    deinit { shutdown() }

    /// Says `shutdown` to every idle worker and waits for them to exit.
    public func shutdown() {
        let connections = idle.withLock { pool -> [WorkerConnection] in
            defer { pool = [] }
            return pool
        }
        for connection in connections { connection.shutdown() }
    }

    public func makeSession() throws -> any SideSession {
        let connection = idle.withLock { $0.popLast() }
        return WorkerSession(side: self, connection: connection)
    }

    func checkIn(_ connection: WorkerConnection?) {
        guard let connection else { return }
        idle.withLock { $0.append(connection) }
    }

    /// A fresh worker after a failure, or ``SubjectFailure/unavailable(_:)`` when workers keep failing.
    /// Each attempt counts as a restart; a restart whose handshake fails is tried again, within the limit.
    func restart(after reason: String) throws -> WorkerConnection {
        var last = reason
        while true {
            let restarts = restartsInARow.add(1, ordering: .relaxed).newValue
            if restarts > options.maxConsecutiveRestarts {
                throw SubjectFailure.unavailable("the \(role) worker was restarted \(restarts - 1) times in a row "
                                                 + "without completing a scenario; last failure: \(last)")
            }
            do {
                return try WorkerConnection.start(command, role: role, options: options)
            } catch {
                last = error.description
            }
        }
    }
}

/// One worker process after a successful handshake, with its request ids.
final class WorkerConnection: @unchecked Sendable {
    let process: WorkerProcess
    let info: SideInfo
    let role: String
    var nextId = 1

    private init(process: WorkerProcess, info: SideInfo, role: String) {
        self.process = process
        self.info = info
        self.role = role
    }

    static func start(_ command: WorkerCommand, role: String, options: WorkerOptions) throws(WorkerStartError)
        -> WorkerConnection {
        func failure(_ reason: String, _ process: WorkerProcess?) -> WorkerStartError {
            let tail = process?.stderr ?? ""
            process?.terminate()
            return WorkerStartError(role: role, command: command.command, reason: reason, stderrTail: tail)
        }
        let process: WorkerProcess
        do {
            process = try WorkerProcess(command)
        } catch {
            throw failure("could not be started: \(error.reason)", nil)
        }
        let deadline = Date().addingTimeInterval(options.handshakeDeadline)
        let hello = JSONValue.object(["type": .string("hello"), "protocol": .int(WorkerProtocol.version),
                                      "side": .string(role)])
        do {
            try process.send(hello.jsonText, deadline: deadline)
        } catch {
            throw failure("did not read the hello: \(error.reason)", process)
        }
        let reply: JSONValue
        switch process.next(deadline: deadline) {
        case .timedOut:
            throw failure("said nothing within \(Int(options.handshakeDeadline)) s of the hello", process)
        case .ended(let reason):
            throw failure("ended during the handshake: \(reason)", process)
        case .line(let bytes):
            guard let parsed = try? JSONValue.parse(bytes) else {
                throw failure("answered the hello with a line that is not JSON: \(WorkerProtocol.excerpt(bytes))", process)
            }
            reply = parsed
        }
        do {
            let info = try WorkerProtocol.sideInfo(fromHello: reply)
            return WorkerConnection(process: process, info: info, role: role)
        } catch {
            throw failure(error.message, process)
        }
    }

    func send(_ request: JSONValue, deadline: Date) throws(WorkerBroken) {
        try process.send(request.jsonText, deadline: deadline)
    }

    func shutdown() {
        try? process.send(JSONValue.object(["type": .string("shutdown")]).jsonText,
                          deadline: Date().addingTimeInterval(1))
        process.finish(timeout: 2)
    }
}

/// A worker checked out for one scenario: resets it, pipelines the scenario's requests, and when the worker
/// breaks, restarts it and rebuilds its world by replaying the scenario's earlier commands.
final class WorkerSession: SideSession {
    let side: WorkerSide
    var connection: WorkerConnection?
    private var scenario = ""
    private var start = 0.0
    private var last = true
    private var requests: [SideRequest] = []
    private var ids: [Int] = []
    /// The id of each request's probe (`without`), written just before the request itself.
    private var probeIds: [Int?] = []
    /// The probe of the command `applyNext` last answered, for ``probeOutcome(without:)``.
    private var probe: (quirks: Set<String>, result: Result<TreeOutcome, any Error>)?
    private var sent = 0
    private var received = 0
    /// Earlier commands of the scenario, for rebuilding a restarted worker's world (`nil` past the limit).
    private var history: [SideRequest]? = []
    private var abandoned: String?

    init(side: WorkerSide, connection: WorkerConnection?) {
        self.side = side
        self.connection = connection
    }

    deinit { side.checkIn(connection) }

    func begin(scenario: String, start: Double, requests: [SideRequest], first: Bool, last: Bool) throws {
        self.requests = requests
        ids = Array(repeating: 0, count: requests.count)
        probeIds = Array(repeating: nil, count: requests.count)
        probe = nil
        sent = 0
        received = 0
        self.last = last
        guard first else {
            if abandoned == nil { try pumpOrRecover() }
            return
        }
        self.scenario = scenario
        self.start = start
        history = []
        abandoned = nil
        while true {
            do {
                let connection = try connected()
                try reset(connection)
                break
            } catch let broken as WorkerBroken {
                try replace(after: "reset of scenario \(scenario): \(broken)")
            }
        }
        try pumpOrRecover()
        if requests.isEmpty && last { side.restartsInARow.store(0, ordering: .relaxed) }
    }

    func applyNext() throws -> TreeOutcome {
        precondition(received < requests.count, "more commands applied than the scenario part has")
        let index = received
        let request = requests[index]
        var broke = false
        defer {
            received += 1
            // A command that broke the worker is not part of the world a rebuild replays.
            if history != nil && !broke {
                history?.append(request)
                if (history?.count ?? 0) > side.options.rebuildLimit { history = nil }
            }
        }
        probe = nil
        if let abandoned { throw SubjectFailure.abandoned(abandoned) }
        try pumpOrRecover()
        do {
            let outcome = try receive(index)
            if last && index == requests.count - 1 { side.restartsInARow.store(0, ordering: .relaxed) }
            return outcome
        } catch let broken as WorkerBroken {
            // This command is a side error; the world is rebuilt without it, and the scenario goes on.
            broke = true
            try recover(after: broken, failedAt: index)
            throw broken
        }
    }

    func probeOutcome(without quirks: Set<String>) -> Result<TreeOutcome, any Error>? {
        guard let probe, probe.quirks == quirks else { return nil }
        return probe.result
    }

    // MARK: Protocol

    private func connected() throws -> WorkerConnection {
        if let connection { return connection }
        let fresh = try side.restart(after: "no idle worker")
        connection = fresh
        return fresh
    }

    private func reset(_ connection: WorkerConnection) throws(WorkerBroken) {
        let deadline = Date().addingTimeInterval(side.options.deadline)
        try connection.send(.object(["type": .string("reset"), "scenario": .string(scenario),
                                     "at": .string(Timestamp.format(start))]), deadline: deadline)
        let reply = try line(connection, deadline: deadline, waitingFor: "the reset")
        guard reply["type"] == .string("ready") else {
            throw WorkerBroken(reason: "answered reset with \(WorkerProtocol.excerpt(reply)), not {\"type\":\"ready\"}",
                               stderrTail: connection.process.stderr)
        }
    }

    /// Writes requests ahead while fewer than `window` are unanswered.
    private func pump() throws(WorkerBroken) {
        guard let connection else { return }
        // Every request the window allows goes out in one write, so the worker is woken once per batch.
        var lines = ""
        while sent < requests.count && sent - received < side.options.window {
            // A probe goes just before its command: it runs on the world as it is before the command.
            if requests[sent].without != nil {
                let id = connection.nextId
                connection.nextId += 1
                probeIds[sent] = id
                if !lines.isEmpty { lines += "\n" }
                lines += WorkerProtocol.probe(requests[sent], id: id).jsonText
            } else {
                probeIds[sent] = nil
            }
            let id = connection.nextId
            connection.nextId += 1
            ids[sent] = id
            if !lines.isEmpty { lines += "\n" }
            lines += WorkerProtocol.apply(requests[sent], id: id).jsonText
            sent += 1
        }
        guard !lines.isEmpty else { return }
        try connection.process.send(lines, deadline: Date().addingTimeInterval(side.options.deadline))
    }

    private func pumpOrRecover() throws {
        do {
            try pump()
        } catch {
            // Writing failed: the worker is gone. The next reply read reports it, with the command it hit.
        }
    }

    private func line(_ connection: WorkerConnection, deadline: Date, waitingFor what: String) throws(WorkerBroken)
        -> JSONValue {
        switch connection.process.next(deadline: deadline) {
        case .timedOut:
            throw WorkerBroken(reason: "no answer to \(what) within \(WorkerProtocol.milliseconds(side.options.deadline))",
                               stderrTail: connection.process.stderr)
        case .ended(let reason):
            throw WorkerBroken(reason: "\(reason) while \(what) was pending", stderrTail: connection.process.stderr)
        case .line(let bytes):
            guard let value = try? JSONValue.parse(bytes), case .object = value else {
                throw WorkerBroken(reason: "answered \(what) with a line that is not a JSON object: "
                                   + WorkerProtocol.excerpt(bytes), stderrTail: connection.process.stderr)
            }
            return value
        }
    }

    private func receive(_ index: Int) throws -> TreeOutcome {
        guard let connection else { throw WorkerBroken(reason: "no worker", stderrTail: "") }
        let request = requests[index]
        let what = "\(request.op) (seq \(request.seq))"
        if let probeId = probeIds[index], let quirks = request.without {
            try receiveProbe(probeId, quirks: quirks, of: what, connection)
        }
        let reply = try line(connection, deadline: Date().addingTimeInterval(side.options.deadline), waitingFor: what)
        guard reply["id"] == .int(ids[index]) else {
            throw WorkerBroken(reason: "answered \(what) with id \(reply["id"]?.jsonText ?? "(none)"), expected \(ids[index])",
                               stderrTail: connection.process.stderr)
        }
        switch WorkerProtocol.applyReply(reply) {
        case .outcome(let outcome): return outcome
        case .fault(let fault): throw fault
        case .invalid(let message):
            throw SubjectFailure.invalidCommand("\(message) (said the \(side.role) worker \(side.info.name))")
        case .malformed(let reason):
            throw WorkerBroken(reason: "answered \(what) with \(reason)", stderrTail: connection.process.stderr)
        }
    }

    /// Reads a probe's reply: its outcome or fault is kept for the counterfactual check (its time is not the
    /// control's latency); `invalid` is bad input like any other; anything else breaks the worker.
    private func receiveProbe(_ id: Int, quirks: Set<String>, of what: String, _ connection: WorkerConnection) throws {
        let probeOf = "the probe of \(what) without \(quirks.sorted().joined(separator: ", "))"
        let reply = try line(connection, deadline: Date().addingTimeInterval(side.options.deadline), waitingFor: probeOf)
        guard reply["id"] == .int(id) else {
            throw WorkerBroken(reason: "answered \(probeOf) with id \(reply["id"]?.jsonText ?? "(none)"), expected \(id)",
                               stderrTail: connection.process.stderr)
        }
        switch WorkerProtocol.applyReply(reply) {
        case .outcome(let outcome): probe = (quirks, .success(outcome))
        case .fault(let fault): probe = (quirks, .failure(fault))
        case .invalid(let message):
            throw SubjectFailure.invalidCommand("\(message) (said the \(side.role) worker \(side.info.name) to \(probeOf))")
        case .malformed(let reason):
            throw WorkerBroken(reason: "answered \(probeOf) with \(reason)", stderrTail: connection.process.stderr)
        }
    }

    // MARK: Recovery

    /// Stops the broken worker and starts another one (checked for agreement with the first).
    private func replace(after reason: String) throws {
        connection?.process.terminate()
        connection = nil
        let fresh = try side.restart(after: reason)
        guard fresh.info == side.info else {
            fresh.process.terminate()
            throw SubjectFailure.unavailable("the restarted \(side.role) worker describes itself differently")
        }
        connection = fresh
    }

    /// After the command at `failedAt` broke the worker: a new worker, reset, the scenario's earlier commands
    /// replayed into it (not compared), then the rest of this part sent again. When the world cannot be
    /// rebuilt, the rest of the scenario is abandoned.
    private func recover(after broken: WorkerBroken, failedAt: Int) throws {
        try replace(after: broken.description)
        guard let history else {
            abandoned = "the \(side.role) worker broke after more than \(side.options.rebuildLimit) commands of "
                + "scenario \(scenario) (--rebuild-limit), so its world could not be rebuilt: \(broken.reason)"
            return
        }
        do throws(WorkerBroken) {
            guard let connection else { return }
            try reset(connection)
            var pending: [(id: Int, seq: Int)] = []
            for request in history {
                let id = connection.nextId
                connection.nextId += 1
                try connection.send(WorkerProtocol.apply(request, id: id),
                                    deadline: Date().addingTimeInterval(side.options.deadline))
                pending.append((id, request.seq))
                if pending.count >= side.options.window { try drain(&pending, connection) }
            }
            try drain(&pending, connection)
        } catch let again {
            abandoned = "the \(side.role) worker's world could not be rebuilt after \(broken.reason): \(again.reason)"
            connection?.process.terminate()
            connection = nil
            return
        }
        sent = failedAt + 1
        received = failedAt  // `applyNext` moves on past the failed command
        try pumpOrRecover()
    }

    private func drain(_ pending: inout [(id: Int, seq: Int)], _ connection: WorkerConnection) throws(WorkerBroken) {
        for (id, seq) in pending {
            let reply = try line(connection, deadline: Date().addingTimeInterval(side.options.deadline),
                                 waitingFor: "the rebuild's command seq \(seq)")
            guard reply["id"] == .int(id) else {
                throw WorkerBroken(reason: "answered the rebuild's seq \(seq) with the wrong id", stderrTail: "")
            }
        }
        pending.removeAll()
    }
}
