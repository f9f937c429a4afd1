import HearthCore

/// Applies key-value transactions, written once against ``StoreTransaction``.
///
/// Like ``MutationEngine``, it decides before it writes: every condition of a transaction (each
/// `cas`, each check) is tested against the keys as the transaction sees them, and only then is
/// anything written. A refused transaction throws a `HearthError` having written nothing, so the
/// rest of its batch commits.
struct KVEngine {
    /// At most this many operations in one transaction.
    static let maxOperations = 128

    private enum Step {
        case put(KVEntry)
        case delete(KVEntry, KVEvent.Kind)
        case result(KVOperationResult)
        case deleted(count: Int, entries: [KVEntry])
    }

    static func apply(
        namespace: String, operations: [KVOperation], nowMillis: Int64, in tx: any StoreTransaction, revisions: RevisionAllocator
    ) async throws -> KVTransactionOutcome {
        guard !operations.isEmpty else { throw HearthError(.badRequest, "a transaction needs at least one operation") }
        guard operations.count <= maxOperations else {
            throw HearthError(.badRequest, "a transaction holds at most \(maxOperations) operations, not \(operations.count)")
        }
        // The KV lock first: no other replica reads these keys until this commits.
        try await revisions.lockKV()
        guard try await tx.exists(ResourceKey(type: BuiltinTypes.namespaceTypeName, name: namespace)) else {
            throw HearthError(.notFound, "namespace '\(namespace)' not found")
        }

        // The keys as the transaction sees them: stored rows, then its own earlier operations.
        var view: [String: KVEntry?] = [:]
        /// Rows that exist but have expired: a write replaces them, and logs their expiry first.
        var expired: [String: KVEntry] = [:]
        func current(_ key: String) async throws -> KVEntry? {
            if let known = view[key] { return known }
            var entry = try await tx.kvFetch(namespace: namespace, key: key)
            if let stored = entry, stored.isExpired(atMillis: nowMillis) {
                expired[key] = stored
                entry = nil
            }
            view[key] = entry
            return entry
        }

        var plan: [(index: Int, step: Step)] = []
        for (index, operation) in operations.enumerated() {
            let position = operations.count > 1 ? "operation \(index + 1): " : ""
            if let reason = operation.keyViolation {
                throw HearthError(.invalid, "\(position)\(reason)")
            }
            switch operation {
            case .put(let key, let value, let cas, let ttl):
                let existing = try await current(key)
                try check(cas, existing, key: key, position: position)
                if let ttl, ttl <= 0 { throw HearthError(.invalid, "\(position)a TTL must be positive") }
                let entry = KVEntry(
                    namespace: namespace, key: key, value: value, version: (existing?.version ?? 0) + 1,
                    createRevision: existing?.createRevision ?? 0, modifyRevision: 0, expiresAtMillis: ttl.map { nowMillis + $0 })
                view[key] = entry
                plan.append((index, .put(entry)))
            case .delete(let key, let cas):
                let existing = try await current(key)
                try check(cas, existing, key: key, position: position)
                view[key] = .some(nil)
                if let existing {
                    plan.append((index, .delete(existing, .delete)))
                } else {
                    plan.append((index, .result(.deleted(0))))
                }
            case .deletePrefix(let prefix):
                var doomed: [KVEntry] = []
                for stored in try await tx.kvKeys(namespace: namespace, prefix: prefix) where view[stored.key] == nil {
                    view[stored.key] = stored.isExpired(atMillis: nowMillis) ? .some(nil) : stored
                    if stored.isExpired(atMillis: nowMillis) { expired[stored.key] = stored }
                }
                for (key, entry) in view where KVKey.key(key, hasPrefix: prefix) {
                    if let entry { doomed.append(entry) }
                    view[key] = .some(nil)
                }
                doomed.sort { $0.key < $1.key }
                plan.append((index, .deleted(count: doomed.count, entries: doomed)))
            case .check(let key, let version):
                try check(version, try await current(key), key: key, position: position)
                plan.append((index, .result(.checked)))
            case .get(let key):
                plan.append((index, .result(.got(try await current(key)))))
            }
        }

        // Everything holds: write.
        var results: [KVOperationResult] = []
        var loggedExpiry: Set<String> = []
        func logExpiry(_ key: String) async throws {
            guard let old = expired[key], !loggedExpiry.contains(key) else { return }
            loggedExpiry.insert(key)
            let event = KVEvent(revision: try await revisions.nextKV(), kind: .expire, namespace: namespace, key: key, version: old.version)
            try await tx.kvLog(event, atMillis: nowMillis)
            revisions.logged(event)
        }
        // The entries written so far, so a later put in the same transaction builds on them.
        var written: [String: KVEntry] = [:]
        for (_, step) in plan {
            switch step {
            case .put(var entry):
                try await logExpiry(entry.key)
                let revision = try await revisions.nextKV()
                entry.modifyRevision = revision
                if entry.version == 1 {
                    entry.createRevision = revision
                } else if let earlier = written[entry.key] {
                    entry.createRevision = earlier.createRevision
                }
                try await tx.kvPut(entry)
                let event = KVEvent(
                    revision: revision, kind: .put, namespace: namespace, key: entry.key, version: entry.version, value: entry.value,
                    expiresAtMillis: entry.expiresAtMillis)
                try await tx.kvLog(event, atMillis: nowMillis)
                revisions.logged(event)
                written[entry.key] = entry
                results.append(.put(entry))
            case .delete(let entry, let kind):
                try await remove(entry, kind: kind, namespace: namespace, nowMillis: nowMillis, tx: tx, revisions: revisions)
                written[entry.key] = nil
                results.append(.deleted(1))
            case .deleted(let count, let entries):
                for entry in entries {
                    try await remove(entry, kind: .delete, namespace: namespace, nowMillis: nowMillis, tx: tx, revisions: revisions)
                    written[entry.key] = nil
                }
                results.append(.deleted(count))
            case .result(let result):
                results.append(result)
            }
        }
        // Expired rows the transaction only read or deleted: gone now, and logged as expired.
        for key in expired.keys.sorted() where !loggedExpiry.contains(key) && written[key] == nil {
            try await logExpiry(key)
            if view[key] == .some(nil) { try await tx.kvDelete(namespace: namespace, key: key) }
        }
        return KVTransactionOutcome(revision: revisions.kvCurrent ?? 0, results: results)
    }

