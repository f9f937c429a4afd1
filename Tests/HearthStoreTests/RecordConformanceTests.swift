import Foundation
import HearthCore
import HearthStore
import HearthTestSupport
import Testing

/// Private records and the audit trail behave alike on every backend.
@Suite("Records and audit conformance", .timeLimit(.minutes(3)))
struct RecordConformanceTests {
    @Test("records: put, get, list by kind and subject, replace, delete, delete by subject, expire", arguments: Backend.enabled)
    func records(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            try await fixture.withStore { store in
                let past = Int64(Date().timeIntervalSince1970 * 1000) - 1000
                try await store.updateRecords { writer in
                    try await writer.put(StoredRecord(kind: "session", key: "s1", subject: "user:a", value: "one"))
                    try await writer.put(StoredRecord(kind: "session", key: "s2", subject: "user:a", value: "two", expiresAtMillis: .max / 2))
                    try await writer.put(StoredRecord(kind: "session", key: "s3", subject: "user:b", value: "three"))
                    try await writer.put(StoredRecord(kind: "session", key: "old", subject: "user:b", value: "gone", expiresAtMillis: past))
                    try await writer.put(StoredRecord(kind: "other", key: "s1", value: "same key, other kind"))
                }
                #expect(try await store.record("session", "s1")?.value == "one")
                #expect(try await store.record("session", "s2")?.expiresAtMillis == .max / 2)
                #expect(try await store.record("other", "s1")?.value == "same key, other kind")
                #expect(try await store.record("session", "nope") == nil)
                #expect(try await store.records("session").map(\.key) == ["old", "s1", "s2", "s3"])
                #expect(try await store.records("session", subject: "user:a").map(\.key) == ["s1", "s2"])

                // Replace, read-modify-write in one transaction, delete, delete by subject.
                let previous = try await store.updateRecords { writer -> String? in
                    let current = try await writer.record("session", "s1")
                    try await writer.put(StoredRecord(kind: "session", key: "s1", subject: "user:a", value: "uno"))
                    return current?.value
                }
                #expect(previous == "one")
                #expect(try await store.record("session", "s1")?.value == "uno")
                let removed = try await store.updateRecords { writer in
                    try await writer.delete("session", "s3")
                    return try await writer.deleteAll("session", subject: "user:a")
                }
                #expect(removed == 2)
                #expect(try await store.records("session").map(\.key) == ["old"])
                // Expired records are pruned.
                try await store.pruneRecords()
                #expect(try await store.records("session").isEmpty)
                #expect(try await store.record("other", "s1") != nil)
            }
        }
    }

    @Test("a refused record write leaves nothing behind, and the rest of the batch commits", arguments: Backend.enabled)
    func refusal(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            try await fixture.withStore { store in
                let refused = Task {
                    try await store.updateRecords { writer in
                        if try await writer.record("setup", "state") == nil { throw HearthError(.forbidden, "not open") }
                        try await writer.put(StoredRecord(kind: "setup", key: "state", value: "x"))
                    }
                }
                let accepted = Task {
                    try await store.updateRecords { writer in
                        try await writer.put(StoredRecord(kind: "password", key: "alice", value: "$scrypt$..."))
                    }
                }
                await #expect(throws: HearthError.self) { try await refused.value }
                try await accepted.value
                #expect(try await store.record("setup", "state") == nil)
                #expect(try await store.record("password", "alice") != nil)
            }
        }
    }

    @Test("audit: appended with writes (applied or refused), filtered, paged newest first, pruned", arguments: Backend.enabled)
    func audit(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            try await fixture.withStore { store in
                func entry(_ verb: String, _ principal: String, namespace: String? = nil, name: String? = nil, decision: String = AuditEntry.allowed) -> AuditEntry {
                    AuditEntry(
                        principal: principal, source: "127.0.0.1", requestID: UUID().uuidString, verb: verb, resource: "namespaces",
                        namespace: namespace, name: name, decision: decision, reason: "test")
                }
                // A mutation carries its entry into the same transaction, with the outcome.
                let key = ResourceKey(type: BuiltinTypes.namespaceTypeName, name: "audited")
                _ = try await store.mutate(
                    .put(key, mode: .create, transform: { _ in Resource(type: key.type, name: key.name) }), audit: entry("create", "user:a", name: "audited"))
                await #expect(throws: HearthError.self) {
                    _ = try await store.mutate(
                        .put(key, mode: .create, transform: { _ in Resource(type: key.type, name: key.name) }), audit: entry("create", "user:b", name: "audited"))
                }
                try await store.appendAudit([entry("delete", "user:c", decision: AuditEntry.denied), entry("get", "user:c", decision: AuditEntry.denied)])

                let all = try await store.auditLog(AuditQuery())
                #expect(all.map(\.principal) == ["user:c", "user:c", "user:b", "user:a"])
                #expect(all.map(\.status) == [nil, nil, 409, 201])
                #expect(all.compactMap(\.id) == all.compactMap(\.id).sorted(by: >))
                #expect(try await store.auditLog(AuditQuery(principal: "user:c")).count == 2)
                #expect(try await store.auditLog(AuditQuery(verb: "create", decision: AuditEntry.allowed)).count == 2)
                #expect(try await store.auditLog(AuditQuery(decision: AuditEntry.denied)).map(\.verb) == ["get", "delete"])
                let page = try await store.auditLog(AuditQuery(limit: 2))
                let rest = try await store.auditLog(AuditQuery(beforeID: page.last!.id!, limit: 10))
                #expect(page.count + rest.count == 4)
                let future = Int64(Date().timeIntervalSince1970 * 1000) + 60_000
                #expect(try await store.auditLog(AuditQuery(sinceMillis: future)).isEmpty)
                #expect(try await store.auditLog(AuditQuery(untilMillis: future)).count == 4)
                // Retention.
                try await store.pruneRecords(auditRetention: .zero)
                try await Task.sleep(for: .milliseconds(5))
                try await store.pruneRecords(auditRetention: .zero)
                #expect(try await store.auditLog(AuditQuery()).isEmpty)
            }
        }
    }

    @Test("a user and its password hash commit together, or not at all", arguments: Backend.enabled)
    func mutationWithRecords(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            try await fixture.withStore { store in
                let key = ResourceKey(type: BuiltinTypes.namespaceTypeName, name: "pair")
                let record = StoredRecord(kind: "password", key: "pair", value: "hash-1")
                _ = try await store.mutate(.put(key, mode: .create, transform: { _ in Resource(type: key.type, name: key.name) }), records: [record])
                #expect(try await store.record("password", "pair")?.value == "hash-1")
                await #expect(throws: HearthError.self) {
                    _ = try await store.mutate(
                        .put(key, mode: .create, transform: { _ in Resource(type: key.type, name: key.name) }),
                        records: [StoredRecord(kind: "password", key: "pair", value: "hash-2")])
                }
                #expect(try await store.record("password", "pair")?.value == "hash-1")
            }
        }
    }
}
