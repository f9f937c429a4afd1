import Foundation
import HearthCore
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Hearth's store: resources, their references, the change log and leases, on SQLite or
/// PostgreSQL. A `Service`: ``run()`` migrates the schema, then runs the writer loop, the change
/// feed and compaction until shutdown.
///
/// Writes go through one writer loop per replica that commits whatever is queued together
/// (group commit): one fsync serves every write of the batch, and each write still succeeds or
/// fails alone (see ``MutationEngine``). A write is acknowledged only after its commit.
public final class Store: Service {
    public let configuration: StoreConfiguration
    public let registry: TypeRegistry
    public let feed: ChangeFeed
    /// The key-value store's changes.
    public let kvFeed: Feed<KVEvent>
    let backend: any StoreBackend
    private let engine: MutationEngine
    private let logger: Logger
    private let queue = Mutex<[PendingWrite]>([])
    private let wake: AsyncStream<Void>.Continuation
    private let wakeStream: AsyncStream<Void>
    private let state = Mutex<(ready: Bool, clusterID: String?, stopped: Bool)>((false, nil, false))
    /// Callers of ``waitUntilReady()`` before the store is ready, and why startup failed, if it did.
    private let readyWaiters = Mutex<(waiters: [CheckedContinuation<Void, any Error>], failure: (any Error)?)>(([], nil))
    private let storeTimers: [String: Metrics.Timer]
    /// The revisions of this replica's batch being committed, which its writer publishes itself:
    /// an announcement of them (this replica's own `NOTIFY`, which can arrive before the commit
    /// returns) needs no read of the change log. Zero when no batch is in flight.
    private let committing = Mutex<(revision: Int64, kvRevision: Int64)>((0, 0))
    static let maxBatch = 256

    /// The backend's name: `sqlite` or `postgres`.
    public var backendName: String { backend.name }

