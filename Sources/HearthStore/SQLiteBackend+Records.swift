import HearthCore

extension SQLiteBackend {
    func record(kind: String, key: String) async throws -> StoredRecord? {
        try withReader { db in try SQLiteRecords.fetch(db, kind: kind, key: key) }
    }

    func records(kind: String, subject: String?) async throws -> [StoredRecord] {
        try withReader { db in
            var sql = "SELECT kind, key, subject, value, expires_ms FROM records WHERE kind = ?"
            var bindings: [SQLiteValue] = [.text(kind)]
            if let subject {
                sql += " AND subject = ?"
                bindings.append(.text(subject))
            }
            return try db.rows(sql + " ORDER BY key", bindings, SQLiteRecords.row)
        }
    }

    func audit(_ query: AuditQuery) async throws -> [AuditEntry] {
        var conditions: [String] = []
        var bindings: [SQLiteValue] = []
        for (column, value) in [
            ("principal", query.principal), ("verb", query.verb), ("resource", query.resource), ("namespace", query.namespace),
            ("decision", query.decision),
        ] {
            if let value {
                conditions.append("a.\(column) = ?")
                bindings.append(.text(value))
            }
        }
        // Time ranges are id ranges (see SQLiteAuditLog).
        if let since = query.sinceMillis {
            conditions.append("a.id >= ?")
            bindings.append(.int(SQLiteAuditLog.firstID(atOrAfter: since)))
        }
        if let until = query.untilMillis {
            conditions.append("a.id < ?")
            bindings.append(.int(SQLiteAuditLog.firstID(atOrAfter: until)))
        }
        if let before = query.beforeID {
            conditions.append("a.id < ?")
            bindings.append(.int(before))
        }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        bindings.append(.int(Int64(query.limit)))
        return try withReader { db in
            try db.rows("\(SQLiteAuditLog.select)\(filter) ORDER BY a.id DESC LIMIT ?", bindings, SQLiteAuditLog.entry)
        }
    }
}

extension SQLiteTransaction {
    func record(kind: String, key: String) async throws -> StoredRecord? {
        try SQLiteRecords.fetch(db, kind: kind, key: key)
    }

    func putRecord(_ record: StoredRecord) async throws {
        try db.query(
            "INSERT OR REPLACE INTO records (kind, key, subject, value, expires_ms) VALUES (?, ?, ?, ?, ?)",
            [.text(record.kind), .text(record.key), .text(record.subject), .text(record.value), record.expiresAtMillis.map { .int($0) } ?? .null])
    }

    func deleteRecord(kind: String, key: String) async throws {
        try db.query("DELETE FROM records WHERE kind = ? AND key = ?", [.text(kind), .text(key)])
    }

    func deleteRecords(kind: String, subject: String) async throws -> Int {
        try db.query("DELETE FROM records WHERE kind = ? AND subject = ?", [.text(kind), .text(subject)])
        return db.changes
    }

    func pruneRecords(expiredBefore cutoff: Int64) async throws -> Int {
        try db.query("DELETE FROM records WHERE expires_ms IS NOT NULL AND expires_ms < ?", [.int(cutoff)])
        return db.changes
    }

    func appendAudit(_ entry: AuditEntry, atMillis: Int64) async throws {
        if audits.isEmpty { auditMillis = atMillis }
        audits.append(entry)
    }

    func pruneAudit(olderThanMillis cutoff: Int64) async throws -> Int {
        try db.query("DELETE FROM audit_log WHERE id < ?", [.int(SQLiteAuditLog.firstID(atOrAfter: cutoff))])
        let pruned = db.changes
        _ = try SQLiteAuditLog.pruneReasons(olderThanMillis: cutoff, in: db)
        return pruned
    }
}

enum SQLiteRecords {
    static func fetch(_ db: SQLiteConnection, kind: String, key: String) throws -> StoredRecord? {
        try db.rows("SELECT kind, key, subject, value, expires_ms FROM records WHERE kind = ? AND key = ?", [.text(kind), .text(key)], row).first
    }

    static func row(_ row: SQLiteRow) -> StoredRecord {
        StoredRecord(
            kind: row.text(0), key: row.text(1), subject: row.text(2), value: row.text(3), expiresAtMillis: row.isNull(4) ? nil : row.int(4))
    }
}
