import Foundation
import HearthCore
import HearthSecurity
import Hummingbird

/// Finds out who the caller is, from `Authorization: Bearer <access token or API key>`, and puts
/// it on the context. It decides nothing: the request guard, which runs before every handler,
/// refuses anonymous or failed callers on every route that is not anonymous.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = HearthRequestContext
    let identity: IdentityService
    let directory: AccessDirectory

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        var context = context
        context.identity = await authenticate(header)
        return try await next(request, context)
    }

    func authenticate(_ header: String) async -> RequestIdentity {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            return .failed(HearthError(.unauthorized, "the Authorization header must be 'Bearer <access token or API key>'"))
        }
        let credential = parts[1].trimmingCharacters(in: .whitespaces)
        guard directory.isLoaded else {
            return .failed(HearthError(.unavailable, "the server is starting: access control is loading; try again in a moment"))
        }
        do {
            if credential.hasPrefix("hth_") {
                let (subject, keyID) = try await identity.authenticateAPIKey(credential)
                guard let principal = directory.principal(forSubject: subject, sessionID: nil) else {
                    return .failed(HearthError(.unauthorized, "the API key's account is disabled or no longer exists"))
                }
                return .authenticated(Caller(principal: principal, method: .apiKey, credentialID: keyID, expiresAt: nil))
            }
            let claims = try await identity.verifyAccessToken(credential)
            guard try await identity.sessionIsAlive(claims.sessionID) else {
                return .failed(HearthError(.unauthorized, "the session has ended; log in again"))
            }
            guard let principal = directory.principal(forSubject: claims.subject, sessionID: claims.sessionID) else {
                return .failed(HearthError(.unauthorized, "the token's account is disabled or no longer exists"))
            }
            return .authenticated(
                Caller(
                    principal: principal, method: .accessToken, credentialID: claims.sessionID,
                    expiresAt: Timestamp.string(from: claims.expiresAt)))
        } catch let error as HearthError {
            return .failed(error.code == .unauthorized ? error : HearthError(error.code, error.message))
        } catch {
            return .failed(HearthError(.unavailable, "credentials cannot be checked now; try again"))
        }
    }
}
