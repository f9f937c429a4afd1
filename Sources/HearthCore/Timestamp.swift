#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// RFC 3339 timestamps in UTC with millisecond precision, the one format of every time in the API.
public enum Timestamp {
    public static func now() -> String {
        string(from: Date())
    }

    /// `2026-11-22T04:31:13.123Z`: written by hand (every write stamps several times; the
    /// format style costs ten times as much), the same text as `Date.ISO8601FormatStyle` with
    /// fractional seconds, which formats the times before the Gregorian calendar (1582-10-15) and
    /// after the year 9999. A test holds the two equal.
    public static func string(from date: Date) -> String {
        let time = date.timeIntervalSince1970
        let seconds = time.rounded(.down)
        // Before 1582-10-15 the format style counts in the Julian calendar; after 9999, five digits.
        guard seconds >= -12_219_292_800, seconds < 253_402_300_800 else { return formatted(date) }
        return civil(seconds: Int64(seconds), millis: min(Int64(((time - seconds) * 1000).rounded(.down)), 999))
    }

    /// The text of the time `millis` milliseconds after 1970-01-01, computed exactly (a `Date`
    /// holds seconds in floating point: `1795345108259 / 1000` may format as `.258`).
    public static func string(millisecondsSince1970 millis: Int64) -> String {
        let (seconds, remainder) = millis.quotientAndRemainder(dividingBy: 1000)
        let whole = remainder < 0 ? seconds - 1 : seconds
        guard whole >= -12_219_292_800, whole < 253_402_300_800 else {
            return formatted(Date(timeIntervalSince1970: Double(millis) / 1000))
        }
        return civil(seconds: whole, millis: remainder < 0 ? remainder + 1000 : remainder)
    }

    /// The text of `whole` seconds since 1970 and `millis` (0-999) more, in the range the
    /// hand-written form covers.
    private static func civil(seconds whole: Int64, millis: Int64) -> String {
        var days = whole / 86400
        var secondOfDay = whole % 86400
        if secondOfDay < 0 {
            secondOfDay += 86400
            days -= 1
        }
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm, proleptic Gregorian).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        func digits(_ value: Int64, _ count: Int) {
            var divisor: Int64 = 1
            for _ in 1..<count { divisor *= 10 }
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8((value / divisor) % 10))
                divisor /= 10
            }
        }
        digits(year, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(month, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(day, 2)
        bytes.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3600, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2)
        bytes.append(UInt8(ascii: "."))
        digits(millis, 3)
        bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The format style's text, for the times the hand-written form leaves to it.
    static func formatted(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    public static func date(from string: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(string))
            ?? (try? Date.ISO8601FormatStyle().parse(string))
    }
}
