import Foundation
import HearthCore
@testable import HearthStore
import HearthTestSupport
import Testing

/// Schema version 6 on SQLite: the audit trail of an older database, keyed by a counter, comes
/// out keyed by its time, in the same order, with nothing lost, and time ranges still select the
/// same entries.
@Suite("SQLite audit trail migration", .timeLimit(.minutes(2)))
struct SQLiteAuditMigrationTests {
    @Test("entries of a version 5 audit trail keep their order, their data and their times")
    func migratesVersion5() async throws {
        try await StoreFixture.with(.sqlite) { fixture in
            try await fixture.withStore { store in
                _ = try await store.auditLog(AuditQuery())
            }
            // The table as versions 2 to 5 made it, with entries: three in one millisecond, one
            // written after the clock stepped back, and 2,000 in a later millisecond (more than
            // one millisecond's ids hold).
            var rows: [(Int64, String)] = [(1_700_000_000_000, "a"), (1_700_000_000_000, "b"), (1_700_000_000_000, "c"), (1_699_999_999_000, "d")]
            rows += (0..<2000).map { (1_700_000_001_000, "bulk-\($0)") }
            rows.append((1_700_000_002_000, "z"))
            func row(_ millis: String, _ who: String, _ index: String) -> String {
                #"\#(millis), 'user:' || \#(who), 'create', 'namespaces', '', 'allowed', '{"decision":"allowed","principal":"user:' || \#(who) || '","reason":"r","requestID":"' || \#(index) || '","resource":"namespaces","time":"t","verb":"create"}'"#
            }
            let columns = "INSERT INTO audit_log (at_ms, principal, verb, resource, namespace, decision, data)"
            try await fixture.executeSQL(
                """
                DROP TABLE audit_log;
                DROP TABLE audit_reasons;
                CREATE TABLE audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL, principal TEXT NOT NULL, verb TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL, decision TEXT NOT NULL, data TEXT NOT NULL);
                CREATE INDEX audit_at ON audit_log (at_ms);
                \(columns) VALUES (\(row("1700000000000", "'a'", "0"))), (\(row("1700000000000", "'b'", "1"))), (\(row("1700000000000", "'c'", "2"))), (\(row("1699999999000", "'d'", "3")));
                \(columns) WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 1999) SELECT \(row("1700000001000", "'bulk-' || i", "(4 + i)")) FROM n;
                \(columns) VALUES (\(row("1700000002000", "'z'", "2004")));
                DELETE FROM hearth_schema WHERE version >= 6;
                """)

            try await fixture.withStore { store in
                var all: [AuditEntry] = []
                var query = AuditQuery(limit: AuditQuery.maxLimit)
                while true {
                    let page = try await store.auditLog(query)
                    all += page
                    guard let last = page.last, page.count == query.limit else { break }
                    query.beforeID = last.id
                }
                // Newest first, as before; every entry and its data kept.
                #expect(all.map(\.principal) == rows.reversed().map { "user:\($0.1)" })
                #expect(all.map(\.requestID) == rows.indices.reversed().map(String.init))
                let ids = all.compactMap(\.id)
                #expect(ids.count == rows.count && ids == ids.sorted(by: >) && Set(ids).count == ids.count)
                // Time ranges: by the entries' times, the stepped-back one counted with the
                // millisecond it was written after.
                #expect(try await store.auditLog(AuditQuery(untilMillis: 1_700_000_000_001)).map(\.principal) == ["user:d", "user:c", "user:b", "user:a"])
                #expect(try await store.auditLog(AuditQuery(sinceMillis: 1_700_000_002_000)).map(\.principal) == ["user:z"])
                #expect(try await store.auditLog(AuditQuery(sinceMillis: 1_700_000_001_000, untilMillis: 1_700_000_002_000, limit: 1000)).count == 1000)

                // New entries come after the migrated ones, and retention removes by time.
                try await store.appendAudit([
                    AuditEntry(
                        principal: "user:new", source: nil, requestID: "new", verb: "create", resource: "namespaces", decision: AuditEntry.allowed,
                        reason: "r")
                ])
                let newest = try await store.auditLog(AuditQuery(limit: 2))
                #expect(newest.map(\.principal) == ["user:new", "user:z"])
                try await store.pruneRecords(auditRetention: .seconds(3600))
                #expect(try await store.auditLog(AuditQuery()).map(\.principal) == ["user:new"])
            }
        }
    }

    @Test("ids: at or after the millisecond, after the newest, and spilling into the next millisecond")
    func ids() throws {
        let db = try SQLiteConnection(path: ":memory:", readOnly: false)
        for statement in SQLiteAuditLog.createTables + SQLiteAuditLog.migrationToReasonUse { try db.execute(statement) }
        let reasons = SQLiteAuditReasons()
        /// Appends an entry at `millis` with the store's statement; its id, checked against its time.
        func append(at millis: Int64) throws -> Int64 {
            let entry = AuditEntry(
                time: "t", principal: "user:a", source: nil, requestID: "r", verb: "create", resource: "namespaces", decision: AuditEntry.allowed,
                reason: "r")
            try SQLiteAuditLog.append([entry], atMillis: millis, to: db, reasons: reasons)
            return try #require(try db.rows("SELECT max(id) FROM audit_log") { $0.int(0) }.first)
        }
        #expect(try append(at: 5) == 5 << 10)
        #expect(try append(at: 5) == (5 << 10) + 1)
        // The clock stepped back: after the newest, not before it.
        #expect(try append(at: 4) == (5 << 10) + 2)
        // A millisecond full: the next one.
        try db.execute(
            "INSERT INTO audit_log (id, principal, request_id, verb, resource, namespace, decision, reason) VALUES ((6 << 10) - 1, 'user:a', 'r', 'create', 'namespaces', '', 'allowed', 'r')"
        )
        #expect(try append(at: 5) == 6 << 10)
        #expect(try append(at: 9) == 9 << 10)
        // Several in one go, more than one statement takes: consecutive ids, in order.
        let many = (0..<150).map {
            AuditEntry(
                time: "t", principal: "user:\($0)", source: nil, requestID: "r", verb: "create", resource: "namespaces", decision: AuditEntry.allowed,
                reason: "r")
        }
        try SQLiteAuditLog.append(many, atMillis: 9, to: db, reasons: reasons)
        let appended = try db.rows("SELECT id, principal FROM audit_log WHERE id > ? ORDER BY id", [.int(9 << 10)]) { ($0.int(0), $0.text(1)) }
        let first: Int64 = (9 << 10) + 1
        #expect(appended.map(\.0) == Array(first..<first + 150))
        #expect(appended.map(\.1) == many.map(\.principal))
        // Below 2^53 until 2248-01-01.
        #expect(SQLiteAuditLog.firstID(atOrAfter: 8_772_796_800_000) < 1 << 53)
    }
}