    /// Deletes keys whose TTL has run out (at most `limit`); returns how many.
    static func expire(nowMillis: Int64, limit: Int, in tx: any StoreTransaction, revisions: RevisionAllocator) async throws -> Int {
        try await revisions.lockKV()
        let entries = try await tx.kvExpired(atMillis: nowMillis, limit: limit)
        for entry in entries {
            try await remove(entry, kind: .expire, namespace: entry.namespace, nowMillis: nowMillis, tx: tx, revisions: revisions)
        }
        return entries.count
    }

    private static func remove(
        _ entry: KVEntry, kind: KVEvent.Kind, namespace: String, nowMillis: Int64, tx: any StoreTransaction, revisions: RevisionAllocator
    ) async throws {
        try await tx.kvDelete(namespace: namespace, key: entry.key)
        let event = KVEvent(revision: try await revisions.nextKV(), kind: kind, namespace: namespace, key: entry.key, version: entry.version)
        try await tx.kvLog(event, atMillis: nowMillis)
        revisions.logged(event)
    }

    /// Fails unless the key is at `version` (0: absent); nil checks nothing.
    private static func check(_ version: Int64?, _ entry: KVEntry?, key: String, position: String) throws {
        guard let version else { return }
        let actual = entry?.version ?? 0
        guard actual != version else { return }
        if version == 0 {
            throw HearthError(.conflict, "\(position)key '\(key)' already exists (version \(actual)); cas=0 writes only an absent key")
        }
        if actual == 0 { throw HearthError(.conflict, "\(position)key '\(key)' does not exist, so it is not at version \(version)") }
        throw HearthError(.conflict, "\(position)key '\(key)' is at version \(actual), not \(version): it changed since you read it")
    }
}

extension KVOperation {
    /// Why the operation's key (or prefix) is not valid, or nil.
    var keyViolation: String? {
        switch self {
        case .deletePrefix(let prefix): KVKey.prefixViolation(of: prefix).map { "prefix '\(prefix)': \($0)" }
        default: KVKey.violation(of: key).map { "key '\(key)': \($0)" }
        }
    }
}
