import Foundation
import HearthCore
import HearthTestSupport
import Testing

@Suite("Resource API")
struct ResourceAPITests {
    @Test("create, read, replace, patch and delete a resource", arguments: Backend.enabled)
    func lifecycle(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            try await api.createNamespace("demo")
            let created = try await api.request(.post, "/v1/namespaces/demo/widgets", json: #"{"name":"w1","labels":{"app":"web"},"spec":{"size":3}}"#)
            #expect(created.status == 201)
            #expect(created.headers[.location] == "/v1/namespaces/demo/widgets/w1")
            #expect(created.json["version"] == 1)
            #expect(created.json["namespace"] == "demo")
            #expect(created.json["status"]?["phase"] == "pending")
            let uid = try #require(created.json["uid"]?.stringValue)

            let read = try await api.request(.get, "/v1/namespaces/demo/widgets/w1")
            #expect(read.status == 200)
            #expect(read.json["spec"]?["size"] == 3)
            #expect(read.headers[.eTag] == "\"1\"")

            let replaced = try await api.request(.put, "/v1/namespaces/demo/widgets/w1", json: #"{"name":"w1","spec":{"size":4},"version":1}"#)
            #expect(replaced.status == 200)
            #expect(replaced.json["version"] == 2)
            #expect(replaced.json["uid"]?.stringValue == uid)
            #expect(replaced.json["labels"] == .object([:]))

            let stale = try await api.request(.put, "/v1/namespaces/demo/widgets/w1", json: #"{"name":"w1","spec":{"size":5},"version":1}"#)
            #expect(stale.status == 409)
            #expect(stale.isProblem)
            #expect(stale.json["code"] == "conflict")

            let staleIfMatch = try await api.request(.put, "/v1/namespaces/demo/widgets/w1", json: #"{"spec":{"size":5}}"#, headers: [.ifMatch: "\"1\""])
            #expect(staleIfMatch.status == 409)

            let patched = try await api.request(
                .patch, "/v1/namespaces/demo/widgets/w1", json: #"{"labels":{"tier":"front"},"spec":{"ports":[{"port":80}]}}"#,
                contentType: "application/merge-patch+json")
            #expect(patched.status == 200)
            #expect(patched.json["labels"]?["tier"] == "front")
            #expect(patched.json["spec"]?["size"] == 4)
            #expect(patched.json["version"] == 3)

            let unchanged = try await api.request(.put, "/v1/namespaces/demo/widgets/w1", json: #"{"labels":{"tier":"front"},"spec":{"size":4,"ports":[{"port":80}]}}"#)
            #expect(unchanged.status == 200)
            #expect(unchanged.json["version"] == 3)

            let upserted = try await api.request(.put, "/v1/namespaces/demo/widgets/w2", json: #"{"spec":{"size":1}}"#)
            #expect(upserted.status == 201)

            let deleted = try await api.request(.delete, "/v1/namespaces/demo/widgets/w1")
            #expect(deleted.status == 200)
            #expect(deleted.json["deleted"]?.arrayValue?.count == 1)
            #expect(try await api.request(.get, "/v1/namespaces/demo/widgets/w1").status == 404)
            #expect(try await api.request(.delete, "/v1/namespaces/demo/widgets/w1").status == 404)
        }
    }

    @Test("cluster-scoped types live at /v1/{type}", arguments: Backend.enabled)
    func clusterScoped(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            #expect(try await api.request(.post, "/v1/things", json: #"{"name":"t1","spec":{"note":"hi"}}"#).status == 201)
            #expect(try await api.request(.get, "/v1/things/t1").json["namespace"] == nil)
            #expect(try await api.request(.get, "/v1/namespaces/x/things").status == 404)
            // A namespaced type at the cluster path lists every namespace, and cannot be created there.
            try await api.createNamespace("a")
            try await api.createNamespace("b")
            _ = try await api.request(.post, "/v1/namespaces/a/gadgets", json: #"{"name":"g"}"#)
            _ = try await api.request(.post, "/v1/namespaces/b/gadgets", json: #"{"name":"g"}"#)
            let all = try await api.request(.get, "/v1/gadgets")
            #expect(all.json["items"]?.arrayValue?.compactMap { $0["namespace"]?.stringValue } == ["a", "b"])
            #expect(try await api.request(.post, "/v1/gadgets", json: #"{"name":"g"}"#).status == 404)
            #expect(try await api.request(.get, "/v1/gadgets/g").status == 404)
        }
    }

    @Test("bad input gets a 4xx problem that names the fault", arguments: Backend.enabled)
    func badInput(backend: Backend) async throws {
        try await APIFixture.with(backend, configure: { $0.maxBodyBytes = 4096 }) { api in
            try await api.createNamespace("demo")
            let cases: [(String, String, Int, String?)] = [
                ("/v1/namespaces/demo/widgets", "{not json", 400, nil),
                ("/v1/namespaces/demo/widgets", "[]", 400, nil),
                ("/v1/namespaces/demo/widgets", #"{"name":"w","spec":{"size":"big"}}"#, 422, "spec.size"),
                ("/v1/namespaces/demo/widgets", #"{"name":"w","spec":{"size":3,"colour":1}}"#, 422, "spec.colour"),
                ("/v1/namespaces/demo/widgets", #"{"name":"w","spec":{"size":3},"extra":true}"#, 422, "extra"),
                ("/v1/namespaces/demo/widgets", #"{"name":"Not_Valid","spec":{"size":3}}"#, 422, "name"),
                ("/v1/namespaces/demo/widgets", #"{"name":"w","spec":{}}"#, 422, "spec.size"),
                ("/v1/namespaces/demo/widgets", #"{"name":"w","spec":{"size":13}}"#, 422, "spec.size"),
                ("/v1/namespaces/demo/widgets", #"{"name":"w","labels":{"a":1},"spec":{"size":3}}"#, 422, "labels.a"),
                ("/v1/namespaces/demo/widgets", #"{"name":"w","spec":{"size":3,"ports":[{"port":0}]}}"#, 422, "spec.ports[0].port"),
                ("/v1/namespaces/demo/nonsense", #"{"name":"w"}"#, 404, nil),
                ("/v1/namespaces/missing/widgets", #"{"name":"w","spec":{"size":3}}"#, 404, nil),
                ("/v1/namespaces/demo/widgets", "{\"name\":\"w\",\"spec\":{\"size\":3},\"annotations\":{\"a\":\"" + String(repeating: "x", count: 5000) + "\"}}", 413, nil),
            ]
            for (path, body, status, field) in cases {
                let response = try await api.request(.post, path, json: body)
                #expect(response.status == status, "\(body.prefix(60)) -> \(response.text)")
                #expect(response.isProblem, "\(body.prefix(60))")
                #expect(response.json["detail"]?.stringValue?.isEmpty == false)
                if let field {
                    let fields = response.json["errors"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
                    #expect(fields.contains(field), "\(body.prefix(60)) -> \(fields)")
                }
            }
            let wrongType = try await api.request(.post, "/v1/namespaces/demo/widgets", json: #"{"name":"w","spec":{"size":3}}"#, contentType: "text/plain")
            #expect(wrongType.status == 415)
            #expect(try await api.request(.get, "/v1/namespaces/demo/widgets/Bad_Name").status == 404)
            #expect(try await api.request(.get, "/v1/namespaces/demo/widgets?limit=0").status == 400)
            #expect(try await api.request(.get, "/v1/namespaces/demo/widgets?labelSelector=a%20in%20").status == 400)
            #expect(try await api.request(.get, "/v1/namespaces/demo/widgets?continue=%%%").status == 400)
            #expect(try await api.request(.get, "/nowhere").status == 404)
            let problem = try await api.request(.get, "/nowhere")
            #expect(problem.isProblem)
            #expect(problem.headers[.init("X-Request-Id")!] != nil)
        }
    }

    @Test("references: refused when missing, protected on delete, cascaded on request", arguments: Backend.enabled)
    func references(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            try await api.createNamespace("demo")
            let dangling = try await api.request(.post, "/v1/namespaces/demo/widgets", json: #"{"name":"w","spec":{"size":3,"gadget":"g"}}"#)
            #expect(dangling.status == 422)
            #expect(dangling.text.contains("gadgets/demo/g"))
            #expect(try await api.request(.post, "/v1/namespaces/demo/gadgets", json: #"{"name":"g","spec":{"color":"red"}}"#).status == 201)
            #expect(try await api.request(.post, "/v1/namespaces/demo/widgets", json: #"{"name":"w","spec":{"size":3,"gadget":"g"}}"#).status == 201)

            let blocked = try await api.request(.delete, "/v1/namespaces/demo/gadgets/g")
            #expect(blocked.status == 409)
            #expect(blocked.text.contains("widgets/demo/w"))
            let namespaceBlocked = try await api.request(.delete, "/v1/namespaces/demo")
            #expect(namespaceBlocked.status == 409)

            let cascaded = try await api.request(.delete, "/v1/namespaces/demo/gadgets/g?cascade=true")
            #expect(cascaded.status == 200)
            #expect(cascaded.json["deleted"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["w", "g"])

            _ = try await api.request(.post, "/v1/namespaces/demo/gadgets", json: #"{"name":"g2"}"#)
            let all = try await api.request(.delete, "/v1/namespaces/demo?cascade=true")
            #expect(all.status == 200)
            #expect(all.json["deleted"]?.arrayValue?.last?["name"] == "demo")
            #expect(try await api.request(.get, "/v1/namespaces/demo").status == 404)
            #expect(try await api.request(.get, "/v1/namespaces/demo/gadgets").status == 404)
        }
    }

    @Test("list filters by labels and name prefix, and pages without duplicates", arguments: Backend.enabled)
    func listing(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            try await api.createNamespace("demo")
            for i in 0..<25 {
                let tier = i % 2 == 0 ? "front" : "back"
                let name = i < 20 ? String(format: "web-%02d", i) : String(format: "db-%02d", i)
                let response = try await api.request(.post, "/v1/namespaces/demo/gadgets", json: #"{"name":"\#(name)","labels":{"tier":"\#(tier)"}}"#)
                #expect(response.status == 201)
            }
            let front = try await api.request(.get, "/v1/namespaces/demo/gadgets?labelSelector=tier%3Dfront")
            #expect(front.json["items"]?.arrayValue?.count == 13)
            let notFront = try await api.request(.get, "/v1/namespaces/demo/gadgets?labelSelector=tier%21%3Dfront,tier")
            #expect(notFront.json["items"]?.arrayValue?.count == 12)
            let prefixed = try await api.request(.get, "/v1/namespaces/demo/gadgets?namePrefix=db-")
            #expect(prefixed.json["items"]?.arrayValue?.count == 5)

            var names: [String] = []
            var token: String?
            var pages = 0
            repeat {
                let query = "limit=4" + (token.map { "&continue=\($0)" } ?? "")
                let page = try await api.request(.get, "/v1/namespaces/demo/gadgets?\(query)&labelSelector=tier%20in%20(front,back)")
                #expect(page.status == 200)
                names += page.json["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
                token = page.json["continue"]?.stringValue
                pages += 1
                if pages == 2 {
                    // A write between pages neither duplicates nor hides what was there all along.
                    _ = try await api.request(.post, "/v1/namespaces/demo/gadgets", json: #"{"name":"aaa-new"}"#)
                }
            } while token != nil
            #expect(pages == 7)
            #expect(names == names.sorted())
            #expect(Set(names).count == names.count)
            #expect(names.count == 25)
        }
    }

    @Test("the status subresource is the only way to write status", arguments: Backend.enabled)
    func statusSubresource(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            try await api.createNamespace("demo")
            _ = try await api.request(.post, "/v1/namespaces/demo/gadgets", json: #"{"name":"g"}"#)
            let ignored = try await api.request(.put, "/v1/namespaces/demo/gadgets/g", json: #"{"name":"g","status":{"phase":"ready"}}"#)
            #expect(ignored.json["status"]?["phase"] == "pending")
            let status = try await api.request(
                .put, "/v1/namespaces/demo/gadgets/g/status",
                json: #"{"status":{"phase":"provisioning","conditions":[{"type":"Ready","status":"False","reason":"Booting"}],"message":"starting"}}"#)
            #expect(status.status == 200)
            #expect(status.json["status"]?["phase"] == "provisioning")
            #expect(status.json["version"] == 1)
            let before = try #require(status.json["revision"]?.int64Value)
            let patched = try await api.request(
                .patch, "/v1/namespaces/demo/gadgets/g/status", json: #"{"status":{"phase":"ready","message":null}}"#,
                contentType: "application/merge-patch+json")
            #expect(patched.json["status"]?["phase"] == "ready")
            #expect(patched.json["status"]?["message"] == nil)
            #expect(patched.json["status"]?["conditions"]?.arrayValue?.count == 1)
            #expect((patched.json["revision"]?.int64Value ?? 0) > before)
            let invalid = try await api.request(.put, "/v1/namespaces/demo/gadgets/g/status", json: #"{"status":{"phase":"exploded"}}"#)
            #expect(invalid.status == 422)
            let namespaceStatus = try await api.request(.patch, "/v1/namespaces/demo/status", json: #"{"status":{"message":"hello"}}"#)
            #expect(namespaceStatus.status == 200)
            #expect(namespaceStatus.json["status"]?["message"] == "hello")
        }
    }

    @Test("a controller reconciles status toward spec and retries failures", arguments: Backend.enabled)
    func controller(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            try await api.createNamespace("demo")
            _ = try await api.request(.post, "/v1/namespaces/demo/widgets", json: #"{"name":"ok","spec":{"size":7}}"#)
            _ = try await api.request(.post, "/v1/namespaces/demo/widgets", json: #"{"name":"bad","spec":{"size":1,"fail":true}}"#)
            let ok = try await api.eventually("widget ok ready") {
                let r = try await api.request(.get, "/v1/namespaces/demo/widgets/ok")
                return r.json["status"]?["phase"] == "ready" ? r : nil
            }
            #expect(ok.json["status"]?["observedVersion"] == 1)
            #expect(ok.json["status"]?["message"] == "size 7")
            let bad = try await api.eventually("widget bad failed") {
                let r = try await api.request(.get, "/v1/namespaces/demo/widgets/bad")
                return r.json["status"]?["phase"] == "failed" ? r : nil
            }
            #expect(bad.json["status"]?["message"]?.stringValue?.contains("asked to fail") == true)
            // Fixing the spec brings it to ready.
            _ = try await api.request(.patch, "/v1/namespaces/demo/widgets/bad", json: #"{"spec":{"fail":false}}"#)
            let fixed = try await api.eventually("widget bad fixed") {
                let r = try await api.request(.get, "/v1/namespaces/demo/widgets/bad")
                return r.json["status"]?["phase"] == "ready" ? r : nil
            }
            #expect(fixed.json["status"]?["observedVersion"] == 2)
            // The namespace controller marked the namespace ready too.
            #expect(try await api.request(.get, "/v1/namespaces/demo").json["status"]?["phase"] == "ready")
        }
    }

    @Test("resource types, health, readiness, metrics and cluster info", arguments: [Backend.sqlite])
    func system(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            let types = try await api.request(.get, "/v1/resource-types")
            let names = types.json["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
            #expect(
                names == [
                    "clusterrolebindings", "dnsrecords", "dnszones", "gadgets", "groups", "instances", "issuanceceilings", "issuancepolicies", "namespaces", "rolebindings", "roles",
                    "serviceaccounts", "services", "things", "users", "widgets",
                ])
            let widgets = types.json["items"]?.arrayValue?.first { $0["name"] == "widgets" }
            #expect(widgets?["schema"]?["properties"]?["size"]?["type"] == "integer")
            #expect(widgets?["hasController"] == true)
            #expect(try await api.request(.get, "/healthz").status == 200)
            #expect(try await api.request(.get, "/readyz").status == 200)
            let cluster = try await api.request(.get, "/v1/cluster")
            #expect(cluster.json["caFingerprint"]?.stringValue?.hasPrefix("sha256:") == true)
            #expect(cluster.json["clusterId"]?.stringValue?.count == 36)
            let ca = try await api.request(.get, "/v1/cluster/ca.pem")
            #expect(ca.text.contains("BEGIN CERTIFICATE"))
            let metrics = try await api.request(.get, "/metrics")
            #expect(metrics.status == 200)
        }
    }
}

extension APIFixture {
    /// Polls `check` until it returns a value (at most `timeout`).
    func eventually<T: Sendable>(_ what: String, timeout: Duration = .seconds(15), _ check: () async throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let value = try await check() { return value }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("timed out waiting for: \(what)")
    }
}
