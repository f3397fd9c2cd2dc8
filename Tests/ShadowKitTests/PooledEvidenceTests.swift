import Foundation
import LMSShadow
@testable import ShadowKit
import ShadowTestSupport
import Testing

/// The runner keeps each input's counts apart (what `advance` pools, each input once).
@Suite struct PerInputCountTests {
    @Test(arguments: [1, 3])
    func countsPerInputAddUpToTheRun(workers: Int) async throws {
        var source = ChainedSource<LMSShadow.GeneratedSource.Command>([
            GeneratedSource(seed: 1, count: 9), GeneratedSource(seed: 2, count: 6), GeneratedSource(seed: 1, count: 3),
        ])
        let (totals, _) = try await runToMemory(LMSSubject(), options: Fixtures.options(workers: workers), source: &source)
        #expect(Set(totals.inputs.keys) == ["generated:seed=1", "generated:seed=2"])
        for feature in totals.featureOrder {
            let sum = totals.inputs.values.reduce(0) { $0 + ($1[feature]?.comparisons ?? 0) }
            #expect(sum == totals.features[feature]?.comparisons)
            let mismatches = totals.inputs.values.reduce(0) { $0 + ($1[feature]?.mismatches ?? 0) }
            #expect(mismatches == totals.features[feature]?.mismatches)
        }
        #expect((totals.inputs["generated:seed=2"]?.values.reduce(0) { $0 + $1.comparisons } ?? 0) > 0)
    }
}
