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
/// nothing to encode in the writer's transaction, and about half the bytes. Since version 8 the
/// row holds no time (the id has it) and an allowed entry's reason is an id in `audit_reasons`
/// (``SQLiteAuditReasons``): about 110 bytes a row instead of 280. The rows' bytes are most of the audit
/// trail's cost to a write, paid in the write-ahead log on the writer's critical path.
///
/// PostgreSQL keeps a sequence and an index: its replicas write at once, on their own clocks.
enum SQLiteAuditLog {
    /// Bits of an id below the millisecond.
    static let sequenceBits: Int64 = 10

    /// The smallest id of an entry at or after `millis`.
    static func firstID(atOrAfter millis: Int64) -> Int64 { millis << sequenceBits }

    /// The time an entry was recorded, which its id holds.
    static func time(ofID id: Int64) -> String {
        Timestamp.string(millisecondsSince1970: id >> sequenceBits)
    }

    /// The table as schema version 7 made it (the version 7 migration's; version 8 changed it).
    static let createTableV7 =
        "CREATE TABLE audit_log (id INTEGER PRIMARY KEY, time TEXT NOT NULL, principal TEXT NOT NULL, source TEXT, request_id TEXT NOT NULL, verb TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT, decision TEXT NOT NULL, reason TEXT NOT NULL, status INTEGER)"

    /// The tables as schema version 8 makes them (a later version changes them with a migration
    /// of its own, never here). `reason` is NULL where `reason_id` names it.
    static let createTables = [
        "CREATE TABLE audit_reasons (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE)",
        "CREATE TABLE audit_log (id INTEGER PRIMARY KEY, principal TEXT NOT NULL, source TEXT, request_id TEXT NOT NULL, verb TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT, decision TEXT NOT NULL, reason_id INTEGER, reason TEXT, status INTEGER)",
    ]

    /// An entry's columns after its id, in the order ``bind(_:reasonID:to:)`` binds them.
    static let columns = "principal, source, request_id, verb, resource, namespace, name, decision, reason_id, reason, status"

    /// Entries as ``entry(_:)`` reads them, from `audit_log AS a`: filters name its columns `a.…`.
    static let select =
        "SELECT a.id, a.principal, a.source, a.request_id, a.verb, a.resource, a.namespace, a.name, a.decision, COALESCE(a.reason, r.text, ''), a.status FROM audit_log AS a LEFT JOIN audit_reasons AS r ON r.id = a.reason_id"

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

    /// Binds an entry's ``columns``; `reasonID` stands for its reason.
    static func bind(_ entry: AuditEntry, reasonID: Int64?, to binder: inout SQLiteBinder) throws {
        try binder.text(entry.principal)
        try binder.text(entry.source)
        try binder.text(entry.requestID)
        try binder.text(entry.verb)
        try binder.text(entry.resource)
        try binder.text(entry.namespace ?? "")
        try binder.text(entry.name)
        try binder.text(entry.decision)
        if let reasonID {
            try binder.int(reasonID)
            try binder.null()
        } else {
            try binder.null()
            try binder.text(entry.reason)
        }
        if let status = entry.status { try binder.int(Int64(status)) } else { try binder.null() }
    }

    /// Appends `entries` at `millis`, in order, with consecutive ids from ``nextID``,
    /// ``entriesPerInsert`` to a statement. The reasons of allowed entries go to `reasons`.
    static func append(
        _ entries: some Collection<AuditEntry>, atMillis millis: Int64, to db: SQLiteConnection, reasons: SQLiteAuditReasons
    ) throws {
        guard !entries.isEmpty else { return }
        var id = try nextID(atMillis: millis, in: db)
        var rest = entries[...]
        while !rest.isEmpty {
            let chunk = rest.prefix(entriesPerInsert)
            rest = rest.dropFirst(chunk.count)
            // The reasons' ids first: finding one may run a statement of its own.
            let reasonIDs = try chunk.map { entry -> Int64? in
                SQLiteAuditReasons.stores(reasonOf: entry) ? try reasons.id(of: entry.reason, atMillis: millis, in: db) : nil
            }
            try db.query(
                inserts[chunk.count],
                binding: { binder in
                    for (entry, reasonID) in zip(chunk, reasonIDs) {
                        try binder.int(id)
                        try bind(entry, reasonID: reasonID, to: &binder)
                        id += 1
                    }
                })
        }
    }

    /// The entry of a row of ``select``.
    static func entry(_ row: SQLiteRow) -> AuditEntry {
        let id = row.int(0)
        // `namespace` is NOT NULL: '' for an entry outside any namespace.
        let namespace = row.text(6)
        return AuditEntry(
            id: id, time: time(ofID: id), principal: row.text(1), source: row.isNull(2) ? nil : row.text(2), requestID: row.text(3),
            verb: row.text(4), resource: row.text(5), namespace: namespace.isEmpty ? nil : namespace,
            name: row.isNull(7) ? nil : row.text(7), decision: row.text(8), reason: row.text(9), status: row.isNull(10) ? nil : Int(row.int(10)))
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
        createTableV7,
        """
        INSERT INTO audit_log (id, time, principal, source, request_id, verb, resource, namespace, name, decision, reason, status)
        SELECT id, COALESCE(json_extract(data, '$.time'), ''), principal, json_extract(data, '$.source'),
            COALESCE(json_extract(data, '$.requestID'), ''), verb, resource, namespace, json_extract(data, '$.name'), decision,
            COALESCE(json_extract(data, '$.reason'), ''), json_extract(data, '$.status')
        FROM audit_log_v6 ORDER BY id
        """,
        "DROP TABLE audit_log_v6",
    ]

    /// Schema version 9: when each reason was last used (`used_ms`, stamped at most
    /// ``SQLiteAuditReasons/stampInterval`` apart), so that retention can drop the reasons no
    /// remaining entry names without scanning the trail. The reasons there are now count as used
    /// now: the rows that name them are pruned first.
    static let migrationToReasonUse = [
        "ALTER TABLE audit_reasons ADD COLUMN used_ms INTEGER NOT NULL DEFAULT 0",
        "UPDATE audit_reasons SET used_ms = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)",
    ]

    /// Drops the reasons no entry at or after `cutoff` (milliseconds) can name: those last used
    /// before it by more than the stamps' interval (and a minute for ids that run ahead of their
    /// time). Runs after the entries before `cutoff` are pruned.
    static func pruneReasons(olderThanMillis cutoff: Int64, in db: SQLiteConnection) throws -> Int {
        let margin = SQLiteAuditReasons.stampInterval + 60_000
        try db.query("DELETE FROM audit_reasons WHERE used_ms < ?", [.int(cutoff - margin)])
        return db.changes
    }

    /// Schema version 8: no `time` column (the id holds the time to the millisecond; version 7
    /// rows' ids were made from their commit time, within milliseconds of it), and the reasons
    /// table. Entries are copied with their ids and their reasons in the row.
    static let migrationToReasonIDs =
        ["ALTER TABLE audit_log RENAME TO audit_log_v7"] + createTables + [
            """
            INSERT INTO audit_log (id, principal, source, request_id, verb, resource, namespace, name, decision, reason_id, reason, status)
            SELECT id, principal, source, request_id, verb, resource, namespace, name, decision, NULL, reason, status FROM audit_log_v7 ORDER BY id
            """,
            "DROP TABLE audit_log_v7",
        ]
}
