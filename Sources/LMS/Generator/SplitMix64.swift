import SplitMix

/// The traffic generator's randomness: ``SplitMix64`` (target `SplitMix`) in independent seeded streams.
///
/// The generator owns its arithmetic (ranges, probabilities) instead of using the standard library's
/// `random(in:using:)`, whose algorithm may change between toolchains: the same seed must give the same bytes
/// on every machine and every Swift version.
extension SplitMix64 {
    /// The generator of stream `stream` under `seed`. Each stream (one per scenario) is independent of the
    /// others, so scenario `i` gets the same numbers whether or not the scenarios before it were generated.
    init(seed: UInt64, stream: UInt64) {
        self.init(state: Self.mix(seed ^ 0x6A09_E667_F3BC_C909) ^ Self.mix(stream &* Self.golden &+ 0xBB67_AE85_84CA_A73B))
    }

    /// A uniform integer in `range` (Lemire's multiply-shift; the bias is below 2⁻⁵⁰ for the small ranges used).
    mutating func int(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(bitPattern: Int64(range.upperBound &- range.lowerBound)) &+ 1
        guard span != 0 else { return Int(truncatingIfNeeded: next()) }
        let offset = next().multipliedFullWidth(by: span).high
        return range.lowerBound &+ Int(truncatingIfNeeded: offset)
    }

    /// A uniform index in `0..<count`; `count` must be positive.
    mutating func index(below count: Int) -> Int { int(in: 0...(max(1, count) - 1)) }

    /// A uniform double in `0..<1` with 53 random bits.
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// `true` with probability `probability`.
    mutating func chance(_ probability: Double) -> Bool { unit() < probability }

    /// A uniform element of a non-empty array.
    mutating func pick<Element>(_ elements: [Element]) -> Element { elements[index(below: elements.count)] }

    /// An element drawn with the given integer weights (at least one weight must be positive).
    mutating func weighted<Element>(_ choices: [(Element, Int)]) -> Element {
        let total = choices.reduce(0) { $0 + max(0, $1.1) }
        var ticket = int(in: 0...(max(1, total) - 1))
        for (element, weight) in choices where weight > 0 {
            if ticket < weight { return element }
            ticket -= weight
        }
        return choices[choices.count - 1].0
    }
}
