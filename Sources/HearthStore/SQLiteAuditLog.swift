import HearthCore

/// How SQLite keeps the audit trail: one rowid table whose ids are the commit time, an entry's
/// fields in columns of their own.
///
/// An entry's id is `at_ms << 10` plus a sequence within the millisecond:
/// `max(nowMillis << 10, newest id + 1)`. So ids increase with time, are never reused (a pruned id
/// is older than any new one), and a time range is an id range: no index on the time, no
/// `AUTOINCREMENT` counter to update, and an audited write adds one append to one b-tree. (Until
/// schema version 6 the table had both, which cost every audited write two more b-tree updates
/// and two more pages in the write-ahead log per commit.) Over 1,024 entries in one millisecond,
/// ids spill into the next one: the time the id says runs at most that far ahead, never
/// backwards. The ids stay below 2^53 (exact in JSON numbers everywhere) until the year 2248.
///
/// Since schema version 7 an entry is its columns, not a JSON document beside the filtered ones:
/// nothing to encode in the writer's transaction, and about half the bytes.
///
/// PostgreSQL keeps a sequence and an index: its replicas write at once, on their own clocks.
enum SQLiteAuditLog {
    /// Bits of an id below the millisecond.
    static let sequenceBits: Int64 = 10

    /// The smallest id of an entry at or after `millis`.
    static func firstID(atOrAfter millis: Int64) -> Int64 { millis << sequenceBits }

    /// The table as schema version 7 makes it (a later version changes it with a migration of its
    /// own, never here).
    static let createTable =
        "CREATE TABLE audit_log (id INTEGER PRIMARY KEY, time TEXT NOT NULL, principal TEXT NOT NULL, source TEXT, request_id TEXT NOT NULL, verb TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT, decision TEXT NOT NULL, reason TEXT NOT NULL, status INTEGER)"

    /// An entry's columns after its id, in the order ``bind(_:into:)`` binds them and reads return them.
    static let columns = "time, principal, source, request_id, verb, resource, namespace, name, decision, reason, status"

    /// The most entries one ``insert(count:)`` statement appends (a longer run takes several).
    static let entriesPerInsert = 64

    /// ``insert(count:)`` for each count up to ``entriesPerInsert``, made once.
    private static let inserts = (0...entriesPerInsert).map { $0 == 0 ? "" : insert(count: $0) }

    /// The id of the next entry appended at `?1` (the time in milliseconds): the one place the
    /// rule above is written.
    static let nextID = "SELECT max(?1 << \(sequenceBits), COALESCE((SELECT max(id) FROM audit_log), 0) + 1)"

    /// The next id for an entry appended at `millis`.
    static func nextID(atMillis millis: Int64, in db: SQLiteConnection) throws -> Int64 {
        try db.rows(nextID, [.int(millis)]) { $0.int(0) }.first ?? firstID(atOrAfter: millis)
    }

    /// Inserts `count` entries, each bound as its id and then its columns (``bind(_:into:)``): a plain
    /// multi-row insert, SQLite's cheapest.
    static func insert(count: Int) -> String {
        let width = 12
        let rows = (0..<count).map { n in "(" + (1...width).map { "?\(n * width + $0)" }.joined(separator: ", ") + ")" }
        return "INSERT INTO audit_log (id, \(columns)) VALUES " + rows.joined(separator: ", ")
    }

    /// Appends an entry's ``columns`` to `values`, bound.
    static func bind(_ entry: AuditEntry, into values: inout [SQLiteValue]) {
        values.append(.text(entry.time))
        values.append(.text(entry.principal))
        values.append(entry.source.map(SQLiteValue.text) ?? .null)
        values.append(.text(entry.requestID))
        values.append(.text(entry.verb))
        values.append(.text(entry.resource))
        values.append(.text(entry.namespace ?? ""))
        values.append(entry.name.map(SQLiteValue.text) ?? .null)
        values.append(.text(entry.decision))
        values.append(.text(entry.reason))
        values.append(entry.status.map { .int(Int64($0)) } ?? .null)
    }

