import Testing

@testable import HearthCore

@Suite("Duration+Parsing")
struct DurationParsingTests {
    static let validExamples: [(String, Duration)] = [
        ("0s", .zero),
        ("0ms", .zero),
        ("1ms", .milliseconds(1)),
        ("250ms", .milliseconds(250)),
        ("1500ms", .milliseconds(1500)),
        ("10s", .seconds(10)),
        ("5m", .seconds(300)),
        ("1h", .seconds(3600)),
        ("7d", .seconds(604_800)),
        ("1h30m", .seconds(5400)),
        ("1d2h3m4s5ms", .milliseconds(93_784_005)),
        ("1m30s", .seconds(90)),
        ("5m5ms", .milliseconds(300_005)),
        ("90m", .seconds(5400)),
        ("30s1h", .seconds(3630)),  // any order
        ("1s1s", .seconds(2)),  // repeated units add up
        ("007s", .seconds(7)),  // leading zeros
    ]

    @Test("parses every unit and their combinations", arguments: validExamples)
    func valid(_ text: String, _ expected: Duration) {
        #expect(Duration.parse(text) == expected)
    }

    @Test(
        "refuses anything else",
        arguments: [
            "", " ", "s", "ms", "10", "1h30", "-5s", "+5s", "1.5s", ".5s", "5 s", " 5s", "5s ", "5S", "5M", "1H",
            "5sec", "5min", "1w", "1y", "5us", "5ns", "5µs", "1h-30m", "h1", "1hh", "5mss", "ten", "٣s", "５s", "1_000s",
            "99999999999999999999s",  // does not fit in Int64
        ])
    func invalid(_ text: String) {
        #expect(Duration.parse(text) == nil)
    }

    @Test(
        "refuses amounts too large to represent instead of crashing",
        arguments: [
            "9223372036854775807d", "9223372036854775807h", "9223372036854775807m", "9223372036854775807s",
            "106751991168d",  // just over Int64.max milliseconds
            "9223372036854775s9223372036854775s",  // each fits, the sum does not
        ])
    func overflow(_ text: String) {
        #expect(Duration.parse(text) == nil)
    }

    @Test("large but representable durations parse")
    func large() {
        #expect(Duration.parse("106751991167d") == .seconds(Int64(106_751_991_167) * 86400))
        #expect(Duration.parse("9223372036854775s") == .seconds(Int64(9_223_372_036_854_775)))
        #expect(Duration.parse("9223372036854775807ms") == .milliseconds(Int64.max))
        #expect(Duration.parse("36500d") == .seconds(Int64(36500) * 86400))
    }

    @Test(
        "secondsDouble is the duration in fractional seconds",
        arguments: [
            (Duration.zero, 0.0), (.seconds(3), 3.0), (.milliseconds(250), 0.25), (.milliseconds(1500), 1.5),
            (.seconds(-2), -2.0), (.seconds(86400), 86400.0),
        ] as [(Duration, Double)])
    func secondsDouble(_ duration: Duration, _ seconds: Double) {
        #expect(duration.secondsDouble == seconds)
    }

    @Test("parsed durations convert to seconds")
    func parsedSeconds() throws {
        #expect(try #require(Duration.parse("1m30s")).secondsDouble == 90)
        #expect(try #require(Duration.parse("10ms")).secondsDouble == 0.01)
    }
}
