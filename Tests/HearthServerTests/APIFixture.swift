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

    static let logger: Logger = {
        var logger = Logger(label: "hearth-test")
        logger.logLevel = .warning
        return logger
    }()

    static func with(
        _ backend: Backend, configure: @Sendable (inout ServerConfiguration) -> Void = { _ in },
        _ body: @Sendable (APIFixture) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-api-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0, dataDirectory: directory, plainHTTP: true)
        if backend == .postgres { configuration.databaseURL = try await TestPostgres.createDatabase() }
        configure(&configuration)
        let server = try HearthServer(configuration: configuration, registry: APITestTypes.registry, logger: logger)
        let app = try server.makeApplication()
        try await app.test(.live) { client in
            try await server.store.waitUntilReady()
            try await body(APIFixture(client: client, server: server))
        }
    }

    // MARK: Requests

    @discardableResult
    func request(
        _ method: HTTPRequest.Method, _ uri: String, json: String? = nil, contentType: String = "application/json",
        headers extra: HTTPFields = [:]
    ) async throws -> APIResponse {
        var headers = extra
        if json != nil { headers[.contentType] = contentType }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
        return APIResponse(response)
    }

    func createNamespace(_ name: String) async throws {
        let response = try await request(.post, "/v1/namespaces", json: #"{"name":"\#(name)"}"#)
        guard response.status == 201 else { throw TestFailure("creating namespace \(name): \(response.status) \(response.text)") }
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
