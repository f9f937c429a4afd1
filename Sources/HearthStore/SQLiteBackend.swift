import Foundation
import HearthCore
import Synchronization

/// Embedded SQLite in WAL mode: one writer connection, owned by the store's writer loop, and a
/// pool of read-only connections that read concurrently with it.
///
/// Durability: `synchronous=FULL`, so a commit is on disk (the WAL fsynced) before the write is
/// acknowledged. Writes run on the store's writer thread, so an fsync never stalls the
/// cooperative executor.
final class SQLiteBackend: StoreBackend {
    let name = "sqlite"
    private let path: String
    private let writer: SQLiteConnection
    /// The writer's ids of audit reasons (its own, like the connection).
    private let auditReasons = SQLiteAuditReasons()
    private let readers: Mutex<[SQLiteConnection]> = Mutex([])
    private let maxIdleReaders = 8

    init(path: String) throws {
        self.path = path
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        writer = try SQLiteConnection(path: path, readOnly: false)
        try writer.execute("PRAGMA journal_mode=WAL")
        try writer.execute("PRAGMA synchronous=FULL")
        try writer.execute("PRAGMA foreign_keys=OFF")
        try writer.execute("PRAGMA wal_autocheckpoint=4000")
        chmod(path, 0o600)
    }

    /// A thread of its own: the writer blocks it on each commit's fsync.
    func makeWriterExecutor() -> any StoreWriterExecutor {
        WriterExecutor(name: "hearth-writer")
    }

    func run(remoteChange: @escaping @Sendable (CommitAnnouncement) async -> Void) async throws {
        // One process owns the file: there are no other replicas to hear from.
        try await Task.sleep(for: .seconds(Int64.max / 2_000_000_000))
    }

    func migrate(newClusterID: String) async throws -> String {
        try writer.execute("CREATE TABLE IF NOT EXISTS hearth_schema (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)")
        let current = try writer.rows("SELECT COALESCE(MAX(version), 0) FROM hearth_schema") { Int($0.int(0)) }.first ?? 0
        if current > Migration.latestVersion { throw Migration.tooNew(current) }
        for migration in Migration.all where migration.version > current {
            try writer.execute("BEGIN IMMEDIATE")
            do {
                for statement in migration.sqlite { try writer.execute(statement) }
                try migration.sqliteCode?(writer)
                try writer.query(
                    "INSERT INTO hearth_schema (version, description, applied_at) VALUES (?, ?, ?)",
                    [.int(Int64(migration.version)), .text(migration.description), .text(Timestamp.now())])
                try writer.execute("COMMIT")
            } catch {
                try? writer.execute("ROLLBACK")
                throw error
            }
        }
        try writer.query("INSERT OR IGNORE INTO hearth_meta (key, value) VALUES ('cluster_id', ?)", [.text(newClusterID)])
        return try writer.rows("SELECT value FROM hearth_meta WHERE key = 'cluster_id'") { $0.text(0) }.first ?? newClusterID
    }

