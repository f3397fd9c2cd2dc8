import SplitMix
import Testing

/// The one SplitMix64 of the package: the LMS generator and the engine's bootstrap both draw from it, so a stored
/// corpus or a gate's bootstrap interval depends on these exact numbers.
@Suite struct SplitMix64Tests {
    /// The reference outputs of Vigna's splitmix64.c with the state starting at 0.
    @Test func seedZeroGivesThePublishedSequence() {
        var generator = SplitMix64(state: 0)
        let drawn = (0..<4).map { _ in generator.next() }
        #expect(drawn == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F, 0xF88B_B8A8_724C_81EC])
    }

    /// The output function alone: what `next()` returns is `mix` of the advanced state, and `mix(0)` is 0.
    @Test func nextIsTheMixOfTheAdvancedState() {
        var generator = SplitMix64(state: 41)
        let value = generator.next()
        #expect(generator.state == 41 &+ SplitMix64.golden)
        #expect(value == SplitMix64.mix(41 &+ SplitMix64.golden))
        #expect(SplitMix64.mix(0) == 0)
    }

    /// The state wraps instead of trapping: a seed near the top of the range keeps drawing.
    @Test func theStateWrapsAround() {
        var generator = SplitMix64(state: .max)
        _ = generator.next()
        #expect(generator.state == SplitMix64.golden &- 1)
    }
}
