import AsyncHTTPClient
import Foundation
import HearthCore
import HearthTestSupport
import NIOCore
import NIOFoundationCompat
import Testing

/// The key-value API on a live server, on both backends.
@Suite("Key-value API")
struct KVAPITests {
    static let base = "/v1/namespaces/app/kv"

    /// A request on a second connection (the fixture's client has one), for blocked reads.
    static func blocked(_ api: APIFixture, _ path: String, token: String? = nil) async throws -> (status: Int, headers: [String: String], body: String) {
        let port = try #require(api.client.port)
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.headers.add(name: "Authorization", value: "Bearer \(token ?? api.adminToken)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        let body = String(buffer: try await response.body.collect(upTo: 1 << 20))
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        return (Int(response.status.code), headers, body)
    }

    @Test("put, get, meta, versions, cas, list and delete", arguments: Backend.enabled)
    func basics(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            try await api.createNamespace("app")
            let put = try await api.request(.put, "\(Self.base)/config/db/url", json: "postgres://db:5432/app", contentType: "text/plain")
            #expect(put.status == 200, "\(put.text)")
            #expect(put.json["version"]?.int64Value == 1)
            let index = try #require(put.headers[.init("X-Hearth-Index")!].flatMap { Int64($0) })
            #expect(put.json["modifyIndex"]?.int64Value == index)

            let get = try await api.request(.get, "\(Self.base)/config/db/url")
            #expect(get.status == 200)
            #expect(get.text == "postgres://db:5432/app")
            #expect(get.headers[.contentType] == "application/octet-stream")
            #expect(get.headers[.init("X-Hearth-Index")!] == String(index))

            // Versions move; cas compares them.
            let second = try await api.request(.put, "\(Self.base)/config/db/url?cas=1", json: "v2", contentType: "text/plain")
            #expect(second.json["version"]?.int64Value == 2)
            #expect(second.json["createIndex"]?.int64Value == index)
            let stale = try await api.request(.put, "\(Self.base)/config/db/url?cas=1", json: "v3", contentType: "text/plain")
            #expect(stale.status == 409)
            #expect(stale.isProblem)
            #expect(stale.text.contains("version 2, not 1"))
            #expect(try await api.request(.put, "\(Self.base)/config/db/url?cas=0", json: "x", contentType: "text/plain").status == 409)
            #expect(try await api.request(.put, "\(Self.base)/config/new?cas=0", json: "x", contentType: "text/plain").status == 200)
            let meta = try await api.request(.get, "\(Self.base)/config/db/url?meta")
            #expect(meta.json["version"]?.int64Value == 2)
            #expect(meta.json["size"]?.int64Value == 2)
            #expect(meta.json["value"] == nil)

            // Binary values and empty ones.
            let binary = ByteBuffer(bytes: [0, 255, 10, 13])
            let raw = try await api.client.execute(
                uri: "\(Self.base)/blob", method: .put, headers: [.authorization: "Bearer \(api.adminToken)"], body: binary)
            #expect(raw.status.code == 200)
            let back = try await api.client.execute(uri: "\(Self.base)/blob", method: .get, headers: [.authorization: "Bearer \(api.adminToken)"])
            #expect(Array(back.body.readableBytesView) == [0, 255, 10, 13])
            #expect(try await api.request(.put, "\(Self.base)/empty").status == 200)
            #expect(try await api.request(.get, "\(Self.base)/empty").text == "")

            // Listing.
            let keys = try await api.request(.get, "\(Self.base)/config/?keys")
            #expect(keys.json == .array([.string("config/db/url"), .string("config/new")]))
            let all = try await api.request(.get, "\(Self.base)?keys")
            #expect(all.json.arrayValue?.count == 4)
            let recurse = try await api.request(.get, "\(Self.base)/config/db?recurse")
            #expect(recurse.json.arrayValue?.first?["value"]?.stringValue == Data("v2".utf8).base64EncodedString())
            let paged = try await api.request(.get, "\(Self.base)?keys&limit=1&after=blob")
            #expect(paged.json == .array([.string("config/db/url")]))

            // Delete one, then a prefix.
            let deleted = try await api.request(.delete, "\(Self.base)/blob")
            #expect(deleted.json["deleted"]?.int64Value == 1)
            let missing = try await api.request(.get, "\(Self.base)/blob")
            #expect(missing.status == 404)
            #expect(missing.isProblem)
            #expect(missing.headers[.init("X-Hearth-Index")!] != nil)
            #expect(try await api.request(.delete, "\(Self.base)/config/db/url?cas=1").status == 409)
            let prefix = try await api.request(.delete, "\(Self.base)/config?recurse")
            #expect(prefix.json["deleted"]?.int64Value == 2)
            #expect(try await api.request(.get, "\(Self.base)?keys").json == .array([.string("empty")]))
            // A recreated key starts again at version 1.
            let again = try await api.request(.put, "\(Self.base)/config/new", json: "y", contentType: "text/plain")
            #expect(again.json["version"]?.int64Value == 1)
        }
    }

