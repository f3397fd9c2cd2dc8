import Foundation

/// PHP's own arithmetic where it differs from Swift's, for the legacy application, which is a PHP app: where the
/// two disagree, PHP is the reality (the Laravel example app in `examples/laravel-lms` runs the same legacy code
/// on PHP and must give the same outcomes).
public enum PHPMath {
    /// PHP's `round($value, $places)` (`PHP_ROUND_HALF_UP`, as in PHP 8.2, which the example app runs on): it *pre-rounds* the value to the
    /// 15 significant digits a double guarantees before rounding half away from zero, so a value that prints as
    /// a tie rounds up although its binary value is just below it. `round(54.375, 2)` is 54.38 in PHP, where
    /// `(54.375 * 100).rounded() / 100` is 54.37 (54.375 × 100 is 5437.499999… in binary).
    /// A port of `_php_math_round` (ext/standard/math.c) with its helpers.
    public static func round(_ value: Double, _ places: Int = 0) -> Double {
        guard value.isFinite, value != 0 else { return value }
        let precisionPlaces = 14 - Int(Foundation.floor(Foundation.log10(Swift.abs(value))))
        let f1 = intpow10(Swift.abs(places))
        var tmp: Double
        if precisionPlaces > places && precisionPlaces - 15 < places {
            let usePrecision = Swift.max(precisionPlaces, -4 * 15)
            // Pre-round to the precision a double guarantees (the result is something × 1e14).
            tmp = roundHelper(usePrecision >= 0 ? value * intpow10(usePrecision) : value / intpow10(-usePrecision))
            let shift = Swift.max(-4 * 15, places - usePrecision)
            tmp = tmp / intpow10(Swift.abs(shift))
        } else {
            tmp = places >= 0 ? value * f1 : value / f1
            // Beyond the precision of a double: rounding is pointless.
            if Swift.abs(tmp) >= 1e15 { return value }
        }
        tmp = roundHelper(tmp)
        if Swift.abs(places) < 23 {
            tmp = places > 0 ? tmp / f1 : tmp * f1
        }
        return tmp
    }

    /// `php_intpow10`: exact powers of ten from a table up to 1e22.
    private static func intpow10(_ power: Int) -> Double {
        guard power >= 0, power <= 22 else { return Foundation.pow(10.0, Double(power)) }
        return powers[power]
    }

    private static let powers: [Double] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
                                           1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]

    /// `php_round_helper` for `PHP_ROUND_HALF_UP`.
    private static func roundHelper(_ value: Double) -> Double {
        value >= 0 ? Foundation.floor(value + 0.5) : Foundation.ceil(value - 0.5)
    }
}