    func withWriteTransaction<T>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
        try writer.execute("BEGIN IMMEDIATE")
        let transaction = SQLiteTransaction(connection: writer, auditReasons: auditReasons)
        let result: T
        do {
            result = try await body(transaction)
            // The fsync: this runs on the store's writer thread (WriterExecutor), which may block.
            try writer.execute("COMMIT")
        } catch {
            try? writer.execute("ROLLBACK")
            auditReasons.rollback()
            throw error
        }
        auditReasons.commit()
        return result
    }


    func get(_ key: ResourceKey) async throws -> Resource? {
        try withReader { db in
            try db.rows(
                "SELECT data FROM resources WHERE type = ? AND namespace = ? AND name = ?",
                [.text(key.type), .text(key.namespace), .text(key.name)]
            ) { try ResourceCodec.decode($0.text(0)) }.first
        }
    }

    func getEncoded(_ key: ResourceKey) async throws -> (version: Int64, json: String)? {
        try withReader { db in
            try db.rows(
                "SELECT version, data FROM resources WHERE type = ? AND namespace = ? AND name = ?",
                [.text(key.type), .text(key.namespace), .text(key.name)]
            ) { ($0.int(0), $0.text(1)) }.first
        }
    }

    func scan(type: String, namespace: String?, after: ResourceKey?, namePrefix: String?, limit: Int) async throws -> ([Resource], Int64) {
        var sql = "SELECT data FROM resources WHERE type = ?"
        var bindings: [SQLiteValue] = [.text(type)]
        if let namespace {
            sql += " AND namespace = ?"
            bindings.append(.text(namespace))
            if let after {
                sql += " AND name > ?"
                bindings.append(.text(after.name))
            }
        } else if let after {
            sql += " AND (namespace, name) > (?, ?)"
            bindings += [.text(after.namespace), .text(after.name)]
        }
        if let namePrefix, !namePrefix.isEmpty {
            sql += " AND name >= ? AND name < ?"
            bindings += [.text(namePrefix), .text(namePrefix + "~")]
        }
        sql += " ORDER BY namespace, name LIMIT ?"
        bindings.append(.int(Int64(limit)))
        return try withReader { db in
            try db.execute("BEGIN")
            defer { try? db.execute("COMMIT") }
            let revision = try db.rows("SELECT revision FROM hearth_state WHERE id = 1") { $0.int(0) }.first ?? 0
            let items = try db.rows(sql, bindings) { try ResourceCodec.decode($0.text(0)) }
            return (items, revision)
        }
    }

    func changes(after revision: Int64, limit: Int) async throws -> [ChangeEvent] {
        try withReader { db in
            try db.rows(
                "SELECT revision, kind, data FROM changes WHERE revision > ? ORDER BY revision LIMIT ?",
                [.int(revision), .int(Int64(limit))]
            ) { row in
                ChangeEvent(
                    revision: row.int(0), kind: ChangeEvent.Kind(rawValue: row.text(1)) ?? .modified,
                    object: try ResourceCodec.decode(row.text(2)))
            }
        }
    }

    func revisions() async throws -> (current: Int64, compacted: Int64) {
        try withReader { db in
            try db.rows("SELECT revision, compacted_revision FROM hearth_state WHERE id = 1") { ($0.int(0), $0.int(1)) }.first ?? (0, 0)
        }
    }

    func ping() async throws {
        _ = try await revisions()
    }

    /// Checks out a read connection for the duration of `body`; reads run on the calling thread
    /// (they are served from SQLite's page cache and take microseconds).
    func withReader<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        let connection = try readers.withLock { $0.popLast() } ?? SQLiteConnection(path: path, readOnly: true)
        defer {
            readers.withLock { idle in
                if idle.count < maxIdleReaders { idle.append(connection) }
            }
        }
        return try body(connection)
    }
}

/// The write transaction of ``SQLiteBackend``; runs only inside the writer loop.
final class SQLiteTransaction: StoreTransaction {
    let db: SQLiteConnection
    /// Audit entries appended, inserted together by ``finish(revision:kvRevision:)`` (rather than
    /// a statement each, on the writer's critical path), at the time of the first.
    var audits: [AuditEntry] = []
    var auditMillis: Int64 = 0
    let auditReasons: SQLiteAuditReasons

    init(connection: SQLiteConnection, auditReasons: SQLiteAuditReasons) {
        db = connection
        self.auditReasons = auditReasons
    }

    func lockRevision() async throws -> Int64 {
        try db.rows("SELECT revision FROM hearth_state WHERE id = 1") { $0.int(0) }.first ?? 0
    }

    func finish(revision: Int64?, kvRevision: Int64?) async throws {
        if !audits.isEmpty { try SQLiteAuditLog.append(audits, atMillis: auditMillis, to: db, reasons: auditReasons) }
        if let revision { try db.query("UPDATE hearth_state SET revision = ? WHERE id = 1", [.int(revision)]) }
        if let kvRevision { try db.query("UPDATE kv_state SET revision = ? WHERE id = 1", [.int(kvRevision)]) }
    }

    func fetch(_ key: ResourceKey) async throws -> Resource? {
        try db.rows(
            "SELECT data FROM resources WHERE type = ? AND namespace = ? AND name = ?",
            [.text(key.type), .text(key.namespace), .text(key.name)]
        ) { try ResourceCodec.decode($0.text(0)) }.first
    }

