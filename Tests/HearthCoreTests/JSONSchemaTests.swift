import Foundation
import Testing

@testable import HearthCore

@Suite("JSONSchema")
struct JSONSchemaTests {
    /// A schema shaped like a real type's spec.
    static let service = JSONSchema.object(
        [
            "image": .string(minLength: 1, maxLength: 256),
            "replicas": .integer(minimum: 0, maximum: 100),
            "ratio": .number(minimum: 0, maximum: 1),
            "enabled": .boolean(),
            "protocol": .string(enum: ["tcp", "udp"]),
            "host": .string(format: "hostname"),
            "backend": .string(format: "dns-label"),
            "timeout": .string(format: "duration"),
            "ports": .array(
                of: .object(
                    ["name": .string(format: "dns-label"), "port": .integer(minimum: 1, maximum: 65535)],
                    required: ["port"]),
                minItems: 1, maxItems: 3),
            "env": .map(of: .string(maxLength: 8)),
            "extra": .any,
        ],
        required: ["image"])

    static func messages(_ violations: [FieldViolation]) -> [String] { violations.map(\.description) }

    @Test("a valid document has no violations")
    func valid() {
        let spec: JSONValue = [
            "image": "nginx:1.27",
            "replicas": 3,
            "ratio": 0.5,
            "enabled": true,
            "protocol": "tcp",
            "host": "www.example.com",
            "backend": "api-v2",
            "timeout": "1h30m",
            "ports": [["name": "http", "port": 80], ["port": 443]],
            "env": ["A": "1", "LONG_KEY_OK": "12345678"],
            "extra": ["anything": [1, "two", nil, 3.5, ["deep": true]]],
        ]
        #expect(Self.service.validate(spec, at: "spec").isEmpty)
    }

    @Test("the smallest valid document: only the required field")
    func minimal() {
        #expect(Self.service.validate(["image": "x"], at: "spec").isEmpty)
    }

    // MARK: Field paths

