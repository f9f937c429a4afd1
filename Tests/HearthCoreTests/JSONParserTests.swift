import Foundation
import HearthCore
import Testing

/// `JSONParser` and the hand-written resource reader stand in for `JSONDecoder`; these tests hold
/// them to its results, on random documents, edge cases and mutated text.
@Suite("JSON parser")
struct JSONParserTests {
    /// What `JSONDecoder` makes of `text` as a JSON value; nil when it refuses it.
    static func foundation(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    static func ours(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONParser.parse(bytes)
    }

    /// True where `JSONDecoder` accepts what RFC 8259 does not and the parser refuses on purpose:
    /// a trailing comma before `]` or `}`, or a NUL byte.
    static func lenientOnly(_ bytes: [UInt8]) -> Bool {
        bytes.contains(0) || String(decoding: bytes, as: UTF8.self).contains(/,\s*[\]}]/)
    }

    /// The parser's result is JSONDecoder's, but for its intended strictness.
    static func agrees(_ bytes: [UInt8]) -> Bool {
        let expected = foundation(bytes)
        let actual = ours(bytes)
        if actual == expected { return true }
        return actual == nil && lenientOnly(bytes)
    }

    @Test("random documents parse as JSONDecoder reads them")
    func randomDocuments() throws {
        var random = SplitMix64(seed: 99)
        for _ in 0..<2000 {
            var text = ""
            try JSONText.append(ResourceJSONTests.value(&random, depth: 0), to: &text)
            let bytes = Array(text.utf8)
            #expect(Self.ours(bytes) == Self.foundation(bytes), "\(text)")
        }
    }

    @Test("edge cases: numbers, escapes, surrogates, whitespace, nesting, duplicates, invalid text")
    func edgeCases() {
        let cases = [
            "1.0", "1e2", "1E2", "1.5", "-0", "-0.0", "1E400", "-1e400", "12345678901234567890", "9223372036854775807",
            "-9223372036854775808", "9223372036854775808", "-9223372036854775809", "1e-2", "0.1e1", "100e-2", "01", "-", "1.", ".5", "+1",
            "1e", "1e+", "123.456e2", "5e-324", "2e-400", "1e18", "9.2e18", "-9.3e18", "0", "-01", "00",
            #""\ud800""#, #""\udc00\ud800""#, #""\u00e9\ud83d\ude00""#, "\"a\tb\"", #""\x""#, "\"\u{7f}\"", #""\/\b\f\n\r\t\"\\""#,
            #""\u00""#, #""\uZZZZ""#, #""\ud83d\u0041""#, "\"unterminated", "\"", #""\"#,
            "[1,]", "[,1]", "[1 2]", "[", "]", "{}", "[]", " 1 ", "1 2", "\n\t\r 1 \n", "nul", "true", "false", "null", "tru", "nulll",
            #"{"a":1,"a":2}"#, #"{"a" 1}"#, #"{"a":}"#, #"{a:1}"#, #"{"a":1,}"#, #"{"a":1"#, "{", "",
            String(repeating: "[", count: 512) + String(repeating: "]", count: 512),
            String(repeating: "[", count: 513) + String(repeating: "]", count: 513),
            String(repeating: "[", count: 400) + String(repeating: "]", count: 400),
        ]
        for text in cases {
            #expect(Self.agrees(Array(text.utf8)), "\(text.prefix(40))")
        }
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x22, 0xE2, 0x82, 0xAC, 0x22], [0xEF, 0xBB, 0xBF, 0x31], [0x31, 0x00]] {
            #expect(Self.agrees(bytes), "\(bytes)")
        }
        // Strict where JSONDecoder is not.
        for text in ["[1,]", #"{"a":1,}"#, "[1 ,\n]"] { #expect(Self.ours(Array(text.utf8)) == nil) }
        #expect(Self.ours([0xEF, 0xBB, 0xBF, 0x31]) == .int(1))
    }

    @Test("mutated documents: wherever JSONDecoder reads a value, the parser reads the same one, and it refuses the rest")
    func mutatedDocuments() throws {
        var random = SplitMix64(seed: 4242)
        let insertions: [UInt8] = Array(#"{}[]",:\"0123456789.eE+-tfnu \#n"#.utf8) + [0x00, 0x1F, 0x7F, 0xC3, 0xFF]
        var agreed = 0
        for _ in 0..<3000 {
            var text = ""
            try JSONText.append(ResourceJSONTests.value(&random, depth: 0), to: &text)
            var bytes = Array(text.utf8)
            for _ in 0..<(1 + Int(random.next() % 3)) where !bytes.isEmpty {
                let at = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes.remove(at: at)
                case 1: bytes.insert(insertions[Int(random.next() % UInt64(insertions.count))], at: at)
                default: bytes[at] = insertions[Int(random.next() % UInt64(insertions.count))]
                }
            }
            #expect(Self.agrees(bytes), "\(String(decoding: bytes, as: UTF8.self))")
            if Self.foundation(bytes) != nil { agreed += 1 }
        }
        // Both outcomes were exercised.
        #expect(agreed > 300 && agreed < 2700)
    }

    @Test("a refusal says what is wrong and where")
    func failures() {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(#"{"a": tru}"#) }
        do {
            _ = try JSONParser.parse(#"{"a": [1, 2,, 3]}"#)
        } catch {
            #expect(error.description == "unexpected character ','; expected a value at byte 12")
        }
    }

    @Test("resources read back by hand as JSONDecoder reads them")
    func resources() throws {
        var random = SplitMix64(seed: 31)
        for _ in 0..<2000 {
            let resource = ResourceJSONTests.resource(&random)
            let json = try resource.json()
            let expected = try JSONDecoder().decode(Resource.self, from: Data(json.utf8))
            #expect(try Resource(parsingJSON: json) == expected)
        }
        #expect(throws: (any Error).self) { try Resource(parsingJSON: #"{"type":"widgets"}"#) }
    }
}
