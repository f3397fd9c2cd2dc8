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
        let general = Timestamp.format(seconds)
        #expect(text == (general.contains(".") ? general : general.replacingOccurrences(of: "Z", with: ".000Z")))
    }

    @Test func textOrderIsTimeOrder() {
        let times = stride(from: 1_767_603_599.0, to: 1_767_603_601.0, by: 0.25).map { $0 }
        let texts = times.map(Timestamp.formatMillis)
        #expect(texts == texts.sorted())
    }
}
