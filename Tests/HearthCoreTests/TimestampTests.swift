import Foundation
import Testing

@testable import HearthCore

@Suite("Timestamp")
struct TimestampTests {
    @Test("formats RFC 3339 in UTC with milliseconds")
    func format() {
        let date = Date(timeIntervalSince1970: 1_700_000_000.125)
        #expect(Timestamp.string(from: date) == "2023-11-14T22:13:20.125Z")
        #expect(Timestamp.string(from: Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
    }

    @Test("parses what it formats")
    func roundTrip() throws {
        let text = "2024-02-29T12:34:56.789Z"
        let date = try #require(Timestamp.date(from: text))
        #expect(Timestamp.string(from: date) == text)
    }

    @Test("parses timestamps without fractional seconds too")
    func withoutFraction() throws {
        let date = try #require(Timestamp.date(from: "2024-01-01T00:00:00Z"))
        #expect(date.timeIntervalSince1970 == 1_704_067_200)
    }

    @Test("now is a parseable timestamp")
    func now() throws {
        let now = Timestamp.now()
        #expect(now.hasSuffix("Z"))
        let date = try #require(Timestamp.date(from: now))
        #expect(abs(date.timeIntervalSinceNow) < 60)
    }

    @Test("refuses what is not a timestamp", arguments: ["", "yesterday", "2024-01-01", "2024-13-01T00:00:00Z", "12:00:00"])
    func invalid(_ text: String) {
        #expect(Timestamp.date(from: text) == nil)
    }

    @Test("the hand-written RFC 3339 text is the ISO 8601 format style's, for any time")
    func matchesFormatStyle() {
        var random = SplitMix64(seed: 1970)
        var times: [Double] = [
            0, 0.0004, 0.0005, 0.0009999, 1.9996, 1_795_321_873.123_456_7, -1.5, -0.0004, 253_402_300_799.999, 253_402_300_800,
            -62_135_596_800, -62_135_596_800.5, -12_219_292_800, -12_219_292_800.001, 951_782_400, 951_868_799.999, 1e12, -1e12,
            4_102_444_800,
        ]
        for _ in 0..<20000 {
            // Years 1 to 9999, with any fraction of a second.
            times.append(Double(Int64(random.next() % 315_537_897_600) - 62_135_596_800) + Double(random.next() % 1_000_000) / 1_000_000)
        }
        for time in times {
            let date = Date(timeIntervalSince1970: time)
            #expect(Timestamp.string(from: date) == Timestamp.formatted(date), "\(time)")
        }
    }

    @Test("milliseconds since 1970 format exactly, before 1970 too")
    func fromMilliseconds() {
        // 1795345108259 / 1000 is not exact in binary floating point.
        #expect(Timestamp.string(millisecondsSince1970: 1_795_345_108_259) == "2026-11-22T10:58:28.259Z")
        #expect(Timestamp.string(millisecondsSince1970: 0) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.string(millisecondsSince1970: -1) == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp.string(millisecondsSince1970: -1500) == "1969-12-31T23:59:58.500Z")
        var random = SplitMix64(seed: 2026)
        for _ in 0..<5000 {
            let millis = Int64(random.next() % 4_102_444_800_000)
            let text = Timestamp.string(millisecondsSince1970: millis)
            let date = Date(timeIntervalSince1970: Double(millis) / 1000)
            // The format style agrees to the millisecond (it may round the floating point down by one).
            #expect(abs((Timestamp.date(from: text)?.timeIntervalSince1970 ?? 0) - date.timeIntervalSince1970) < 0.0005, "\(millis)")
            #expect(text.hasSuffix(String(format: "%03d", Int(millis % 1000)) + "Z"), "\(millis)")
        }
    }
}