    @Test("violations inside arrays of objects name the full path")
    func nestedArrayPath() {
        let spec: JSONValue = ["image": "x", "ports": [["port": 0], ["port": 80, "name": "Web"], [:]]]
        #expect(
            Self.messages(Self.service.validate(spec, at: "spec")) == [
                "spec.ports[0].port: must be at least 1",
                "spec.ports[1].name: must consist of lowercase letters, digits and '-' (found 'W')",
                "spec.ports[2].port: is required",
            ])
    }

    @Test("the path is joined without a leading dot when the root path is empty")
    func emptyRootPath() {
        let schema = JSONSchema.object(["a": .object(["b": .integer()])])
        #expect(Self.messages(schema.validate(["a": ["b": "x"]], at: "")) == ["a.b: must be an integer, not string"])
        #expect(Self.messages(JSONSchema.array(of: .string()).validate([1], at: "")) == ["[0]: must be a string, not integer"])
    }

    @Test("every violation is reported, not only the first")
    func allViolations() {
        let spec: JSONValue = ["replicas": -1, "protocol": "sctp", "enabled": "yes", "bogus": 1]
        let violations = Self.service.validate(spec, at: "spec")
        #expect(
            Set(Self.messages(violations)) == [
                "spec.image: is required",
                "spec.replicas: must be at least 0",
                "spec.protocol: must be one of 'tcp', 'udp'",
                "spec.enabled: must be a boolean, not string",
                "spec.bogus: unknown field",
            ])
    }

    // MARK: Types

    @Test(
        "type mismatches say what was expected and what was found",
        arguments: [
            (JSONSchema.object([:]), JSONValue.array([]), "must be an object, not array"),
            (.array(of: .any), .object([:]), "must be an array, not object"),
            (.string(), .int(1), "must be a string, not integer"),
            (.string(), .null, "must be a string, not null"),
            (.integer(), .string("1"), "must be an integer, not string"),
            (.integer(), .double(1.5), "must be an integer, not number"),
            (.integer(), .bool(true), "must be an integer, not boolean"),
            (.number(), .string("1.5"), "must be a number, not string"),
            (.boolean(), .int(0), "must be a boolean, not integer"),
            (JSONSchema(type: "null"), .bool(false), "must be a null, not boolean"),
        ])
    func typeMismatch(_ schema: JSONSchema, _ value: JSONValue, _ reason: String) {
        #expect(schema.validate(value, at: "f") == [FieldViolation(field: "f", reason: reason)])
    }

    @Test("numbers: integers are numbers, and integral doubles are integers")
    func numericTypes() {
        #expect(JSONSchema.number().validate(.int(3), at: "n").isEmpty)
        #expect(JSONSchema.number().validate(.double(3.25), at: "n").isEmpty)
        #expect(JSONSchema.integer().validate(.double(3.0), at: "n").isEmpty)
        #expect(JSONSchema.integer().validate(.int(.max), at: "n").isEmpty)
        #expect(JSONSchema(type: "null").validate(.null, at: "n").isEmpty)
    }

    @Test("a type mismatch stops further checks of that value")
    func mismatchStops() {
        let schema = JSONSchema.string(minLength: 5, enum: ["hello"])
        #expect(Self.messages(schema.validate(1, at: "s")) == ["s: must be a string, not integer"])
    }

    @Test("the 'any' schema accepts every value", arguments: [JSONValue.null, true, 1, 1.5, "s", [1], ["k": "v"]])
    func anySchema(_ value: JSONValue) {
        #expect(JSONSchema.any.validate(value, at: "x").isEmpty)
    }

    // MARK: Objects

    @Test("unknown fields are rejected, each by its path")
    func unknownFields() {
        let schema = JSONSchema.object(["known": .string(), "inner": .object(["a": .integer()])])
        #expect(
            Self.messages(schema.validate(["known": "k", "zeta": 1, "alpha": 2, "inner": ["a": 1, "b": 2]], at: "spec")) == [
                "spec.alpha: unknown field",
                "spec.inner.b: unknown field",
                "spec.zeta: unknown field",
            ])
    }

    @Test("an object schema with no properties rejects every field")
    func emptyObjectSchema() {
        #expect(Self.messages(JSONSchema.object([:]).validate(["x": 1], at: "spec")) == ["spec.x: unknown field"])
        #expect(JSONSchema.object([:]).validate([:], at: "spec").isEmpty)
    }

    @Test("additionalProperties validates fields not listed in properties")
    func additionalProperties() {
        let schema = JSONSchema(
            type: "object", properties: ["fixed": .boolean()], additionalProperties: .integer(minimum: 0))
        #expect(schema.validate(["fixed": true, "a": 1, "b": 2], at: "m").isEmpty)
        #expect(
            Self.messages(schema.validate(["fixed": 1, "a": -1, "b": "x"], at: "m")) == [
                "m.a: must be at least 0",
                "m.b: must be an integer, not string",
                "m.fixed: must be a boolean, not integer",
            ])
    }

    @Test("a map schema accepts any key and checks each value")
    func mapSchema() {
        let schema = JSONSchema.map(of: .string(maxLength: 3))
        #expect(schema.validate([:], at: "labels").isEmpty)
        #expect(schema.validate(["any key": "abc", "ключ": ""], at: "labels").isEmpty)
        #expect(Self.messages(schema.validate(["k": "abcd"], at: "labels")) == ["labels.k: must be at most 3 characters long"])
        #expect(Self.messages(schema.validate(["k": nil], at: "labels")) == ["labels.k: must be a string, not null"])
    }

    @Test("required fields must be present and not null")
    func requiredFields() {
        let schema = JSONSchema.object(["a": .string(), "b": .string()], required: ["a", "b"])
        #expect(Self.messages(schema.validate([:], at: "spec")) == ["spec.a: is required", "spec.b: is required"])
        let nulls = Self.messages(schema.validate(["a": "x", "b": nil], at: "spec"))
        #expect(nulls.contains("spec.b: is required"))
        #expect(!nulls.contains { $0.hasPrefix("spec.a") })
    }

    @Test("an optional field set to null counts as absent")
    func optionalNull() {
        let schema = JSONSchema.object(["a": .string(minLength: 1)])
        #expect(schema.validate(["a": nil], at: "spec").isEmpty)
    }

    // MARK: Enum

    @Test("enum accepts listed values only, and lists them when refusing")
    func enumValues() {
        let schema = JSONSchema.string(enum: ["tcp", "udp"])
        #expect(schema.validate("tcp", at: "p").isEmpty)
        #expect(schema.validate("udp", at: "p").isEmpty)
        #expect(Self.messages(schema.validate("TCP", at: "p")) == ["p: must be one of 'tcp', 'udp'"])
        #expect(Self.messages(schema.validate("", at: "p")) == ["p: must be one of 'tcp', 'udp'"])
    }

    @Test("enum of non-strings prints them as JSON values")
    func numericEnum() {
        let schema = JSONSchema(enumValues: [1, 2.5, true, nil, "x"])
        #expect(schema.validate(2.5, at: "n").isEmpty)
        #expect(schema.validate(nil, at: "n").isEmpty)
        #expect(Self.messages(schema.validate(3, at: "n")) == ["n: must be one of 1, 2.5, true, null, 'x'"])
        // Enum membership is exact: an integer is not the string of its digits.
        #expect(Self.messages(schema.validate("1", at: "n")) == ["n: must be one of 1, 2.5, true, null, 'x'"])
    }

    // MARK: Bounds

    @Test(
        "integer minimum and maximum are inclusive",
        arguments: [(0, nil), (1, nil), (65535, nil), (-1, "must be at least 0"), (65536, "must be at most 65535")]
            as [(Int64, String?)])
    func integerBounds(_ value: Int64, _ reason: String?) {
        let schema = JSONSchema.integer(minimum: 0, maximum: 65535)
        #expect(schema.validate(.int(value), at: "port").map(\.reason) == (reason.map { [$0] } ?? []))
    }

    @Test("number bounds print fractional limits as decimals")
    func numberBounds() {
        let schema = JSONSchema.number(minimum: 0.5, maximum: 2.5)
        #expect(schema.validate(0.5, at: "r").isEmpty)
        #expect(schema.validate(2, at: "r").isEmpty)
        #expect(Self.messages(schema.validate(0.25, at: "r")) == ["r: must be at least 0.5"])
        #expect(Self.messages(schema.validate(3, at: "r")) == ["r: must be at most 2.5"])
    }

    @Test("string length bounds count characters, not bytes")
    func stringLength() {
        let schema = JSONSchema.string(minLength: 2, maxLength: 4)
        #expect(schema.validate("ab", at: "s").isEmpty)
        #expect(schema.validate("abcd", at: "s").isEmpty)
        #expect(schema.validate("日本語", at: "s").isEmpty)
        #expect(schema.validate("👩‍👩‍👧‍👦🙂", at: "s").isEmpty)
        #expect(Self.messages(schema.validate("a", at: "s")) == ["s: must be at least 2 characters long"])
        #expect(Self.messages(schema.validate("abcde", at: "s")) == ["s: must be at most 4 characters long"])
    }

    @Test("array item counts")
    func arrayBounds() {
        let schema = JSONSchema.array(of: .integer(), minItems: 1, maxItems: 2)
        #expect(schema.validate([1], at: "a").isEmpty)
        #expect(schema.validate([1, 2], at: "a").isEmpty)
        #expect(Self.messages(schema.validate([], at: "a")) == ["a: must have at least 1 items"])
        #expect(Self.messages(schema.validate([1, 2, 3], at: "a")) == ["a: must have at most 2 items"])
        #expect(
            Self.messages(schema.validate([1, "x", 3], at: "a")) == [
                "a: must have at most 2 items", "a[1]: must be an integer, not string",
            ])
    }

    // MARK: Formats

    @Test("format dns-label", arguments: [("web-1", true), ("Web", false), ("-web", false), ("", false), ("a.b", false)])
    func dnsLabelFormat(_ value: String, _ ok: Bool) {
        let violations = JSONSchema.string(format: "dns-label").validate(.string(value), at: "spec.name")
        #expect(violations.isEmpty == ok)
        if !ok {
            #expect(violations.first?.field == "spec.name")
            #expect(violations.first?.reason == Names.dnsLabelProblem(value))
        }
    }

    @Test(
        "format duration",
        arguments: [
            ("250ms", true), ("10s", true), ("5m", true), ("1h30m", true), ("7d", true),
            ("", false), ("10", false), ("1.5s", false), ("-5s", false), ("10 s", false), ("ten seconds", false),
        ])
    func durationFormat(_ value: String, _ ok: Bool) {
        let violations = JSONSchema.string(format: "duration").validate(.string(value), at: "spec.timeout")
        if ok {
            #expect(violations.isEmpty)
        } else {
            #expect(
                violations == [FieldViolation(field: "spec.timeout", reason: "must be a duration such as 500ms, 10s, 5m or 1h")])
        }
    }

    @Test("format hostname")
    func hostnameFormat() {
        let schema = JSONSchema.string(format: "hostname")
        #expect(schema.validate("db.internal.example.com", at: "h").isEmpty)
        #expect(schema.validate("db..example.com", at: "h").first?.reason == "each dot-separated part must not be empty")
    }

    @Test("unknown formats are not checked")
    func unknownFormat() {
        #expect(JSONSchema.string(format: "email").validate("not an email", at: "e").isEmpty)
    }

    // MARK: Codable

    @Test("encodes as JSON Schema, with 'enum' and without absent keywords")
    func encoding() throws {
        let schema = JSONSchema.object(["p": .string(enum: ["a", "b"], format: "dns-label")], required: ["p"])
        let data = try JSONEncoder().encode(schema)
        let json = try JSONDecoder().decode(JSONValue.self, from: data)
        #expect(
            json == [
                "type": "object",
                "properties": ["p": ["type": "string", "enum": ["a", "b"], "format": "dns-label"]],
                "required": ["p"],
            ])
    }

    @Test("decodes from JSON Schema and validates like the built one")
    func decoding() throws {
        let text = #"""
            {"type": "object", "required": ["port"],
             "properties": {"port": {"type": "integer", "minimum": 1, "maximum": 65535},
                            "tags": {"type": "array", "items": {"type": "string", "enum": ["x"]}, "maxItems": 2}},
             "description": "d"}
            """#
        let schema = try JSONDecoder().decode(JSONSchema.self, from: Data(text.utf8))
        #expect(schema.type == "object")
        #expect(schema.description == "d")
        #expect(schema.required == ["port"])
        #expect(schema.properties?["port"]?.maximum == 65535)
        #expect(schema.properties?["tags"]?.items?.enumValues == ["x"])
        #expect(schema.validate(["port": 80, "tags": ["x"]], at: "spec").isEmpty)
        #expect(
            Self.messages(schema.validate(["port": 0, "tags": ["y"], "z": 1], at: "spec")) == [
                "spec.port: must be at least 1",
                "spec.tags[0]: must be one of 'x'",
                "spec.z: unknown field",
            ])
    }

    @Test("round-trips through JSON")
    func roundTrip() throws {
        let data = try JSONEncoder().encode(Self.service)
        let decoded = try JSONDecoder().decode(JSONSchema.self, from: data)
        let again = try JSONEncoder().encode(decoded)
        #expect(try JSONDecoder().decode(JSONValue.self, from: data) == JSONDecoder().decode(JSONValue.self, from: again))
        #expect(decoded.properties?["env"]?.additionalProperties?.maxLength == 8)
        #expect(decoded.properties?["ports"]?.minItems == 1)
    }
}
