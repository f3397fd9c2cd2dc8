import Foundation

/// RFC 3339 timestamps (`2026-11-24T10:00:00Z`, optional fraction, `Z` or `±hh:mm`), parsed and printed by
/// hand: exact, allocation-free and the same on every machine (no locale, no formatter state).
public enum Timestamp {
    /// The earliest supported instant, `0001-01-01T00:00:00Z`: RFC 3339 writes four-digit years only.
    public static let minSeconds: Double = -62_135_596_800
    /// The latest supported instant, `9999-12-31T23:59:59.999Z`.
    public static let maxSeconds: Double = 253_402_300_799.999

    /// Whether `seconds` is a time RFC 3339 can write (years 0001–9999); NaN and infinities are not.
    public static func isSupported(_ seconds: Double) -> Bool {
        seconds >= minSeconds && seconds <= maxSeconds
    }

    /// Seconds since 1970 (UTC), or `nil` when the text is not an RFC 3339 date-time.
    public static func parse(_ text: String) -> Double? {
        var utf8 = Array(text.utf8)
        guard utf8.count >= 20 else { return nil }
        func digits(_ from: Int, _ count: Int) -> Int? {
            var value = 0
            for i in from..<(from + count) {
                guard i < utf8.count, (48...57).contains(utf8[i]) else { return nil }
                value = value * 10 + Int(utf8[i] - 48)
            }
            return value
        }
        guard let year = digits(0, 4), utf8[4] == 45, let month = digits(5, 2), utf8[7] == 45,
              let day = digits(8, 2), utf8[10] == 84 || utf8[10] == 116,
              let hour = digits(11, 2), utf8[13] == 58, let minute = digits(14, 2), utf8[16] == 58,
              let second = digits(17, 2) else { return nil }
        guard (1...12).contains(month), (1...daysInMonth(year, month)).contains(day), hour < 24, minute < 60,
              second < 61 else { return nil }
        var index = 19
        var fraction = 0.0
        if index < utf8.count, utf8[index] == 46 {
            index += 1
            var scale = 0.1
            let start = index
            while index < utf8.count, (48...57).contains(utf8[index]) {
                fraction += Double(utf8[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        guard index < utf8.count else { return nil }
        var offset = 0
        switch utf8[index] {
        case 90, 122:
            index += 1
        case 43, 45:
            guard let oh = digits(index + 1, 2), index + 3 < utf8.count, utf8[index + 3] == 58,
                  let om = digits(index + 4, 2), oh < 24, om < 60 else { return nil }
            offset = (oh * 60 + om) * 60 * (utf8[index] == 45 ? -1 : 1)
            index += 6
        default:
            return nil
        }
        guard index == utf8.count else { return nil }
        utf8.removeAll()
        let days = daysFromCivil(year, month, day)
        return Double(days * 86_400 + hour * 3_600 + minute * 60 + second - offset) + fraction
    }

    /// `2026-11-24T10:00:00Z` (whole seconds) or with milliseconds when there is a fraction.
    public static func format(_ seconds: Double) -> String {
        let text = formatMillis(seconds)
        return text.hasSuffix(".000Z") ? String(text.dropLast(5)) + "Z" : text
    }

    /// Calendar fields of an instant, rounded to the millisecond.
    /// Never traps: a time outside the supported range (or NaN) is clamped to a bound well outside it
    /// (years ±300,000), which formats with a sign and many digits, never as a valid four-digit time.
    private static func fields(_ seconds: Double) -> (year: Int, month: Int, day: Int, second: Int, millis: Int) {
        let limit = 1e16  // milliseconds: about 317,000 years, far inside Int
        let scaled = (seconds * 1000).rounded()
        let totalMillis = Int(scaled.isNaN ? -limit : min(limit, max(-limit, scaled)))
        let whole = totalMillis >= 0 ? totalMillis / 1000 : (totalMillis - 999) / 1000
        let days = whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400
        let (year, month, day) = civilFromDays(days)
        return (year, month, day, whole - days * 86_400, totalMillis - whole * 1000)
    }

    /// `2026-11-24T10:00:00.000Z`: always milliseconds, so text order is time order. Formatted with integer
    /// arithmetic into a fixed buffer because the store writes one per side-effect row.
    public static func formatMillis(_ seconds: Double) -> String {
        let (year, month, day, rest, millis) = fields(seconds)
        guard (0...9999).contains(year) else {
            // Outside four-digit years: a sign and as many digits as needed (never written by the tools).
            return "\(year)-\(month)-\(day)T\(rest / 3600):\(rest / 60 % 60):\(rest % 60).\(millis)Z"
        }
        return String(unsafeUninitializedCapacity: 24) { buffer in
            func put(_ value: Int, _ width: Int, at offset: Int) {
                var value = value
                for index in stride(from: offset + width - 1, through: offset, by: -1) {
                    buffer[index] = UInt8(48 + value % 10)
                    value /= 10
                }
            }
            put(year, 4, at: 0); buffer[4] = 45
            put(month, 2, at: 5); buffer[7] = 45
            put(day, 2, at: 8); buffer[10] = 84
            put(rest / 3600, 2, at: 11); buffer[13] = 58
            put(rest / 60 % 60, 2, at: 14); buffer[16] = 58
            put(rest % 60, 2, at: 17); buffer[19] = 46
            put(millis, 3, at: 20); buffer[23] = 90
            return 24
        }
    }

    static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Howard Hinnant's days-from-civil: days since 1970-01-01 of a proleptic Gregorian date.
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
