import HearthCore
import PostgresNIO

extension PostgresBackend {
    func record(kind: String, key: String) async throws -> StoredRecord? {
        try await reading {
            let rows = try await client.query(
                "SELECT kind, key, subject, value, expires_ms FROM records WHERE kind = \(kind) AND key = \(key)", logger: logger)
            for try await row in rows.decode((String, String, String, String, Int64?).self) { return PostgresRecords.record(row) }
            return nil
        }
    }

    func records(kind: String, subject: String?) async throws -> [StoredRecord] {
        let query: PostgresQuery =
            if let subject {
                "SELECT kind, key, subject, value, expires_ms FROM records WHERE kind = \(kind) AND subject = \(subject) ORDER BY key"
            } else {
                "SELECT kind, key, subject, value, expires_ms FROM records WHERE kind = \(kind) ORDER BY key"
            }
        return try await reading {
            var records: [StoredRecord] = []
            for try await row in try await client.query(query, logger: logger).decode((String, String, String, String, Int64?).self) {
                records.append(PostgresRecords.record(row))
            }
            return records
        }
    }

    func audit(_ query: AuditQuery) async throws -> [AuditEntry] {
        var conditions: [String] = []
        var binds = PostgresBindings()
        for (column, value) in [
            ("principal", query.principal), ("verb", query.verb), ("resource", query.resource), ("namespace", query.namespace),
            ("decision", query.decision),
        ] {
            if let value {
                binds.append(value)
                conditions.append("\(column) = $\(binds.count)")
            }
        }
        for (condition, value) in [("at_ms >=", query.sinceMillis), ("at_ms <", query.untilMillis), ("id <", query.beforeID)] {
            if let value {
                binds.append(value)
                conditions.append("\(condition) $\(binds.count)")
            }
        }
        binds.append(Int64(query.limit))
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let sql =
            "SELECT id, time, principal, source, request_id, verb, resource, namespace, name, decision, reason, status FROM audit_log\(filter) ORDER BY id DESC LIMIT $\(binds.count)"
        return try await reading {
            var entries: [AuditEntry] = []
            let rows = try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
            for try await (id, time, principal, source, requestID, verb, resource, namespace, name, decision, reason, status) in rows.decode(
                (Int64, String, String, String?, String, String, String, String, String?, String, String, Int32?).self)
            {
                entries.append(
                    AuditEntry(
                        id: id, time: time, principal: principal, source: source, requestID: requestID, verb: verb, resource: resource,
                        namespace: namespace.isEmpty ? nil : namespace, name: name, decision: decision, reason: reason,
                        status: status.map(Int.init)))
            }
            return entries
        }
    }
}

extension PostgresTransaction {
    func record(kind: String, key: String) async throws -> StoredRecord? {
        let rows = try await connection.query(
            "SELECT kind, key, subject, value, expires_ms FROM records WHERE kind = \(kind) AND key = \(key) FOR UPDATE", logger: logger)
        for try await row in rows.decode((String, String, String, String, Int64?).self) { return PostgresRecords.record(row) }
        return nil
    }

    func putRecord(_ record: StoredRecord) async throws {
        try await run(
            """
            INSERT INTO records (kind, key, subject, value, expires_ms)
            VALUES (\(record.kind), \(record.key), \(record.subject), \(record.value), \(record.expiresAtMillis))
            ON CONFLICT (kind, key) DO UPDATE SET subject = EXCLUDED.subject, value = EXCLUDED.value, expires_ms = EXCLUDED.expires_ms
            """)
    }

    func deleteRecord(kind: String, key: String) async throws {
        try await run("DELETE FROM records WHERE kind = \(kind) AND key = \(key)")
    }

    func deleteRecords(kind: String, subject: String) async throws -> Int {
        try await count("DELETE FROM records WHERE kind = \(kind) AND subject = \(subject) RETURNING 1")
    }

    func pruneRecords(expiredBefore cutoff: Int64) async throws -> Int {
        try await count("DELETE FROM records WHERE expires_ms IS NOT NULL AND expires_ms < \(cutoff) RETURNING 1")
    }

    func appendAudit(_ entry: AuditEntry, atMillis: Int64) async throws {
        bufferAudit(entry, atMillis: atMillis)
    }

    func pruneAudit(olderThanMillis cutoff: Int64) async throws -> Int {
        try await count("DELETE FROM audit_log WHERE at_ms < \(cutoff) RETURNING 1")
    }

    private func count(_ query: PostgresQuery) async throws -> Int {
        var count = 0
        for try await _ in try await connection.query(query, logger: logger) { count += 1 }
        return count
    }
}

enum PostgresRecords {
    static func record(_ row: (String, String, String, String, Int64?)) -> StoredRecord {
        StoredRecord(kind: row.0, key: row.1, subject: row.2, value: row.3, expiresAtMillis: row.4)
    }
}
