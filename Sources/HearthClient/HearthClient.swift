import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOSSL

/// A client of one Hearth server, over HTTPS that trusts exactly the cluster's CA.
///
/// Requests go through AsyncHTTPClient's shared client with a per-request TLS configuration,
/// so a `HearthClient` owns no resources that need shutting down.
public struct HearthClient: Sendable {
    public let server: String
    private let tls: TLSConfiguration?
    private var http: HTTPClient { .shared }

    /// - Parameters:
    ///   - caPEM: the CA to trust; nil only for plain-HTTP servers, or with `insecure` to fetch
    ///     the CA for pinning on first contact.
    public init(server: String, caPEM: String?, insecure: Bool = false) throws {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        var tls = TLSConfiguration.makeClientConfiguration()
        if insecure {
            tls.certificateVerification = .none
        } else if let caPEM {
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)))
        }
        self.tls = self.server.hasPrefix("https://") ? tls : nil
    }

    /// One request; throws ``HearthAPIError`` for answers of 400 and above.
    public func send(
        _ method: HTTPMethod, _ path: String, body: Data? = nil, contentType: String = "application/json",
        timeout: TimeAmount = .seconds(60)
    ) async throws -> (status: Int, headers: HTTPHeaders, body: Data) {
        var request = HTTPClientRequest(url: server + path)
        request.tlsConfiguration = tls
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(data: body))
        }
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: timeout)
        } catch {
            throw HearthAPIError(status: 0, code: "unreachable", detail: "cannot reach \(server): \(error)")
        }
        let buffer = try await response.body.collect(upTo: 64 << 20)
        let data = Data(buffer.readableBytesView)
        if response.status.code >= 400 { throw HearthAPIError(status: Int(response.status.code), body: data) }
        return (Int(response.status.code), response.headers, data)
    }

    /// A JSON request decoded as `T`.
    public func json<T: Decodable>(_ method: HTTPMethod, _ path: String, body: Data? = nil, as type: T.Type = T.self) async throws -> T {
        let (_, _, data) = try await send(method, path, body: body)
        return try JSONDecoder().decode(T.self, from: data)
    }

    /// Follows a Server-Sent Events stream, calling `onEvent` for each event, until it ends.
    public func events(_ path: String, onEvent: (ServerSentEvent) async throws -> Void) async throws {
        var request = HTTPClientRequest(url: server + path)
        request.tlsConfiguration = tls
        request.headers.add(name: "Accept", value: "text/event-stream")
        let response = try await http.execute(request, timeout: .hours(24 * 365))
        if response.status.code >= 400 {
            let buffer = try await response.body.collect(upTo: 1 << 20)
            throw HearthAPIError(status: Int(response.status.code), body: Data(buffer.readableBytesView))
        }
        var parser = ServerSentEventParser()
        for try await chunk in response.body {
            for event in parser.feed(String(buffer: chunk)) { try await onEvent(event) }
        }
    }
}
