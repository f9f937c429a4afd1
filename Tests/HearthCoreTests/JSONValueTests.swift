import Foundation
import Testing

@testable import HearthCore

@Suite("JSONValue")
struct JSONValueTests {
    static func decode(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    static func encode(_ value: JSONValue) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func roundTrip(_ value: JSONValue) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }

    // MARK: Decoding

    @Test(
        "decodes every kind of JSON value",
        arguments: [
            ("null", JSONValue.null),
            ("true", .bool(true)),
            ("false", .bool(false)),
            ("0", .int(0)),
            ("-17", .int(-17)),
            ("1.5", .double(1.5)),
            ("-0.25", .double(-0.25)),
            ("1e-3", .double(0.001)),
            (#""""#, .string("")),
            (#""héllo \"quoted\" \n 🙂""#, .string("héllo \"quoted\" \n 🙂")),
            ("[]", .array([])),
            ("{}", .object([:])),
            (#"[1,"a",null,true,2.5]"#, .array([.int(1), .string("a"), .null, .bool(true), .double(2.5)])),
            (#"{"a":{"b":[{"c":null}]}}"#, .object(["a": .object(["b": .array([.object(["c": .null])])])])),
        ])
    func decoding(_ text: String, _ expected: JSONValue) throws {
        #expect(try Self.decode(text) == expected)
    }

    @Test("booleans are not numbers and numbers are not booleans")
    func boolsAndNumbers() throws {
        #expect(try Self.decode("1") == .int(1))
        #expect(try Self.decode("0") == .int(0))
        #expect(try Self.decode("true") == .bool(true))
        #expect(try Self.decode(#""true""#) == .string("true"))
        #expect(try Self.decode(#""1""#) == .string("1"))
    }

    @Test(
        "integers beyond 2^53 keep every digit",
        arguments: [
            Int64(9_007_199_254_740_992),  // 2^53
            9_007_199_254_740_993,  // 2^53 + 1: not representable as a Double
            1_234_567_890_123_456_789,
            Int64.max,
            Int64.min,
            -9_007_199_254_740_993,
        ])
    func bigIntegers(_ n: Int64) throws {
        let decoded = try Self.decode(String(n))
        #expect(decoded == .int(n))
        #expect(try Self.encode(.int(n)) == String(n))
        #expect(try Self.roundTrip(.int(n)) == .int(n))
        #expect(try Self.roundTrip(["n": .int(n)])["n"]?.int64Value == n)
    }

    @Test("integers beyond Int64 decode as doubles rather than failing")
    func hugeIntegers() throws {
        #expect(try Self.decode("18446744073709551616") == .double(18446744073709551616))
        #expect(try Self.decode("-9223372036854775809") == .double(-9223372036854775809))
    }

    @Test(
        "doubles round-trip exactly",
        arguments: [0.1, 1.5, -2.75, 3.141592653589793, 1e-10, 6.02214076e23, -1.7976931348623157e308, 5e-324])
    func doubles(_ d: Double) throws {
        #expect(try Self.roundTrip(.double(d)) == .double(d))
        #expect(try Self.roundTrip([.double(d)]) == [.double(d)])
    }

    @Test("nested documents round-trip")
    func nested() throws {
        let value: JSONValue = [
            "name": "web",
            "empty": [:],
            "list": [],
            "nothing": nil,
            "spec": [
                "replicas": 3,
                "ratio": 0.75,
                "big": .int(9_007_199_254_740_993),
                "enabled": false,
                "ports": [["port": 80, "name": "http"], ["port": 443, "tls": ["cert": "c", "ciphers": ["a", "b"]]]],
                "matrix": [[1, 2], [3, [4, [5, nil]]]],
            ],
            "unicode": "日本語 🙂 \u{0} \"\\",
        ]
        #expect(try Self.roundTrip(value) == value)
    }

    @Test("encodes to compact JSON")
    func encoding() throws {
        #expect(try Self.encode(nil) == "null")
        #expect(try Self.encode(true) == "true")
        #expect(try Self.encode(42) == "42")
        #expect(try Self.encode(1.5) == "1.5")
        #expect(try Self.encode("s") == #""s""#)
        #expect(try Self.encode(["b": 1, "a": [true, nil]]) == #"{"a":[true,null],"b":1}"#)
    }

    @Test("nulls inside objects survive a round trip as explicit nulls")
    func explicitNulls() throws {
        let value: JSONValue = ["a": nil]
        #expect(try Self.encode(value) == #"{"a":null}"#)
        #expect(try Self.roundTrip(value) == value)
        #expect(try Self.roundTrip(value)["a"] == .null)
    }

    @Test("decodes as a member of a Codable type")
    func asMember() throws {
        struct Wrapper: Codable, Equatable {
            var spec: JSONValue
            var optional: JSONValue?
        }
        let w = try JSONDecoder().decode(Wrapper.self, from: Data(#"{"spec":{"x":[1]}}"#.utf8))
        #expect(w == Wrapper(spec: ["x": [1]], optional: nil))
        let back = try JSONDecoder().decode(Wrapper.self, from: JSONEncoder().encode(w))
        #expect(back == w)
    }

    @Test("invalid JSON is refused")
    func invalid() {
        #expect(throws: (any Error).self) { try Self.decode("{") }
        #expect(throws: (any Error).self) { try Self.decode("[1 2]") }
        #expect(throws: (any Error).self) { try Self.decode("") }
        #expect(throws: (any Error).self) { try Self.decode("nul") }
    }

    // MARK: Accessors

    @Test(
        "type names follow JSON Schema",
        arguments: [
            (JSONValue.null, "null"), (.bool(true), "boolean"), (.int(1), "integer"), (.double(1.5), "number"),
            (.string(""), "string"), (.array([]), "array"), (.object([:]), "object"),
        ])
    func typeNames(_ value: JSONValue, _ name: String) {
        #expect(value.typeName == name)
    }

    @Test("typed accessors return a value only for their own case")
    func accessors() {
        let object: JSONValue = ["k": "v"]
        #expect(object.objectValue == ["k": .string("v")])
        #expect(object.stringValue == nil)
        #expect(object.arrayValue == nil)
        #expect(JSONValue.string("s").stringValue == "s")
        #expect(JSONValue.string("s").objectValue == nil)
        #expect(JSONValue.array([1]).arrayValue == [.int(1)])
        #expect(JSONValue.bool(false).boolValue == false)
        #expect(JSONValue.int(0).boolValue == nil)
        #expect(JSONValue.null.stringValue == nil)
    }

    @Test(
        "int64Value accepts integers and integral doubles of safe size",
        arguments: [
            (JSONValue.int(7), Int64?.some(7)),
            (.int(.min), .min),
            (.double(3.0), 3),
            (.double(-2.0), -2),
            (.double(8.9e15), 8_900_000_000_000_000),
            (.double(3.5), nil),
            (.double(1e16), nil),
            (.double(.infinity), nil),
            (.double(.nan), nil),
            (.string("3"), nil),
            (.bool(true), nil),
            (.null, nil),
        ])
    func int64Value(_ value: JSONValue, _ expected: Int64?) {
        #expect(value.int64Value == expected)
    }

    @Test("subscript and value(at:) walk objects")
    func paths() {
        let value: JSONValue = ["a": ["b": ["c": 1]], "list": [1, 2]]
        #expect(value["a"]?["b"]?["c"] == 1)
        #expect(value["missing"] == nil)
        #expect(JSONValue.int(1)["a"] == nil)
        #expect(value.value(at: ["a", "b", "c"]) == 1)
        #expect(value.value(at: ["a", "b"]) == ["c": 1])
        #expect(value.value(at: []) == value)
        #expect(value.value(at: ["a", "x"]) == nil)
        #expect(value.value(at: ["a", "b", "c", "d"]) == nil)
        #expect(value.value(at: ["list", "0"]) == nil)
    }

    @Test("literals build the matching cases")
    func literals() {
        let s: JSONValue = "x"
        let i: JSONValue = 1
        let d: JSONValue = 1.5
        let b: JSONValue = true
        let n: JSONValue = nil
        let a: JSONValue = [1, "x"]
        let o: JSONValue = ["k": 1, "k2": nil]
        #expect(s == .string("x"))
        #expect(i == .int(1))
        #expect(d == .double(1.5))
        #expect(b == .bool(true))
        #expect(n == .null)
        #expect(a == .array([.int(1), .string("x")]))
        #expect(o == .object(["k": .int(1), "k2": .null]))
    }

    @Test("an integer and a double are different values")
    func intVersusDouble() {
        #expect(JSONValue.int(1) != JSONValue.double(1.0))
        #expect(Set<JSONValue>([.int(1), .double(1.0), .string("1")]).count == 3)
    }
}
