import HearthCore

/// What a storage engine provides. ``Store`` adds everything common on top.
protocol StoreBackend: Sendable {
    var name: String { get }
    /// Runs the backend's own connections until cancelled; calls `remoteChange` when another
    /// replica may have written (PostgreSQL's LISTEN/NOTIFY, or a periodic poll).
    func run(remoteChange: @escaping @Sendable (CommitAnnouncement) async -> Void) async throws
    /// Applies pending schema migrations and returns the cluster id.
    func migrate(newClusterID: String) async throws -> String
    /// The executor the store's writer loop runs on (it calls ``withWriteTransaction(_:)``).
    func makeWriterExecutor() -> any StoreWriterExecutor
    /// Runs `body` in one write transaction and commits it. Throws if the commit fails.
    func withWriteTransaction<T>(_ body: (any StoreTransaction) async throws -> T) async throws -> T

    func get(_ key: ResourceKey) async throws -> Resource?
    /// The stored JSON of a resource, as the API serves it, with its version.
    func getEncoded(_ key: ResourceKey) async throws -> (version: Int64, json: String)?
    /// Rows of one type in key order after `after`, with the store revision they were read at.
    func scan(type: String, namespace: String?, after: ResourceKey?, namePrefix: String?, limit: Int) async throws -> ([Resource], Int64)
    func changes(after revision: Int64, limit: Int) async throws -> [ChangeEvent]
    /// The current and the compacted revision.
    func revisions() async throws -> (current: Int64, compacted: Int64)
    /// A cheap round trip for `/readyz`.
    func ping() async throws

    func record(kind: String, key: String) async throws -> StoredRecord?
    /// Records of `kind`, all or those held by `subject`, in key order.
    func records(kind: String, subject: String?) async throws -> [StoredRecord]
    /// Audit entries matching `query`, newest first.
    func audit(_ query: AuditQuery) async throws -> [AuditEntry]

    // Secrets (see Store+Secrets.swift).
    /// Versions of a secret (only `version` when given), oldest first; sealed values only when `withSealed`.
    func secretVersions(namespace: String, name: String, version: Int64?, withSealed: Bool) async throws -> [StoredSecretVersion]
    /// Every version of every secret of a namespace, without sealed values, by name then version.
    func secretVersions(namespace: String) async throws -> [StoredSecretVersion]
    /// How many stored values each master key id seals.
    func secretKeyUsage() async throws -> [String: Int]

    // Key-value store.
    func kvGet(namespace: String, key: String) async throws -> KVEntry?
    /// Keys under `prefix` in key order, after `after`; values only when `values`.
    func kvScan(namespace: String, prefix: String, after: String?, limit: Int, values: Bool) async throws -> [KVEntry]
    func kvChanges(after revision: Int64, limit: Int) async throws -> [KVEvent]
    func kvRevisions() async throws -> (current: Int64, compacted: Int64)
    /// True if some key's TTL has run out at `now` (a read, so that an idle sweep writes nothing).
    func kvHasExpired(atMillis now: Int64) async throws -> Bool
    /// The revision of the last logged change to the key (or under the prefix); 0 if none is logged.
    func kvLastChange(namespace: String, key: String, prefix: Bool) async throws -> Int64
}
