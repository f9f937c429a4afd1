import Foundation
import HearthCore
@testable import HearthStore
import HearthTestSupport
import Testing

/// Schema version 8 on SQLite: an allowed entry's reason is stored once and referred to by id, a
/// denial keeps its message in the row, and the time is read from the id.
@Suite("SQLite audit reasons", .timeLimit(.minutes(2)))
struct SQLiteAuditReasonsTests {
    static let grant = "role binding 'team' in namespace 'shop' grants role 'editor' (rule 0) to group 'ops'"

    static func entry(_ who: String, decision: String = AuditEntry.allowed, reason: String, status: Int = 201) -> AuditEntry {
        AuditEntry(
            principal: "user:\(who)", source: "10.0.0.1", requestID: "req-\(who)", verb: "create", resource: "widgets", namespace: "shop",
            name: who, decision: decision, reason: reason, status: status)
    }

    static func database() throws -> SQLiteConnection {
        let db = try SQLiteConnection(path: ":memory:", readOnly: false)
        for statement in SQLiteAuditLog.createTables + SQLiteAuditLog.migrationToReasonUse { try db.execute(statement) }
        return db
    }

    @Test("an allowed, successful entry's reason is stored once; a denial's or a failure's stays in its row; every entry reads back whole")
    func storedOnce() throws {
        let db = try Self.database()
        let reasons = SQLiteAuditReasons()
        let long = String(repeating: "x", count: SQLiteAuditReasons.maxInterned + 1)
        let entries = [
            Self.entry("a", reason: Self.grant), Self.entry("b", reason: Self.grant), Self.entry("c", reason: "owner of 'shop'"),
            Self.entry("d", decision: AuditEntry.denied, reason: "user 'd' may not create widgets"), Self.entry("e", reason: ""),
            Self.entry("f", reason: long), Self.entry("g", reason: Self.grant),
            // Allowed, but the write failed: the reason is its error, which names the input.
            Self.entry("i", reason: "invalid resource: name: must consist of lowercase letters (found 'B')", status: 422),
        ]
        try db.execute("BEGIN")
        try SQLiteAuditLog.append(entries, atMillis: 1_795_168_800_123, to: db, reasons: reasons)
        try db.execute("COMMIT")
        reasons.commit()

        #expect(try db.rows("SELECT text FROM audit_reasons ORDER BY id") { $0.text(0) } == [Self.grant, "owner of 'shop'"])
        #expect(try db.rows("SELECT count(*) FROM audit_log WHERE reason IS NULL") { $0.int(0) } == [4])
        let read = try db.rows("\(SQLiteAuditLog.select) ORDER BY a.id", [], SQLiteAuditLog.entry)
        #expect(read.map(\.reason) == entries.map(\.reason))
        #expect(read.map(\.principal) == entries.map(\.principal))
        #expect(read.map(\.status) == entries.map(\.status))
        #expect(read.allSatisfy { $0.source == "10.0.0.1" && $0.namespace == "shop" })
        // The time is the id's, to the millisecond.
        #expect(read.allSatisfy { $0.time == "2026-11-20T10:00:00.123Z" })
        #expect(read.first?.id == 1_795_168_800_123 << 10)

        // A later batch finds the stored reasons, in memory or in the table.
        try db.execute("BEGIN")
        try SQLiteAuditLog.append([Self.entry("h", reason: Self.grant)], atMillis: 1_795_168_800_124, to: db, reasons: SQLiteAuditReasons())
        try db.execute("COMMIT")
        #expect(try db.rows("SELECT count(*) FROM audit_reasons") { $0.int(0) } == [2])
    }

    @Test("an id added in a transaction that rolls back is not used again")
    func rollback() throws {
        let db = try Self.database()
        let reasons = SQLiteAuditReasons()
        try db.execute("BEGIN")
        try SQLiteAuditLog.append([Self.entry("a", reason: Self.grant)], atMillis: 1, to: db, reasons: reasons)
        try db.execute("ROLLBACK")
        reasons.rollback()
        #expect(try db.rows("SELECT count(*) FROM audit_reasons") { $0.int(0) } == [0])

        try db.execute("BEGIN")
        try SQLiteAuditLog.append([Self.entry("b", reason: Self.grant)], atMillis: 2, to: db, reasons: reasons)
        try db.execute("COMMIT")
        reasons.commit()
        let read = try db.rows("\(SQLiteAuditLog.select) ORDER BY a.id", [], SQLiteAuditLog.entry)
        #expect(read.map(\.reason) == [Self.grant])
        #expect(try db.rows("SELECT count(*) FROM audit_log AS a JOIN audit_reasons AS r ON r.id = a.reason_id") { $0.int(0) } == [1])
    }