    /// Appends `entries` at `millis`, in order, with consecutive ids from ``nextID``,
    /// ``entriesPerInsert`` to a statement.
    static func append(_ entries: some Collection<AuditEntry>, atMillis millis: Int64, to db: SQLiteConnection) throws {
        guard !entries.isEmpty else { return }
        var id = try nextID(atMillis: millis, in: db)
        var rest = entries[...]
        while !rest.isEmpty {
            let chunk = rest.prefix(entriesPerInsert)
            rest = rest.dropFirst(chunk.count)
            var values: [SQLiteValue] = []
            values.reserveCapacity(chunk.count * 12)
            for entry in chunk {
                values.append(.int(id))
                bind(entry, into: &values)
                id += 1
            }
            try db.query(inserts[chunk.count], values)
        }
    }

    /// The entry of a row selected as `id, ` + ``columns``.
    static func entry(_ row: SQLiteRow) -> AuditEntry {
        // `namespace` is NOT NULL: '' for an entry outside any namespace.
        let namespace = row.text(7)
        return AuditEntry(
            id: row.int(0), time: row.text(1), principal: row.text(2), source: row.isNull(3) ? nil : row.text(3), requestID: row.text(4),
            verb: row.text(5), resource: row.text(6), namespace: namespace.isEmpty ? nil : namespace,
            name: row.isNull(8) ? nil : row.text(8), decision: row.text(9), reason: row.text(10), status: row.isNull(11) ? nil : Int(row.int(11)))
    }

    // MARK: Migrations

    /// Schema version 6: the table rebuilt, its entries appended again in their order, each at
    /// its recorded time (the entry still a JSON document, as version 2 stored it).
    static func migrateToTimeOrderedIDs(_ db: SQLiteConnection) throws {
        try db.execute("ALTER TABLE audit_log RENAME TO audit_log_v5")
        try db.execute(
            "CREATE TABLE audit_log (id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, principal TEXT NOT NULL, verb TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL, decision TEXT NOT NULL, data TEXT NOT NULL)"
        )
        let append =
            "INSERT INTO audit_log (id, at_ms, principal, verb, resource, namespace, decision, data) VALUES (?1, ?1 >> \(sequenceBits), ?2, ?3, ?4, ?5, ?6, ?7)"
        var after: Int64 = .min
        // In pages, oldest first: a long audit trail is copied without holding it in memory.
        while true {
            var page: [(id: Int64, millis: Int64, fields: [SQLiteValue])] = []
            try db.query(
                "SELECT id, at_ms, principal, verb, resource, namespace, decision, data FROM audit_log_v5 WHERE id > ? ORDER BY id LIMIT 1000",
                [.int(after)]
            ) { row in
                page.append((row.int(0), row.int(1), (2..<8).map { .text(row.text(Int32($0))) }))
            }
            guard let last = page.last else { break }
            for entry in page {
                try db.query(append, [.int(try nextID(atMillis: entry.millis, in: db))] + entry.fields)
            }
            after = last.id
        }
        // With it go its time index and its AUTOINCREMENT counter.
        try db.execute("DROP TABLE audit_log_v5")
    }

    /// Schema version 7: each field of an entry in a column of its own, taken out of the JSON
    /// document (`data`); `at_ms`, always `id >> 10`, is dropped. Ids are kept.
    static let migrationToColumns = [
        "ALTER TABLE audit_log RENAME TO audit_log_v6",
        createTable,
        """
        INSERT INTO audit_log (id, time, principal, source, request_id, verb, resource, namespace, name, decision, reason, status)
        SELECT id, COALESCE(json_extract(data, '$.time'), ''), principal, json_extract(data, '$.source'),
            COALESCE(json_extract(data, '$.requestID'), ''), verb, resource, namespace, json_extract(data, '$.name'), decision,
            COALESCE(json_extract(data, '$.reason'), ''), json_extract(data, '$.status')
        FROM audit_log_v6 ORDER BY id
        """,
        "DROP TABLE audit_log_v6",
    ]
}
