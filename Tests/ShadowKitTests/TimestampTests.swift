import Foundation
import ShadowKit
import Testing

/// The store's fixed-width timestamps: always milliseconds, same instant as the general formatter.
@Suite struct TimestampTests {
    @Test(arguments: [0.0, 0.0004, 0.9996, 59.9999, 86_399.9995, 1_764_000_000.123, 1_767_603_600, -1.5, 951_782_400.5])
    func millisecondTextIsTheSameInstant(seconds: Double) throws {
        let text = Timestamp.formatMillis(seconds)
        #expect(text.count == 24)
        #expect(text.hasSuffix("Z"))
        let parsed = try #require(Timestamp.parse(text))
        #expect(abs(parsed - seconds) <= 0.0005 + 1e-6)
    }

    @Test(arguments: [0.0, 1_764_000_000.123, 1_767_603_600, 951_782_400.5, 4_102_444_799.999])
    func agreesWithFoundationsFormatter(seconds: Double) {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        #expect(Timestamp.formatMillis(seconds) == formatter.string(from: Date(timeIntervalSince1970: seconds)))
    }

    @Test func roundsToTheNearestMillisecondAndCarries() {
        #expect(Timestamp.formatMillis(0.9996) == "1970-01-01T00:00:01.000Z")
        #expect(Timestamp.formatMillis(86_399.9995) == "1970-01-02T00:00:00.000Z")
        #expect(Timestamp.format(59.9999) == "1970-01-01T00:01:00Z")
        #expect(Timestamp.format(1.25) == "1970-01-01T00:00:01.250Z")
    }

    @Test func textOrderIsTimeOrder() {
        let times = stride(from: 1_767_603_599.0, to: 1_767_603_601.0, by: 0.25).map { $0 }
        let texts = times.map(Timestamp.formatMillis)
        #expect(texts == texts.sorted())
    }
}