    @Test("retention drops the reasons no remaining entry names, keeps those in use, and one pruned comes back when used again")
    func retention() throws {
        let db = try Self.database()
        let reasons = SQLiteAuditReasons()
        let other = "namespace 'gone' lists user 'a' as owner"
        let start: Int64 = 1_795_168_800_000
        let day: Int64 = 86_400_000
        func append(_ entries: [AuditEntry], at millis: Int64) throws {
            try db.execute("BEGIN")
            try SQLiteAuditLog.append(entries, atMillis: millis, to: db, reasons: reasons)
            try db.execute("COMMIT")
            reasons.commit()
        }
        try append([Self.entry("a", reason: other), Self.entry("b", reason: Self.grant)], at: start)
        // Used again later: its stamp moves (the last one is older than the interval).
        try append([Self.entry("c", reason: Self.grant)], at: start + 2 * day)
        #expect(try db.rows("SELECT used_ms FROM audit_reasons WHERE text = ?", [.text(Self.grant)]) { $0.int(0) } == [start + 2 * day])
        // Within the interval, no new stamp (no write).
        try append([Self.entry("d", reason: Self.grant)], at: start + 2 * day + 1000)
        #expect(try db.rows("SELECT used_ms FROM audit_reasons WHERE text = ?", [.text(Self.grant)]) { $0.int(0) } == [start + 2 * day])

        // Retention of one day, a moment after the last write: a and b go, and the reason only they named.
        let cutoff = start + day
        try db.query("DELETE FROM audit_log WHERE id < ?", [.int(SQLiteAuditLog.firstID(atOrAfter: cutoff))])
        #expect(try SQLiteAuditLog.pruneReasons(olderThanMillis: cutoff, in: db) == 1)
        #expect(try db.rows("SELECT text FROM audit_reasons") { $0.text(0) } == [Self.grant])
        var read = try db.rows("\(SQLiteAuditLog.select) ORDER BY a.id", [], SQLiteAuditLog.entry)
        #expect(read.map(\.principal) == ["user:c", "user:d"])
        #expect(read.allSatisfy { $0.reason == Self.grant })

        // The writer still remembers the pruned reason's id: its next use finds it gone and adds it again.
        try append([Self.entry("e", reason: other)], at: start + 3 * day)
        read = try db.rows("\(SQLiteAuditLog.select) ORDER BY a.id", [], SQLiteAuditLog.entry)
        #expect(read.map(\.reason) == [Self.grant, Self.grant, other])
        #expect(try db.rows("SELECT count(*) FROM audit_reasons") { $0.int(0) } == [2])
    }

    @Test("a version 7 trail keeps its entries, the time now its id's; new entries store their reasons once")
    func migratesVersion7() async throws {
        try await StoreFixture.with(.sqlite) { fixture in
            try await fixture.withStore { store in
                _ = try await store.auditLog(AuditQuery())
            }
            let first: Int64 = 1_795_168_800_000 << 10
            try await fixture.executeSQL(
                """
                DROP TABLE audit_log;
                DROP TABLE audit_reasons;
                \(SQLiteAuditLog.createTableV7);
                INSERT INTO audit_log (id, time, principal, source, request_id, verb, resource, namespace, name, decision, reason, status) VALUES
                    (\(first), '2026-11-20T10:00:00.000Z', 'user:ada', '10.0.0.7', 'req-1', 'create', 'widgets', 'shop', 'w1', 'allowed', '\(Self.grant.replacingOccurrences(of: "'", with: "''"))', 201),
                    (\(first + 1), '2026-11-20T10:00:00.000Z', 'anonymous', NULL, 'req-2', 'login', 'auth', '', NULL, 'denied', 'bad credentials', NULL);
                DELETE FROM hearth_schema WHERE version >= 8;
                """)
            try await fixture.withStore { store in
                let migrated = try await store.auditLog(AuditQuery())
                #expect(migrated.map(\.requestID) == ["req-2", "req-1"])
                #expect(migrated.map(\.reason) == ["bad credentials", Self.grant])
                #expect(migrated.allSatisfy { $0.time == "2026-11-20T10:00:00.000Z" })
                #expect(migrated[1].source == "10.0.0.7" && migrated[1].name == "w1" && migrated[1].status == 201 && migrated[0].source == nil)
                #expect(try await store.auditLog(AuditQuery(namespace: "shop", decision: AuditEntry.allowed)).map(\.requestID) == ["req-1"])

                try await store.appendAudit([Self.entry("new", reason: Self.grant), Self.entry("two", reason: Self.grant)])
                let all = try await store.auditLog(AuditQuery())
                #expect(all.map(\.requestID) == ["req-two", "req-new", "req-2", "req-1"])
                #expect(all.prefix(2).allSatisfy { $0.reason == Self.grant })
                #expect(try await store.auditLog(AuditQuery(principal: "user:new")).map(\.requestID) == ["req-new"])
            }
            let db = try SQLiteConnection(path: try #require(fixture.sqlitePath), readOnly: true)
            #expect(try db.rows("SELECT count(*) FROM audit_reasons") { $0.int(0) } == [1])
            #expect(try db.rows("SELECT count(*) FROM audit_log WHERE reason_id IS NOT NULL") { $0.int(0) } == [2])
        }
    }
}
