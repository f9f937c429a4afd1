import Foundation
import HearthCore
import HearthSecurity
import Hummingbird
import NIOSSL

/// Finds out who the caller is, from `Authorization: Bearer <access token or API key>`, and puts
/// it on the context. It decides nothing: the request guard, which runs before every handler,
/// refuses anonymous or failed callers on every route that is not anonymous.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = HearthRequestContext
    let identity: IdentityService
    let directory: AccessDirectory
    let kvTokens: KVTokens
    /// Client certificates from Hearth's CA (mTLS), on TLS connections; nil on plain HTTP.
    var clientCertificates: ClientCertificates? = nil

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // One pass over the fields, keeping the value as sent (`headers[.authorization]` joins
        // copies of every match into a new string). Two Authorization headers are refused
        // rather than one picked.
        var authorization: String?
        for field in request.headers where field.name == .authorization {
            guard authorization == nil else {
                context.identity = .failed(HearthError(.unauthorized, "send one Authorization header, not several"))
                return try await next(request, context)
            }
            authorization = field.value
        }
        guard let header = authorization else {
            if let clientCertificates, let presented = await ClientCertificates.peerCertificate(on: context.channel) {
                context.identity = await authenticate(presented, with: clientCertificates)
            }
            return try await next(request, context)
        }
        context.identity = await authenticate(header)
        return try await next(request, context)
    }

    func authenticate(_ header: String) async -> RequestIdentity {
        guard let credential = Self.bearerCredential(header) else {
            return .failed(HearthError(.unauthorized, "the Authorization header must be 'Bearer <access token or API key>'"))
        }
        guard directory.isLoaded else {
            return .failed(HearthError(.unavailable, "the server is starting: access control is loading; try again in a moment"))
        }
        do {
            // The common case: a credential seen lately, for a principal that has not changed since.
            // (A session or key revoked on this replica is dropped from the cache at once; one
            // revoked elsewhere within the cache time.)
            let generation = directory.generation
            if let caller = identity.cachedCaller(for: credential, generation: generation) {
                return .authenticated(caller)
            }
            let caller: Caller
            let validUntil: Double
            if credential.hasPrefix("hkv_") {
                let record = try await kvTokens.authenticate(credential)
                guard let principal = directory.principal(forSubject: record.createdBy, sessionID: nil) else {
                    return .failed(HearthError(.unauthorized, "the account that made this KV token is disabled or no longer exists"))
                }
                let scope = KVTokenScope(
                    tokenID: record.id, namespace: record.namespace, prefix: record.prefix, read: record.verbs.contains("read"),
                    write: record.verbs.contains("write"))
                caller = Caller(principal: principal, method: .kvToken, credentialID: record.id, expiresAt: record.expiresAt, kvScope: scope)
                validUntil = min(
                    Timestamp.date(from: record.expiresAt)?.timeIntervalSince1970 ?? 0,
                    Date().timeIntervalSince1970 + identity.configuration.credentialCacheTTL.secondsDouble)
            } else if credential.hasPrefix("hth_") {
                let (subject, keyID) = try await identity.authenticateAPIKey(credential)
                guard let principal = directory.principal(forSubject: subject, sessionID: nil) else {
                    return .failed(HearthError(.unauthorized, "the API key's account is disabled or no longer exists"))
                }
                caller = Caller(principal: principal, method: .apiKey, credentialID: keyID, expiresAt: nil)
                // Checked again after the cache time, for revocations on other replicas.
                validUntil = Date().timeIntervalSince1970 + identity.configuration.credentialCacheTTL.secondsDouble
            } else {
                let claims = try await identity.verifyAccessToken(credential)
                guard try await identity.sessionIsAlive(claims.sessionID) else {
                    return .failed(HearthError(.unauthorized, "the session has ended; log in again"))
                }
                guard let principal = directory.principal(forSubject: claims.subject, sessionID: claims.sessionID) else {
                    return .failed(HearthError(.unauthorized, "the token's account is disabled or no longer exists"))
                }
                caller = Caller(
                    principal: principal, method: .accessToken, credentialID: claims.sessionID,
                    expiresAt: Timestamp.string(from: claims.expiresAt))
                // Until the token expires, or the session is due to be checked again.
                validUntil = min(
                    claims.expiresAt.timeIntervalSince1970 + identity.leewaySeconds,
                    Date().timeIntervalSince1970 + identity.configuration.credentialCacheTTL.secondsDouble)
            }
            identity.cache(caller, for: credential, validUntil: validUntil, generation: generation)
            return .authenticated(caller)
        } catch let error as HearthError {
            return .failed(error.code == .unauthorized ? error : HearthError(error.code, error.message))
        } catch {
            return .failed(HearthError(.unavailable, "credentials cannot be checked now; try again"))
        }
    }

    /// The service account a client certificate stands for.
    func authenticate(_ presented: NIOSSLCertificate, with clientCertificates: ClientCertificates) async -> RequestIdentity {
        guard directory.isLoaded else {
            return .failed(HearthError(.unavailable, "the server is starting: access control is loading; try again in a moment"))
        }
        do {
            let (subject, serial, notAfter) = try await clientCertificates.authenticate(presented)
            guard let principal = directory.principal(forSubject: subject.text, sessionID: nil) else {
                return .failed(HearthError(.unauthorized, "the client certificate's \(subject) is disabled or no longer exists"))
            }
            return .authenticated(Caller(principal: principal, method: .clientCertificate, credentialID: serial, expiresAt: notAfter))
        } catch let error as HearthError {
            return .failed(error.code == .unauthorized ? error : HearthError(error.code, error.message))
        } catch {
            return .failed(HearthError(.unavailable, "credentials cannot be checked now; try again"))
        }
    }

    /// The credential of `Bearer <credential>` (the scheme in any case, spaces around trimmed);
    /// nil for another scheme or an empty credential. Works on the UTF-8 bytes: a token is
    /// hundreds of characters and this runs on every request.
    static func bearerCredential(_ header: String) -> String? {
        let bytes = header.utf8
        let scheme = "bearer".utf8
        guard bytes.count > scheme.count + 1 else { return nil }
        var index = bytes.startIndex
        for expected in scheme {
            guard bytes[index] | 0x20 == expected else { return nil }
            index = bytes.index(after: index)
        }
        guard bytes[index] == UInt8(ascii: " ") else { return nil }
        var start = index
        while start != bytes.endIndex, bytes[start] == UInt8(ascii: " ") { start = bytes.index(after: start) }
        var end = bytes.endIndex
        while end != start, bytes[bytes.index(before: end)] == UInt8(ascii: " ") { end = bytes.index(before: end) }
        guard start != end else { return nil }
        return String(Substring(header.utf8[start..<end]))
    }
}
