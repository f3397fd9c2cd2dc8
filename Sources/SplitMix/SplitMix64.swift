/// SplitMix64 (Steele, Lea & Flood, 2014): a tiny, fast generator whose output depends only on its state.
/// The one implementation: the LMS traffic generator draws its scenarios from it (adding seeded streams and
/// its own range arithmetic), and the engine's bootstrap generator seeds xoshiro256** with it.
package struct SplitMix64: Sendable {
    package var state: UInt64

    package static let golden: UInt64 = 0x9E37_79B9_7F4A_7C15

    package init(state: UInt64) { self.state = state }

    /// The SplitMix64 output function (a 64-bit finaliser with good avalanche).
    package static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    package mutating func next() -> UInt64 {
        state &+= Self.golden
        return Self.mix(state)
    }
}
