/// How SQLite keeps the audit trail: one rowid table whose ids are the commit time.
///
/// An entry's id is `at_ms << 10` plus a sequence within the millisecond:
/// `max(nowMillis << 10, newest id + 1)`, and its `at_ms` is `id >> 10`. So ids increase with time,
/// are never reused (a pruned id is older than any new one), and a time range is an id range: no
/// index on the time, no `AUTOINCREMENT` counter to update, and an audited write adds one append
/// to one b-tree. (Until schema version 6 the table had both, which cost every audited write two
/// more b-tree updates and two more pages in the write-ahead log per commit.) Over 1,024 entries
/// in one millisecond, ids spill into the next one and `at_ms` says so: the recorded time runs at
/// most that far ahead, never backwards. The ids stay below 2^53 (exact in JSON numbers
/// everywhere) until the year 2248.
///
/// PostgreSQL keeps a sequence and an index: its replicas write at once, on their own clocks.
enum SQLiteAuditLog {
    /// Bits of an id below the millisecond.
    static let sequenceBits: Int64 = 10

    /// The smallest id of an entry at or after `millis`.
    static func firstID(atOrAfter millis: Int64) -> Int64 { millis << sequenceBits }

    /// The table as of schema version 6.
    static let createTable =
        "CREATE TABLE audit_log (id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, principal TEXT NOT NULL, verb TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL, decision TEXT NOT NULL, data TEXT NOT NULL)"

    /// Appends an entry (`?1` its time in milliseconds, `?2`... its columns), its id and `at_ms`
    /// made in the statement: the one place the rule above is written.
    static let insert = """
        INSERT INTO audit_log (id, at_ms, principal, verb, resource, namespace, decision, data)
        SELECT next.id, next.id >> \(sequenceBits), ?2, ?3, ?4, ?5, ?6, ?7
        FROM (SELECT max(?1 << \(sequenceBits), COALESCE((SELECT max(id) FROM audit_log), 0) + 1) AS id) AS next
        """

    /// Schema version 6: the table rebuilt, its entries appended again in their order, each at
    /// its recorded time.
    static func migrateToTimeOrderedIDs(_ db: SQLiteConnection) throws {
        try db.execute("ALTER TABLE audit_log RENAME TO audit_log_v5")
        try db.execute(createTable)
        var after: Int64 = .min
        // In pages, oldest first: a long audit trail is copied without holding it in memory.
        while true {
            var page: [(id: Int64, values: [SQLiteValue])] = []
            try db.query(
                "SELECT id, at_ms, principal, verb, resource, namespace, decision, data FROM audit_log_v5 WHERE id > ? ORDER BY id LIMIT 1000",
                [.int(after)]
            ) { row in
                page.append((row.int(0), [.int(row.int(1))] + (2..<8).map { .text(row.text(Int32($0))) }))
            }
            guard let last = page.last else { break }
            for entry in page { try db.query(insert, entry.values) }
            after = last.id
        }
        // With it go its time index and its AUTOINCREMENT counter.
        try db.execute("DROP TABLE audit_log_v5")
    }
}
