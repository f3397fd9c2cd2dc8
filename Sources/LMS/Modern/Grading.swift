import Foundation

/// Exact score arithmetic of the modern grading service: fixed-point hundredths of a percent, half-up
/// rounding, so 2.4 of 3 points is 80.00%, not 79.999…%.
public enum FixedPointScore {
    /// Weights and credits are taken to a thousandth, the precision the quiz editor stores.
    static func millis(_ x: Double) -> Int { Int((x * 1000).rounded()) }

    /// The score in hundredths of a percent, or `nil` when the questions weigh nothing.
    package static func hundredths(weights: [Double], answers: [Double]) -> Int? {
        var earned = 0
        var total = 0
        for (index, weight) in weights.enumerated() {
            let weightMillis = max(0, millis(weight))
            let credit = index < answers.count ? min(1000, max(0, millis(answers[index]))) : 0
            earned += weightMillis * credit
            total += weightMillis * 1000
        }
        guard total > 0 else { return nil }
        return divideRoundingHalfUp(earned * 10_000, by: total)
    }

    /// Pass mark in hundredths (80 → 8000).
    package static func hundredths(percent: Double) -> Int { Int((percent * 100).rounded()) }

    static func divideRoundingHalfUp(_ numerator: Int, by denominator: Int) -> Int {
        (2 * numerator + denominator) / (2 * denominator)
    }

    public static func percent(_ hundredths: Int) -> Double { Double(hundredths) / 100 }
}

/// A way of turning a user's graded attempts (in the order they were started) into one quiz grade.
public protocol GradingStrategy: Sendable {
    /// Grade in hundredths of a percent; `nil` when there is no graded attempt.
    func grade(_ scores: [Int]) -> Int?
}

/// Best attempt counts.
package struct HighestAttemptStrategy: GradingStrategy {
    public init() {}
    public func grade(_ scores: [Int]) -> Int? { scores.max() }
}

/// Most recently started graded attempt counts.
package struct LatestAttemptStrategy: GradingStrategy {
    public init() {}
    public func grade(_ scores: [Int]) -> Int? { scores.last }
}

/// Mean of all graded attempts, rounded half up to a hundredth.
package struct AverageAttemptStrategy: GradingStrategy {
    public init() {}
    public func grade(_ scores: [Int]) -> Int? {
        guard !scores.isEmpty else { return nil }
        return FixedPointScore.divideRoundingHalfUp(scores.reduce(0, +), by: scores.count)
    }
}

/// Only the first graded attempt counts.
package struct FirstAttemptStrategy: GradingStrategy {
    public init() {}
    public func grade(_ scores: [Int]) -> Int? { scores.first }
}

extension GradingStrategyKind {
    /// The strategy object a quiz configured with this kind uses.
    public var strategy: any GradingStrategy {
        switch self {
        case .highest: HighestAttemptStrategy()
        case .latest: LatestAttemptStrategy()
        case .average: AverageAttemptStrategy()
        case .first: FirstAttemptStrategy()
        }
    }
}
