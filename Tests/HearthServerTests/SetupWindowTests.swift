import AsyncHTTPClient
import Foundation
import HearthCore
import HearthServer
import HearthTestSupport
import NIOCore
import NIOSSL
import ServiceLifecycle
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The first admin is made with a one-time code, from this machine, within the window after the
/// first start, once; the path then stays closed, across restarts too.
@Suite("Setup window", .serialized)
struct SetupWindowTests {
    static let password = "correct horse battery staple"

    static func setupBody(_ code: String, user: String = "admin") -> String {
        #"{"code":"\#(code)","username":"\#(user)","password":"\#(password)"}"#
    }

    static func code(in directory: String) throws -> String {
        try String(contentsOfFile: directory + "/setup-code", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Waits for the code file the server writes shortly after it starts.
    static func waitForCode(in directory: String) async throws -> String {
        for _ in 0..<200 {
            if let code = try? code(in: directory) { return code }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw TestFailure("no setup code in \(directory)")
    }

    /// This machine's first IPv4 address that is not loopback.
    static func externalAddress() -> String? {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return nil }
        defer { freeifaddrs(list) }
        var entry: UnsafeMutablePointer<ifaddrs>? = first
        while let current = entry {
            defer { entry = current.pointee.ifa_next }
            guard let address = current.pointee.ifa_addr, address.pointee.sa_family == UInt8(AF_INET) else { continue }
            var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            guard getnameinfo(address, socklen_t(MemoryLayout<sockaddr_in>.size), &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0 else { continue }
            let text = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if !text.hasPrefix("127.") { return text }
        }
        return nil
    }

    @Test("refused from another machine and with a wrong code; accepted once from loopback; closed after use, also after a restart")
    func onceFromLoopback() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-setup-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let external = try #require(Self.externalAddress(), "this test needs a non-loopback IPv4 address")
        // First start on every address (the test framework would bind localhost only).
        var configuration = ServerConfiguration(host: "0.0.0.0", port: 0, dataDirectory: directory, tlsNames: [external])
        configuration.setupWindow = .seconds(1800)
        configuration.dnsListen = nil
        let server = try HearthServer(configuration: configuration, registry: APITestTypes.registry, logger: APIFixture.logger)
        let port = Mutex<Int?>(nil)
        let app = try server.makeApplication(onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } })
        let group = ServiceGroup(configuration: .init(services: [app], logger: APIFixture.logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            defer { tasks.cancelAll() }
            while port.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
            let code = try await Self.waitForCode(in: directory)
            let bound = port.withLock { $0 }!
            var request = HTTPClientRequest(url: "https://\(external):\(bound)/v1/setup")
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(directory + "/ca.pem"))
            request.tlsConfiguration = tls
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: Self.setupBody(code)))
            let remote = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let remoteBody = try await remote.body.collect(upTo: 1 << 16)
            #expect(remote.status.code == 403)
            #expect(String(buffer: remoteBody).contains("loopback"))
            server.drain()
            await group.triggerGracefulShutdown()
        }
        #expect(FileManager.default.fileExists(atPath: directory + "/setup-code"), "a refused attempt does not use the code")

        try await APIFixture.with(.sqlite, dataDirectory: directory, setUp: false) { api in
            let code = try await Self.waitForCode(in: directory)
            let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/setup-code")
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
            #expect(code.count == 24)

            // A wrong code, a weak password, a bad name.
            let wrong = try await api.request(.post, "/v1/setup", json: Self.setupBody("AAAA-BBBB-CCCC-DDDD-EEEE"), as: .none)
            #expect(wrong.status == 403)
            #expect(wrong.text.contains("invalid setup code"))
            let weak = try await api.request(.post, "/v1/setup", json: #"{"code":"\#(code)","username":"admin","password":"admin"}"#, as: .none)
            #expect(weak.status == 422)
            let badName = try await api.request(.post, "/v1/setup", json: Self.setupBody(code, user: "Admin!"), as: .none)
            #expect(badName.status == 422)

            // Before setup nothing but the anonymous routes answers.
            #expect(try await api.request(.get, "/v1/namespaces", as: .none).status == 401)

            // The right code from loopback: the first admin, logged in.
            let done = try await api.request(.post, "/v1/setup", json: Self.setupBody(code), as: .none)
            #expect(done.status == 201, "\(done.text)")
            let token = try #require(done.json["accessToken"]?.stringValue)
            let whoami = try await api.request(.get, "/v1/auth/whoami", as: .bearer(token))
            #expect(whoami.json["clusterAdmin"] == true)
            #expect(!FileManager.default.fileExists(atPath: directory + "/setup-code"))

            // Once used, closed, even with the right code.
            let again = try await api.request(.post, "/v1/setup", json: Self.setupBody(code, user: "second"), as: .none)
            #expect(again.status == 403)
            #expect(again.text.contains("already been done"))
        }
        // After a restart: still closed, no code file, and the admin logs in.
        try await APIFixture.with(.sqlite, dataDirectory: directory, setUp: false) { api in
            try await Task.sleep(for: .milliseconds(300))
            #expect(!FileManager.default.fileExists(atPath: directory + "/setup-code"))
            let again = try await api.request(.post, "/v1/setup", json: Self.setupBody("AAAA-BBBB-CCCC-DDDD-EEEE", user: "second"), as: .none)
            #expect(again.status == 403)
            _ = try await api.login("admin", password: Self.password)
        }
    }

    @Test("the window is measured from the first start: a restart inside it keeps the code, after it the path is closed")
    func window() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-setup-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let window: @Sendable (inout ServerConfiguration) -> Void = { $0.setupWindow = .seconds(3) }
        try await APIFixture.with(.sqlite, dataDirectory: directory, setUp: false, configure: window) { _ in
            _ = try await Self.waitForCode(in: directory)
        }
        let code = try Self.code(in: directory)
        // Restarted inside the window: the same code is still the one.
        try await APIFixture.with(.sqlite, dataDirectory: directory, setUp: false, configure: window) { _ in
            try await Task.sleep(for: .milliseconds(300))
            #expect(try Self.code(in: directory) == code)
        }
        try await Task.sleep(for: .seconds(3))
        // After the window, even with the code and from loopback: closed, and the file is gone
        // after the next start.
        try await APIFixture.with(.sqlite, dataDirectory: directory, setUp: false, configure: window) { api in
            let late = try await api.request(.post, "/v1/setup", json: Self.setupBody(code), as: .none)
            #expect(late.status == 403)
            #expect(late.text.contains("window has closed"))
            for _ in 0..<100 where FileManager.default.fileExists(atPath: directory + "/setup-code") {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(!FileManager.default.fileExists(atPath: directory + "/setup-code"))
        }
    }

    @Test("a replica (or restart) without the code file adds a code of its own; every code on record works")
    func codePerReplica() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-setup-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await APIFixture.with(.sqlite, dataDirectory: directory, setUp: false) { _ in
            _ = try await Self.waitForCode(in: directory)
        }
        let first = try Self.code(in: directory)
        try FileManager.default.removeItem(atPath: directory + "/setup-code")
        try await APIFixture.with(.sqlite, dataDirectory: directory, setUp: false) { api in
            let second = try await Self.waitForCode(in: directory)
            #expect(second != first)
            let done = try await api.request(.post, "/v1/setup", json: Self.setupBody(first), as: .none)
            #expect(done.status == 201, "the first code still works: \(done.text)")
        }
    }

    @Test("plain HTTP is refused beyond loopback")
    func plainHTTPLoopbackOnly() throws {
        let configuration = ServerConfiguration(host: "0.0.0.0", port: 0, dataDirectory: "/tmp/unused-\(UUID().uuidString)", plainHTTP: true)
        #expect(throws: HearthError.self) { try HearthServer(configuration: configuration, logger: APIFixture.logger) }
    }
}
