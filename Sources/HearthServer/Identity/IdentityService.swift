import Foundation
import HearthCore
import HearthSecurity
import HearthStore
import Logging
import ServiceLifecycle
import Synchronization

/// Credentials and sessions: the setup code, logins, access tokens, refresh tokens, API keys and
/// this replica's token signing key. A `Service`: ``run()`` prepares the signing key and the setup
/// code once the store is ready, then rotates the key on schedule.
///
/// Everything secret is stored as a digest or a memory-hard hash, in the store's private records
/// (never in a resource, the change feed or the audit trail):
/// - `password/<username>`: the scrypt PHC string;
/// - `session/<id>`: `SessionRecord`, held by the principal;
/// - `refresh/<sha256>`: `RefreshRecord`, held by the session; a used one is kept until the session
///   ends so that presenting it again revokes the session;
/// - `apikey/<key id>`: `APIKeyRecord`, held by the principal;
/// - `jwk/<key id>`: a replica's public signing key, so that every replica verifies every token;
/// - `setup/state`: `SetupRecord`.
final class IdentityService: Service, Sendable {
    static let passwordKind = "password"
    static let sessionKind = "session"
    static let refreshKind = "refresh"
    static let apiKeyKind = "apikey"
    static let jwkKind = "jwk"
    static let setupKind = "setup"

    let store: Store
    let directory: AccessDirectory
    let configuration: ServerConfiguration
    let logger: Logger
    let hasher: PasswordHasher
    let passwordPolicy = PasswordPolicy()
    /// Login attempts per account: a burst of 5, then one every 12 seconds.
    let accountLimiter = RateLimiter(capacity: 5, refillPerSecond: 1.0 / 12)
    /// Login and setup attempts per source address: a burst of 20, then one every 3 seconds.
    let sourceLimiter = RateLimiter(capacity: 20, refillPerSecond: 1.0 / 3)

    struct Caches {
        var tokens: AccessTokenService?
        var keyReloadedAt: ContinuousClock.Instant?
        /// Verified access tokens: the token's claims, valid until the token expires.
        var verified: [String: AccessTokenClaims] = [:]
        /// Sessions: alive or not, as read at `checkedAt`.
        var sessions: [String: (alive: Bool, checkedAt: ContinuousClock.Instant)] = [:]
        /// API keys by key id, as read at `checkedAt` (nil: no such key).
        var apiKeys: [String: (record: APIKeyRecord?, checkedAt: ContinuousClock.Instant)] = [:]
        /// Authenticated callers by credential: valid until the token expires (an API key: the
        /// cache time), and while the directory's generation is the one they were built at.
        var callers: [String: CachedCaller] = [:]
    }

    struct CachedCaller {
        let caller: Caller
        let validUntil: Double
        let generation: UInt64
    }

    /// The access tokens' clock-skew leeway, in seconds (the token service's).
    var leewaySeconds: Double { (caches.withLock { $0.tokens?.leeway } ?? .zero).secondsDouble }

    /// The caller a credential was found to be, when still valid.
    func cachedCaller(for credential: String, generation: UInt64) -> Caller? {
        guard let cached = caches.withLock({ $0.callers[credential] }), cached.generation == generation,
            Date().timeIntervalSince1970 < cached.validUntil
        else { return nil }
        return cached.caller
    }

    func cache(_ caller: Caller, for credential: String, validUntil: Double, generation: UInt64) {
        caches.withLock { caches in
            if caches.callers.count >= Self.maxCacheEntries { caches.callers.removeAll(keepingCapacity: true) }
            caches.callers[credential] = CachedCaller(caller: caller, validUntil: validUntil, generation: generation)
        }
    }

    /// Drops the cached callers of a credential (a session, an API key, a KV token) on revocation.
    func forgetCachedCallers(credentialID: String) {
        caches.withLock { caches in
            caches.callers = caches.callers.filter { $0.value.caller.credentialID != credentialID }
        }
    }

    static let maxCacheEntries = 50_000
    let caches = Mutex(Caches())

    init(store: Store, directory: AccessDirectory, configuration: ServerConfiguration, logger: Logger) {
        hasher = PasswordHasher(parameters: configuration.passwordHashing)
        self.store = store
        self.directory = directory
        self.configuration = configuration
        self.logger = logger
    }

