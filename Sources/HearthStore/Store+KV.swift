import HearthCore

/// The key-value store: keys per namespace with versions, TTLs and transactions, its own change
/// log and revisions (the KV index), and ``kvFeed`` for blocking reads and watches.
extension Store {
    /// The key's entry; nil if absent or expired.
    public func kvGet(namespace: String, key: String) async throws -> KVEntry? {
        try await timed("get") {
            guard let entry = try await backend.kvGet(namespace: namespace, key: key) else { return nil }
            return entry.isExpired(atMillis: MutationEngine.nowMillis()) ? nil : entry
        }
    }

    /// Entries under `prefix` in key order, after `after` (for paging), at most `limit`; values
    /// only when `values`. Expired keys are left out.
    public func kvList(namespace: String, prefix: String, after: String? = nil, limit: Int, values: Bool) async throws -> [KVEntry] {
        try await timed("list") {
            let now = MutationEngine.nowMillis()
            return try await backend.kvScan(namespace: namespace, prefix: prefix, after: after, limit: limit, values: values)
                .filter { !$0.isExpired(atMillis: now) }
        }
    }

    /// Applies the operations atomically; returns once committed. With `audit`, the entry commits
    /// in the same transaction, whatever the outcome.
    public func kvApply(namespace: String, _ operations: [KVOperation], audit: AuditEntry? = nil) async throws -> KVTransactionOutcome {
        try await timed("write") {
            try await submit(audit: audit) { transaction, revisions, _ in
                try await KVEngine.apply(
                    namespace: namespace, operations: operations, nowMillis: MutationEngine.nowMillis(), in: transaction, revisions: revisions)
            }
        }
    }

    /// Deletes keys whose TTL has run out, up to `limit`; returns how many. When none has, it
    /// only reads: the sweep runs every second on every replica and must not queue a write then.
    @discardableResult
    public func kvExpire(limit: Int = 1000) async throws -> Int {
        guard try await timed("get", { try await backend.kvHasExpired(atMillis: MutationEngine.nowMillis()) }) else { return 0 }
        return try await submit { transaction, revisions, _ in
            try await KVEngine.expire(nowMillis: MutationEngine.nowMillis(), limit: limit, in: transaction, revisions: revisions)
        }
    }

    /// The KV index of a key (or of everything under a prefix): the revision of its last change,
    /// deletions included. When the log no longer reaches back that far it answers the compacted
    /// revision, which is at least as new as any change it forgot.
    public func kvIndex(namespace: String, key: String, prefix: Bool) async throws -> Int64 {
        try await timed("get") {
            async let last = backend.kvLastChange(namespace: namespace, key: key, prefix: prefix)
            let compacted = try await backend.kvRevisions().compacted
            return max(try await last, compacted)
        }
    }

    /// KV changes after `revision`, oldest first.
    public func kvChanges(after revision: Int64, limit: Int = 500) async throws -> [KVEvent] {
        try await timed("changes") { try await backend.kvChanges(after: revision, limit: limit) }
    }

    /// The current and the compacted KV revision.
    public func kvRevisions() async throws -> (current: Int64, compacted: Int64) {
        try await backend.kvRevisions()
    }
}

extension KVEvent: FeedEvent {}
