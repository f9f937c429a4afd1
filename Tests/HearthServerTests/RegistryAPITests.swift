import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import HearthCore
import HearthTestSupport
import Testing

@Suite("Service registry API")
struct RegistryAPITests {
    static let base = "/v1/namespaces/shop/services"

    func prepare(_ api: APIFixture) async throws {
        try await api.createNamespace("shop")
        let created = try await api.request(
            .put, "\(Self.base)/web", json: #"{"spec":{"ports":[{"name":"http","port":8080,"protocol":"http"},{"name":"metrics","port":9100}],"tags":["v1"]}}"#)
        #expect(created.status == 201, "\(created.text)")
    }

    @Test("instances register idempotently, are discovered with their health, and deregister", arguments: Backend.enabled)
    func lifecycle(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            try await prepare(api)
            let body = #"{"spec":{"address":"10.0.0.5","port":8080,"ports":{"metrics":9200},"tags":["blue"],"weight":3}}"#
            let first = try await api.request(.put, "\(Self.base)/web/instances/web-1", json: body)
            #expect(first.status == 201, "\(first.text)")
            #expect(first.json["spec"]?["service"] == .string("web"))
            let again = try await api.request(.put, "\(Self.base)/web/instances/web-1", json: body)
            #expect(again.status == 200)
            #expect(again.json["version"] == first.json["version"], "registering the same thing again changes nothing")
            try await api.request(.put, "\(Self.base)/web/instances/web-2", json: #"{"spec":{"address":"10.0.0.6","port":8080}}"#)

            let found = try await api.request(.get, "\(Self.base)/web/instances")
            #expect(found.status == 200, "\(found.text)")
            let instances = found.json["instances"]?.arrayValue ?? []
            #expect(instances.compactMap { $0["id"]?.stringValue } == ["web-1", "web-2"])
            #expect(instances.first?["health"] == .string("passing"), "no checks: passing")
            #expect(instances.first?["weight"] == .int(3))
            #expect(instances.first?["ports"] == .object(["http": .int(8080), "metrics": .int(9200)]))
            let index = found.headers[.init("X-Hearth-Index")!]
            #expect(index != nil && Int64(index!) == found.json["index"]?.int64Value)

            let tagged = try await api.request(.get, "\(Self.base)/web/instances?tag=blue")
            #expect(tagged.json["instances"]?.arrayValue?.count == 1)

            // The instance is an ordinary resource too.
            let resource = try await api.request(.get, "/v1/namespaces/shop/instances/web-1")
            #expect(resource.status == 200)
            #expect(try await api.request(.get, "\(Self.base)/web/instances/web-1").status == 200)

            #expect(try await api.request(.delete, "\(Self.base)/web/instances/web-1").status == 200)
            #expect(try await api.request(.get, "\(Self.base)/web/instances/web-1").status == 404)
            let after = try await api.request(.get, "\(Self.base)/web/instances")
            #expect(after.json["instances"]?.arrayValue?.count == 1)
            #expect((after.json["index"]?.int64Value ?? 0) > (found.json["index"]?.int64Value ?? 0))
            // A service with instances is not deleted unless the delete cascades.
            #expect(try await api.request(.delete, "\(Self.base)/web").status == 409)
            #expect(try await api.request(.delete, "\(Self.base)/web?cascade=true").status == 200)
            #expect(try await api.request(.get, "\(Self.base)/web/instances").status == 404)
        }
    }

    @Test("bad registrations get 4xx naming the problem", arguments: [Backend.sqlite])
    func badInput(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            try await prepare(api)
            let cases: [(String, String, Int, String)] = [
                ("web", #"{"spec":{"address":"not an address!","port":80}}"#, 422, "spec.address"),
                ("web", #"{"spec":{"address":"10.0.0.1","port":70000}}"#, 422, "spec.port"),
                ("web", #"{"spec":{"address":"10.0.0.1","service":"other"}}"#, 422, "spec.service"),
                ("web", #"{"spec":{"address":"10.0.0.1","checks":[{"type":"http","target":"ftp://x"}]}}"#, 422, "spec.checks[0].target"),
                ("web", #"{"spec":{"address":"10.0.0.1","checks":[{"type":"icmp"}]}}"#, 422, "spec.checks[0].type"),
                ("web", #"{"spec":{"address":"10.0.0.1","checks":[{"type":"tcp","interval":"10ms"}]}}"#, 422, "spec.checks[0].interval"),
                ("web", #"{"spec":{"address":"10.0.0.1","surprise":1}}"#, 422, "spec.surprise"),
                ("nope", #"{"spec":{"address":"10.0.0.1"}}"#, 422, "services/shop/nope, which does not exist"),
                ("web", #"[1]"#, 400, ""),
            ]
            for (service, body, status, field) in cases {
                let response = try await api.request(.put, "\(Self.base)/\(service)/instances/x-1", json: body)
                #expect(response.status == status, "\(body): \(response.text)")
                #expect(response.isProblem)
                if !field.isEmpty { #expect(response.text.contains(field), "\(body): \(response.text)") }
            }
            // An instance id belongs to one service in a namespace.
            try await api.request(.put, "\(Self.base)/api", json: #"{"spec":{}}"#)
            #expect(try await api.request(.put, "\(Self.base)/web/instances/one", json: #"{"spec":{"address":"10.0.0.1"}}"#).status == 201)
            let taken = try await api.request(.put, "\(Self.base)/api/instances/one", json: #"{"spec":{"address":"10.0.0.1"}}"#)
            #expect(taken.status == 409)
            #expect(taken.text.contains("registered to service 'web'"))
            #expect(try await api.request(.get, "\(Self.base)/api/instances/one").status == 404)
            #expect(try await api.request(.get, "\(Self.base)/web/instances?index=abc").status == 400)
            #expect(try await api.request(.get, "\(Self.base)/web/instances?index=1&wait=11m").status == 400)
            #expect(try await api.request(.get, "\(Self.base)/web/instances?healthy=maybe").status == 400)
            #expect(try await api.request(.put, "\(Self.base)/web/instances/one/checks/x/maybe").status == 404)
        }
    }

    @Test("a blocking query holds until the service changes, or until its wait ends", arguments: [Backend.sqlite])
    func blocking(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            try await prepare(api)
            let first = try await api.request(.get, "\(Self.base)/web/instances")
            let index = first.json["index"]?.int64Value ?? 0
            // Nothing changes: the answer comes when the wait ends, with the same index.
            let clock = ContinuousClock()
            let started = clock.now
            let idle = try await api.request(.get, "\(Self.base)/web/instances?index=\(index)&wait=300ms")
            #expect(clock.now - started >= .milliseconds(280))
            #expect(idle.json["index"]?.int64Value == index)
            // An older index answers at once.
            let quick = clock.now
            _ = try await api.request(.get, "\(Self.base)/web/instances?index=\(index - 1)&wait=60s")
            // Well before the wait would end (bounds are generous: the whole suite runs at once).
            #expect(clock.now - quick < .seconds(30))
            // A change to another service does not wake it; a registration does.
            try await api.request(.put, "\(Self.base)/other", json: #"{"spec":{}}"#)
            // The test client has one connection: the blocked query goes on a second one.
            let port = try #require(api.client.port)
            var blocked = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(Self.base)/web/instances?index=\(index)&wait=60s")
            blocked.headers.add(name: "Authorization", value: "Bearer \(api.adminToken)")
            let request = blocked
            async let waited = HTTPClient.shared.execute(request, timeout: .seconds(90))
            try await Task.sleep(for: .milliseconds(300))
            let registeredAt = clock.now
            try await api.request(.put, "\(Self.base)/web/instances/late", json: #"{"spec":{"address":"10.0.0.9"}}"#)
            let response = try await waited
            let answer = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: try await response.body.collect(upTo: 1 << 20)))
            // Woken by the registration, well before its 60 s wait ends (generous: CI machines are busy).
            #expect(clock.now - registeredAt < .seconds(30))
            #expect((answer["index"]?.int64Value ?? 0) > index)
            #expect(response.headers.first(name: "X-Hearth-Index") == answer["index"]?.int64Value.map(String.init))
            #expect(answer["instances"]?.arrayValue?.first?["id"] == .string("late"))
        }
    }

    @Test("only callers with access to the namespace discover its services", arguments: [Backend.sqlite])
    func access(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            try await prepare(api)
            let mallory = try await api.user("mallory")
            #expect(try await api.request(.get, "\(Self.base)/web/instances", as: .bearer(mallory)).status == 404)
            #expect(try await api.request(.put, "\(Self.base)/web/instances/m", json: #"{"spec":{"address":"10.0.0.1"}}"#, as: .bearer(mallory)).status == 404)
            #expect(try await api.request(.get, "\(Self.base)/web/instances", as: .none).status == 401)
            let viewer = try await api.user("vera")
            let patched = try await api.request(.patch, "/v1/namespaces/shop", json: #"{"spec":{"viewers":["user:vera"]}}"#)
            #expect(patched.status == 200, "\(patched.text)")
            #expect(try await api.request(.get, "\(Self.base)/web/instances", as: .bearer(viewer)).status == 200)
            #expect(try await api.request(.put, "\(Self.base)/web/instances/v", json: #"{"spec":{"address":"10.0.0.1"}}"#, as: .bearer(viewer)).status == 403)
        }
    }
}