    // MARK: Lifecycle

    func run() async throws {
        try await cancelWhenGracefulShutdown { try await self.serve() }
    }

    private func serve() async throws {
        try await store.waitUntilReady()
        try await prepareSigningKey()
        try await prepareSetup()
        let directory = self.directory
        async let revoking: Void = {
            for await item in directory.deactivations { await self.deactivated(item.subject, deleted: item.deleted) }
        }()
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(60))
            if Task.isCancelled { break }
            do {
                try await prepareSigningKey()
            } catch {
                logger.warning("token signing key rotation failed", metadata: ["error": "\(error)"])
            }
            pruneCaches()
        }
        // Cancelled with this task, as the loop above was.
        await revoking
    }

    var isReady: Bool { caches.withLock { $0.tokens != nil } }

    private func tokenService() throws -> AccessTokenService {
        guard let tokens = caches.withLock({ $0.tokens }) else {
            throw HearthError(.unavailable, "the server is starting; try again in a moment")
        }
        return tokens
    }

    // MARK: Signing keys

    private var signingKeyPath: String { configuration.dataDirectory + "/signing-key.json" }

    /// Loads this replica's signing key (making or replacing it when missing or older than the
    /// rotation period), publishes its public half and loads every replica's public keys.
    private func prepareSigningKey() async throws {
        let now = Date()
        var key: SigningKey? = nil
        if let text = try? String(contentsOfFile: signingKeyPath, encoding: .utf8) {
            key = try? SigningKey(serialized: text)
        }
        var retired: SigningKey? = nil
        if let current = key, now.timeIntervalSince(current.createdAt) >= configuration.signingKeyRotation.secondsDouble {
            retired = current
            key = nil
        }
        let signingKey: SigningKey
        if let key {
            signingKey = key
        } else {
            signingKey = try SigningKey.generate(now: now)
            try SecretFile.write(signingKey.serialized(), to: signingKeyPath)
            logger.info("new token signing key", metadata: ["kid": "\(signingKey.id)"])
        }
        let retireAt = WallClock.nowMillis() + Int64((configuration.accessTokenTTL.secondsDouble + 300) * 1000)
        let published = try await store.record(Self.jwkKind, signingKey.id)
        let retiredKey = retired
        if published == nil || retiredKey != nil {
            let jwk = try APIJSON.encodeString(signingKey.publicJWK)
            try await store.updateRecords { writer in
                try await writer.put(StoredRecord(kind: Self.jwkKind, key: signingKey.id, value: jwk))
                if let retired = retiredKey {
                    // The old key's tokens stay valid until they expire; then its public half goes.
                    let old = try APIJSON.encodeString(retired.publicJWK)
                    try await writer.put(StoredRecord(kind: Self.jwkKind, key: retired.id, value: old, expiresAtMillis: retireAt))
                }
            }
        }
        try await reloadPublicKeys(signingKey: signingKey)
    }

    /// Rebuilds the token service from this replica's key and every published public key.
    private func reloadPublicKeys(signingKey: SigningKey? = nil) async throws {
        let now = WallClock.nowMillis()
        var publicKeys: [VerificationKey] = []
        for record in try await store.records(Self.jwkKind) where (record.expiresAtMillis ?? .max) > now {
            if let value = record.decoded(as: JSONValue.self), let key = try? VerificationKey(jwk: value) {
                publicKeys.append(key)
            }
        }
        guard let signingKey = signingKey ?? caches.withLock({ $0.tokens?.signingKey }) else { return }
        publicKeys.removeAll { $0.id == signingKey.id }
        let service = try await AccessTokenService(
            clusterID: store.clusterID ?? "", signingKey: signingKey, publicKeys: publicKeys)
        caches.withLock {
            $0.tokens = service
            $0.keyReloadedAt = .now
        }
    }

    /// The JSON Web Key Set of every key whose tokens are accepted.
    func jwks() throws -> JSONValue {
        try tokenService().jwks()
    }

    // MARK: Access tokens

    /// Signs an access token for `subject` in session `sessionID`.
    func issueAccessToken(subject: String, sessionID: String) async throws -> (token: String, expiresAt: Date) {
        try await tokenService().issue(subject: subject, sessionID: sessionID, ttl: configuration.accessTokenTTL)
    }

    /// The claims of a valid access token: from the cache of verified tokens, or verified now (once
    /// more after reloading the published keys, when it names a key this replica does not know).
    func verifyAccessToken(_ token: String) async throws -> AccessTokenClaims {
        let now = Date()
        if let claims = caches.withLock({ $0.verified[token] }) {
            if now < claims.expiresAt.addingTimeInterval(leewaySeconds) { return claims }
        }
        let claims: AccessTokenClaims
        do {
            claims = try await tokenService().verify(token, now: now)
        } catch let error as HearthError where error.message == "unknown token signing key" {
            let due = caches.withLock { caches in caches.keyReloadedAt.map { .now - $0 > .seconds(1) } ?? true }
            guard due else { throw error }
            try await reloadPublicKeys()
            claims = try await tokenService().verify(token, now: now)
        }
        caches.withLock { caches in
            if caches.verified.count >= Self.maxCacheEntries { caches.verified.removeAll(keepingCapacity: true) }
            caches.verified[token] = claims
        }
        return claims
    }

    // MARK: Sessions

    /// Whether the session still exists, from the cache when it was read recently.
    func sessionIsAlive(_ sessionID: String) async throws -> Bool {
        let ttl = configuration.credentialCacheTTL
        if let cached = caches.withLock({ $0.sessions[sessionID] }), .now - cached.checkedAt < ttl {
            return cached.alive
        }
        let record = try await store.record(Self.sessionKind, sessionID)
        let alive = record.map { ($0.expiresAtMillis ?? .max) > WallClock.nowMillis() } ?? false
        caches.withLock { caches in
            if caches.sessions.count >= Self.maxCacheEntries { caches.sessions.removeAll(keepingCapacity: true) }
            caches.sessions[sessionID] = (alive, .now)
        }
        return alive
    }

    /// Starts a session for `subject` and returns its first tokens.
    func startSession(subject: String) async throws -> TokenGrant {
        let sessionID = SecureRandom.identifier()
        let refresh = OpaqueToken.newRefreshToken()
        let expiresAt = WallClock.nowMillis() + Int64(configuration.sessionTTL.secondsDouble * 1000)
        let session = SessionRecord(subject: subject, createdAt: Timestamp.now(), expiresAtMillis: expiresAt)
        try await store.updateRecords { writer in
            try await writer.put(
                StoredRecord(kind: Self.sessionKind, key: sessionID, subject: subject, value: try Self.encode(session), expiresAtMillis: expiresAt))
            try await writer.put(
                StoredRecord(
                    kind: Self.refreshKind, key: refresh.digest, subject: sessionID, value: try Self.encode(RefreshRecord(sessionID: sessionID, used: false)),
                    expiresAtMillis: expiresAt))
        }
        let (token, tokenExpiry) = try await issueAccessToken(subject: subject, sessionID: sessionID)
        return TokenGrant(accessToken: token, refreshToken: refresh.value, expiresAt: Timestamp.string(from: tokenExpiry), sessionID: sessionID)
    }

    /// A session for an API key's bearer that lasts as long as one access token (no refresh
    /// token: present the key again).
    func startKeySession(subject: String) async throws -> KeyTokenGrant {
        let sessionID = SecureRandom.identifier()
        let expiresAt = WallClock.nowMillis() + Int64(configuration.accessTokenTTL.secondsDouble * 1000) + 60_000
        let session = SessionRecord(subject: subject, createdAt: Timestamp.now(), expiresAtMillis: expiresAt)
        try await store.updateRecords { writer in
            try await writer.put(
                StoredRecord(kind: Self.sessionKind, key: sessionID, subject: subject, value: try Self.encode(session), expiresAtMillis: expiresAt))
        }
        let (token, tokenExpiry) = try await issueAccessToken(subject: subject, sessionID: sessionID)
        return KeyTokenGrant(accessToken: token, expiresAt: Timestamp.string(from: tokenExpiry))
    }

    private enum RefreshOutcome: Sendable {
        case rotated(subject: String, sessionID: String)
        case reused(sessionID: String)
    }

    /// Exchanges a refresh token for new tokens; the old refresh token is spent. Presenting a
    /// spent one again ends the whole session (someone else has a copy).
    func refresh(_ text: String) async throws -> TokenGrant {
        let invalid = HearthError(.unauthorized, "invalid or expired refresh token")
        guard let token = try? OpaqueToken(parsing: text), token.kind == .refreshToken else { throw invalid }
        // Before anything is spent: a replica still loading cannot tell whether the account is active.
        guard directory.isLoaded, isReady else { throw HearthError(.unavailable, "the server is starting; try again in a moment") }
        let next = OpaqueToken.newRefreshToken()
        let now = WallClock.nowMillis()
        let outcome = try await store.updateRecords { writer -> RefreshOutcome in
            guard let record = try await writer.record(Self.refreshKind, token.digest), token.matches(digest: record.key),
                let refresh = record.decoded(as: RefreshRecord.self)
            else { throw invalid }
            guard let sessionRecord = try await writer.record(Self.sessionKind, refresh.sessionID),
                (sessionRecord.expiresAtMillis ?? .max) > now
            else { throw invalid }
            if refresh.used {
                try await writer.delete(Self.sessionKind, refresh.sessionID)
                try await writer.deleteAll(Self.refreshKind, subject: refresh.sessionID)
                return .reused(sessionID: refresh.sessionID)
            }
            try await writer.put(
                StoredRecord(
                    kind: Self.refreshKind, key: record.key, subject: refresh.sessionID,
                    value: try Self.encode(RefreshRecord(sessionID: refresh.sessionID, used: true)), expiresAtMillis: sessionRecord.expiresAtMillis))
            try await writer.put(
                StoredRecord(
                    kind: Self.refreshKind, key: next.digest, subject: refresh.sessionID,
                    value: try Self.encode(RefreshRecord(sessionID: refresh.sessionID, used: false)), expiresAtMillis: sessionRecord.expiresAtMillis))
            return .rotated(subject: sessionRecord.subject, sessionID: refresh.sessionID)
        }
        switch outcome {
        case .reused(let sessionID):
            forgetSession(sessionID)
            logger.warning("a spent refresh token was presented again: session revoked", metadata: ["session": "\(sessionID)"])
            throw HearthError(.unauthorized, "refresh token already used: the session has been revoked, log in again")
        case .rotated(let subject, let sessionID):
            guard directory.principal(forSubject: subject, sessionID: sessionID) != nil else {
                try await endSession(sessionID)
                throw invalid
            }
            let (token, expiry) = try await issueAccessToken(subject: subject, sessionID: sessionID)
            return TokenGrant(accessToken: token, refreshToken: next.value, expiresAt: Timestamp.string(from: expiry), sessionID: sessionID)
        }
    }

    /// Ends one session: its access tokens stop working at once on this replica, and on the others
    /// within ``ServerConfiguration/credentialCacheTTL``.
    func endSession(_ sessionID: String) async throws {
        try await store.updateRecords { writer in
            try await writer.delete(Self.sessionKind, sessionID)
            try await writer.deleteAll(Self.refreshKind, subject: sessionID)
        }
        forgetSession(sessionID)
    }

    /// Ends every session of `subject` (a disabled or deleted user, a changed password).
    func endSessions(of subject: String) async throws {
        let sessions = try await store.records(Self.sessionKind, subject: subject)
        for session in sessions { try await endSession(session.key) }
    }

    private func forgetSession(_ sessionID: String) {
        caches.withLock { caches in
            caches.sessions[sessionID] = (false, .now)
            caches.callers = caches.callers.filter { !($0.value.caller.method == .accessToken && $0.value.caller.credentialID == sessionID) }
        }
    }

    // MARK: Passwords

    /// The subject `user:<name>` if the password is right; throws the same 401 for an unknown user,
    /// a wrong password and a disabled account, after the same work.
    func checkPassword(username: String, password: String) async throws -> String {
        let invalid = HearthError(.unauthorized, "invalid username or password")
        guard directory.isLoaded else { throw HearthError(.unavailable, "the server is starting; try again in a moment") }
        guard password.utf8.count <= passwordPolicy.maximumBytes else { throw invalid }
        let record = Names.isDNSLabel(username) ? try await store.record(Self.passwordKind, username) : nil
        let hasher = self.hasher
        let matches = await Self.offloaded {
            if let record { return hasher.verify(password, against: record.value) }
            _ = hasher.verifyDummy(password)
            return false
        }
        guard matches, directory.userIsActive(username) else { throw invalid }
        if let record, hasher.needsRehash(record.value) { try? await setPassword(username: username, password: password) }
        return Subject.user(username).text
    }

    /// Stores a new password hash for `username` (the policy is checked by the caller).
    func setPassword(username: String, password: String) async throws {
        let hasher = self.hasher
        let hash = try await Self.offloaded { try hasher.hash(password) }
        try await store.updateRecords { writer in
            try await writer.put(StoredRecord(kind: Self.passwordKind, key: username, subject: Subject.user(username).text, value: hash))
        }
    }

    /// Checks `password` against the policy for `username`; throws 422 naming `field`.
    func checkPolicy(_ password: String, username: String, field: String = "password") throws {
        let violations = passwordPolicy.check(password: password, username: username).map { FieldViolation(field: field, reason: $0.reason) }
        if !violations.isEmpty {
            throw HearthError(.invalid, "the password is too weak: " + violations.map(\.reason).joined(separator: "; "), violations: violations)
        }
    }

    /// Forgets everything held for a deleted user or service account, and ends the sessions of a
    /// disabled one.
    func deactivated(_ subject: String, deleted: Bool) async {
        do {
            try await endSessions(of: subject)
            if deleted {
                let keys = try await store.records(Self.apiKeyKind, subject: subject)
                let username = (try? Subject.parse(subject)).flatMap { $0.kind == .user ? $0.name : nil }
                try await store.updateRecords { writer in
                    for key in keys { try await writer.delete(Self.apiKeyKind, key.key) }
                    if let username { try await writer.delete(Self.passwordKind, username) }
                }
                let ids = Set(keys.map(\.key))
                caches.withLock { caches in
                    for id in ids { caches.apiKeys[id] = nil }
                    caches.callers = caches.callers.filter { !ids.contains($0.value.caller.credentialID) }
                }
            }
        } catch {
            logger.warning("could not revoke the credentials of \(subject)", metadata: ["error": "\(error)"])
        }
    }

    /// Password hashes running at once, at most one per core (see ``ConcurrencyLimit``).
    static let hashing = ConcurrencyLimit(limit: ProcessInfo.processInfo.activeProcessorCount)

    /// scrypt takes tens of milliseconds of CPU and 32 MiB: run it off the cooperative pool's
    /// threads, a few at a time.
    static func offloaded<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await hashing.run {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                Thread.detachNewThread {
                    continuation.resume(with: Result { try work() })
                }
            }
        }
    }

    static func offloaded<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await hashing.run {
            await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
                Thread.detachNewThread { continuation.resume(returning: work()) }
            }
        }
    }

    // MARK: API keys

    /// The principal an API key speaks for, when the key is valid.
    func authenticateAPIKey(_ text: String) async throws -> (subject: String, keyID: String) {
        let invalid = HearthError(.unauthorized, "invalid or expired API key")
        guard let token = try? OpaqueToken(parsing: text), let keyID = token.keyID else { throw invalid }
        let ttl = configuration.credentialCacheTTL
        var record: APIKeyRecord?
        if let cached = caches.withLock({ $0.apiKeys[keyID] }), .now - cached.checkedAt < ttl {
            record = cached.record
        } else {
            let stored = try await store.record(Self.apiKeyKind, keyID)
            record = stored.flatMap { $0.decoded(as: APIKeyRecord.self) }
            let found = record
            caches.withLock { caches in
                if caches.apiKeys.count >= Self.maxCacheEntries { caches.apiKeys.removeAll(keepingCapacity: true) }
                caches.apiKeys[keyID] = (found, .now)
            }
        }
        guard let record, token.matches(digest: record.digest) else { throw invalid }
        if let expires = record.expiresAt, let date = Timestamp.date(from: expires), date <= Date() { throw invalid }
        return (record.subject, keyID)
    }

    /// Makes an API key for `subject`; the key itself is in the answer only.
    func createAPIKey(subject: String, name: String?, expiresAt: Date?) async throws -> (APIKeyRecord, String) {
        let token = OpaqueToken.newAPIKey()
        let keyID = token.keyID!
        let record = APIKeyRecord(
            id: keyID, prefix: "hth_\(keyID)_", digest: token.digest, subject: subject, name: name, createdAt: Timestamp.now(),
            expiresAt: expiresAt.map(Timestamp.string(from:)))
        try await store.updateRecords { writer in
            try await writer.put(
                StoredRecord(
                    kind: Self.apiKeyKind, key: keyID, subject: subject, value: try Self.encode(record),
                    expiresAtMillis: expiresAt.map { Int64($0.timeIntervalSince1970 * 1000) }))
        }
        caches.withLock { $0.apiKeys[keyID] = nil }
        return (record, token.value)
    }

    func apiKeys(of subject: String) async throws -> [APIKeyRecord] {
        try await store.records(Self.apiKeyKind, subject: subject).compactMap {
            $0.decoded(as: APIKeyRecord.self)
        }
    }

    func apiKey(_ keyID: String) async throws -> APIKeyRecord? {
        try await store.record(Self.apiKeyKind, keyID).flatMap { $0.decoded(as: APIKeyRecord.self) }
    }

    func deleteAPIKey(_ keyID: String) async throws {
        try await store.updateRecords { writer in try await writer.delete(Self.apiKeyKind, keyID) }
        caches.withLock { caches in
            caches.apiKeys[keyID] = (nil, .now)
            caches.callers = caches.callers.filter { $0.value.caller.credentialID != keyID }
        }
    }

    // MARK: Helpers

    private func pruneCaches() {
        let now = Date()
        let instant = ContinuousClock.now
        let ttl = configuration.credentialCacheTTL
        let leeway = leewaySeconds
        caches.withLock { caches in
            caches.verified = caches.verified.filter { $0.value.expiresAt.addingTimeInterval(leeway) > now }
            caches.sessions = caches.sessions.filter { instant - $0.value.checkedAt < ttl }
            caches.apiKeys = caches.apiKeys.filter { instant - $0.value.checkedAt < ttl }
            caches.callers = caches.callers.filter { $0.value.validUntil > now.timeIntervalSince1970 }
        }
    }

    static func encode(_ value: some Encodable) throws -> String {
        try APIJSON.encodeString(value)
    }
}

