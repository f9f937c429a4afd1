import HearthCore
import NIOCore
import PostgresNIO

extension PostgresBackend {
    func kvGet(namespace: String, key: String) async throws -> KVEntry? {
        try await reading {
            let rows = try await client.query(
                "SELECT namespace, key, value, version, create_revision, modify_revision, expires_ms FROM kv WHERE namespace = \(namespace) AND key = \(key)",
                logger: logger)
            for try await row in rows.decode(PostgresKV.Row.self) { return PostgresKV.entry(row) }
            return nil
        }
    }

    func kvScan(namespace: String, prefix: String, after: String?, limit: Int, values: Bool) async throws -> [KVEntry] {
        try await reading {
            try await PostgresKV.scan(namespace: namespace, prefix: prefix, after: after, limit: limit, values: values, suffix: "") {
                try await client.query($0, logger: logger)
            }
        }
    }

    func kvChanges(after revision: Int64, limit: Int) async throws -> [KVEvent] {
        try await reading {
            var events: [KVEvent] = []
            let rows = try await client.query(
                "SELECT revision, op, namespace, key, version, value, expires_ms FROM kv_log WHERE revision > \(revision) ORDER BY revision LIMIT \(limit)",
                logger: logger)
            for try await (rev, op, namespace, key, version, value, expires) in rows.decode(
                (Int64, String, String, String, Int64, ByteBuffer?, Int64?).self)
            {
                events.append(
                    KVEvent(
                        revision: rev, kind: KVEvent.Kind(rawValue: op) ?? .delete, namespace: namespace, key: key, version: version,
                        value: value.map { Array($0.readableBytesView) }, expiresAtMillis: expires))
            }
            return events
        }
    }

    func kvRevisions() async throws -> (current: Int64, compacted: Int64) {
        try await reading {
            for try await (current, compacted) in try await client.query(
                "SELECT revision, compacted_revision FROM kv_state WHERE id = 1", logger: logger
            ).decode((Int64, Int64).self) {
                return (current, compacted)
            }
            return (0, 0)
        }
    }

    func kvHasExpired(atMillis now: Int64) async throws -> Bool {
        try await reading {
            for try await _ in try await client.query(
                "SELECT 1 FROM kv WHERE expires_ms IS NOT NULL AND expires_ms <= \(now) LIMIT 1", logger: logger
            ) {
                return true
            }
            return false
        }
    }

    func kvLastChange(namespace: String, key: String, prefix: Bool) async throws -> Int64 {
        let query: PostgresQuery =
            prefix
            ? "SELECT COALESCE(MAX(revision), 0) FROM kv_log WHERE namespace = \(namespace) AND key >= \(key) AND key < \(KVKey.prefixEnd(key))"
            : "SELECT COALESCE(MAX(revision), 0) FROM kv_log WHERE namespace = \(namespace) AND key = \(key)"
        return try await reading {
            for try await revision in try await client.query(query, logger: logger).decode(Int64.self) { return revision }
            return 0
        }
    }
}

extension PostgresTransaction {
    func lockKVRevision() async throws -> Int64 {
        for try await revision in try await connection.query("SELECT revision FROM kv_state WHERE id = 1 FOR UPDATE", logger: logger).decode(Int64.self) {
            return revision
        }
        throw StoreError("kv_state row is missing")
    }

    func kvFetch(namespace: String, key: String) async throws -> KVEntry? {
        let rows = try await connection.query(
            "SELECT namespace, key, value, version, create_revision, modify_revision, expires_ms FROM kv WHERE namespace = \(namespace) AND key = \(key) FOR UPDATE",
            logger: logger)
        for try await row in rows.decode(PostgresKV.Row.self) { return PostgresKV.entry(row) }
        return nil
    }

    func kvKeys(namespace: String, prefix: String) async throws -> [KVEntry] {
        try await PostgresKV.scan(namespace: namespace, prefix: prefix, after: nil, limit: Int(Int32.max), values: false, suffix: " FOR UPDATE") {
            try await connection.query($0, logger: logger)
        }
    }

