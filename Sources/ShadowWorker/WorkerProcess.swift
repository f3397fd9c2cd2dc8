#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// How to start a worker: a shell command line, run with `/bin/sh -c` in a working directory.
public struct WorkerCommand: Sendable, Equatable {
    public var command: String
    public var workingDirectory: String?
    /// Added to (or replacing in) the environment ShadowGate runs in.
    public var environment: [String: String]

    public init(command: String, workingDirectory: String? = nil, environment: [String: String] = [:]) {
        self.command = command
        self.workingDirectory = workingDirectory
        self.environment = environment
    }
}

/// Why a worker process stopped answering: the reason a command became a side error.
public struct WorkerBroken: Error, Sendable, CustomStringConvertible {
    public var reason: String
    package var stderrTail: String
    init(reason: String, stderrTail: String) {
        self.reason = reason
        self.stderrTail = stderrTail
    }
    public var description: String {
        stderrTail.isEmpty ? reason : "\(reason); stderr ends: \(stderrTail)"
    }
}

/// Every worker process group alive, so that Ctrl-C or SIGTERM of ShadowGate leaves none behind.
enum LiveWorkers {
    private static let groups = Mutex<Set<pid_t>>([])
    private static let installed = Mutex<[any DispatchSourceSignal]>([])

    static func add(_ group: pid_t) {
        installHandlers()
        _ = groups.withLock { $0.insert(group) }
    }

    static func remove(_ group: pid_t) { _ = groups.withLock { $0.remove(group) } }

    static func killAll() {
        for group in groups.withLock({ $0 }) { kill(-group, SIGKILL) }
    }

    /// Writes to a worker that died must fail with EPIPE, not kill ShadowGate; an interrupt kills every worker
    /// group, then exits as the signal would have.
    private static func installHandlers() {
        installed.withLock { sources in
            guard sources.isEmpty else { return }
            signal(SIGPIPE, SIG_IGN)
            for number in [SIGINT, SIGTERM, SIGHUP] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler {
                    LiveWorkers.killAll()
                    signal(number, SIG_DFL)
                    kill(getpid(), number)
                }
                source.resume()
                sources.append(source)
            }
        }
    }
}

/// One running worker: its pipes, a thread that reads its replies into a queue (so writing never waits on
/// reading), and a thread that drains its stderr keeping the last 8 KiB.
final class WorkerProcess: @unchecked Sendable {
    static let maxLine = 1 << 20
    static let stderrTailBytes = 8 << 10

    let pid: pid_t
    private var input: Int32
    private let state = NSCondition()
    private var lines: [[UInt8]] = []
    private var ended: String?
    private var stderrTail: [UInt8] = []
    private var reaped = false

    enum Reply {
        case line([UInt8])
        case ended(String)
        case timedOut
    }

    /// Pipes are made and marked close-on-exec under this lock, so no other worker started meanwhile inherits
    /// them (which would keep a dead worker's output open).
    private static let spawning = Mutex<Void>(())

    init(_ command: WorkerCommand) throws(WorkerBroken) {
        let started = Self.spawning.withLock { _ in Result { () throws(WorkerBroken) in try Self.spawn(command) } }
        let (pid, input, stdoutFD, stderrFD) = try started.get()
        self.pid = pid
        self.input = input
        _ = fcntl(input, F_SETFL, fcntl(input, F_GETFL) | O_NONBLOCK)
        LiveWorkers.add(pid)
        Thread.detachNewThread { [self] in readReplies(stdoutFD) }
        Thread.detachNewThread { [self] in drainStderr(stderrFD) }
    }

    private static func pipeCloseOnExec() -> [Int32]? {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return fds
    }

