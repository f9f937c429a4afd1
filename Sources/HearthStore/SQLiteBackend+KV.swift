import HearthCore

extension SQLiteBackend {
    func kvGet(namespace: String, key: String) async throws -> KVEntry? {
        try withReader { db in try SQLiteKV.fetch(db, namespace: namespace, key: key) }
    }

    func kvScan(namespace: String, prefix: String, after: String?, limit: Int, values: Bool) async throws -> [KVEntry] {
        try withReader { db in try SQLiteKV.scan(db, namespace: namespace, prefix: prefix, after: after, limit: limit, values: values) }
    }

    func kvChanges(after revision: Int64, limit: Int) async throws -> [KVEvent] {
        try withReader { db in
            try db.rows(
                "SELECT revision, op, namespace, key, version, value, expires_ms FROM kv_log WHERE revision > ? ORDER BY revision LIMIT ?",
                [.int(revision), .int(Int64(limit))], SQLiteKV.event)
        }
    }

    func kvRevisions() async throws -> (current: Int64, compacted: Int64) {
        try withReader { db in
            try db.rows("SELECT revision, compacted_revision FROM kv_state WHERE id = 1") { ($0.int(0), $0.int(1)) }.first ?? (0, 0)
        }
    }

    func kvHasExpired(atMillis now: Int64) async throws -> Bool {
        try withReader { db in
            try !db.rows("SELECT 1 FROM kv WHERE expires_ms IS NOT NULL AND expires_ms <= ? LIMIT 1", [.int(now)]) { _ in true }.isEmpty
        }
    }

    func kvLastChange(namespace: String, key: String, prefix: Bool) async throws -> Int64 {
        try withReader { db in
            if prefix {
                return try db.rows(
                    "SELECT COALESCE(MAX(revision), 0) FROM kv_log WHERE namespace = ? AND key >= ? AND key < ?",
                    [.text(namespace), .text(key), .text(KVKey.prefixEnd(key))]
                ) { $0.int(0) }.first ?? 0
            }
            return try db.rows(
                "SELECT COALESCE(MAX(revision), 0) FROM kv_log WHERE namespace = ? AND key = ?", [.text(namespace), .text(key)]
            ) { $0.int(0) }.first ?? 0
        }
    }
}

extension SQLiteTransaction {
    func lockKVRevision() async throws -> Int64 {
        try db.rows("SELECT revision FROM kv_state WHERE id = 1") { $0.int(0) }.first ?? 0
    }

    func kvFetch(namespace: String, key: String) async throws -> KVEntry? {
        try SQLiteKV.fetch(db, namespace: namespace, key: key)
    }

    func kvKeys(namespace: String, prefix: String) async throws -> [KVEntry] {
        try SQLiteKV.scan(db, namespace: namespace, prefix: prefix, after: nil, limit: Int(Int32.max), values: false)
    }

    func kvPut(_ entry: KVEntry) async throws {
        try db.query(
            "INSERT INTO kv (namespace, key, value, version, create_revision, modify_revision, expires_ms) VALUES (?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, version = excluded.version, "
                + "create_revision = excluded.create_revision, modify_revision = excluded.modify_revision, expires_ms = excluded.expires_ms",
            [
                .text(entry.namespace), .text(entry.key), .blob(entry.value), .int(entry.version), .int(entry.createRevision),
                .int(entry.modifyRevision), entry.expiresAtMillis.map { .int($0) } ?? .null,
            ])
    }

    func kvDelete(namespace: String, key: String) async throws {
        try db.query("DELETE FROM kv WHERE namespace = ? AND key = ?", [.text(namespace), .text(key)])
    }

    func kvLog(_ event: KVEvent, atMillis: Int64) async throws {
        try db.query(
            "INSERT INTO kv_log (revision, namespace, key, op, version, value, expires_ms, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                .int(event.revision), .text(event.namespace), .text(event.key), .text(event.kind.rawValue), .int(event.version),
                event.value.map { .blob($0) } ?? .null, event.expiresAtMillis.map { .int($0) } ?? .null, .int(atMillis),
            ])
    }

    func kvExpired(atMillis now: Int64, limit: Int) async throws -> [KVEntry] {
        try db.rows(
            "SELECT namespace, key, NULL, version, create_revision, modify_revision, expires_ms FROM kv "
                + "WHERE expires_ms IS NOT NULL AND expires_ms <= ? ORDER BY expires_ms LIMIT ?",
            [.int(now), .int(Int64(limit))], SQLiteKV.entry)
    }

    func kvPurge(namespace: String) async throws {
        try db.query("DELETE FROM kv WHERE namespace = ?", [.text(namespace)])
    }

    func compactKVChanges(olderThanMillis cutoff: Int64) async throws -> Int64 {
        let newest = try db.rows("SELECT COALESCE(MAX(revision), 0) FROM kv_log WHERE created_ms < ?", [.int(cutoff)]) { $0.int(0) }.first ?? 0
        if newest > 0 {
            try db.query("DELETE FROM kv_log WHERE revision <= ?", [.int(newest)])
            try db.query("UPDATE kv_state SET compacted_revision = MAX(compacted_revision, ?) WHERE id = 1", [.int(newest)])
        }
        return try db.rows("SELECT compacted_revision FROM kv_state WHERE id = 1") { $0.int(0) }.first ?? 0
    }
}

enum SQLiteKV {
    static func fetch(_ db: SQLiteConnection, namespace: String, key: String) throws -> KVEntry? {
        try db.rows(
            "SELECT namespace, key, value, version, create_revision, modify_revision, expires_ms FROM kv WHERE namespace = ? AND key = ?",
            [.text(namespace), .text(key)], entry
        ).first
    }

    static func scan(_ db: SQLiteConnection, namespace: String, prefix: String, after: String?, limit: Int, values: Bool) throws -> [KVEntry] {
        let from = after ?? prefix
        let comparison = after == nil ? ">=" : ">"
        return try db.rows(
            "SELECT namespace, key, \(values ? "value" : "NULL"), version, create_revision, modify_revision, expires_ms FROM kv "
                + "WHERE namespace = ? AND key \(comparison) ? AND key < ? ORDER BY key LIMIT ?",
            [.text(namespace), .text(from), .text(KVKey.prefixEnd(prefix)), .int(Int64(limit))], entry)
    }

    static func entry(_ row: SQLiteRow) -> KVEntry {
        KVEntry(
            namespace: row.text(0), key: row.text(1), value: row.isNull(2) ? [] : row.blob(2), version: row.int(3), createRevision: row.int(4),
            modifyRevision: row.int(5), expiresAtMillis: row.isNull(6) ? nil : row.int(6))
    }

    static func event(_ row: SQLiteRow) -> KVEvent {
        KVEvent(
            revision: row.int(0), kind: KVEvent.Kind(rawValue: row.text(1)) ?? .delete, namespace: row.text(2), key: row.text(3),
            version: row.int(4), value: row.isNull(5) ? nil : row.blob(5), expiresAtMillis: row.isNull(6) ? nil : row.int(6))
    }
}
