import SplitMix

/// The order in which the sides of one command are applied, and so timed.
///
/// Drawn per command from the scenario's ordinal and the command's seq (seeded, so the same input gives the same
/// order on every run and for any worker count), each order equally likely: no side is always timed first, on a
/// cold cache, as Scientist shuffles its candidates. The order is packed two bits per side, first side in the
/// lowest bits: ``control``, ``candidate``, and ``repeatControl`` (the control's second world, for A/A timing).
package enum TimingOrder {
    package static let control: UInt8 = 1
    package static let candidate: UInt8 = 2
    package static let repeatControl: UInt8 = 3

    private static let pairs: [UInt8] = [pack(control, candidate), pack(candidate, control)]
    private static let triples: [UInt8] = [
        pack(control, candidate, repeatControl), pack(control, repeatControl, candidate),
        pack(candidate, control, repeatControl), pack(candidate, repeatControl, control),
        pack(repeatControl, control, candidate), pack(repeatControl, candidate, control),
    ]

    /// The packed order for a command; `sides` is 2 (control, candidate) or 3 (with the repeated control).
    package static func order(ordinal: Int, seq: Int, sides: Int) -> UInt8 {
        let draw = SplitMix64.mix(UInt64(truncatingIfNeeded: ordinal) &* SplitMix64.golden
                                  ^ UInt64(truncatingIfNeeded: seq) &+ 0x7153_6B1E)
        return sides == 3 ? triples[Int(draw % 6)] : pairs[Int(draw & 1)]
    }

    /// The sides of a packed order, first to last.
    package static func sides(_ order: UInt8) -> [UInt8] {
        var order = order
        var sides: [UInt8] = []
        while order != 0 {
            sides.append(order & 0b11)
            order >>= 2
        }
        return sides
    }

    private static func pack(_ sides: UInt8...) -> UInt8 {
        sides.reversed().reduce(0) { $0 << 2 | $1 }
    }
}

/// The clock interval one scenario covered.
public struct ScenarioSpan: Sendable, Equatable {
    public var start: Double
    public var end: Double

    init(start: Double, end: Double) {
        self.start = start
        self.end = max(start, end)
    }

    /// The length of the union of `spans`: time covered by overlapping scenarios counts once, gaps not at all.
    static func unionLength(_ spans: [ScenarioSpan]) -> Double {
        var total = 0.0
        var current: ScenarioSpan?
        for span in spans.sorted(by: { $0.start < $1.start }) {
            if let open = current, span.start <= open.end {
                current?.end = max(open.end, span.end)
            } else {
                if let open = current { total += open.end - open.start }
                current = span
            }
        }
        if let open = current { total += open.end - open.start }
        return total
    }
}
