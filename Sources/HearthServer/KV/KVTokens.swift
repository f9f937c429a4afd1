import Foundation
import HearthCore
import HearthSecurity
import HearthStore
import Synchronization

/// Scoped key-value tokens: made, listed, renewed and revoked per namespace, kept as private
/// records (digests only), and checked when presented.
///
/// A presented token is looked up at most once per ``ServerConfiguration/credentialCacheTTL`` on
/// each replica; a revocation on this replica takes effect at once, on another within that time.
final class KVTokens: Sendable {
    static let kind = "kv-token"
    /// The longest life a token may be given (renewals included, each one at most this).
    static let maxTTL: Duration = .seconds(30 * 86_400)

    private let store: Store
    private let identity: IdentityService
    private let cacheTTL: Duration
    private let cache = Mutex<[String: (record: KVTokenRecord?, checkedAt: ContinuousClock.Instant)]>([:])

    init(store: Store, identity: IdentityService, cacheTTL: Duration) {
        self.store = store
        self.identity = identity
        self.cacheTTL = cacheTTL
    }

    static func subject(namespace: String) -> String { "ns:\(namespace)" }

    /// Makes a token; the token itself is in the answer only.
    func create(namespace: String, prefix: String, read: Bool, write: Bool, ttl: Duration, description: String?, createdBy: String)
        async throws -> (KVTokenRecord, String)
    {
        let token = OpaqueToken.newKVToken()
        let id = token.kvTokenID!
        let expires = Date().addingTimeInterval(ttl.secondsDouble)
        let record = KVTokenRecord(
            id: id, prefixShown: "hkv_\(id)_", namespace: namespace, prefix: prefix,
            verbs: [read ? "read" : nil, write ? "write" : nil].compactMap { $0 }, description: description, createdBy: createdBy,
            createdAt: Timestamp.now(), expiresAt: Timestamp.string(from: expires), ttlSeconds: Int64(ttl.secondsDouble), digest: token.digest)
        try await store.updateRecords { writer in
            try await writer.put(Self.stored(record))
        }
        cache.withLock { $0[id] = nil }
        return (record.listed, token.value)
    }

    func list(namespace: String) async throws -> [KVTokenRecord] {
        let now = Date()
        return try await store.records(Self.kind, subject: Self.subject(namespace: namespace))
            .compactMap { $0.decoded(as: KVTokenRecord.self) }
            .filter { (Timestamp.date(from: $0.expiresAt) ?? now) > now }
            .map(\.listed)
    }

    /// Revokes a token of `namespace`; false if there is none.
    func revoke(namespace: String, id: String) async throws -> Bool {
        let found = try await store.updateRecords { writer -> Bool in
            guard let record = try await writer.record(Self.kind, id)?.decoded(as: KVTokenRecord.self), record.namespace == namespace else {
                return false
            }
            try await writer.delete(Self.kind, id)
            return true
        }
        cache.withLock { $0[id] = (nil, .now) }
        identity.forgetCachedCallers(credentialID: id)
        return found
    }

    /// Extends a live token by `ttl` (its own lifetime when nil) from now.
    func renew(namespace: String, id: String, ttl: Duration?) async throws -> KVTokenRecord {
        let record = try await store.updateRecords { writer -> KVTokenRecord in
            guard var record = try await writer.record(Self.kind, id)?.decoded(as: KVTokenRecord.self), record.namespace == namespace,
                let expires = Timestamp.date(from: record.expiresAt), expires > Date()
            else {
                throw HearthError(.notFound, "no live KV token '\(id)' in namespace '\(namespace)'")
            }
            let lifetime = ttl ?? .seconds(record.ttlSeconds)
            record.expiresAt = Timestamp.string(from: Date().addingTimeInterval(lifetime.secondsDouble))
            try await writer.put(Self.stored(record))
            return record
        }
        cache.withLock { $0[id] = nil }
        identity.forgetCachedCallers(credentialID: id)
        return record.listed
    }

    /// The record of a presented token, if it is valid and live.
    func authenticate(_ text: String) async throws -> KVTokenRecord {
        let invalid = HearthError(.unauthorized, "invalid, expired or revoked KV token")
        guard let token = try? OpaqueToken(parsing: text), let id = token.kvTokenID else { throw invalid }
        var record: KVTokenRecord?
        if let cached = cache.withLock({ $0[id] }), .now - cached.checkedAt < cacheTTL {
            record = cached.record
        } else {
            record = try await store.record(Self.kind, id).flatMap { $0.decoded(as: KVTokenRecord.self) }
            let found = record
            cache.withLock { cache in
                if cache.count >= IdentityService.maxCacheEntries { cache.removeAll(keepingCapacity: true) }
                cache[id] = (found, .now)
            }
        }
        guard let record, let digest = record.digest, token.matches(digest: digest) else { throw invalid }
        guard let expires = Timestamp.date(from: record.expiresAt), expires > Date() else { throw invalid }
        return record
    }

    private static func stored(_ record: KVTokenRecord) throws -> StoredRecord {
        StoredRecord(
            kind: kind, key: record.id, subject: subject(namespace: record.namespace), value: try APIJSON.encodeString(record),
            expiresAtMillis: Timestamp.date(from: record.expiresAt).map { Int64($0.timeIntervalSince1970 * 1000) })
    }
}