    /// Single quotes for `/bin/sh`.
    static func shellQuoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    private static func spawn(_ command: WorkerCommand) throws(WorkerBroken) -> (pid_t, Int32, Int32, Int32) {
        guard let stdinPipe = pipeCloseOnExec(), let stdoutPipe = pipeCloseOnExec(),
              let stderrPipe = pipeCloseOnExec() else {
            throw WorkerBroken(reason: "cannot create pipes: \(String(cString: strerror(errno)))", stderrTail: "")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, so the shell and whatever it starts are stopped together.
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGPIPE, SIGINT, SIGTERM, SIGHUP] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var noMask = sigset_t()
        sigemptyset(&noMask)
        posix_spawnattr_setsigmask(&attributes, &noMask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var environment = ProcessInfo.processInfo.environment
        for (key, value) in command.environment { environment[key] = value }
        let envStrings = environment.map { "\($0.key)=\($0.value)" }
        let line = command.workingDirectory.map { "cd \(shellQuoted($0)) && \(command.command)" } ?? command.command
        let argv = ["/bin/sh", "-c", line]
        var pid: pid_t = 0
        let spawned: Int32 = withCStrings(argv) { argvPointers in
            withCStrings(envStrings) { envPointers in
                posix_spawn(&pid, "/bin/sh", &actions, &attributes, argvPointers, envPointers)
            }
        }
        close(stdinPipe[0])
        close(stdoutPipe[1])
        close(stderrPipe[1])
        guard spawned == 0 else {
            close(stdinPipe[1])
            close(stdoutPipe[0])
            close(stderrPipe[0])
            throw WorkerBroken(reason: "cannot start /bin/sh -c \(command.command): \(String(cString: strerror(spawned)))",
                               stderrTail: "")
        }
        return (pid, stdinPipe[1], stdoutPipe[0], stderrPipe[0])
    }

    deinit {
        terminate()
        closeInput()
    }

    private func closeInput() {
        state.lock()
        defer { state.unlock() }
        if input >= 0 { close(input) }
        input = -1
    }

    /// The last 8 KiB the worker wrote to stderr, as text.
    var stderr: String {
        state.lock()
        defer { state.unlock() }
        return String(decoding: stderrTail, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Writes one request line, waiting at most until `deadline` for room in the pipe.
    func send(_ line: String, deadline: Date) throws(WorkerBroken) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(input, $0.baseAddress, $0.count) }
            if written > 0 {
                offset += written
                continue
            }
            let code = errno
            guard written < 0, code == EAGAIN || code == EINTR else {
                throw WorkerBroken(reason: "cannot write to the worker (\(String(cString: strerror(code))))",
                                   stderrTail: stderr)
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else {
                throw WorkerBroken(reason: "the worker did not read its input within the deadline", stderrTail: stderr)
            }
            var descriptor = pollfd(fd: input, events: Int16(POLLOUT), revents: 0)
            _ = poll(&descriptor, 1, Int32(min(remaining * 1000 + 1, 60_000)))
        }
    }

    /// The next reply line, the end of the stream, or nothing before `deadline`.
    func next(deadline: Date) -> Reply {
        state.lock()
        defer { state.unlock() }
        while lines.isEmpty && ended == nil {
            if !state.wait(until: deadline) && lines.isEmpty && ended == nil { return .timedOut }
        }
        if !lines.isEmpty { return .line(lines.removeFirst()) }
        return .ended(ended ?? "the worker closed its output")
    }

    /// Asks the worker to stop (its group: SIGTERM, then SIGKILL after `grace`) and reaps it.
    func terminate(grace: TimeInterval = 0.5) {
        state.lock()
        let done = reaped
        state.unlock()
        guard !done else { return }
        if !waitForExit(timeout: 0) {
            kill(-pid, SIGTERM)
            if !waitForExit(timeout: grace) {
                kill(-pid, SIGKILL)
                _ = waitForExit(timeout: nil)
            }
        }
        // Whatever the shell left in the group goes too.
        kill(-pid, SIGKILL)
        LiveWorkers.remove(pid)
    }

    /// Closes the worker's input and gives it `timeout` to exit on its own before it is stopped.
    func finish(timeout: TimeInterval) {
        closeInput()
        if !waitForExit(timeout: timeout) { terminate() } else { terminate(grace: 0) }
    }

    /// Reaps the worker if it exits within `timeout` (`nil`: wait as long as it takes).
    private func waitForExit(timeout: TimeInterval?) -> Bool {
        let end = timeout.map { Date().addingTimeInterval($0) }
        while true {
            var status: Int32 = 0
            let result = waitpid(pid, &status, timeout == nil ? 0 : WNOHANG)
            if result == pid || (result < 0 && errno == ECHILD) {
                state.lock()
                reaped = true
                state.unlock()
                return true
            }
            if result < 0 && errno != EINTR { return false }
            if let end {
                if Date() >= end { return false }
                usleep(5_000)
            }
        }
    }

    private func readReplies(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        var pending: [UInt8] = []
        var reason = "the worker closed its output (exited?)"
        reading: while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            var start = 0
            var complete: [[UInt8]] = []
            for index in 0..<count where buffer[index] == UInt8(ascii: "\n") {
                pending.append(contentsOf: buffer[start..<index])
                complete.append(pending)
                pending = []
                start = index + 1
            }
            pending.append(contentsOf: buffer[start..<count])
            if pending.count > Self.maxLine {
                reason = "the worker wrote a line over 1 MiB"
                complete.append([])  // what was complete before still counts
                deliver(complete.dropLast())
                break reading
            }
            if !complete.isEmpty { deliver(complete[...]) }
        }
        close(fd)
        state.lock()
        ended = reason
        state.broadcast()
        state.unlock()
    }

    private func deliver(_ complete: ArraySlice<[UInt8]>) {
        state.lock()
        lines.append(contentsOf: complete)
        state.broadcast()
        state.unlock()
    }

    private func drainStderr(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            state.lock()
            stderrTail.append(contentsOf: buffer[0..<count])
            if stderrTail.count > Self.stderrTailBytes { stderrTail.removeFirst(stderrTail.count - Self.stderrTailBytes) }
            state.unlock()
        }
        close(fd)
    }
}

/// Calls `body` with a NULL-terminated C array of the strings.
private func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { for pointer in pointers { free(pointer) } }
    return body(pointers)
}
