import Foundation
import HTTPTypes
import HearthCore
import HearthTestSupport
import Testing

@Suite("Hostile input")
struct FuzzTests {
    /// A deterministic generator, so a failure can be replayed from its seed.

    static let seeds = [
        #"{"name":"w","labels":{"a":"b"},"annotations":{"x":"y"},"spec":{"size":3,"gadget":"g","ports":[{"port":80}]}}"#,
        #"{"status":{"phase":"ready","conditions":[{"type":"Ready","status":"True"}]},"version":1}"#,
        #"{"name":"ns","spec":{"description":"d"}}"#,
    ]

    static func mutate(_ text: String, _ rng: inout SplitMix64) -> String {
        var bytes = Array(text.utf8)
        let tokens = ["null", "true", "-1", "1e309", "\"\"", "{}", "[]", "\"\u{0}\"", "\\u0000", "9223372036854775808", "\"é\"", ",", ":", "{", "]"]
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            guard !bytes.isEmpty else { break }
            let i = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: bytes[i] = UInt8.random(in: 0...255, using: &rng)
            case 1: bytes.remove(at: i)
            case 2: bytes.insert(contentsOf: Array(tokens.randomElement(using: &rng)!.utf8), at: i)
            default: bytes.insert(contentsOf: bytes[i..<min(bytes.count, i + 8)], at: i)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("random and mutated bodies on every route never get a 5xx", arguments: Backend.enabled)
    func noServerErrors(backend: Backend) async throws {
        try await APIFixture.with(backend, configure: { $0.maxBodyBytes = 64 * 1024 }) { api in
            try await api.createNamespace("demo")
            _ = try await api.request(.post, "/v1/namespaces/demo/gadgets", json: #"{"name":"g"}"#)
            _ = try await api.request(.post, "/v1/namespaces/demo/widgets", json: #"{"name":"w","spec":{"size":3,"gadget":"g"}}"#)
            _ = try await api.request(.put, "/v1/namespaces/demo/services/web", json: #"{"spec":{}}"#)
            _ = try await api.request(.put, "/v1/namespaces/demo/services/web/instances/w", json: #"{"spec":{"address":"10.0.0.1","checks":[{"type":"ttl","name":"beat"}]}}"#)
            let (_, routes) = try api.server.makeRouter()
            var rng = SplitMix64(seed: 0x4845_4152_5448)
            var sent = 0
            let fill: [String: [String]] = [
                "{type}": ["widgets", "gadgets", "namespaces", "things", "nope", "WIDGETS", "..", "%00"],
                "{namespace}": ["demo", "missing", "Demo", "-x", "a%2Fb"],
                "{name}": ["w", "g", "missing", "UPPER", "x" + String(repeating: "y", count: 70)],
                "{id}": ["0123456789ab", "zz", "missing"],
                "{service}": ["web", "missing", "Web", "a%2Fb"],
                "{check}": ["beat", "missing", "%00"],
                "{result}": ["pass", "warn", "fail", "maybe"],
                "{key}": ["k", "a/b/c", "a//b", "..", "%00", "x%20y", "a/", String(repeating: "k", count: 600)],
                "{serial}": ["7F00", "7f:00", "0x1", "zz", "", String(repeating: "A", count: 80)],
            ]
            // Logging out would end the admin's session and leave the rest unauthenticated.
            for route in routes where route.path.hasPrefix("/v1") && route.path != "/v1/auth/logout" {
                for _ in 0..<(backend == .sqlite ? 40 : 15) {
                    var path = route.path
                    for (placeholder, options) in fill { path = path.replacingOccurrences(of: placeholder, with: options.randomElement(using: &rng)!) }
                    let queries = ["", "?cascade=true", "?watch=maybe", "?limit=-1", "?labelSelector=%21%21", "?revision=abc", "?continue=AAAA", "?namePrefix=UP"]
                    path += queries.randomElement(using: &rng)!
                    let body: String? =
                        switch Int.random(in: 0..<4, using: &rng) {
                        case 0: nil
                        case 1: String(decoding: (0..<Int.random(in: 0..<200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, as: UTF8.self)
                        default: Self.mutate(Self.seeds.randomElement(using: &rng)!, &rng)
                        }
                    let contentType = ["application/json", "application/merge-patch+json", "text/plain"].randomElement(using: &rng)!
                    if path.contains("watch=true") { continue }
                    let response = try await api.request(route.method, path, json: body, contentType: contentType)
                    sent += 1
                    #expect(response.status < 500, "\(route.method) \(path) \(body ?? "") -> \(response.status) \(response.text)")
                    if response.status >= 400 { #expect(response.isProblem, "\(route.method) \(path) -> \(response.text)") }
                }
            }
            #expect(sent > 300)
            #expect(try await api.request(.get, "/readyz").status == 200)
        }
    }
}
