import Foundation
import HearthCore
import Logging
import NIOSSL
import NIOPosix
import PostgresNIO
import Synchronization

/// PostgreSQL, for several replicas sharing one database.
///
/// Writes of all replicas serialize on the `hearth_state` row (locked for the length of a write
/// batch), so revisions are committed in order and the change log has no gaps: a replica that
/// missed a notification catches up by reading the log after its last revision. Commits are
/// announced with `NOTIFY hearth_changes` (see ``CommitAnnouncement``), sent in the commit's own
/// transaction; a one-second poll covers a lost listener connection.
final class PostgresBackend: StoreBackend {
    let name = "postgres"
    /// Reads, the change listener and leases' reads: a pool.
    let client: PostgresClient
    let logger: Logger
    static let channel = "hearth_changes"
    /// The writer's own connection (see ``withWriteTransaction(_:)``), on a loop of its own.
    private let writerConfiguration: PostgresConnection.Configuration
    private let writerGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let writerLoop: any EventLoop
    private let writer = Mutex<PostgresConnection?>(nil)
    /// Reads of single resources, batched (see ``PostgresReadBatcher``).
    private let reads: PostgresReadBatcher

    init(url: String, logger: Logger) throws {
        self.logger = logger
        let location = try PostgresLocation(url: url)
        var configuration = location.clientConfiguration
        configuration.options.maximumConnections = 16
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        writerConfiguration = try location.connectionConfiguration()
        writerLoop = writerGroup.next()
        reads = PostgresReadBatcher { [client, logger] keys in
            try await PostgresReadRetry.run(logger: logger) {
                var found: [Int: PostgresReadBatcher.Row] = [:]
                let rows = try await client.query(PostgresStatements.encodedResources(keys), logger: logger)
                for try await (position, version, data) in rows.decode((Int64, Int64, String).self) {
                    found[Int(position) - 1] = (version, data)
                }
                return found
            }
        }
    }

    deinit {
        writerGroup.shutdownGracefully { _ in }
    }

    func run(remoteChange: @escaping @Sendable (CommitAnnouncement) async -> Void) async throws {
        defer { writerGroup.shutdownGracefully { _ in } }
        do {
            try await listen(remoteChange: remoteChange)
        } catch {
            await closeWriter()
            throw error
        }
        await closeWriter()
    }

    /// Closes the writer's connection; the store's writer has stopped before this (see Store.run()).
    private func closeWriter() async {
        if let connection = writer.withLock({ $0.take() }) { try? await connection.close() }
    }

