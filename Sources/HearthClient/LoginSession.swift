import Foundation
import HearthCore
import NIOCore
import NIOHTTP1

/// A login to one server, kept in a ``CredentialStore`` and refreshed silently.
///
/// The access token is refreshed before a request when it expires within a minute, and once after
/// a request is refused with 401. The new pair is stored at once (refresh tokens rotate: the old
/// one is spent). When the server refuses the refresh token too, the stored login is forgotten and
/// the request fails with a ``HearthAPIError`` that says to run `hearth login`.
public actor LoginSession {
    public nonisolated let server: String
    public nonisolated let store: CredentialStore
    private var entry: CredentialStore.Entry?
    /// Why the login ended, once the server has refused its refresh token.
    private var ended: String?

    /// Refresh when the access token has less than this left.
    static let refreshMargin: TimeInterval = 60

    public init(server: String, store: CredentialStore, entry: CredentialStore.Entry) {
        self.server = server
        self.store = store
        self.entry = entry
    }

    /// The stored login for `server`, if there is one.
    public static func stored(for server: String, in store: CredentialStore = CredentialStore()) -> LoginSession? {
        store.entry(for: server).map { LoginSession(server: server, store: store, entry: $0) }
    }

    public var username: String? { entry?.username }

    /// The access token to send now, refreshed first when it is about to expire. Nil when the
    /// login has ended (the request goes out without credentials, and a 401 says why).
    func bearer(using client: HearthClient) async throws -> String? {
        guard let entry else { return nil }
        guard entry.refreshToken != nil, let expiry = entry.expiresAt.flatMap(Timestamp.date(from:)),
            expiry.timeIntervalSinceNow < Self.refreshMargin
        else { return entry.accessToken }
        do {
            return try await refresh(replacing: entry.accessToken, using: client)
        } catch let error as HearthAPIError where error.status == 401 {
            // Routes that need no login still answer; the others fail with `loginRequired`.
            return nil
        }
    }

    /// After `presented` was refused with `rejection`: a new access token, or throws
    /// ``loginRequired(_:)`` when there is none to be had.
    func renew(after presented: String?, rejection: HearthAPIError, using client: HearthClient) async throws -> String {
        guard let entry else { throw loginRequired(ended ?? rejection.detail) }
        // Another request of this process refreshed meanwhile.
        if let presented, entry.accessToken != presented { return entry.accessToken }
        guard entry.refreshToken != nil else { throw loginRequired(rejection.detail) }
        do {
            return try await refresh(replacing: entry.accessToken, using: client)
        } catch let error as HearthAPIError where error.status == 401 {
            throw loginRequired(ended ?? error.detail)
        }
    }

    /// The error for a request that needs a login the client no longer has.
    func loginRequired(_ reason: String) -> HearthAPIError {
        let who = entry?.username.map { " as \($0)" } ?? ""
        return HearthAPIError(
            status: 401, code: "login-required",
            detail: "your login to \(server)\(who) has ended (\(reason)): run `hearth login`")
    }

    /// Trades the stored refresh token for new tokens, under the store's lock. If another process
    /// has refreshed since this one read the store, its tokens are taken instead (presenting the
    /// spent refresh token again would end the session).
    private func refresh(replacing accessToken: String, using client: HearthClient) async throws -> String {
        if let ended { throw HearthAPIError(status: 401, code: "login-required", detail: ended) }
        return try await store.withLock {
            let stored = store.entry(for: server)
            if let stored, stored.accessToken != accessToken, !Self.expiresSoon(stored) {
                entry = stored
                return stored.accessToken
            }
            guard let current = stored ?? entry, let refreshToken = current.refreshToken else {
                entry = nil
                ended = "the stored login was removed"
                throw HearthAPIError(status: 401, code: "login-required", detail: "the stored login was removed")
            }
            let body = try JSONEncoder().encode(["refreshToken": refreshToken])
            let grant: TokenGrant
            do {
                let (_, _, data) = try await client.perform(.POST, "/v1/auth/refresh", body: body, bearer: nil, timeout: .seconds(30))
                grant = try JSONDecoder().decode(TokenGrant.self, from: data)
            } catch let error as HearthAPIError where error.status == 401 {
                // The refresh token is spent, expired or revoked: this login is over.
                _ = try? store.removeLocked(for: server)
                entry = nil
                ended = error.detail
                throw error
            }
            let next = CredentialStore.Entry(
                accessToken: grant.accessToken, refreshToken: grant.refreshToken ?? refreshToken, expiresAt: grant.expiresAt,
                username: current.username)
            try store.saveLocked(next, for: server)
            entry = next
            return next.accessToken
        }
    }

    static func expiresSoon(_ entry: CredentialStore.Entry) -> Bool {
        guard let expiry = entry.expiresAt.flatMap(Timestamp.date(from:)) else { return false }
        return expiry.timeIntervalSinceNow < refreshMargin
    }
}
