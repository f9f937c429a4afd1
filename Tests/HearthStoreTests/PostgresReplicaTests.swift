import Foundation
import Synchronization
import HearthCore
import HearthTestSupport
import Testing

@testable import HearthStore

/// What only PostgreSQL has: several replicas on one database, and the writer's own connection.
@Suite("PostgreSQL replicas and the writer's connection", .enabled(if: Backend.enabled.contains(.postgres)), .timeLimit(.minutes(2)))
struct PostgresReplicaTests {
    typealias T = StoreConformanceTests

    @Test("each replica's feed has every commit of both, in revision order and without gaps")
    func feedsAcrossReplicas() async throws {
        try await StoreFixture.with(.postgres) { fixture in
            try await fixture.withStore { first in
                try await fixture.withStore { second in
                    try await T.createNamespace(first, "team")
                    let start = await first.feed.revision
                    // The second replica hears of the namespace (announced, or by its poll).
                    try await Self.waitFor { await second.feed.revision >= start }
                    let watchFirst = await first.feed.subscribe()
                    let watchSecond = await second.feed.subscribe()
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for (index, store) in [first, second].enumerated() {
                            group.addTask {
                                for n in 0..<20 { try await T.put(store, T.gadget("team", "g\(index)-\(n)"), spec: [:]) }
                            }
                        }
                        try await group.waitForAll()
                    }
                    for subscription in [watchFirst, watchSecond] {
                        let events = try await T.collect(subscription, count: 40)
                        #expect(events.map(\.revision) == Array((start + 1)...(start + 40)))
                    }
                    await first.feed.unsubscribe(watchFirst)
                    await second.feed.unsubscribe(watchSecond)
                }
            }
        }
    }

    @Test("the writer opens its connection again after PostgreSQL drops it, and loses no acknowledged write")
    func writerReconnects() async throws {
        try await StoreFixture.with(.postgres) { fixture in
            try await fixture.withStore { store in
                try await T.createNamespace(store, "team")
                try await T.put(store, T.gadget("team", "before"), spec: [:])
                // Every other connection to the database: the writer's, the pool's, the listener's.
                try await fixture.executeSQL(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
                // The first write may find its connection gone (503, not acknowledged); a retry reconnects.
                var acknowledged = false
                for _ in 0..<50 where !acknowledged {
                    do {
                        try await T.put(store, T.gadget("team", "after"), spec: [:])
                        acknowledged = true
                    } catch let error as HearthError where error.code == .unavailable {
                        try await Task.sleep(for: .milliseconds(100))
                    }
                }
                #expect(acknowledged)
                for name in ["before", "after"] { #expect(try await store.get(T.gadget("team", name)) != nil) }
                #expect(try await store.changes(after: 0).map(\.revision) == [1, 2, 3])
            }
        }
    }

    @Test("concurrent reads share queries and each gets its own answer, present or absent")
    func batchedReads() async throws {
        try await StoreFixture.with(.postgres) { fixture in
            try await fixture.withStore { store in
                try await T.createNamespace(store, "team")
                for n in 0..<50 { try await T.put(store, T.gadget("team", "g\(n)"), spec: ["color": .string("c\(n)")]) }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for round in 0..<4 {
                        for n in 0..<100 {
                            group.addTask {
                                let key = T.gadget("team", "g\(n)")
                                let encoded = try await store.getEncoded(key)
                                if n < 50 {
                                    let json = try #require(encoded?.json, "round \(round), g\(n)")
                                    #expect(json.contains("\"color\":\"c\(n)\""))
                                    #expect(try await store.get(key)?.spec["color"] == .string("c\(n)"))
                                } else {
                                    #expect(encoded == nil)
                                }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
        }
    }

    @Test("the read batcher runs fewer queries than reads under load, and a failed query fails its reads only")
    func readBatcher() async throws {
        let queries = Mutex(0)
        let batcher = PostgresReadBatcher { keys in
            queries.withLock { $0 += 1 }
            try await Task.sleep(for: .milliseconds(5))
            if keys.contains(where: { $0.name == "boom" }) { throw StoreError("boom") }
            var rows: [Int: PostgresReadBatcher.Row] = [:]
            for (index, key) in keys.enumerated() where key.name != "missing" { rows[index] = (1, key.name) }
            return rows
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<200 {
                group.addTask {
                    let name = n % 10 == 0 ? "missing" : "k\(n)"
                    let row = try await batcher.get(ResourceKey(type: "gadgets", namespace: "team", name: name))
                    #expect(row?.json == (name == "missing" ? nil : name))
                }
            }
            try await group.waitForAll()
        }
        #expect(queries.withLock { $0 } < 100)
        await #expect(throws: StoreError.self) { try await batcher.get(ResourceKey(type: "gadgets", namespace: "team", name: "boom")) }
        #expect(try await batcher.get(ResourceKey(type: "gadgets", namespace: "team", name: "after"))?.json == "after")
    }

    @Test("a commit announcement carries the revisions it reached, and anything else reads as unknown")
    func announcements() {
        #expect(CommitAnnouncement(revision: 12, kvRevision: nil).payload == "r=12")
        #expect(CommitAnnouncement(revision: 12, kvRevision: 7).payload == "r=12 k=7")
        #expect(CommitAnnouncement(payload: "r=12 k=7") == CommitAnnouncement(revision: 12, kvRevision: 7))
        #expect(CommitAnnouncement(payload: "k=3") == CommitAnnouncement(revision: nil, kvRevision: 3))
        for payload in ["", "12", "r=", "r=x", "q=1", "r=1 z=2"] {
            #expect(CommitAnnouncement(payload: payload).isUnknown, "\(payload)")
        }
    }

    static func waitFor(_ condition: @Sendable () async -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !(await condition()) {
            guard ContinuousClock.now < deadline else { Issue.record("condition not met in 10 s"); return }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
