import Foundation
import HearthCore
@testable import HearthStore
import HearthTestSupport
import Testing

/// Schema version 7: audit entries stored as JSON documents (versions 2 to 6) come out of their
/// columns field for field, with their ids, and the trail goes on after them.
@Suite("Audit trail migration to columns", .timeLimit(.minutes(2)))
struct AuditColumnsMigrationTests {
    /// Entries as versions 2 to 6 wrote them: every field, and the optional ones left out. (Their
    /// ids hold their times, as the store makes them: SQLite reads the time from the id since
    /// version 8.)
    static let entries = [
        AuditEntry(
            id: 1_795_168_800_000 << 10, time: "2026-11-20T10:00:00.000Z", principal: "user:ada", source: "10.0.0.7", requestID: "req-1", verb: "create",
            resource: "widgets", namespace: "team-a", name: "w1", decision: AuditEntry.allowed, reason: "role editor (binding b1)", status: 201),
        AuditEntry(
            id: 1_795_168_800_001 << 10, time: "2026-11-20T10:00:00.001Z", principal: "anonymous", source: nil, requestID: "req-2", verb: "login",
            resource: "auth", decision: AuditEntry.denied, reason: "bad credentials \"quoted\" \\ and ü", status: nil),
    ]

    @Test("entries keep every field and their ids", arguments: Backend.enabled)
    func migrates(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            try await fixture.withStore { store in
                _ = try await store.auditLog(AuditQuery())
            }
            let values = try Self.entries.map { entry in
                let json = try APIJSON.encodeString(entry).replacingOccurrences(of: "'", with: "''")
                let id = try #require(entry.id)
                return "(\(id), \(id >> 10), '\(entry.principal)', '\(entry.verb)', '\(entry.resource)', '\(entry.namespace ?? "")', '\(entry.decision)', '\(json)')"
            }
            let table =
                switch backend {
                case .sqlite:
                    // (Version 8's table goes too: the migrations from version 7 on run again.)
                    "DROP TABLE audit_reasons; CREATE TABLE audit_log (id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, principal TEXT NOT NULL, verb TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL, decision TEXT NOT NULL, data TEXT NOT NULL)"
                case .postgres:
                    "CREATE TABLE audit_log (id BIGSERIAL PRIMARY KEY, at_ms BIGINT NOT NULL, principal TEXT NOT NULL, verb TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL, decision TEXT NOT NULL, data TEXT NOT NULL); CREATE INDEX audit_at ON audit_log (at_ms)"
                }
            let sequence = backend == .postgres ? "SELECT setval('audit_log_id_seq', \(Self.entries[1].id!));" : ""
            try await fixture.executeSQL(
                """
                DROP TABLE audit_log;
                \(table);
                INSERT INTO audit_log (id, at_ms, principal, verb, resource, namespace, decision, data) VALUES \(values.joined(separator: ", "));
                \(sequence)
                DELETE FROM hearth_schema WHERE version >= 7;
                """)

            try await fixture.withStore { store in
                #expect(try await store.auditLog(AuditQuery()) == Self.entries.reversed())
                #expect(try await store.auditLog(AuditQuery(namespace: "team-a")).map(\.requestID) == ["req-1"])
                #expect(try await store.auditLog(AuditQuery(decision: AuditEntry.denied)).map(\.requestID) == ["req-2"])
                try await store.appendAudit([
                    AuditEntry(
                        principal: "user:new", source: "::1", requestID: "req-3", verb: "delete", resource: "namespaces", name: "team-a",
                        decision: AuditEntry.allowed, reason: "owner", status: 200)
                ])
                let all = try await store.auditLog(AuditQuery())
                #expect(all.map(\.requestID) == ["req-3", "req-2", "req-1"])
                let newest = try #require(all.first)
                #expect(newest.id! > Self.entries[1].id!)
                #expect(newest.source == "::1" && newest.name == "team-a" && newest.namespace == nil && newest.status == 200)
            }
        }
    }
}
