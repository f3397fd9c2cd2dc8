import Foundation
import ShadowKit

/// Zeller's delta debugging (ddmin) over a list, with a final pass that makes the result 1-minimal.
///
/// The functions are pure: they know nothing about scenarios, only a list and a test that says whether a
/// sub-list still shows the property of interest (a failure, a divergence). Kept elements stay in their
/// original relative order, so properties that depend on order survive.
package enum DeltaDebugging {
    /// The result of a minimisation.
    public struct Outcome<Element>: Sendable where Element: Sendable {
        /// The smallest sub-list found that still has the property, in the original order.
        public var minimal: [Element]
        /// Positions of `minimal` in the input list.
        public var indices: [Int]
        /// How many times the test was run (repeated configurations are answered from a cache).
        public var tests: Int
        /// `true` when the final pass finished: removing any single element of `minimal` loses the property.
        /// `false` when the search stopped early (test limit or the caller's stop condition).
        public var isOneMinimal: Bool
    }

    /// Minimises `items` for a property that `items` itself must have.
    ///
    /// - Parameters:
    ///   - maxTests: stop after this many test runs; the result still has the property but may not be 1-minimal.
    ///   - test: `true` when a sub-list still has the property. It must be deterministic.
    package static func minimize<Element: Sendable>(_ items: [Element], maxTests: Int = .max,
                                                   _ test: ([Element]) -> Bool) -> Outcome<Element> {
        var tests = 0
        let indices = minimizeIndices(count: items.count, shouldStop: { tests >= maxTests }) { subset in
            tests += 1
            return test(subset.map { items[$0] }) ? subset.count : nil
        }
        return Outcome(minimal: indices.kept.map { items[$0] }, indices: indices.kept, tests: tests,
                       isOneMinimal: indices.isOneMinimal)
    }

    /// ddmin over positions `0..<count`, then single removals until none keeps the property.
    ///
    /// `test` receives a sorted list of positions and returns `nil` when the property is lost, or how many of
    /// the leading positions are enough to keep it. A causal system (where what happens at position *k*
    /// depends only on positions before it) returns the prefix up to the first occurrence and so cuts away
    /// everything after it in one step; any other test returns the full count.
    /// `shouldStop` is checked before every test.
    static func minimizeIndices(count: Int, shouldStop: () -> Bool,
                                test: ([Int]) -> Int?) -> (kept: [Int], isOneMinimal: Bool) {
        var current = Array(0..<count)
        // Configurations already known to lose the property: ddmin asks some of them twice.
        var lost: Set<[Int]> = []
        var stopped = false
        func check(_ subset: [Int]) -> [Int]? {
            if lost.contains(subset) { return nil }
            if shouldStop() {
                stopped = true
                return nil
            }
            guard let needed = test(subset) else {
                lost.insert(subset)
                return nil
            }
            return Array(subset.prefix(max(0, min(needed, subset.count))))
        }

        var granularity = 2
        while current.count >= 2, !stopped {
            let chunks = split(current, into: granularity)
            var reduced = false
            for chunk in chunks {
                if let kept = check(chunk) {
                    current = kept
                    granularity = 2
                    reduced = true
                    break
                }
                if stopped { break }
            }
            // With two chunks each complement is the other chunk, already tested.
            if !reduced, !stopped, granularity > 2 {
                for skip in chunks.indices {
                    let complement = chunks.enumerated().flatMap { $0.offset == skip ? [] : $0.element }
                    if let kept = check(complement) {
                        current = kept
                        granularity = max(granularity - 1, 2)
                        reduced = true
                        break
                    }
                    if stopped { break }
                }
            }
            if !reduced {
                if granularity >= current.count { break }
                granularity = min(granularity * 2, current.count)
            }
        }

        // ddmin usually ends 1-minimal already (its last round tests every single removal, answered from the
        // cache here); this pass guarantees it, including when ddmin never ran (fewer than two elements).
        let pass = removeSingles(current, shouldStop: { stopped || shouldStop() }, check: check)
        return (pass.kept, pass.complete && !stopped)
    }

    /// Removes one element at a time, restarting after each success, until no single removal keeps the property.
    static func removeSingles(_ start: [Int], shouldStop: () -> Bool,
                              check: ([Int]) -> [Int]?) -> (kept: [Int], complete: Bool) {
        var current = start
        var index = 0
        while index < current.count {
            if shouldStop() { return (current, false) }
            var candidate = current
            candidate.remove(at: index)
            if let kept = check(candidate) {
                current = kept
                index = 0
            } else {
                if shouldStop() { return (current, false) }
                index += 1
            }
        }
        return (current, true)
    }

    /// `items` cut into `parts` contiguous chunks whose sizes differ by at most one.
    static func split(_ items: [Int], into parts: Int) -> [[Int]] {
        let parts = max(1, min(parts, items.count))
        return (0..<parts).map { part in
            Array(items[(part * items.count / parts)..<((part + 1) * items.count / parts)])
        }
    }
}