    public init(configuration: StoreConfiguration, registry: TypeRegistry, logger: Logger) throws {
        self.configuration = configuration
        self.registry = registry
        self.logger = logger
        switch configuration.backend {
        case .sqlite(let path): backend = try SQLiteBackend(path: path)
        case .postgres(let url): backend = try PostgresBackend(url: url, logger: logger)
        }
        engine = MutationEngine(registry: registry)
        (wakeStream, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let backend = self.backend
        feed = ChangeFeed(name: "resources", startRevision: 0, bufferLimit: configuration.watchBufferLimit, logger: logger) { after in
            try await backend.changes(after: after, limit: 500)
        }
        kvFeed = Feed(name: "kv", startRevision: 0, bufferLimit: configuration.watchBufferLimit, logger: logger) { after in
            try await backend.kvChanges(after: after, limit: 500)
        }
        var timers: [String: Metrics.Timer] = [:]
        for op in ["get", "list", "write", "changes"] {
            timers[op] = Metrics.Timer(label: "hearth_store_duration_seconds", dimensions: [("op", op), ("backend", backend.name)])
        }
        storeTimers = timers
    }

    // MARK: Lifecycle

    public func run() async throws {
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                let feed = self.feed
                let kvFeed = self.kvFeed
                group.addTask {
                    try await self.backend.run(remoteChange: { announcement in
                        // Only the feeds behind what was announced: a replica's own commits are
                        // published already.
                        if announcement.isUnknown {
                            await feed.catchUp()
                            await kvFeed.catchUp()
                        } else {
                            let own = self.committing.withLock { $0 }
                            if let revision = announcement.revision, revision > own.revision { await feed.catchUp(to: revision) }
                            if let revision = announcement.kvRevision, revision > own.kvRevision { await kvFeed.catchUp(to: revision) }
                        }
                    })
                }
                group.addTask { try await self.serve() }
                // serve() returns at shutdown; the backend's connections close after it.
                try await group.next()
                group.cancelAll()
            }
        } catch {
            failReadyWaiters(error)
            throw error
        }
        failReadyWaiters(HearthError(.unavailable, "the store stopped before it was ready"))
    }

    /// Ends the waits of ``waitUntilReady()`` when the store will never become ready.
    private func failReadyWaiters(_ error: any Error) {
        let waiters = readyWaiters.withLock { w -> [CheckedContinuation<Void, any Error>] in
            if state.withLock({ $0.ready }) { return [] }
            w.failure = error
            defer { w.waiters.removeAll() }
            return w.waiters
        }
        for waiter in waiters { waiter.resume(throwing: error) }
    }

    private func serve() async throws {
        let clusterID = try await backend.migrate(newClusterID: UUID().uuidString.lowercased())
        let revisions = try await backend.revisions()
        await feed.reset(to: revisions.current)
        await kvFeed.reset(to: try await backend.kvRevisions().current)
        let waiters = readyWaiters.withLock { w -> [CheckedContinuation<Void, any Error>] in
            state.withLock {
                $0.ready = true
                $0.clusterID = clusterID
            }
            defer { w.waiters.removeAll() }
            return w.waiters
        }
        for waiter in waiters { waiter.resume() }
        logger.info("store ready", metadata: ["backend": "\(backend.name)", "cluster": "\(clusterID)", "revision": "\(revisions.current)"])

        // The writer runs on an executor of its own (see WriterExecutor, EventLoopWriterExecutor).
        let executor = backend.makeWriterExecutor()
        async let writing: Void = withTaskExecutorPreference(executor) { await self.writerLoop() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: self.configuration.heartbeatInterval)
                    await self.feed.heartbeat()
                    await self.kvFeed.heartbeat()
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: self.configuration.compactionInterval)
                    if Task.isCancelled { return }
                    do {
                        try await self.compact()
                        try await self.pruneRecords()
                    } catch {
                        self.logger.warning("change log compaction failed", metadata: ["error": "\(error)"])
                    }
                }
            }
            // On graceful shutdown (or cancellation): stop taking writes, finish the queued ones,
            // end the watches.
            try? await gracefulShutdown()
            group.cancelAll()
        }
        state.withLock { $0.stopped = true }
        wake.finish()
        await writing
        executor.shutdown()
        await feed.finishAll()
        await kvFeed.finishAll()
        logger.info("store stopped")
    }

    /// Waits until the schema is migrated and the store takes requests; throws the error of
    /// ``run()`` if the store fails to start.
    public func waitUntilReady() async throws {
        if state.withLock({ $0.ready }) { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            // Checked and registered under the lock that serve() and run() resume waiters under,
            // so a waiter cannot slip in after they have resumed everyone.
            let outcome = readyWaiters.withLock { w -> Result<Void, any Error>? in
                if state.withLock({ $0.ready }) { return .success(()) }
                if let failure = w.failure { return .failure(failure) }
                w.waiters.append(continuation)
                return nil
            }
            if let outcome { continuation.resume(with: outcome) }
        }
    }

    public var isReady: Bool { state.withLock { $0.ready && !$0.stopped } }

    /// The cluster id, once the store is ready.
    public var clusterID: String? { state.withLock { $0.clusterID } }

    /// Checks that the database answers.
    public func ping() async throws {
        guard isReady else { throw HearthError(.unavailable, "the store is not ready") }
        try await backend.ping()
    }

    // MARK: Reads

    public func get(_ key: ResourceKey) async throws -> Resource? {
        try await timed("get") { try await backend.get(key) }
    }

    /// A resource's stored JSON (the same bytes the API answers with) and its version: a read
    /// that skips decoding and re-encoding.
    public func getEncoded(_ key: ResourceKey) async throws -> (version: Int64, json: String)? {
        try await timed("get") { try await backend.getEncoded(key) }
    }

    /// A page of resources matching `options`, in key order. Pages continue after the last key,
    /// so a resource that exists for the whole listing appears exactly once.
    public func list(_ options: ListOptions) async throws -> ListPage {
        try await timed("list") {
            var items: [Resource] = []
            var after = options.after
            var revision: Int64?
            let chunk = max(options.limit + 1, 100)
            while true {
                let (rows, rowsRevision) = try await backend.scan(
                    type: options.type, namespace: options.namespace, after: after, namePrefix: options.namePrefix, limit: chunk)
                revision = revision ?? rowsRevision
                for row in rows where options.matches(row) {
                    items.append(row)
                    if items.count > options.limit {
                        items.removeLast()
                        return ListPage(items: items, revision: revision!, next: items.last?.key)
                    }
                }
                if rows.count < chunk { break }
                after = rows.last?.key
            }
            return ListPage(items: items, revision: revision ?? 0, next: nil)
        }
    }

    /// Changes after `revision`, oldest first.
    public func changes(after revision: Int64, limit: Int = 500) async throws -> [ChangeEvent] {
        try await timed("changes") { try await backend.changes(after: revision, limit: limit) }
    }

    public func revisions() async throws -> (current: Int64, compacted: Int64) {
        try await backend.revisions()
    }

    // MARK: Writes

    /// Applies a mutation atomically; returns once it is durably committed.
    ///
    /// With `audit`, the entry is appended in the same transaction, whether the mutation is applied
    /// or refused, with the outcome's HTTP status: an acknowledged change always has its record.
    ///
    /// `records` are written in the same transaction when the mutation is applied (a new user
    /// and its password hash, say), and not at all when it is refused.
    public func mutate(_ mutation: Mutation, audit: AuditEntry? = nil, records: [StoredRecord] = []) async throws -> MutationOutcome {
        try await write(mutation, audit: audit, records: records).outcome
    }

    /// ``mutate(_:audit:records:)``, also returning the JSON stored for the written resource.
    public func write(_ mutation: Mutation, audit: AuditEntry? = nil, records: [StoredRecord] = []) async throws -> MutationResult {
        try await timed("write") {
            try await submit(writesResources: true, audit: audit, keys: mutation.prefetchKeys) { [engine] transaction, revisions, events in
                let result = try await engine.apply(mutation, in: transaction, revisions: revisions, events: &events)
                for record in records { try await transaction.putRecord(record) }
                return result
            }
        }
    }

    // MARK: Private records and the audit trail

    /// A private record (see ``StoredRecord``), as last committed.
    public func record(_ kind: String, _ key: String) async throws -> StoredRecord? {
        try await timed("get") { try await backend.record(kind: kind, key: key) }
    }

    /// The records of `kind`, all or those held by `subject`, in key order.
    public func records(_ kind: String, subject: String? = nil) async throws -> [StoredRecord] {
        try await timed("list") { try await backend.records(kind: kind, subject: subject) }
    }

    /// Runs `body` in one transaction of the writer and returns once it is committed.
    public func updateRecords<T: Sendable>(_ body: @escaping @Sendable (RecordWriter) async throws -> T) async throws -> T {
        try await timed("write") {
            try await submit { transaction, _, _ in try await body(RecordWriter(transaction: transaction)) }
        }
    }

    /// Appends entries to the audit trail; returns once they are committed.
    public func appendAudit(_ entries: [AuditEntry]) async throws {
        try await updateRecords { writer in
            for entry in entries { try await writer.appendAudit(entry) }
        }
    }

    /// Audit entries matching `query`, newest first.
    public func auditLog(_ query: AuditQuery) async throws -> [AuditEntry] {
        try await timed("list") { try await backend.audit(query) }
    }

    /// Deletes expired records and audit entries older than the retention.
    public func pruneRecords(auditRetention: Duration? = nil) async throws {
        let now = MutationEngine.nowMillis()
        let cutoff = now - Int64((auditRetention ?? configuration.auditRetention).secondsDouble * 1000)
        try await submit { transaction, _, _ in
            _ = try await transaction.pruneRecords(expiredBefore: now)
            _ = try await transaction.pruneAudit(olderThanMillis: cutoff)
        }
    }

    /// Takes or renews a lease; true if `holder` holds it for `ttl` from now.
    public func tryAcquireLease(_ name: String, holder: String, ttl: Duration) async throws -> Bool {
        let millis = Int64(ttl.secondsDouble * 1000)
        return try await submit { transaction, _, _ in
            try await transaction.tryAcquireLease(name: name, holder: holder, ttlMillis: millis)
        }
    }

    public func releaseLease(_ name: String, holder: String) async throws {
        try await submit { transaction, _, _ in try await transaction.releaseLease(name: name, holder: holder) }
    }

    /// Drops change-log entries older than the retention; returns the compacted revision.
    @discardableResult
    public func compact(retention: Duration? = nil) async throws -> Int64 {
        let cutoff = MutationEngine.nowMillis() - Int64((retention ?? configuration.changeRetention).secondsDouble * 1000)
        return try await submit { transaction, _, _ in
            _ = try await transaction.compactKVChanges(olderThanMillis: cutoff)
            return try await transaction.compactChanges(olderThanMillis: cutoff)
        }
    }

    func submit<T: Sendable>(
        writesResources: Bool = false, audit: AuditEntry? = nil, keys: [ResourceKey] = [],
        _ body: @escaping @Sendable (any StoreTransaction, RevisionAllocator, inout [ChangeEvent]) async throws -> T
    ) async throws -> T {
        guard isReady else { throw HearthError(.unavailable, "the store is not ready or is shutting down") }
        let value = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<any Sendable, any Error>) in
            let write = PendingWrite(writesResources: writesResources, audit: audit, keys: keys, body: { try await body($0, $1, &$2) }, continuation: continuation)
            let accepted = queue.withLock { pending -> Bool in
                if state.withLock({ $0.stopped }) { return false }
                pending.append(write)
                return true
            }
            if accepted {
                wake.yield()
            } else {
                continuation.resume(throwing: HearthError(.unavailable, "the server is shutting down"))
            }
        }
        return value as! T
    }

    private func writerLoop() async {
        for await _ in wakeStream {
            await drainQueue()
        }
        await drainQueue()
    }

    private func drainQueue() async {
        while true {
            let batch = queue.withLock { pending -> [PendingWrite] in
                let taken = Array(pending.prefix(Self.maxBatch))
                pending.removeFirst(taken.count)
                return taken
            }
            if batch.isEmpty { return }
            await commit(batch)
        }
    }

    private func commit(_ batch: [PendingWrite]) async {
        var results: [Result<any Sendable, any Error>] = []
        var events: [ChangeEvent] = []
        var kvEvents: [KVEvent] = []
        do {
            try await backend.withWriteTransaction { transaction in
                let revisions = RevisionAllocator(transaction: transaction)
                if batch.contains(where: \.writesResources) {
                    // The revision, then every row the batch will read, locked in one go.
                    try await revisions.lock(prefetching: batch.flatMap(\.keys))
                }
                for write in batch {
                    let mark = revisions.mark
                    var writeEvents: [ChangeEvent] = []
                    do {
                        let value = try await write.body(transaction, revisions, &writeEvents)
                        results.append(.success(value))
                        events += writeEvents
                        if var entry = write.audit {
                            entry.status = (value as? MutationResult)?.outcome.httpStatus ?? 200
                            try await RecordWriter(transaction: transaction).appendAudit(entry)
                        }
                    } catch let error as HearthError {
                        // Refused before it wrote anything (see MutationEngine): the rest commits.
                        revisions.reset(to: mark)
                        results.append(.failure(error))
                        if var entry = write.audit {
                            entry.status = error.code.status
                            try await RecordWriter(transaction: transaction).appendAudit(entry)
                        }
                    }
                }
                try await transaction.finish(
                    revision: revisions.dirty ? revisions.current : nil, kvRevision: revisions.kvDirty ? revisions.kvCurrent : nil)
                kvEvents = revisions.kvEvents
                let committed = (revision: events.last?.revision ?? 0, kvRevision: kvEvents.last?.revision ?? 0)
                committing.withLock { $0 = committed }
            }
        } catch {
            committing.withLock { $0 = (0, 0) }
            // A storage failure: nothing of the batch was committed.
            logger.error("write batch failed", metadata: ["error": "\(error)", "writes": "\(batch.count)"])
            for write in batch { write.continuation.resume(throwing: HearthError(.unavailable, "the store could not commit the write")) }
            return
        }
        if !events.isEmpty {
            await feed.committed(events)
        }
        if !kvEvents.isEmpty {
            await kvFeed.committed(kvEvents)
        }
        committing.withLock { $0 = (0, 0) }
        for (write, result) in zip(batch, results) {
            write.continuation.resume(with: result)
        }
    }


    func timed<T>(_ op: String, _ body: () async throws -> T) async throws -> T {
        let start = ContinuousClock.now
        defer { storeTimers[op]?.recordNanoseconds(Int64((ContinuousClock.now - start).secondsDouble * 1e9)) }
        do {
            return try await body()
        } catch let error as HearthError {
            throw error
        } catch let error as StoreError {
            logger.error("store failure", metadata: ["op": "\(op)", "error": "\(error)"])
            throw HearthError(.unavailable, "the store is unavailable")
        } catch {
            logger.error("store failure", metadata: ["op": "\(op)", "error": "\(error)"])
            throw HearthError(.unavailable, "the store is unavailable")
        }
    }
}

/// A write waiting for the writer loop. A class: the queue and the batch hand it on by
/// reference, where copying its fields (the audit entry's dozen strings) cost every write.
final class PendingWrite: Sendable {
    let writesResources: Bool
    /// Appended with the write's outcome, in the same transaction.
    let audit: AuditEntry?
    /// The rows the write will read, to prefetch.
    let keys: [ResourceKey]
    let body: @Sendable (any StoreTransaction, RevisionAllocator, inout [ChangeEvent]) async throws -> any Sendable
    let continuation: CheckedContinuation<any Sendable, any Error>

    init(
        writesResources: Bool, audit: AuditEntry?, keys: [ResourceKey],
        body: @escaping @Sendable (any StoreTransaction, RevisionAllocator, inout [ChangeEvent]) async throws -> any Sendable,
        continuation: CheckedContinuation<any Sendable, any Error>
    ) {
        self.writesResources = writesResources
        self.audit = audit
        self.keys = keys
        self.body = body
        self.continuation = continuation
    }
}