    @Test("bad keys, bad parameters and too-large values get clear 4xx answers", arguments: [Backend.sqlite])
    func badInput(backend: Backend) async throws {
        try await APIFixture.with(backend, configure: { $0.kvMaxValueBytes = 1024 }) { api in
            try await api.createNamespace("app")
            for (path, status, words) in [
                ("\(Self.base)/a//b", 422, "empty segment"),
                ("\(Self.base)/a/../b", 422, "'..' segment"),
                ("\(Self.base)/a%20b", 422, "not byte 0x20"),
                ("\(Self.base)/ok?cas=-1", 400, "cas"),
                ("\(Self.base)/ok?ttl=forever", 400, "ttl"),
                ("\(Self.base)/ok?cas=abc", 400, "cas"),
            ] {
                let response = try await api.request(.put, path, json: "x", contentType: "text/plain")
                #expect(response.status == status, "\(path): \(response.status) \(response.text)")
                #expect(response.isProblem)
                #expect(response.text.contains(words), "\(path): \(response.text)")
            }
            let big = try await api.request(.put, "\(Self.base)/big", json: String(repeating: "x", count: 2000), contentType: "text/plain")
            #expect(big.status == 413, "\(big.text)")
            #expect(try await api.request(.get, "\(Self.base)/ok?index=-3").status == 400)
            #expect(try await api.request(.get, "\(Self.base)/ok?wait=11m").status == 400)
            #expect(try await api.request(.get, "/v1/namespaces/nowhere/kv/a").status == 404)
            #expect(try await api.request(.put, "/v1/namespaces/nowhere/kv/a", json: "x", contentType: "text/plain").status == 404)
            let txn = try await api.request(.post, "/v1/namespaces/app/kv-txn", json: #"{"ops":[{"op":"launch","key":"a"}]}"#)
            #expect(txn.status == 422)
            #expect(txn.text.contains("ops[0].op"))
            let shape = try await api.request(.post, "/v1/namespaces/app/kv-txn", json: #"{"ops":"no"}"#)
            #expect(shape.status == 422)
            #expect(shape.text.contains("ops"))
        }
    }

    @Test("transactions apply all or nothing", arguments: Backend.enabled)
    func transactions(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            try await api.createNamespace("app")
            try await api.request(.put, "\(Self.base)/epoch", json: "1", contentType: "text/plain")
            let ok = try await api.request(
                .post, "/v1/namespaces/app/kv-txn",
                json: #"{"ops":[{"op":"check","key":"leader","version":0},{"op":"put","key":"leader","text":"node-1"},{"op":"put","key":"epoch","text":"2","cas":1},{"op":"get","key":"epoch"}]}"#)
            #expect(ok.status == 200, "\(ok.text)")
            let results = ok.json["results"]?.arrayValue ?? []
            #expect(results.count == 4)
            #expect(results[3]["entry"]?["value"]?.stringValue == Data("2".utf8).base64EncodedString())
            // The check fails now: nothing of it is written.
            let refused = try await api.request(
                .post, "/v1/namespaces/app/kv-txn",
                json: #"{"ops":[{"op":"put","key":"epoch","text":"3"},{"op":"check","key":"leader","version":0}]}"#)
            #expect(refused.status == 409)
            #expect(refused.text.contains("operation 2"))
            #expect(try await api.request(.get, "\(Self.base)/epoch").text == "2")
            // Every write of a transaction is audited once, with no value in it.
            let audit = try await api.request(.get, "/v1/audit?resource=kv&limit=50")
            #expect(!audit.text.contains("node-1"))
        }
    }

    @Test("blocking reads: at once for an old index, held until a change, a missing key waited for", arguments: Backend.enabled)
    func blocking(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            try await api.createNamespace("app")
            let first = try await api.request(.put, "\(Self.base)/jobs/one", json: "a", contentType: "text/plain")
            let index = try #require(first.headers[.init("X-Hearth-Index")!].flatMap { Int64($0) })
            let clock = ContinuousClock()
            // Nothing changed after the index: held for the whole (short) wait.
            var started = clock.now
            let idle = try await api.request(.get, "\(Self.base)/jobs/one?index=\(index)&wait=300ms")
            #expect(clock.now - started >= .milliseconds(280))
            #expect(idle.text == "a")
            // An older index answers at once (generous bound: the whole suite runs in parallel).
            started = clock.now
            _ = try await api.request(.get, "\(Self.base)/jobs/one?index=\(index - 1)&wait=60s")
            #expect(clock.now - started < .seconds(30))

            // Held, not woken by another key, woken by its own.
            async let held = Self.blocked(api, "\(Self.base)/jobs/one?index=\(index)&wait=60s")
            async let prefixHeld = Self.blocked(api, "\(Self.base)/jobs?recurse&index=\(index)&wait=60s")
            try await Task.sleep(for: .milliseconds(400))
            try await api.request(.put, "\(Self.base)/elsewhere", json: "x", contentType: "text/plain")
            try await Task.sleep(for: .milliseconds(200))
            let changedAt = clock.now
            let second = try await api.request(.put, "\(Self.base)/jobs/one", json: "b", contentType: "text/plain")
            let answer = try await held
            #expect(clock.now - changedAt < .seconds(30))
            #expect(answer.body == "b")
            #expect(answer.headers["x-hearth-index"] == second.headers[.init("X-Hearth-Index")!])
            let prefixAnswer = try await prefixHeld
            #expect(prefixAnswer.body.contains(Data("b".utf8).base64EncodedString()))

            // Goterra's case: the worker waits for a token that does not exist yet.
            async let token = Self.blocked(api, "\(Self.base)/deploy/token?wait=60s")
            try await Task.sleep(for: .milliseconds(400))
            let pushedAt = clock.now
            try await api.request(.put, "\(Self.base)/deploy/token", json: "s3cr3t", contentType: "text/plain")
            let got = try await token
            #expect(got.status == 200)
            #expect(got.body == "s3cr3t")
            #expect(clock.now - pushedAt < .seconds(30))
            // Without it ever appearing: 404 once the wait ends.
            started = clock.now
            let never = try await api.request(.get, "\(Self.base)/deploy/never?wait=300ms")
            #expect(never.status == 404)
            #expect(clock.now - started >= .milliseconds(280))

            // A deletion wakes a blocked read, which answers 404 with the new index.
            let current = try #require(second.headers[.init("X-Hearth-Index")!].flatMap { Int64($0) })
            async let gone = Self.blocked(api, "\(Self.base)/jobs/one?index=\(current)&wait=60s")
            try await Task.sleep(for: .milliseconds(400))
            try await api.request(.delete, "\(Self.base)/jobs/one")
            let goneAnswer = try await gone
            #expect(goneAnswer.status == 404)
            #expect((goneAnswer.headers["x-hearth-index"].flatMap { Int64($0) } ?? 0) > current)
        }
    }

    @Test("TTL: expired keys disappear and their watchers hear it", arguments: [Backend.sqlite])
    func ttl(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            try await api.createNamespace("app")
            let put = try await api.request(.put, "\(Self.base)/lock?ttl=1s", json: "me", contentType: "text/plain")
            #expect(put.json["expiresAt"]?.stringValue != nil)
            let index = try #require(put.headers[.init("X-Hearth-Index")!].flatMap { Int64($0) })
            async let held = Self.blocked(api, "\(Self.base)/lock?index=\(index)&wait=60s")
            let clock = ContinuousClock()
            let started = clock.now
            let answer = try await held
            #expect(answer.status == 404)
            #expect(clock.now - started < .seconds(30))
            #expect(try await api.request(.get, "\(Self.base)/lock").status == 404)
            // The change log says it expired.
            let events = try await api.server.store.kvChanges(after: index)
            #expect(events.contains { $0.kind == .expire && $0.key == "lock" })
        }
    }

    @Test("a watch streams puts, deletes and expiries of a prefix, from a revision", arguments: [Backend.sqlite])
    func watch(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            try await api.createNamespace("app")
            let first = try await api.request(.put, "\(Self.base)/w/a", json: "1", contentType: "text/plain")
            let index = try #require(first.headers[.init("X-Hearth-Index")!].flatMap { Int64($0) })
            try await api.request(.put, "\(Self.base)/w/b", json: "2", contentType: "text/plain")
            try await api.request(.put, "\(Self.base)/other", json: "3", contentType: "text/plain")
            try await api.request(.delete, "\(Self.base)/w/a")
            let port = try #require(api.client.port)
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(Self.base)/w/?watch=true&recurse&revision=\(index - 1)")
            request.headers.add(name: "Authorization", value: "Bearer \(api.adminToken)")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            #expect(response.status.code == 200)
            // Read until three events came, or give up after 30 s (a hang would fail the test, not stall it).
            let text = try await withThrowingTaskGroup(of: String.self) { group in
                group.addTask {
                    var text = ""
                    for try await chunk in response.body {
                        text += String(buffer: chunk)
                        if text.components(separatedBy: "event: ").count > 3 { break }
                    }
                    return text
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(30))
                    return ""
                }
                let first = try await group.next() ?? ""
                group.cancelAll()
                return first
            }
            let kinds = text.components(separatedBy: "\n").filter { $0.hasPrefix("event: ") }
            #expect(kinds == ["event: PUT", "event: PUT", "event: DELETE"])
            #expect(!text.contains("\"other\""))
            #expect(try await api.request(.get, "\(Self.base)/w?watch=true&revision=-1").status == 400)
        }
    }

    @Test("access: viewers read, editors write, other namespaces see nothing", arguments: [Backend.sqlite])
    func access(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            try await api.createNamespace("app")
            try await api.request(.put, "\(Self.base)/k", json: "v", contentType: "text/plain")
            let viewer = try await api.user("vera")
            let editor = try await api.user("eddie")
            let mallory = try await api.user("mallory")
            #expect(try await api.request(.patch, "/v1/namespaces/app", json: #"{"spec":{"viewers":["user:vera"],"editors":["user:eddie"]}}"#).status == 200)
            #expect(try await api.request(.get, "\(Self.base)/k", as: .bearer(viewer)).status == 200)
            #expect(try await api.request(.put, "\(Self.base)/k", json: "x", contentType: "text/plain", as: .bearer(viewer)).status == 403)
            #expect(try await api.request(.put, "\(Self.base)/k", json: "x", contentType: "text/plain", as: .bearer(editor)).status == 200)
            #expect(try await api.request(.get, "\(Self.base)/k", as: .bearer(mallory)).status == 404)
            #expect(try await api.request(.get, "\(Self.base)/k", as: .none).status == 401)
        }
    }

    @Test("scoped tokens: only their prefix and verbs, until expiry or revocation; refusals audited", arguments: Backend.enabled)
    func scopedTokens(backend: Backend) async throws {
        try await APIFixture.with(backend, configure: { $0.credentialCacheTTL = .milliseconds(100) }) { api in
            try await api.createNamespace("app")
            try await api.createNamespace("other")
            let minted = try await api.request(
                .post, "/v1/namespaces/app/kv-tokens", json: #"{"prefix":"deploy/42/","verbs":["read","write"],"ttl":"10m"}"#)
            #expect(minted.status == 201, "\(minted.text)")
            let token = try #require(minted.json["token"]?.stringValue)
            let id = try #require(minted.json["id"]?.stringValue)
            #expect(token.hasPrefix("hkv_\(id)_"))
            let bearer = APIFixture.Credentials.bearer(token)

            #expect(try await api.request(.put, "\(Self.base)/deploy/42/token", json: "t", contentType: "text/plain", as: bearer).status == 200)
            #expect(try await api.request(.get, "\(Self.base)/deploy/42/token", as: bearer).text == "t")
            #expect(try await api.request(.get, "\(Self.base)/deploy/42/?keys", as: bearer).status == 200)
            // Outside its prefix, its namespace, or the KV routes: refused.
            #expect(try await api.request(.put, "\(Self.base)/deploy/43/token", json: "t", contentType: "text/plain", as: bearer).status == 403)
            #expect(try await api.request(.get, "\(Self.base)/?keys", as: bearer).status == 403)
            #expect(try await api.request(.get, "/v1/namespaces/other/kv/deploy/42/token", as: bearer).status == 403)
            #expect(try await api.request(.get, "/v1/namespaces/app", as: bearer).status == 403)
            #expect(try await api.request(.get, "/v1/auth/whoami", as: bearer).status == 403)
            #expect(try await api.request(.post, "/v1/namespaces/app/kv-tokens", json: #"{"prefix":"","verbs":["read"]}"#, as: bearer).status == 403)
            let txn = try await api.request(
                .post, "/v1/namespaces/app/kv-txn", json: #"{"ops":[{"op":"put","key":"deploy/42/a","text":"1"},{"op":"put","key":"x","text":"1"}]}"#,
                as: bearer)
            #expect(txn.status == 403)
            // A read-only token cannot write.
            let reader = try await api.request(.post, "/v1/namespaces/app/kv-tokens", json: #"{"prefix":"deploy/","verbs":["read"],"ttl":"1m"}"#)
            let readerToken = APIFixture.Credentials.bearer(try #require(reader.json["token"]?.stringValue))
            #expect(try await api.request(.get, "\(Self.base)/deploy/42/token", as: readerToken).status == 200)
            #expect(try await api.request(.put, "\(Self.base)/deploy/42/token", json: "t", contentType: "text/plain", as: readerToken).status == 403)

            // Listing shows no secret; renewing extends; the token can renew itself.
            let listed = try await api.request(.get, "/v1/namespaces/app/kv-tokens")
            #expect(listed.json.arrayValue?.count == 2)
            #expect(!listed.text.contains(token))
            #expect(!listed.text.contains("digest"))
            let renewed = try await api.request(.post, "/v1/namespaces/app/kv-tokens/\(id)/renew", json: #"{"ttl":"20m"}"#, as: bearer)
            #expect(renewed.status == 200, "\(renewed.text)")

            // Revoked: refused at once on this replica.
            #expect(try await api.request(.delete, "/v1/namespaces/app/kv-tokens/\(id)").status == 204)
            #expect(try await api.request(.get, "\(Self.base)/deploy/42/token", as: bearer).status == 401)

            // Expired: refused.
            let short = try await api.request(.post, "/v1/namespaces/app/kv-tokens", json: #"{"prefix":"deploy/","verbs":["read"],"ttl":"1s"}"#)
            let shortToken = APIFixture.Credentials.bearer(try #require(short.json["token"]?.stringValue))
            #expect(try await api.request(.get, "\(Self.base)/deploy/42/token", as: shortToken).status == 200)
            try await Task.sleep(for: .milliseconds(1500))
            #expect(try await api.request(.get, "\(Self.base)/deploy/42/token", as: shortToken).status == 401)

            // A viewer cannot hand out a token that writes.
            let viewer = try await api.user("vera")
            #expect(try await api.request(.patch, "/v1/namespaces/app", json: #"{"spec":{"owners":["user:admin"],"viewers":["user:vera"]}}"#).status == 200)
            #expect(
                try await api.request(.post, "/v1/namespaces/app/kv-tokens", json: #"{"prefix":"","verbs":["write"]}"#, as: .bearer(viewer)).status
                    == 403)

            // Every refusal is in the audit trail.
            let audit = try await api.request(.get, "/v1/audit?decision=denied&limit=200")
            let reasons = audit.json["items"]?.arrayValue?.compactMap { $0["reason"]?.stringValue } ?? []
            #expect(reasons.contains { $0.contains("only touch keys under 'deploy/42/'") })
            #expect(reasons.contains { $0.contains("may only read or write keys") })
            #expect(reasons.contains { $0.contains("invalid, expired or revoked KV token") })
            #expect(!audit.text.contains(token))
        }
    }

    @Test("deleting a namespace deletes its keys", arguments: [Backend.sqlite])
    func namespacePurge(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            try await api.createNamespace("app")
            try await api.request(.put, "\(Self.base)/k", json: "v", contentType: "text/plain")
            #expect(try await api.request(.delete, "/v1/namespaces/app").status == 200)
            try await api.createNamespace("app")
            #expect(try await api.request(.get, "\(Self.base)/k").status == 404)
        }
    }
}
