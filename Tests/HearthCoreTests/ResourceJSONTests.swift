import Foundation
import HearthCore
import Testing

/// `Resource.json()` is written by hand for speed; these tests hold it to `JSONEncoder`'s bytes.
@Suite("Resource JSON")
struct ResourceJSONTests {
    /// What APIJSON's encoder writes, without its fast path for resources.
    static func foundation(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static let texts = [
        "", "plain", "with \"quotes\" and \\ backslash", "new\nline\ttab\r\u{08}\u{0C}", "ctl \u{01}\u{1F}\u{7F}", "slash/es",
        "ünïcödé ✓ 🔥", "\u{2028}\u{2029}", "Z", "a10", "a9", "_x", "A", "é", "e\u{301}x", "1", "10",
    ]

    static func text(_ random: inout SplitMix64) -> String {
        texts[Int(random.next() % UInt64(texts.count))] + (random.next() % 3 == 0 ? String(random.next() % 100) : "")
    }

    static func value(_ random: inout SplitMix64, depth: Int) -> JSONValue {
        switch random.next() % (depth > 3 ? 5 : 7) {
        case 0: return .null
        case 1: return .bool(random.next() % 2 == 0)
        case 2: return .int(Int64(bitPattern: random.next()) >> Int64(random.next() % 64))
        case 3:
            let doubles = [0.5, -0.0, 3.0, 1e20, 1e-7, 0.1, 123456789.123, 2.5e15, 1e16, 5e-324, 1.7976931348623157e308]
            return .double(random.next() % 2 == 0 ? doubles[Int(random.next() % UInt64(doubles.count))] : Double(bitPattern: random.next() >> 2))
        case 4: return .string(text(&random))
        case 5: return .array((0..<Int(random.next() % 4)).map { _ in value(&random, depth: depth + 1) })
        default:
            var object: [String: JSONValue] = [:]
            for _ in 0..<Int(random.next() % 5) { object[text(&random)] = value(&random, depth: depth + 1) }
            return .object(object)
        }
    }

    static func resource(_ random: inout SplitMix64) -> Resource {
        func maybe(_ text: String) -> String? { random.next() % 2 == 0 ? text : nil }
        var labels: [String: String] = [:]
        var annotations: [String: String] = [:]
        for _ in 0..<Int(random.next() % 4) { labels[text(&random)] = text(&random) }
        for _ in 0..<Int(random.next() % 3) { annotations[text(&random)] = text(&random) }
        var status = ResourceStatus(
            phase: ResourceStatus.Phase.allCases[Int(random.next() % 5)], message: maybe(text(&random)),
            observedVersion: random.next() % 2 == 0 ? Int64(random.next() % 9) : nil,
            // (A null `details` reads back as none.)
            details: random.next() % 3 == 0 ? [value(&random, depth: 1)].first { $0 != .null } : nil)
        for _ in 0..<Int(random.next() % 3) {
            status.conditions.append(
                Condition(
                    type: text(&random), status: "True", reason: maybe(text(&random)), message: maybe(text(&random)),
                    lastTransitionTime: maybe("2026-11-22T00:00:00Z")))
        }
        return Resource(
            type: "widgets", uid: "u-\(random.next())", name: text(&random), namespace: maybe(text(&random)), labels: labels,
            annotations: annotations, owner: maybe(text(&random)), createdAt: "2026-11-22T00:00:00Z", updatedAt: text(&random),
            version: Int64(random.next() % 1000), revision: Int64(bitPattern: random.next()), spec: value(&random, depth: 0), status: status)
    }

    @Test("the hand-written encoding of a resource is JSONEncoder's, byte for byte, over 2,000 random resources")
    func matchesEncoder() throws {
        var random = SplitMix64(seed: 20261122)
        for _ in 0..<2000 {
            let resource = Self.resource(&random)
            let json = try resource.json()
            #expect(json == (try Self.foundation(resource)))
        }
    }

    @Test("a JSON value's encoding is JSONEncoder's, and APIJSON answers resources with it")
    func valuesAndAPIJSON() throws {
        var random = SplitMix64(seed: 7)
        for _ in 0..<2000 {
            let value = Self.value(&random, depth: 0)
            var text = ""
            try JSONText.append(value, to: &text)
            #expect(text == (try Self.foundation(value)))
        }
        let resource = Self.resource(&random)
        #expect(try APIJSON.encodeString(resource) == (try Self.foundation(resource)))
        #expect(try APIJSON.encode(resource) == Data(try Self.foundation(resource).utf8))
    }

    @Test("numbers JSON cannot hold are refused, as JSONEncoder refuses them")
    func nonFinite() {
        for number in [Double.nan, .infinity, -.infinity] {
            var text = ""
            #expect(throws: EncodingError.self) { try JSONText.append(.double(number), to: &text) }
        }
    }
}
