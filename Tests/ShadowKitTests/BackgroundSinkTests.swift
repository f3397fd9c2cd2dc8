import Foundation
@testable import ShadowKit
import Testing

/// The writer thread: batches arrive in order, `finish` waits for all of them, and a write error stops writing
/// and reaches the caller.
@Suite struct BackgroundSinkTests {
    /// Records the batches it is given (by their command counts), failing at one of them if asked.
    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var written: [Int] = []
        private var finished = 0
        var batches: [Int] { lock.withLock { written } }
        var finishCalls: Int { lock.withLock { finished } }
        func append(_ value: Int) { lock.withLock { written.append(value) } }
        func finish() { lock.withLock { finished += 1 } }
    }

    struct WriteFailed: Error, Equatable { var batch: Int }

    struct SlowSink: RunSink, Sendable {
        let log: Log
        var failAt: Int?

        mutating func consume(_ batch: BatchOutput) throws {
            Thread.sleep(forTimeInterval: 0.002)  // slower than the producer, so the queue fills up
            if batch.commands == failAt { throw WriteFailed(batch: batch.commands) }
            log.append(batch.commands)
        }

        mutating func finish() throws { log.finish() }
    }

    static func batch(_ number: Int) -> BatchOutput {
        BatchOutput(divergences: [], sideEffects: [], commands: number, scenarios: 1)
    }

    @Test func everyBatchIsWrittenInOrderBeforeFinishReturns() throws {
        let log = Log()
        let sink = BackgroundSink(SlowSink(log: log), capacity: 2)
        for number in 1...40 { try sink.consume(Self.batch(number)) }
        try sink.finish()
        #expect(log.batches == Array(1...40))
        #expect(log.finishCalls == 1)
    }

    @Test func aWriteErrorStopsWritingAndIsThrownToTheProducer() throws {
        let log = Log()
        let sink = BackgroundSink(SlowSink(log: log, failAt: 5), capacity: 2)
        var thrown: (any Error)?
        for number in 1...40 {
            do {
                try sink.consume(Self.batch(number))
            } catch {
                thrown = error
                break
            }
        }
        let finishError = #expect(throws: WriteFailed.self) { try sink.finish() }
        #expect(finishError == WriteFailed(batch: 5))
        // The producer learns of it while still producing (at most `capacity` batches later), not only at the end.
        #expect(thrown as? WriteFailed == WriteFailed(batch: 5))
        #expect(log.batches == [1, 2, 3, 4])
    }

    @Test func finishingAnUnusedSinkFinishesTheBase() throws {
        let log = Log()
        let sink = BackgroundSink(SlowSink(log: log))
        try sink.finish()
        #expect(log.batches.isEmpty)
        #expect(log.finishCalls == 1)
    }
}