    private func listen(remoteChange: @escaping @Sendable (CommitAnnouncement) async -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.client.run() }
            group.addTask {
                while !Task.isCancelled {
                    do {
                        try await self.client.withConnection { connection in
                            try await connection.listen(on: Self.channel) { notifications in
                                for try await notification in notifications {
                                    await remoteChange(CommitAnnouncement(payload: notification.payload))
                                }
                            }
                        }
                    } catch {
                        if Task.isCancelled { return }
                        self.logger.warning("change listener lost its connection; retrying", metadata: ["error": "\(error)"])
                    }
                    try? await Task.sleep(for: .seconds(1))
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try await Task.sleep(for: .seconds(1))
                    await remoteChange(.unknown)
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    func migrate(newClusterID: String) async throws -> String {
        try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                // One replica migrates at a time.
                try await connection.query("SELECT pg_advisory_xact_lock(7411003)", logger: logger)
                try await connection.query(
                    "CREATE TABLE IF NOT EXISTS hearth_schema (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)",
                    logger: logger)
                var current = 0
                for try await version in try await connection.query("SELECT COALESCE(MAX(version), 0) FROM hearth_schema", logger: logger).decode(Int.self) {
                    current = version
                }
                if current > Migration.latestVersion { throw Migration.tooNew(current) }
                for migration in Migration.all where migration.version > current {
                    for statement in migration.postgres {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query(
                        "INSERT INTO hearth_schema (version, description, applied_at) VALUES (\(migration.version), \(migration.description), \(Timestamp.now()))",
                        logger: logger)
                }
                try await connection.query(
                    "INSERT INTO hearth_meta (key, value) VALUES ('cluster_id', \(newClusterID)) ON CONFLICT (key) DO NOTHING", logger: logger)
                var clusterID = newClusterID
                for try await value in try await connection.query("SELECT value FROM hearth_meta WHERE key = 'cluster_id'", logger: logger).decode(String.self) {
                    clusterID = value
                }
                try await connection.query("COMMIT", logger: logger)
                return clusterID
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// The writer's tasks run on its connection's event loop (see ``EventLoopWriterExecutor``).
    func makeWriterExecutor() -> any StoreWriterExecutor {
        EventLoopWriterExecutor(loop: writerLoop)
    }

    /// Runs `body` on the writer's own connection, opened on first use and again after it is lost.
    /// Only the store's writer loop calls this, one batch at a time.
    func withWriteTransaction<T>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
        let connection = try await writerConnection()
        do {
            try await connection.query("BEGIN", logger: logger)
            let transaction = PostgresTransaction(connection: connection, logger: logger)
            do {
                let result = try await body(transaction)
                try await connection.query("COMMIT", logger: logger)
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        } catch {
            if connection.isClosed { writer.withLock { $0 = nil } }
            throw error
        }
    }

    private func writerConnection() async throws -> PostgresConnection {
        if let connection = writer.withLock({ $0 }), !connection.isClosed { return connection }
        let connection = try await PostgresConnection.connect(on: writerLoop, configuration: writerConfiguration, id: 0, logger: logger)
        writer.withLock { $0 = connection }
        return connection
    }

    func get(_ key: ResourceKey) async throws -> Resource? {
        try await getEncoded(key).map { try ResourceCodec.decode($0.json) }
    }

    func getEncoded(_ key: ResourceKey) async throws -> (version: Int64, json: String)? {
        try await reads.get(key)
    }

    func scan(type: String, namespace: String?, after: ResourceKey?, namePrefix: String?, limit: Int) async throws -> ([Resource], Int64) {
        var sql = "SELECT data, (SELECT revision FROM hearth_state WHERE id = 1) FROM resources WHERE type = $1"
        var bindings = PostgresBindings()
        bindings.append(type)
        if let namespace {
            bindings.append(namespace)
            sql += " AND namespace = $\(bindings.count)"
            if let after {
                bindings.append(after.name)
                sql += " AND name > $\(bindings.count)"
            }
        } else if let after {
            bindings.append(after.namespace)
            bindings.append(after.name)
            sql += " AND (namespace, name) > ($\(bindings.count - 1), $\(bindings.count))"
        }
        if let namePrefix, !namePrefix.isEmpty {
            bindings.append(namePrefix)
            bindings.append(namePrefix + "~")
            sql += " AND name >= $\(bindings.count - 1) AND name < $\(bindings.count)"
        }
        bindings.append(limit)
        sql += " ORDER BY namespace, name LIMIT $\(bindings.count)"
        let query = PostgresQuery(unsafeSQL: sql, binds: bindings)
        let (items, revision) = try await reading {
            var items: [Resource] = []
            var revision: Int64?
            for try await (data, rev) in try await client.query(query, logger: logger).decode((String, Int64).self) {
                items.append(try ResourceCodec.decode(data))
                revision = rev
            }
            return (items, revision)
        }
        if let revision { return (items, revision) }
        return (items, try await revisions().current)
    }

    func changes(after revision: Int64, limit: Int) async throws -> [ChangeEvent] {
        try await reading {
            var events: [ChangeEvent] = []
            let rows = try await client.query(
                "SELECT revision, kind, data FROM changes WHERE revision > \(revision) ORDER BY revision LIMIT \(limit)", logger: logger)
            for try await (rev, kind, data) in rows.decode((Int64, String, String).self) {
                events.append(
                    ChangeEvent(revision: rev, kind: ChangeEvent.Kind(rawValue: kind) ?? .modified, object: try ResourceCodec.decode(data)))
            }
            return events
        }
    }

    func revisions() async throws -> (current: Int64, compacted: Int64) {
        try await reading {
            for try await (current, compacted) in try await client.query(
                "SELECT revision, compacted_revision FROM hearth_state WHERE id = 1", logger: logger
            ).decode((Int64, Int64).self) {
                return (current, compacted)
            }
            return (0, 0)
        }
    }

    /// A read on the pool, run again when its connection turns out to be gone (see
    /// ``PostgresReadRetry``).
    func reading<T>(_ read: () async throws -> T) async throws -> T {
        try await PostgresReadRetry.run(logger: logger, read)
    }

    func ping() async throws {
        _ = try await revisions()
    }
}

/// The write transaction of ``PostgresBackend``: one leased connection inside BEGIN ... COMMIT.
///
/// Round trips, not the database, bound a write batch's time, so the transaction keeps what it
/// knows and what it writes: rows fetched (and locked) or written here are answered from memory;
/// ``lockRevision(prefetching:)`` locks the revision and reads and locks a whole batch's rows in
/// one call (`hearth_lock_batch`); writes are buffered, and ``finish(revision:kvRevision:)`` sends
/// them with the new revision and the `NOTIFY` in one statement whatever the batch's size
/// (multi-row `UNNEST` inserts; deletions take one more). A batch of creates is four round trips:
/// `BEGIN`, the locks, the writes, `COMMIT`. Reads the buffer cannot answer (references to a
/// resource) flush first, so the database always sees the writes before it is asked about them.
final class PostgresTransaction: StoreTransaction {
    let connection: PostgresConnection
    let logger: Logger

    /// Rows as this transaction knows them: fetched (and locked), or written here; nil is absent.
    private var known: [ResourceKey: Resource?] = [:]
    /// Whether rows exist, for keys only checked for existence.
    private var existing: [ResourceKey: Bool] = [:]
    /// The final state of each written row: its revision, version and JSON, or nil when deleted.
    private var rows: [ResourceKey: (revision: Int64, version: Int64, data: String)?] = [:]
    /// Rows whose outgoing references are dropped, then those written anew.
    private var dropRefs: Set<ResourceKey> = []
    private var newRefs: [ResourceKey: [ResourceKey]] = [:]
    private var changes: [(revision: Int64, kind: String, data: String, millis: Int64)] = []
    /// Audit entries appended here, written with the rows (one statement per batch, not one per entry).
    private var audits: [(millis: Int64, entry: AuditEntry)] = []

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    func run(_ query: PostgresQuery) async throws {
        try await connection.query(query, logger: logger)
    }

    func lockRevision() async throws -> Int64 {
        for try await revision in try await connection.query("SELECT revision FROM hearth_state WHERE id = 1 FOR UPDATE", logger: logger).decode(Int64.self) {
            return revision
        }
        throw StoreError("hearth_state row is missing")
    }

    func lockRevision(prefetching keys: [ResourceKey]) async throws -> Int64 {
        let wanted = Array(Set(keys.filter { known[$0] == nil }))
        for key in wanted { known[key] = .some(nil) }
        let rows = try await connection.query(
            "SELECT locked_revision, row_data FROM hearth_lock_batch(\(wanted.map(\.type)), \(wanted.map(\.namespace)), \(wanted.map(\.name)))",
            logger: logger)
        var revision: Int64?
        for try await (lockedRevision, data) in rows.decode((Int64?, String?).self) {
            if let lockedRevision { revision = lockedRevision }
            if let data {
                let resource = try ResourceCodec.decode(data)
                known[resource.key] = resource
            }
        }
        guard let revision else { throw StoreError("hearth_state row is missing") }
        return revision
    }

    func fetch(_ key: ResourceKey) async throws -> Resource? {
        if let resource = known[key] { return resource }
        let rows = try await connection.query(
            "SELECT data FROM resources WHERE type = \(key.type) AND namespace = \(key.namespace) AND name = \(key.name) FOR UPDATE", logger: logger)
        var found: Resource? = nil
        for try await data in rows.decode(String.self) { found = try ResourceCodec.decode(data) }
        known[key] = found
        return found
    }

    func exists(_ key: ResourceKey) async throws -> Bool {
        if let resource = known[key] { return resource != nil }
        if let exists = existing[key] { return exists }
        let rows = try await connection.query(
            "SELECT 1 FROM resources WHERE type = \(key.type) AND namespace = \(key.namespace) AND name = \(key.name) FOR SHARE", logger: logger)
        var found = false
        for try await _ in rows { found = true }
        existing[key] = found
        return found
    }

    func referrers(of key: ResourceKey) async throws -> [ResourceKey] {
        try await flush()
        var keys: [ResourceKey] = []
        let rows = try await connection.query(
            "SELECT from_type, from_namespace, from_name FROM refs WHERE to_type = \(key.type) AND to_namespace = \(key.namespace) AND to_name = \(key.name)",
            logger: logger)
        for try await (type, namespace, name) in rows.decode((String, String, String).self) {
            keys.append(ResourceKey(type: type, namespace: namespace, name: name))
        }
        return keys
    }

    func put(_ resource: Resource, encoded: String, references: [ResourceKey], replacing: Bool, change: ChangeEvent, atMillis: Int64) async throws {
        let key = resource.key
        known[key] = resource
        rows[key] = (resource.revision, resource.version, encoded)
        if replacing { dropRefs.insert(key) }
        newRefs[key] = Array(Set(references))
        changes.append((change.revision, change.kind.rawValue, encoded, atMillis))
    }

    func remove(_ key: ResourceKey, change: ChangeEvent, encoded: String, atMillis: Int64) async throws {
        known[key] = .some(nil)
        rows[key] = .some(nil)
        dropRefs.insert(key)
        newRefs[key] = nil
        changes.append((change.revision, change.kind.rawValue, encoded, atMillis))
    }

    /// Keeps an audit entry for ``flush()``, which writes it with the batch's rows.
    func bufferAudit(_ entry: AuditEntry, atMillis: Int64) {
        audits.append((atMillis, entry))
    }

    /// Sends the buffered writes (see ``finish(revision:kvRevision:)``), for a read that must see them.
    func flush() async throws {
        try await send(revision: nil, kvRevision: nil)
    }

    func finish(revision: Int64?, kvRevision: Int64?) async throws {
        try await send(revision: revision, kvRevision: kvRevision)
    }

    /// Sends the buffered writes: the deletions (rows and dropped references) in a statement of
    /// their own, then in one statement the rows, references, change-log entries and audit entries
    /// written (each kind one multi-row insert), the new revisions, and the `NOTIFY` announcing
    /// them (delivered at commit).
    private func send(revision: Int64?, kvRevision: Int64?) async throws {
        let deleted = rows.filter { $0.value == nil }.map(\.key)
        let dropped = Array(dropRefs)
        if !deleted.isEmpty || !dropped.isEmpty {
            // Apart from the inserts: a replaced row's references are dropped, then written anew.
            try await run(
                """
                WITH unreferenced AS (
                    DELETE FROM refs f USING UNNEST(\(dropped.map(\.type)), \(dropped.map(\.namespace)), \(dropped.map(\.name))) AS k(type, namespace, name)
                    WHERE f.from_type = k.type COLLATE "C" AND f.from_namespace = k.namespace COLLATE "C" AND f.from_name = k.name COLLATE "C"
                )
                DELETE FROM resources r USING UNNEST(\(deleted.map(\.type)), \(deleted.map(\.namespace)), \(deleted.map(\.name))) AS k(type, namespace, name)
                WHERE r.type = k.type COLLATE "C" AND r.namespace = k.namespace COLLATE "C" AND r.name = k.name COLLATE "C"
                """)
        }
        var statement = PostgresStatement()
        let written = rows.compactMap { key, row in row.map { (key, $0) } }
        if !written.isEmpty {
            statement.add(
                """
                written AS (
                    INSERT INTO resources (type, namespace, name, revision, version, data)
                    SELECT * FROM UNNEST(\(statement.bind(written.map(\.0.type))), \(statement.bind(written.map(\.0.namespace))), \(statement.bind(written.map(\.0.name))),
                        \(statement.bind(written.map(\.1.revision))), \(statement.bind(written.map(\.1.version))), \(statement.bind(written.map(\.1.data))))
                    ON CONFLICT (type, namespace, name) DO UPDATE SET revision = EXCLUDED.revision, version = EXCLUDED.version, data = EXCLUDED.data
                )
                """)
        }
        let references = newRefs.flatMap { from, targets in targets.map { (from, $0) } }
        if !references.isEmpty {
            statement.add(
                """
                referenced AS (
                    INSERT INTO refs (to_type, to_namespace, to_name, from_type, from_namespace, from_name)
                    SELECT * FROM UNNEST(\(statement.bind(references.map(\.1.type))), \(statement.bind(references.map(\.1.namespace))), \(statement.bind(references.map(\.1.name))),
                        \(statement.bind(references.map(\.0.type))), \(statement.bind(references.map(\.0.namespace))), \(statement.bind(references.map(\.0.name))))
                )
                """)
        }
        if !changes.isEmpty {
            statement.add(
                """
                logged AS (
                    INSERT INTO changes (revision, kind, data, created_ms)
                    SELECT * FROM UNNEST(\(statement.bind(changes.map(\.revision))), \(statement.bind(changes.map(\.kind))), \(statement.bind(changes.map(\.data))), \(statement.bind(changes.map(\.millis))))
                )
                """)
        }
        if !audits.isEmpty {
            statement.add(
                """
                audited AS (
                    INSERT INTO audit_log (at_ms, time, principal, source, request_id, verb, resource, namespace, name, decision, reason, status)
                    SELECT at_ms, time, principal, NULLIF(source, ''), request_id, verb, resource, namespace, NULLIF(name, ''), decision, reason, NULLIF(status, 0)
                    FROM UNNEST(
                        \(statement.bind(audits.map(\.millis))), \(statement.bind(audits.map(\.entry.time))), \(statement.bind(audits.map(\.entry.principal))),
                        \(statement.bind(audits.map { $0.entry.source ?? "" })), \(statement.bind(audits.map(\.entry.requestID))),
                        \(statement.bind(audits.map(\.entry.verb))), \(statement.bind(audits.map(\.entry.resource))),
                        \(statement.bind(audits.map { $0.entry.namespace ?? "" })), \(statement.bind(audits.map { $0.entry.name ?? "" })),
                        \(statement.bind(audits.map(\.entry.decision))), \(statement.bind(audits.map(\.entry.reason))),
                        \(statement.bind(audits.map { Int32(clamping: $0.entry.status ?? 0) }))
                    ) WITH ORDINALITY AS a(at_ms, time, principal, source, request_id, verb, resource, namespace, name, decision, reason, status, n)
                    ORDER BY n
                )
                """)
        }
        if let revision {
            statement.add("revised AS (UPDATE hearth_state SET revision = \(statement.bind(revision)) WHERE id = 1)")
        }
        if let kvRevision {
            statement.add("kv_revised AS (UPDATE kv_state SET revision = \(statement.bind(kvRevision)) WHERE id = 1)")
        }
        rows.removeAll()
        dropRefs.removeAll()
        newRefs.removeAll()
        changes.removeAll()
        audits.removeAll()
        let announcement = CommitAnnouncement(revision: revision, kvRevision: kvRevision)
        if !announcement.isUnknown {
            // Delivered when the transaction commits, and not at all if it does not.
            let main = "SELECT pg_notify(\(statement.bind(PostgresBackend.channel)), \(statement.bind(announcement.payload)))"
            try await run(statement.query(main: main))
        } else if !statement.isEmpty {
            try await run(statement.query(main: "SELECT 1"))
        }
    }

    func tryAcquireLease(name: String, holder: String, ttlMillis: Int64) async throws -> Bool {
        // The database's clock decides expiry, so replicas with skewed clocks agree.
        let rows = try await connection.query(
            """
            INSERT INTO leases (name, holder, expires_ms)
            VALUES (\(name), \(holder), (extract(epoch from clock_timestamp()) * 1000)::bigint + \(ttlMillis))
            ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_ms = EXCLUDED.expires_ms
            WHERE leases.holder = EXCLUDED.holder OR leases.expires_ms < (extract(epoch from clock_timestamp()) * 1000)::bigint
            RETURNING holder
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }

    func releaseLease(name: String, holder: String) async throws {
        try await run("DELETE FROM leases WHERE name = \(name) AND holder = \(holder)")
    }

    func compactChanges(olderThanMillis cutoff: Int64) async throws -> Int64 {
        var newest: Int64 = 0
        for try await value in try await connection.query(
            "SELECT COALESCE(MAX(revision), 0)::bigint FROM changes WHERE created_ms < \(cutoff)", logger: logger
        ).decode(Int64.self) {
            newest = value
        }
        if newest > 0 {
            try await run("DELETE FROM changes WHERE revision <= \(newest)")
            try await run("UPDATE hearth_state SET compacted_revision = GREATEST(compacted_revision, \(newest)) WHERE id = 1")
        }
        for try await value in try await connection.query("SELECT compacted_revision FROM hearth_state WHERE id = 1", logger: logger).decode(Int64.self) {
            return value
        }
        return newest
    }
}
