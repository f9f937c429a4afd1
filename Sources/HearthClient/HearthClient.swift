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
///
/// Every request carries `Authorization: Bearer` when the client has ``credentials``. A stored
/// login (``ClientCredentials/session(_:)``) is refreshed before a request when its access token
/// is about to expire, and once after a 401, and the request is then retried once.
public struct HearthClient: Sendable {
    public let server: String
    public let credentials: ClientCredentials
    private let tls: TLSConfiguration?
    private var http: HTTPClient { .shared }

    /// - Parameters:
    ///   - caPEM: the CA to trust; nil only for plain-HTTP servers, or with `insecure` to fetch
    ///     the CA for pinning on first contact.
    public init(server: String, caPEM: String?, insecure: Bool = false, credentials: ClientCredentials = .none) throws {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        var tls = TLSConfiguration.makeClientConfiguration()
        if insecure {
            tls.certificateVerification = .none
        } else if let caPEM {
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)))
        }
        self.tls = self.server.hasPrefix("https://") ? tls : nil
        self.credentials = credentials
    }

    private init(server: String, tls: TLSConfiguration?, credentials: ClientCredentials) {
        self.server = server
        self.tls = tls
        self.credentials = credentials
    }

    /// The same server and trust, with other credentials.
    public func with(credentials: ClientCredentials) -> HearthClient {
        HearthClient(server: server, tls: tls, credentials: credentials)
    }

    /// One request; throws ``HearthAPIError`` for answers of 400 and above.
    public func send(
        _ method: HTTPMethod, _ path: String, body: Data? = nil, contentType: String = "application/json",
        headers: [(String, String)] = [], timeout: TimeAmount = .seconds(60)
    ) async throws -> (status: Int, headers: HTTPHeaders, body: Data) {
        try await authorized(path) { bearer in
            try await perform(method, path, body: body, contentType: contentType, headers: headers, bearer: bearer, timeout: timeout)
        }
    }

    /// A JSON request decoded as `T`.
    public func json<T: Decodable>(_ method: HTTPMethod, _ path: String, body: Data? = nil, as type: T.Type = T.self) async throws -> T {
        let (_, _, data) = try await send(method, path, body: body)
        return try JSONDecoder().decode(T.self, from: data)
    }

    /// Follows a Server-Sent Events stream, calling `onEvent` for each event, until it ends.
    public func events(_ path: String, onEvent: (ServerSentEvent) async throws -> Void) async throws {
        let response = try await authorized(path) { bearer in
            var request = HTTPClientRequest(url: server + path)
            request.tlsConfiguration = tls
            request.headers.add(name: "Accept", value: "text/event-stream")
            if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
            let response = try await http.execute(request, timeout: .hours(24 * 365))
            if response.status.code >= 400 {
                let buffer = try await response.body.collect(upTo: 1 << 20)
                throw HearthAPIError(status: Int(response.status.code), body: Data(buffer.readableBytesView))
            }
            return response
        }
        var parser = ServerSentEventParser()
        for try await chunk in response.body {
            for event in parser.feed(String(buffer: chunk)) { try await onEvent(event) }
        }
    }

    /// The paths where credentials are exchanged: they get no bearer, and their 401 means the
    /// credentials in the body were wrong, not that the caller must log in.
    static func exchangesCredentials(_ path: String) -> Bool {
        let route = path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
        return ["/v1/setup", "/v1/auth/login", "/v1/auth/refresh", "/v1/auth/token"].contains(route)
    }

    /// Runs `attempt` with the bearer token to send, refreshing a stored login as needed, and
    /// turns a final 401 into an error that says what to do.
    private func authorized<T>(_ path: String, _ attempt: (String?) async throws -> T) async throws -> T {
        if Self.exchangesCredentials(path) { return try await attempt(nil) }
        let bearer: String?
        switch credentials {
        case .none: bearer = nil
        case .token(let token, _): bearer = token
        case .session(let session): bearer = try await session.bearer(using: self)
        }
        do {
            return try await attempt(bearer)
        } catch let error as HearthAPIError where error.status == 401 {
            switch credentials {
            case .none:
                throw HearthAPIError(
                    status: 401, code: error.code,
                    detail: "not logged in to \(server): run `hearth login` (or set HEARTH_TOKEN to an access token or API key)")
            case .token(_, let origin):
                throw HearthAPIError(status: 401, code: error.code, detail: "\(origin) was not accepted by \(server): \(error.detail)")
            case .session(let session):
                let fresh = try await session.renew(after: bearer, rejection: error, using: self)
                do {
                    return try await attempt(fresh)
                } catch let retried as HearthAPIError where retried.status == 401 {
                    throw await session.loginRequired(retried.detail)
                }
            }
        }
    }

    /// One request with the given bearer token, no refreshing.
    func perform(
        _ method: HTTPMethod, _ path: String, body: Data?, contentType: String = "application/json", headers: [(String, String)] = [],
        bearer: String?, timeout: TimeAmount
    ) async throws -> (status: Int, headers: HTTPHeaders, body: Data) {
        var request = HTTPClientRequest(url: server + path)
        request.tlsConfiguration = tls
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
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
        if response.status.code >= 400 {
            var error = HearthAPIError(status: Int(response.status.code), body: data)
            for header in response.headers { error.headers[header.name.lowercased()] = header.value }
            throw error
        }
        return (Int(response.status.code), response.headers, data)
    }
}
