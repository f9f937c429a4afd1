import Foundation
import HearthCore
import HearthTestSupport
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization
import Testing

/// Health checks against real targets: an HTTP server, TCP sockets, a gRPC health server
/// (Python's grpcio) and TTL heartbeats.
@Suite("Health checks", .serialized)
struct HealthCheckTests {
    static let base = "/v1/namespaces/ops/services"

    /// An HTTP server with /ok (200), /fail (500), /busy (429); runs during `body`.
    static func withTarget(_ body: @Sendable (Int) async throws -> Void) async throws {
        let router = Router()
        router.get("ok") { _, _ in "fine" }
        router.get("fail") { _, _ -> Response in Response(status: .internalServerError, body: .init(byteBuffer: ByteBuffer(string: "broken"))) }
        router.get("busy") { _, _ -> Response in Response(status: .tooManyRequests) }
        // Alternates: 200, 500, 200, 500 ...
        let flips = Atomic<Int>(0)
        router.get("flap") { _, _ -> Response in
            Response(status: flips.add(1, ordering: .relaxed).newValue % 2 == 1 ? .ok : .internalServerError)
        }
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "health-target")
        // Its shutdown at the end of a test logs cancelled connections: not worth reading.
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            let serviceGroup = ServiceGroup(configuration: .init(services: [app], logger: logger))
            group.addTask { try await serviceGroup.run() }
            var iterator = portStream.makeAsyncIterator()
            let port = await iterator.next() ?? 0
            defer { group.cancelAll() }
            try await body(port)
            await serviceGroup.triggerGracefulShutdown()
        }
    }

    /// A port nothing listens on.
    static func closedPort() throws -> Int {
        let channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).wait()
        let port = channel.localAddress?.port ?? 1
        try channel.close().wait()
        return port
    }

    /// Polls the instance until its health is `state`; returns the instance's JSON.
    static func waitForHealth(
        _ api: APIFixture, _ path: String, _ state: String, timeout: Duration = .seconds(15), where condition: (JSONValue) -> Bool = { _ in true }
    ) async throws -> JSONValue {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var last = JSONValue.null
        while clock.now < deadline {
            let response = try await api.request(.get, path)
            last = response.json
            if last["status"]?["details"]?["health"] == .string(state), condition(last) { return last }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("\(path) did not turn \(state) within \(timeout): \(last)")
    }

    func register(_ api: APIFixture, _ id: String, port: Int, checks: String, extra: String = "") async throws {
        let response = try await api.request(
            .put, "\(Self.base)/svc/instances/\(id)", json: #"{"spec":{"address":"127.0.0.1","port":\#(port),"checks":[\#(checks)]\#(extra)}}"#)
        guard response.status == 201 || response.status == 200 else { throw TestFailure("register \(id): \(response.status) \(response.text)") }
    }

    func prepare(_ api: APIFixture) async throws {
        try await api.createNamespace("ops")
        _ = try await api.request(.put, "\(Self.base)/svc", json: #"{"spec":{}}"#)
    }

    @Test("HTTP checks: 2xx passes, 429 warns, 500 is critical, output kept; discovery and health agree")
    func http() async throws {
        try await Self.withTarget { port in
            try await APIFixture.with(.sqlite) { api in
                try await prepare(api)
                try await register(api, "ok", port: port, checks: #"{"type":"http","target":"http://127.0.0.1:\#(port)/ok","interval":"1s"}"#)
                try await register(api, "busy", port: port, checks: #"{"type":"http","target":"http://127.0.0.1:\#(port)/busy","interval":"1s"}"#)
                try await register(api, "fail", port: port, checks: #"{"type":"http","target":"http://127.0.0.1:\#(port)/fail","interval":"1s"}"#)
                try await register(
                    api, "tolerant", port: port,
                    checks: #"{"type":"http","target":"http://127.0.0.1:\#(port)/fail","interval":"1s","expectedStatus":"200-599"}"#)
                // Before its first check an instance with checks is critical: not discovered as healthy.
                let ok = try await Self.waitForHealth(api, "\(Self.base)/svc/instances/ok", "passing")
                let output = ok["status"]?["details"]?["checks"]?.arrayValue?.first?["output"]?.stringValue ?? ""
                #expect(output.contains("200") && output.contains("fine"), "\(output)")
                _ = try await Self.waitForHealth(api, "\(Self.base)/svc/instances/busy", "warning")
                let fail = try await Self.waitForHealth(api, "\(Self.base)/svc/instances/fail", "critical")
                #expect(fail["status"]?["details"]?["checks"]?.arrayValue?.first?["output"]?.stringValue?.contains("500") == true)
                _ = try await Self.waitForHealth(api, "\(Self.base)/svc/instances/tolerant", "passing")
                let healthy = try await api.request(.get, "\(Self.base)/svc/instances?healthy=true")
                let ids = Set(healthy.json["instances"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [])
                #expect(ids == ["ok", "busy", "tolerant"])
            }
        }
    }

    @Test("TCP checks: an open port passes, a closed one is critical; deregisterAfter removes it")
    func tcp() async throws {
        try await Self.withTarget { port in
            try await APIFixture.with(.sqlite) { api in
                try await prepare(api)
                let closed = try Self.closedPort()
                try await register(api, "open", port: port, checks: #"{"type":"tcp","interval":"1s"}"#)
                try await register(
                    api, "closed", port: closed, checks: #"{"type":"tcp","interval":"1s","timeout":"500ms"}"#,
                    extra: #","initialState":"passing","deregisterAfter":"2s""#)
                _ = try await Self.waitForHealth(api, "\(Self.base)/svc/instances/open", "passing")
                let critical = try await Self.waitForHealth(api, "\(Self.base)/svc/instances/closed", "critical")
                #expect(critical["status"]?["details"]?["criticalSince"]?.stringValue != nil)
                let clock = ContinuousClock()
                let deadline = clock.now + .seconds(20)
                var status = 200
                while clock.now < deadline, status != 404 {
                    status = try await api.request(.get, "\(Self.base)/svc/instances/closed").status
                    try await Task.sleep(for: .milliseconds(200))
                }
                #expect(status == 404, "a critical instance is removed after deregisterAfter")
                #expect(try await api.request(.get, "\(Self.base)/svc/instances/open").status == 200)
            }
        }
    }

    @Test("thresholds: a check needs its successes before it passes")
    func thresholds() async throws {
        try await Self.withTarget { port in
            try await APIFixture.with(.sqlite) { api in
                try await prepare(api)
                try await register(
                    api, "slow", port: port,
                    checks: #"{"type":"http","target":"http://127.0.0.1:\#(port)/ok","interval":"1s","successesBeforePassing":3}"#)
                let clock = ContinuousClock()
                let started = clock.now
                _ = try await Self.waitForHealth(api, "\(Self.base)/svc/instances/slow", "passing")
                // The first run comes within the first interval, then two more a second apart.
                #expect(clock.now - started >= .seconds(2))
            }
        }
    }

    @Test("a flapping target does not flap the instance: two failures in a row are needed, and never come")
    func flapping() async throws {
        try await Self.withTarget { port in
            try await APIFixture.with(.sqlite) { api in
                try await prepare(api)
                try await register(
                    api, "flappy", port: port,
                    checks: #"{"type":"http","target":"http://127.0.0.1:\#(port)/flap","interval":"1s","failuresBeforeCritical":2,"successesBeforePassing":2}"#,
                    extra: #","initialState":"passing""#)
                let path = "\(Self.base)/svc/instances/flappy"
                // The first result, passing, before the window watched: under the full suite's load
                // (a SIGKILL test's 32 writers beside it) it has taken most of a 6 s window to come.
                _ = try await Self.waitForHealth(api, path, "passing", timeout: .seconds(30)) {
                    $0["status"]?["details"]?["checks"]?.arrayValue?.first?["checkedAt"]?.stringValue != nil
                }
                let clock = ContinuousClock()
                let end = clock.now + .seconds(6)
                var seen: Set<String> = []
                var checked = 0
                while clock.now < end {
                    let instance = try await api.request(.get, path).json
                    seen.insert(instance["status"]?["details"]?["health"]?.stringValue ?? "unreported")
                    if instance["status"]?["details"]?["checks"]?.arrayValue?.first?["checkedAt"]?.stringValue != nil { checked += 1 }
                    let healthy = try await api.request(.get, "\(Self.base)/svc/instances?healthy=true")
                    #expect(healthy.json["instances"]?.arrayValue?.count == 1, "discovery dropped a flapping instance")
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(seen.subtracting(["unreported"]) == ["passing"], "\(seen)")
                #expect(checked > 0, "the check ran")
            }
        }
    }

    @Test("TTL checks: heartbeats keep them passing, silence turns them critical")
    func ttl() async throws {
        try await APIFixture.with(.sqlite) { api in
            try await prepare(api)
            try await register(api, "beating", port: 1, checks: #"{"type":"ttl","name":"alive","ttl":"2s"}"#)
            let path = "\(Self.base)/svc/instances/beating"
            #expect(try await api.request(.get, path).json["status"]?["details"]?["health"] == nil)
            let beat = try await api.request(.put, "\(path)/checks/alive/pass", json: nil)
            #expect(beat.status == 200, "\(beat.text)")
            #expect(beat.json["status"]?["details"]?["health"] == .string("passing"))
            let warn = try await api.request(.put, "\(path)/checks/alive/warn", json: "disk 91% full", contentType: "text/plain")
            #expect(warn.json["status"]?["details"]?["checks"]?.arrayValue?.first?["output"] == .string("disk 91% full"))
            #expect(warn.json["status"]?["details"]?["health"] == .string("warning"))
            _ = try await api.request(.put, "\(path)/checks/alive/pass")
            let expired = try await Self.waitForHealth(api, path, "critical", timeout: .seconds(10))
            #expect(expired["status"]?["details"]?["checks"]?.arrayValue?.first?["output"]?.stringValue?.contains("TTL expired") == true)
            #expect(try await api.request(.put, "\(path)/checks/nope/pass").status == 404)
            // A check Hearth runs takes no heartbeats.
            try await register(api, "probed", port: 1, checks: #"{"type":"tcp","interval":"60s"}"#)
            #expect(try await api.request(.put, "\(Self.base)/svc/instances/probed/checks/tcp/pass").status == 409)
        }
    }

    @Test("gRPC checks speak grpc.health.v1 to a real gRPC server")
    func grpc() async throws {
        let server = try await GRPCHealthServer.start()
        defer { server.stop() }
        try await APIFixture.with(.sqlite) { api in
            try await prepare(api)
            try await register(api, "serving", port: server.port, checks: #"{"type":"grpc","interval":"1s"}"#)
            try await register(api, "down", port: server.port, checks: #"{"type":"grpc","grpcService":"down","interval":"1s"}"#, extra: #","initialState":"passing""#)
            try await register(api, "unknown", port: server.port, checks: #"{"type":"grpc","grpcService":"nosuch","interval":"1s"}"#, extra: #","initialState":"passing""#)
            let serving = try await Self.waitForHealth(api, "\(Self.base)/svc/instances/serving", "passing")
            #expect(serving["status"]?["details"]?["checks"]?.arrayValue?.first?["output"]?.stringValue?.contains("SERVING") == true)
            let down = try await Self.waitForHealth(api, "\(Self.base)/svc/instances/down", "critical")
            #expect(down["status"]?["details"]?["checks"]?.arrayValue?.first?["output"]?.stringValue?.contains("NOT_SERVING") == true)
            // The server answers NOT_FOUND (grpc-status 5) for a service it does not know.
            let unknown = try await Self.waitForHealth(api, "\(Self.base)/svc/instances/unknown", "critical") { instance in
                instance["status"]?["details"]?["checks"]?.arrayValue?.first?["output"]?.stringValue?.contains("grpc-status 5") == true
            }
            #expect(unknown["status"]?["details"]?["health"] == .string("critical"))
        }
    }
}

/// Python's grpcio health server (`grpc_health.v1`), with "" SERVING and "down" NOT_SERVING, on
/// a port picked here; ready once the port accepts connections.
struct GRPCHealthServer {
    let process: ChildProcess
    let port: Int

    static let script = """
        import sys, time, grpc
        from concurrent import futures
        from grpc_health.v1 import health, health_pb2, health_pb2_grpc
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        servicer = health.HealthServicer()
        servicer.set("", health_pb2.HealthCheckResponse.SERVING)
        servicer.set("down", health_pb2.HealthCheckResponse.NOT_SERVING)
        health_pb2_grpc.add_HealthServicer_to_server(servicer, server)
        server.add_insecure_port("127.0.0.1:" + sys.argv[1])
        server.start()
        time.sleep(600)
        """

    static func start() async throws -> GRPCHealthServer {
        let port = try HealthCheckTests.closedPort()
        let process = try ChildProcess("/usr/bin/env", ["python3", "-c", script, String(port)])
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let channel = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port).get() {
                try? await channel.close()
                return GRPCHealthServer(process: process, port: port)
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        await process.terminate(grace: .zero)
        throw TestFailure("the gRPC health server (python3 with grpcio and grpcio-health-checking; scripts/test installs them) did not start")
    }

    /// Kills it; its reaper thread collects it.
    func stop() {
        process.signal(SIGKILL)
    }
}
