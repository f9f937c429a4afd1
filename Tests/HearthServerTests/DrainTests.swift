import AsyncHTTPClient
import Foundation
import HearthTestSupport
import NIOCore
import Synchronization
import Testing

/// A server stops promptly with watches and blocking reads still open: they end when it begins to
/// stop (``HearthServer/drain()``, which `hearth server` does at SIGTERM), instead of holding up
/// the HTTP server's graceful shutdown, which waits for every answer in flight.
@Suite("Stopping with watches and blocking reads open")
struct DrainTests {
    /// Runs `open` against a fresh server, then stops it; answers how long stopping took.
    static func stopping(_ open: @escaping @Sendable (_ port: Int, _ token: String) async throws -> Void) async throws -> Duration {
        let stopped = Mutex<ContinuousClock.Instant?>(nil)
        let started = ContinuousClock.now
        var bodyEnded = started
        try await APIFixture.with(.sqlite) { api in
            try await api.createNamespace("demo")
            #expect(try await api.request(.post, "/v1/namespaces/demo/services", json: #"{"name":"web","spec":{"ports":[{"name":"http","port":80}]}}"#).status == 201)
            try await open(try #require(api.client.port), api.adminToken)
            stopped.withLock { $0 = .now }
        }
        bodyEnded = stopped.withLock { $0 } ?? started
        return ContinuousClock.now - bodyEnded
    }

    static func get(_ port: Int, _ token: String, _ path: String) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        return try await HTTPClient.shared.execute(request, timeout: .seconds(600))
    }

    @Test("a watch left open", .timeLimit(.minutes(1)))
    func watch() async throws {
        let took = try await Self.stopping { port, token in
            let response = try await Self.get(port, token, "/v1/namespaces/demo/widgets?watch=true")
            #expect(response.status.code == 200)
            _ = response  // never read to its end
        }
        #expect(took < .seconds(10), "stopping took \(took)")
    }

    @Test("a key-value read waiting for a key that never comes", .timeLimit(.minutes(1)))
    func keyValueWait() async throws {
        let took = try await Self.stopping { port, token in
            Task { _ = try? await Self.get(port, token, "/v1/namespaces/demo/kv/missing?wait=5m") }
            try await Task.sleep(for: .milliseconds(300))
        }
        #expect(took < .seconds(10), "stopping took \(took)")
    }

    @Test("a blocking discovery query and a key-value index wait", .timeLimit(.minutes(1)))
    func blockingQueries() async throws {
        let took = try await Self.stopping { port, token in
            Task { _ = try? await Self.get(port, token, "/v1/namespaces/demo/services/web/instances?index=1000000&wait=5m") }
            Task { _ = try? await Self.get(port, token, "/v1/namespaces/demo/kv/k?index=1000000&wait=5m") }
            try await Task.sleep(for: .milliseconds(300))
        }
        #expect(took < .seconds(10), "stopping took \(took)")
    }
}

extension DrainTests {
    @Test("an idle keep-alive connection", .timeLimit(.minutes(1)))
    func idleConnection() async throws {
        let took = try await Self.stopping { port, token in
            let response = try await Self.get(port, token, "/v1/namespaces/demo")
            _ = try await response.body.collect(upTo: 1 << 20)
            #expect(response.status.code == 200)
        }
        #expect(took < .seconds(10), "stopping took \(took)")
    }
}
