import HearthCore

/// The operations of one write transaction, as each backend implements them. The mutation logic
/// (``MutationEngine``) is written once against this protocol.
protocol StoreTransaction: AnyObject {
    /// The store revision, locked against other writers until the transaction ends.
    func lockRevision() async throws -> Int64

    func fetch(_ key: ResourceKey) async throws -> Resource?
    func exists(_ key: ResourceKey) async throws -> Bool
    func referrers(of key: ResourceKey) async throws -> [ResourceKey]
    /// Inserts or replaces the row and its outgoing references, and logs the change.
    /// `replacing` is false for a new resource, which has no references to drop.
    func put(_ resource: Resource, encoded: String, references: [ResourceKey], replacing: Bool, change: ChangeEvent, atMillis: Int64) async throws
    /// Deletes the row and its outgoing references, and logs the change (`encoded` is its object).
    func remove(_ key: ResourceKey, change: ChangeEvent, encoded: String, atMillis: Int64) async throws

    func tryAcquireLease(name: String, holder: String, ttlMillis: Int64) async throws -> Bool
    func releaseLease(name: String, holder: String) async throws
    /// Deletes change-log entries older than the cutoff; returns the new compacted revision.
    func compactChanges(olderThanMillis cutoff: Int64) async throws -> Int64

    /// A private record, locked against other writers until the transaction ends.
    func record(kind: String, key: String) async throws -> StoredRecord?
    func putRecord(_ record: StoredRecord) async throws
    func deleteRecord(kind: String, key: String) async throws
    /// Deletes every record of `kind` held by `subject`; returns how many.
    func deleteRecords(kind: String, subject: String) async throws -> Int
    /// Deletes records whose expiry is before `cutoff`; returns how many.
    func pruneRecords(expiredBefore cutoff: Int64) async throws -> Int
    /// Appends an entry to the audit trail, committed with the transaction (a backend may hold it
    /// until ``finish(revision:kvRevision:)``).
    func appendAudit(_ entry: AuditEntry, atMillis: Int64) async throws
    /// Deletes audit entries older than the cutoff; returns how many.
    func pruneAudit(olderThanMillis cutoff: Int64) async throws -> Int

    // Key-value store.
    /// The KV revision, locked against other writers until the transaction ends.
    func lockKVRevision() async throws -> Int64
    /// The entry, locked until the transaction ends.
    func kvFetch(namespace: String, key: String) async throws -> KVEntry?
    /// The entries under `prefix` (without values), locked.
    func kvKeys(namespace: String, prefix: String) async throws -> [KVEntry]
    func kvPut(_ entry: KVEntry) async throws
    func kvDelete(namespace: String, key: String) async throws
    func kvLog(_ event: KVEvent, atMillis: Int64) async throws
    /// Entries whose TTL has run out at `now` (without values), oldest expiry first.
    func kvExpired(atMillis now: Int64, limit: Int) async throws -> [KVEntry]
    /// Deletes every key of a namespace (the namespace is being deleted).
    func kvPurge(namespace: String) async throws
    /// Deletes KV change-log entries older than the cutoff; returns the new compacted KV revision.
    func compactKVChanges(olderThanMillis cutoff: Int64) async throws -> Int64

    /// Deletes what a namespace holds outside the resources table (its secrets; its keys), in the
    /// transaction that deletes the namespace.
    func purgeNamespaceData(_ namespace: String) async throws

    // Secrets (see Store+Secrets.swift).
    /// The versions of a secret, oldest first, locked against other writers; with their sealed
    /// values only when `withSealed`.
    func secretVersions(namespace: String, name: String, withSealed: Bool) async throws -> [StoredSecretVersion]
    /// Inserts a new version; false (and nothing written) when that version already exists.
    func insertSecretVersion(_ version: StoredSecretVersion) async throws -> Bool
    /// Sets (or, with nil, clears) the soft delete of these versions that are not destroyed.
    func markSecretVersions(namespace: String, name: String, versions: [Int64], deletedMillis: Int64?) async throws
    /// Removes the ciphertext of these versions, keeping their metadata.
    func destroySecretVersions(namespace: String, name: String, versions: [Int64], atMillis: Int64) async throws
    /// Deletes the rows of a secret's versions up to `version` (every one with nil).
    func deleteSecretVersions(namespace: String, name: String, through version: Int64?) async throws
    /// Up to `limit` versions whose value is sealed under one of `keyIDs`, with their sealed values.
    func secretVersionsSealed(under keyIDs: [String], limit: Int) async throws -> [StoredSecretVersion]
    /// Replaces a version's sealed value (a rewrap under another master key).
    func replaceSealedSecret(namespace: String, name: String, version: Int64, sealed: String, masterKeyID: String) async throws

    /// ``lockRevision()``, then reads and locks these rows ahead of the writes that need them
    /// (PostgreSQL: all in one round trip).
    func lockRevision(prefetching keys: [ResourceKey]) async throws -> Int64
    /// Ends the batch's writes, before the commit: sends what the transaction buffered and records
    /// the new revisions (nil: unchanged). PostgreSQL does it in one statement, which also
    /// announces the commit to the other replicas.
    func finish(revision: Int64?, kvRevision: Int64?) async throws
}

extension StoreTransaction {
    func lockRevision(prefetching keys: [ResourceKey]) async throws -> Int64 {
        try await lockRevision()
    }
}