/// The tokens a login or refresh answers with.
struct TokenGrant: Codable, Sendable {
    var accessToken: String
    var refreshToken: String
    /// When the access token expires (RFC 3339).
    var expiresAt: String
    var sessionID: String
    var tokenType = "Bearer"
}

/// The access token an API key is exchanged for.
struct KeyTokenGrant: Codable, Sendable {
    var accessToken: String
    var expiresAt: String
    var tokenType = "Bearer"
}

/// A login session, stored under `session/<id>`.
struct SessionRecord: Codable, Sendable {
    var subject: String
    var createdAt: String
    var expiresAtMillis: Int64
}

/// A refresh token's digest, stored under `refresh/<sha256>`.
struct RefreshRecord: Codable, Sendable {
    var sessionID: String
    var used: Bool
}

/// An API key, stored under `apikey/<key id>`; everything but `digest` is shown to its owner.
struct APIKeyRecord: Codable, Sendable {
    var id: String
    /// The visible start of the key (`hth_<id>_`), to recognise it in a list or a leak report.
    var prefix: String
    var digest: String
    var subject: String
    var name: String?
    var createdAt: String
    var expiresAt: String?

    /// The key as listed: no digest.
    var summary: APIKeySummary {
        APIKeySummary(id: id, prefix: prefix, subject: subject, name: name, createdAt: createdAt, expiresAt: expiresAt)
    }
}

struct APIKeySummary: Codable, Sendable {
    var id: String
    var prefix: String
    var subject: String
    var name: String?
    var createdAt: String
    var expiresAt: String?
    /// The key itself: only in the answer that creates it.
    var key: String?
}

/// The wall clock in milliseconds, as the store keeps expiry times.
enum WallClock {
    static func nowMillis() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
