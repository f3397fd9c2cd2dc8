import Foundation

/// Hands batches to another sink on a thread of its own, so that storing one batch overlaps comparing the
/// next ones.
///
/// A dedicated thread rather than a task: the writer spends its time inside SQLite, and a task doing that
/// would hold one of the cooperative pool's threads (one per core) that the comparison needs. At most
/// `capacity` batches wait while one is written; beyond that `consume` blocks until the writer catches up,
/// which bounds memory. One waiting batch is enough to keep the writer busy: with more, a 1M-command run's
/// peak memory grew by 35 MiB (4 waiting) for no gain in speed.
///
/// Batches are written in the order they were consumed. After a write error nothing more is written, and the
/// error is thrown from the next `consume` or from `finish`. `finish` must be called once the last batch is
/// consumed (``ShadowRunner`` always does): until then the writer thread waits for more and keeps the sink alive.
public final class BackgroundSink<Base: RunSink & Sendable>: RunSink, @unchecked Sendable {
    // Everything below is guarded by `condition`, except `base`, which only the writer thread touches.
    private let condition = NSCondition()
    private var queue: [BatchOutput] = []
    private var closed = false
    private var drained = false
    private var failure: (any Error)?
    private let capacity: Int
    private var base: Base

    public init(_ base: Base, capacity: Int = 1) {
        self.base = base
        self.capacity = max(1, capacity)
        let thread = Thread { [self] in drain() }
        thread.name = "shadowgate-writer"
        thread.start()
    }

    public func consume(_ batch: BatchOutput) throws {
        condition.lock()
        defer { condition.unlock() }
        // The writer has stopped: a batch queued now would never be written.
        precondition(!closed, "BackgroundSink.consume called after finish")
        while queue.count >= capacity && failure == nil { condition.wait() }
        if let failure { throw failure }
        queue.append(batch)
        condition.broadcast()
    }

    /// Waits until every consumed batch is written (and the base sink finished), then stops the thread.
    public func finish() throws {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        condition.broadcast()
        while !drained { condition.wait() }
        if let failure { throw failure }
    }

    private func drain() {
        while let batch = next() {
            do {
                try base.consume(batch)
            } catch {
                fail(error)
            }
        }
        do {
            try base.finish()
        } catch {
            fail(error)
        }
        condition.lock()
        drained = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch to write, or `nil` once the sink is closed and empty or a write failed.
    private func next() -> BatchOutput? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !closed && failure == nil { condition.wait() }
        guard failure == nil, !queue.isEmpty else { return nil }
        let batch = queue.removeFirst()
        condition.broadcast()
        return batch
    }

    private func fail(_ error: any Error) {
        condition.lock()
        if failure == nil { failure = error }
        queue.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