    func exists(_ key: ResourceKey) async throws -> Bool {
        try !db.rows(
            "SELECT 1 FROM resources WHERE type = ? AND namespace = ? AND name = ?",
            [.text(key.type), .text(key.namespace), .text(key.name)]
        ) { _ in true }.isEmpty
    }

    func referrers(of key: ResourceKey) async throws -> [ResourceKey] {
        try db.rows(
            "SELECT from_type, from_namespace, from_name FROM refs WHERE to_type = ? AND to_namespace = ? AND to_name = ?",
            [.text(key.type), .text(key.namespace), .text(key.name)]
        ) { ResourceKey(type: $0.text(0), namespace: $0.text(1), name: $0.text(2)) }
    }

    func put(_ resource: Resource, encoded: String, references: [ResourceKey], replacing: Bool, change: ChangeEvent, atMillis: Int64) async throws {
        let key = resource.key
        try db.query(
            "INSERT INTO resources (type, namespace, name, revision, version, data) VALUES (?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (type, namespace, name) DO UPDATE SET revision = excluded.revision, version = excluded.version, data = excluded.data",
            [.text(key.type), .text(key.namespace), .text(key.name), .int(resource.revision), .int(resource.version), .text(encoded)])
        try appendChange(change, encoded: encoded, atMillis: atMillis)
        if replacing {
            try db.query(
                "DELETE FROM refs WHERE from_type = ? AND from_namespace = ? AND from_name = ?",
                [.text(key.type), .text(key.namespace), .text(key.name)])
        }
        for target in Set(references) {
            try db.query(
                "INSERT INTO refs (to_type, to_namespace, to_name, from_type, from_namespace, from_name) VALUES (?, ?, ?, ?, ?, ?)",
                [.text(target.type), .text(target.namespace), .text(target.name), .text(key.type), .text(key.namespace), .text(key.name)])
        }
    }

    func remove(_ key: ResourceKey, change: ChangeEvent, encoded: String, atMillis: Int64) async throws {
        try db.query(
            "DELETE FROM resources WHERE type = ? AND namespace = ? AND name = ?",
            [.text(key.type), .text(key.namespace), .text(key.name)])
        try db.query(
            "DELETE FROM refs WHERE from_type = ? AND from_namespace = ? AND from_name = ?",
            [.text(key.type), .text(key.namespace), .text(key.name)])
        try appendChange(change, encoded: encoded, atMillis: atMillis)
    }

    private func appendChange(_ event: ChangeEvent, encoded: String, atMillis: Int64) throws {
        try db.query(
            "INSERT INTO changes (revision, kind, data, created_ms) VALUES (?, ?, ?, ?)",
            [.int(event.revision), .text(event.kind.rawValue), .text(encoded), .int(atMillis)])
    }

    func tryAcquireLease(name: String, holder: String, ttlMillis: Int64) async throws -> Bool {
        let now = MutationEngine.nowMillis()
        try db.query(
            "INSERT INTO leases (name, holder, expires_ms) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE "
                + "SET holder = excluded.holder, expires_ms = excluded.expires_ms WHERE leases.holder = excluded.holder OR leases.expires_ms < ?",
            [.text(name), .text(holder), .int(now + ttlMillis), .int(now)])
        return db.changes > 0
    }

    func releaseLease(name: String, holder: String) async throws {
        try db.query("DELETE FROM leases WHERE name = ? AND holder = ?", [.text(name), .text(holder)])
    }

    func compactChanges(olderThanMillis cutoff: Int64) async throws -> Int64 {
        let newest = try db.rows("SELECT COALESCE(MAX(revision), 0) FROM changes WHERE created_ms < ?", [.int(cutoff)]) { $0.int(0) }.first ?? 0
        if newest > 0 {
            try db.query("DELETE FROM changes WHERE revision <= ?", [.int(newest)])
            try db.query("UPDATE hearth_state SET compacted_revision = MAX(compacted_revision, ?) WHERE id = 1", [.int(newest)])
        }
        return try db.rows("SELECT compacted_revision FROM hearth_state WHERE id = 1") { $0.int(0) }.first ?? 0
    }
}
