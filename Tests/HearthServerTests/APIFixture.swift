import Foundation
import HTTPTypes
import HearthCore
import HearthServer
import HearthTestSupport
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

/// A live Hearth API server on a loopback socket (plain HTTP), on SQLite or PostgreSQL.
struct APIFixture: Sendable {
    let client: any TestClientProtocol
    let server: HearthServer
    /// The first admin's access token, made through the setup code as a user would.
    let adminToken: String
    let dataDirectory: String

    static let adminPassword = "correct horse battery staple"

    /// Whose credentials a request carries.
    enum Credentials: Sendable {
        case admin
        case none
        case bearer(String)
    }

    static let logger: Logger = {
        var logger = Logger(label: "hearth-test")
        logger.logLevel = .warning
        return logger
    }()

    /// Runs `body` against a fresh server. With `setUp` (the default) the first admin is created
    /// through the setup code, and requests carry its token unless told otherwise. A given
    /// `dataDirectory` is kept afterwards (to start the server again on it).
    static func with(
        _ backend: Backend, dataDirectory: String? = nil, setUp: Bool = true, configure: @Sendable (inout ServerConfiguration) -> Void = { _ in },
        _ body: @Sendable (APIFixture) async throws -> Void
    ) async throws {
        let directory = dataDirectory ?? FileManager.default.temporaryDirectory.appendingPathComponent("hearth-api-\(UUID().uuidString)").path
        defer { if dataDirectory == nil { try? FileManager.default.removeItem(atPath: directory) } }
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0, dataDirectory: directory, plainHTTP: true)
        configuration.dnsListen = nil
        // Hundreds of accounts across the suite, on a debug build: a cheap scrypt (1 MiB) keeps
        // hashing from starving every other request.
        configuration.passwordHashing = .init(logN: 10, blockSize: 8, parallelism: 1)
        if backend == .postgres { configuration.databaseURL = try await TestPostgres.createDatabase() }
        configure(&configuration)
        let server = try HearthServer(configuration: configuration, registry: APITestTypes.registry, logger: logger)
        let app = try server.makeApplication()
        try await app.test(.live) { client in
            try await server.store.waitUntilReady()
            let token = setUp ? try await Self.setUp(client: client, dataDirectory: directory) : ""
            // Watches and blocking reads a test left open end here, so the shutdown that follows
            // does not wait for them (as `hearth server` does at SIGTERM).
            defer { server.drain() }
            try await body(APIFixture(client: client, server: server, adminToken: token, dataDirectory: directory))
        }
    }

    /// Creates the first admin with the setup code the server wrote, and returns its access token.
    static func setUp(client: any TestClientProtocol, dataDirectory: String) async throws -> String {
        let path = dataDirectory + "/setup-code"
        var code: String?
        for _ in 0..<200 {
            if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                code = text.trimmingCharacters(in: .whitespacesAndNewlines)
                break
            }
            try await Task.sleep(for: .milliseconds(25))
        }
        guard let code else { throw TestFailure("the server wrote no setup code to \(path)") }
        let body = #"{"code":"\#(code)","username":"admin","password":"\#(adminPassword)"}"#
        let response = try await client.execute(
            uri: "/v1/setup", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body))
        let answer = APIResponse(response)
        guard answer.status == 201, let token = answer.json["accessToken"]?.stringValue else {
            throw TestFailure("setup failed: \(answer.status) \(answer.text)")
        }
        return token
    }

    // MARK: Requests

    @discardableResult
    func request(
        _ method: HTTPRequest.Method, _ uri: String, json: String? = nil, contentType: String = "application/json",
        headers extra: HTTPFields = [:], as credentials: Credentials = .admin
    ) async throws -> APIResponse {
        var headers = extra
        if json != nil { headers[.contentType] = contentType }
        switch credentials {
        case .admin: headers[.authorization] = "Bearer \(adminToken)"
        case .bearer(let token): headers[.authorization] = "Bearer \(token)"
        case .none: break
        }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
        return APIResponse(response)
    }

    func createNamespace(_ name: String, as credentials: Credentials = .admin) async throws {
        let response = try await request(.post, "/v1/namespaces", json: #"{"name":"\#(name)"}"#, as: credentials)
        guard response.status == 201 else { throw TestFailure("creating namespace \(name): \(response.status) \(response.text)") }
    }

    /// Creates a user (as the admin) and logs it in; returns its access token.
    func user(_ name: String, password: String = "a long enough password") async throws -> String {
        let created = try await request(.post, "/v1/users", json: #"{"username":"\#(name)","password":"\#(password)"}"#)
        guard created.status == 201 else { throw TestFailure("creating user \(name): \(created.status) \(created.text)") }
        return try await login(name, password: password)
    }

    func login(_ name: String, password: String = "a long enough password") async throws -> String {
        let login = try await request(.post, "/v1/auth/login", json: #"{"username":"\#(name)","password":"\#(password)"}"#, as: .none)
        guard login.status == 200, let token = login.json["accessToken"]?.stringValue else {
            throw TestFailure("logging in \(name): \(login.status) \(login.text)")
        }
        return token
    }
}

/// A response with its JSON decoded.
struct APIResponse: Sendable {
    let status: Int
    let headers: HTTPFields
    let text: String

    init(_ response: TestResponse) {
        status = response.status.code
        headers = response.headers
        text = String(buffer: response.body)
    }

    var json: JSONValue {
        (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .null
    }

    var isProblem: Bool { headers[.contentType] == "application/problem+json" }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
