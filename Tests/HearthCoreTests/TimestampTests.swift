import Foundation
import Testing

@testable import HearthCore

@Suite("Timestamps")
struct TimestampTests {
    @Test("the hand-written RFC 3339 text is the ISO 8601 format style's, for any time")
    func matchesFormatStyle() {
        var random = SplitMix64(seed: 1970)
        var times: [Double] = [
            0, 0.0004, 0.0005, 0.0009999, 1.9996, 1_795_321_873.123_456_7, -1.5, -0.0004, 253_402_300_799.999, 253_402_300_800,
            -62_135_596_800, -62_135_596_800.5, 951_782_400, 951_868_799.999, 1e12, -1e12, 4_102_444_800,
        ]
        for _ in 0..<20000 {
            // Years 1 to 9999, with any fraction of a second.
            times.append(Double(Int64(random.next() % 315_537_897_600) - 62_135_596_800) + Double(random.next() % 1_000_000) / 1_000_000)
        }
        for time in times {
            let date = Date(timeIntervalSince1970: time)
            #expect(Timestamp.string(from: date) == Timestamp.formatted(date), "\(time)")
        }
        #expect(Timestamp.date(from: Timestamp.now()) != nil)
    }
}
