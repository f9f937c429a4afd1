import Foundation
import Testing

@testable import HearthCore

@Suite("MergePatch")
struct MergePatchTests {
    static func json(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    /// Every example of RFC 7396, Appendix A: (original, patch, result).
    static let rfc7396Examples: [(String, String, String)] = [
        (#"{"a":"b"}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":"b"}"#, #"{"b":"c"}"#, #"{"a":"b","b":"c"}"#),
        (#"{"a":"b"}"#, #"{"a":null}"#, #"{}"#),
        (#"{"a":"b","b":"c"}"#, #"{"a":null}"#, #"{"b":"c"}"#),
        (#"{"a":["b"]}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":"c"}"#, #"{"a":["b"]}"#, #"{"a":["b"]}"#),
        (#"{"a":{"b":"c"}}"#, #"{"a":{"b":"d","c":null}}"#, #"{"a":{"b":"d"}}"#),
        (#"{"a":[{"b":"c"}]}"#, #"{"a":[1]}"#, #"{"a":[1]}"#),
        (#"["a","b"]"#, #"["c","d"]"#, #"["c","d"]"#),
        (#"{"a":"b"}"#, #"["c"]"#, #"["c"]"#),
        (#"{"a":"foo"}"#, #"null"#, #"null"#),
        (#"{"a":"foo"}"#, #""bar""#, #""bar""#),
        (#"{"e":null}"#, #"{"a":1}"#, #"{"e":null,"a":1}"#),
        (#"[1,2]"#, #"{"a":"b","c":null}"#, #"{"a":"b"}"#),
        (#"{}"#, #"{"a":{"bb":{"ccc":null}}}"#, #"{"a":{"bb":{}}}"#),
    ]

    @Test("the examples of RFC 7396, Appendix A", arguments: rfc7396Examples)
    func rfc7396(_ original: String, _ patch: String, _ result: String) throws {
        #expect(try MergePatch.apply(Self.json(patch), to: Self.json(original)) == Self.json(result))
    }

    @Test("the example of RFC 7396, section 3")
    func rfc7396Section3() throws {
        let target = try Self.json(
            #"{"title":"Goodbye!","author":{"givenName":"John","familyName":"Doe"},"tags":["example","sample"],"content":"This will be unchanged"}"#
        )
        let patch = try Self.json(
            #"{"title":"Hello!","phoneNumber":"+01-123-456-7890","author":{"familyName":null},"tags":["example"]}"#)
        let expected = try Self.json(
            #"{"title":"Hello!","author":{"givenName":"John"},"tags":["example"],"content":"This will be unchanged","phoneNumber":"+01-123-456-7890"}"#
        )
        #expect(MergePatch.apply(patch, to: target) == expected)
    }

    @Test("an empty patch object changes nothing in an object")
    func emptyPatch() {
        let target: JSONValue = ["a": 1, "b": ["c": [1, 2]]]
        #expect(MergePatch.apply([:], to: target) == target)
    }

    @Test("an empty patch object turns a non-object into an empty object", arguments: [JSONValue.null, 1, "s", [1, 2], true])
    func emptyPatchOnScalar(_ target: JSONValue) {
        #expect(MergePatch.apply([:], to: target) == [:])
    }

    @Test("removing a key that does not exist is a no-op")
    func removeMissing() {
        #expect(MergePatch.apply(["missing": nil], to: ["a": 1]) == ["a": 1])
    }

    @Test("nulls inside arrays are kept: arrays replace wholesale")
    func nullsInArrays() {
        #expect(MergePatch.apply(["a": [nil, 1]], to: ["a": [1, 2, 3]]) == ["a": [nil, 1]])
    }

    @Test("deep merges keep untouched siblings at every level")
    func deepMerge() {
        let target: JSONValue = [
            "name": "web", "labels": ["app": "web", "tier": "frontend"],
            "spec": ["replicas": 1, "image": "nginx", "ports": [["port": 80]]],
        ]
        let patch: JSONValue = ["labels": ["tier": nil, "env": "prod"], "spec": ["replicas": 3]]
        #expect(
            MergePatch.apply(patch, to: target) == [
                "name": "web", "labels": ["app": "web", "env": "prod"],
                "spec": ["replicas": 3, "image": "nginx", "ports": [["port": 80]]],
            ])
    }

    @Test("a scalar replaced by an object is merged from nothing, dropping null members")
    func objectOverScalar() {
        #expect(MergePatch.apply(["a": ["b": 1, "c": nil]], to: ["a": 5]) == ["a": ["b": 1]])
    }

    @Test("numbers replace by type: an integer and a double are distinct")
    func numbers() {
        #expect(MergePatch.apply(["n": 1.5], to: ["n": 1]) == ["n": 1.5])
        #expect(MergePatch.apply(["n": 2], to: ["n": 1.5]) == ["n": 2])
    }

    @Test("applying the same patch twice is idempotent")
    func idempotent() throws {
        for (original, patch, _) in Self.rfc7396Examples {
            let p = try Self.json(patch)
            let once = MergePatch.apply(p, to: try Self.json(original))
            #expect(MergePatch.apply(p, to: once) == once)
        }
    }
}
