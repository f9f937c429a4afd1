import Foundation
import HearthCore
import HearthStore
import HearthTestSupport
import Testing

/// The key-value store behaves alike on every backend.
@Suite("Key-value conformance", .timeLimit(.minutes(3)))
struct KVConformanceTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("versions, revisions, cas, transactions all-or-nothing, prefixes", arguments: Backend.enabled)
    func transactions(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            try await fixture.withStore { store in
                _ = try await StoreConformanceTests.createNamespace(store, "ns")
                let first = try await store.kvApply(namespace: "ns", [.put(key: "a/1", value: Self.bytes("x"))])
                guard case .put(let entry) = first.results[0] else { Issue.record("no put result"); return }
                #expect(entry.version == 1)
                #expect(entry.createRevision == first.revision)
                #expect(entry.modifyRevision == first.revision)

                // Several puts of one key in one transaction build on each other.
                let twice = try await store.kvApply(
                    namespace: "ns", [.put(key: "a/1", value: Self.bytes("y"), cas: 1), .put(key: "a/1", value: Self.bytes("z"), cas: 2), .get(key: "a/1")])
                #expect(twice.revision == first.revision + 2)
                guard case .got(let got?) = twice.results[2] else { Issue.record("no get result"); return }
                #expect(got.value == Self.bytes("z"))
                #expect(got.version == 3)
                #expect(got.createRevision == first.revision)

                // A failed condition anywhere: nothing written, the KV revision unchanged.
                await #expect(throws: HearthError.self) {
                    try await store.kvApply(namespace: "ns", [.put(key: "a/2", value: []), .check(key: "a/1", version: 1)])
                }
                #expect(try await store.kvGet(namespace: "ns", key: "a/2") == nil)
                #expect(try await store.kvRevisions().current == twice.revision)

                // Prefix deletes see the transaction's own puts; listing is in key order.
                _ = try await store.kvApply(namespace: "ns", [.put(key: "a/3", value: []), .put(key: "b", value: [])])
                let listed = try await store.kvList(namespace: "ns", prefix: "a/", limit: 100, values: false)
                #expect(listed.map(\.key) == ["a/1", "a/3"])
                let wiped = try await store.kvApply(namespace: "ns", [.put(key: "a/4", value: []), .deletePrefix(prefix: "a/")])
                #expect(wiped.results[1] == .deleted(3))
                #expect(try await store.kvList(namespace: "ns", prefix: "", limit: 100, values: false).map(\.key) == ["b"])

                // The index of a key is its last change, deletions included; of a prefix, the newest under it.
                // (a/4 is put first, then a/1, a/3 and a/4 deleted in key order.)
                #expect(try await store.kvIndex(namespace: "ns", key: "a/1", prefix: false) == wiped.revision - 2)
                #expect(try await store.kvIndex(namespace: "ns", key: "a/", prefix: true) == wiped.revision)
                #expect(try await store.kvIndex(namespace: "ns", key: "never", prefix: false) == 0)

                // The change log has every step, in order, with values for puts.
                let events = try await store.kvChanges(after: 0)
                #expect(events.map(\.revision) == Array(1...wiped.revision))
                #expect(events.first?.value == Self.bytes("x"))
                #expect(events.last?.kind == .delete)

                // A namespace that does not exist takes no keys.
                await #expect(throws: HearthError.self) {
                    try await store.kvApply(namespace: "nope", [.put(key: "k", value: [])])
                }
            }
        }
    }

    @Test("expired keys are gone for reads at once, then deleted and logged by the sweep", arguments: Backend.enabled)
    func expiry(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            try await fixture.withStore { store in
                _ = try await StoreConformanceTests.createNamespace(store, "ns")
                _ = try await store.kvApply(namespace: "ns", [.put(key: "lease", value: Self.bytes("me"), ttlMillis: 50), .put(key: "kept", value: [])])
                try await Task.sleep(for: .milliseconds(120))
                #expect(try await store.kvGet(namespace: "ns", key: "lease") == nil)
                #expect(try await store.kvList(namespace: "ns", prefix: "", limit: 10, values: false).map(\.key) == ["kept"])
                // cas=0 treats an expired key as absent.
                _ = try await store.kvApply(namespace: "ns", [.put(key: "lease", value: Self.bytes("you"), cas: 0, ttlMillis: 50)])
                try await Task.sleep(for: .milliseconds(120))
                #expect(try await store.kvExpire() == 1)
                #expect(try await store.kvExpire() == 0)
                let kinds = try await store.kvChanges(after: 0).map(\.kind)
                #expect(kinds == [.put, .put, .expire, .put, .expire])
            }
        }
    }

    @Test("the change log is compacted; the index then answers the compacted revision", arguments: Backend.enabled)
    func compaction(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            try await fixture.withStore { store in
                _ = try await StoreConformanceTests.createNamespace(store, "ns")
                let put = try await store.kvApply(namespace: "ns", [.put(key: "k", value: [])])
                _ = try await store.kvApply(namespace: "ns", [.delete(key: "k")])
                try await Task.sleep(for: .milliseconds(20))
                try await store.compact(retention: .zero)
                let revisions = try await store.kvRevisions()
                #expect(revisions.compacted == put.revision + 1)
                #expect(try await store.kvChanges(after: 0).isEmpty)
                #expect(try await store.kvIndex(namespace: "ns", key: "k", prefix: false) == revisions.compacted)
            }
        }
    }
}