    func kvPut(_ entry: KVEntry) async throws {
        try await run(
            """
            INSERT INTO kv (namespace, key, value, version, create_revision, modify_revision, expires_ms)
            VALUES (\(entry.namespace), \(entry.key), \(ByteBuffer(bytes: entry.value)), \(entry.version), \(entry.createRevision), \(entry.modifyRevision), \(entry.expiresAtMillis))
            ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, version = excluded.version,
            create_revision = excluded.create_revision, modify_revision = excluded.modify_revision, expires_ms = excluded.expires_ms
            """)
    }

    func kvDelete(namespace: String, key: String) async throws {
        try await run("DELETE FROM kv WHERE namespace = \(namespace) AND key = \(key)")
    }

    func kvLog(_ event: KVEvent, atMillis: Int64) async throws {
        try await run(
            """
            INSERT INTO kv_log (revision, namespace, key, op, version, value, expires_ms, created_ms)
            VALUES (\(event.revision), \(event.namespace), \(event.key), \(event.kind.rawValue), \(event.version), \(event.value.map { ByteBuffer(bytes: $0) }), \(event.expiresAtMillis), \(atMillis))
            """)
    }

    func kvExpired(atMillis now: Int64, limit: Int) async throws -> [KVEntry] {
        var entries: [KVEntry] = []
        let rows = try await connection.query(
            """
            SELECT namespace, key, NULL::bytea, version, create_revision, modify_revision, expires_ms FROM kv
            WHERE expires_ms IS NOT NULL AND expires_ms <= \(now) ORDER BY expires_ms LIMIT \(limit) FOR UPDATE SKIP LOCKED
            """, logger: logger)
        for try await row in rows.decode(PostgresKV.Row.self) { entries.append(PostgresKV.entry(row)) }
        return entries
    }

    func kvPurge(namespace: String) async throws {
        try await run("DELETE FROM kv WHERE namespace = \(namespace)")
    }

    func compactKVChanges(olderThanMillis cutoff: Int64) async throws -> Int64 {
        var newest: Int64 = 0
        for try await value in try await connection.query(
            "SELECT COALESCE(MAX(revision), 0) FROM kv_log WHERE created_ms < \(cutoff)", logger: logger
        ).decode(Int64.self) {
            newest = value
        }
        if newest > 0 {
            try await run("DELETE FROM kv_log WHERE revision <= \(newest)")
            try await run("UPDATE kv_state SET compacted_revision = GREATEST(compacted_revision, \(newest)) WHERE id = 1")
        }
        for try await value in try await connection.query("SELECT compacted_revision FROM kv_state WHERE id = 1", logger: logger).decode(Int64.self) {
            return value
        }
        return 0
    }
}

enum PostgresKV {
    typealias Row = (String, String, ByteBuffer?, Int64, Int64, Int64, Int64?)

    static func entry(_ row: Row) -> KVEntry {
        KVEntry(
            namespace: row.0, key: row.1, value: row.2.map { Array($0.readableBytesView) } ?? [], version: row.3, createRevision: row.4,
            modifyRevision: row.5, expiresAtMillis: row.6)
    }

    static func scan(
        namespace: String, prefix: String, after: String?, limit: Int, values: Bool, suffix: String,
        run: (PostgresQuery) async throws -> PostgresRowSequence
    ) async throws -> [KVEntry] {
        var binds = PostgresBindings()
        binds.append(namespace)
        binds.append(after ?? prefix)
        binds.append(KVKey.prefixEnd(prefix))
        binds.append(Int64(limit))
        let sql =
            "SELECT namespace, key, \(values ? "value" : "NULL::bytea"), version, create_revision, modify_revision, expires_ms FROM kv "
            + "WHERE namespace = $1 AND key \(after == nil ? ">=" : ">") $2 AND key < $3 ORDER BY key LIMIT $4\(suffix)"
        var entries: [KVEntry] = []
        for try await row in try await run(PostgresQuery(unsafeSQL: sql, binds: binds)).decode(Row.self) { entries.append(entry(row)) }
        return entries
    }
}
