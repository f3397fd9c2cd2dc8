import Foundation

/// The arithmetic legacy switches to when a score quirk is switched off (the counterfactual check): what the
/// refactor intends, written here a second time on purpose. The check compares modern with legacy-as-intended;
/// if legacy borrowed modern's `FixedPointScore` or grading strategies, a bug in those would be in both sides
/// of that comparison and could never show (a mean that truncates would "explain" itself).
///
/// Scores are whole hundredths of a percent (80.00% is 8000); weights and credits are read to a thousandth.
enum IntendedArithmetic {
    /// `numerator / denominator` rounded to the nearest integer, halves away from zero (both are non-negative).
    static func roundedQuotient(_ numerator: Int, _ denominator: Int) -> Int {
        let quotient = numerator / denominator
        return numerator % denominator * 2 >= denominator ? quotient + 1 : quotient
    }

    /// An attempt's score in hundredths, or `nil` when its questions weigh nothing.
    static func score(weights: [Double], answers: [Double]) -> Int? {
        func thousandths(_ value: Double) -> Int { Int((value * 1000).rounded()) }
        var earned = 0
        var possible = 0
        for index in weights.indices {
            let weight = max(0, thousandths(weights[index]))
            let credit = answers.indices.contains(index) ? min(1000, max(0, thousandths(answers[index]))) : 0
            earned += weight * credit
            possible += weight * 1000
        }
        return possible == 0 ? nil : roundedQuotient(earned * 10_000, possible)
    }

    /// A percentage (a pass mark, a stored score) in hundredths.
    static func hundredths(_ percent: Double) -> Int { Int((percent * 100).rounded()) }

    /// One quiz grade from the graded attempts' scores (hundredths, in the order the attempts were started).
    static func grade(_ scores: [Int], strategy: GradingStrategyKind) -> Int? {
        guard let first = scores.first, let last = scores.last else { return nil }
        switch strategy {
        case .highest: return scores.reduce(first) { $0 > $1 ? $0 : $1 }
        case .latest: return last
        case .first: return first
        case .average: return roundedQuotient(scores.reduce(0, +), scores.count)
        }
    }
}
