import Foundation
import HearthCore
import HearthStore
import HearthTestSupport
import Testing

/// What every backend of ``Store`` must do alike. Each test runs once per backend, against a
/// real database of its own (a SQLite file, or a fresh database on a throwaway PostgreSQL).
@Suite("Store conformance", .timeLimit(.minutes(3)))
struct StoreConformanceTests {
    // MARK: Create, read, update, delete

    @Test("create, get, update, upsert and delete", arguments: Backend.enabled)
    func crud(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            try await fixture.withStore { store in
                let namespace = try await Self.createNamespace(store, "team")
                #expect(namespace.key == Self.namespaceKey("team"))
                #expect(namespace.namespace == nil)
                #expect(namespace.version == 1)
                #expect(namespace.revision == 1)

                let key = Self.gadget("team", "g1")
                let created = try #require(
                    Self.created(try await Self.put(store, key, mode: .create, labels: ["tier": "web"], spec: ["color": "red"])))
                #expect(created.key == key)
                #expect(created.type == "gadgets")
                #expect(created.namespace == "team")
                #expect(created.owner == Self.owner)
                #expect(!created.uid.isEmpty)
                #expect(created.labels == ["tier": "web"])
                #expect(created.spec == ["color": "red"])
                #expect(created.status == ResourceStatus())
                #expect(created.version == 1)
                #expect(created.revision == 2)
                #expect(Timestamp.date(from: created.createdAt) != nil)
                #expect(Timestamp.date(from: created.updatedAt) != nil)
                #expect(try await store.get(key) == created)
                #expect(try await store.get(Self.gadget("team", "nope")) == nil)
                #expect(try await store.get(Self.gadget("elsewhere", "g1")) == nil)

                // An update replaces what a user writes and keeps what the store owns.
                let updated = try #require(
                    Self.updated(try await Self.put(store, key, mode: .update, spec: ["color": "blue"], owner: "someone-else")))
                #expect(updated.uid == created.uid)
                #expect(updated.createdAt == created.createdAt)
                #expect(updated.owner == Self.owner)
                #expect(updated.labels == [:])
                #expect(updated.spec == ["color": "blue"])
                #expect(updated.version == 2)
                #expect(updated.revision == 3)
                #expect(try await store.get(key) == updated)

                // An upsert creates what is missing and replaces what exists.
                let other = Self.gadget("team", "g2")
                let upserted = try #require(Self.created(try await Self.put(store, other, mode: .upsert, spec: ["color": "green"])))
                #expect(upserted.version == 1)
                let replaced = try #require(Self.updated(try await Self.put(store, other, mode: .upsert, spec: ["color": "black"])))
                #expect(replaced.uid == upserted.uid)
                #expect(replaced.version == 2)
                #expect(try await store.get(other)?.spec == ["color": "black"])

                // A delete returns the last state and removes the resource, and only it.
                let deleted = try #require(Self.deleted(try await Self.delete(store, key)))
                #expect(deleted.map(\.key) == [key])
                #expect(deleted.first?.uid == created.uid)
                #expect(deleted.first?.spec == ["color": "blue"])
                #expect(deleted.first?.status.phase == .deleting)
                #expect(deleted.first?.revision == 6)
                #expect(try await store.get(key) == nil)
                #expect(try await store.get(other) == replaced)

                // A resource created again under a deleted name is a new one.
                let recreated = try #require(Self.created(try await Self.put(store, key, mode: .create, spec: ["color": "red"])))
                #expect(recreated.uid != created.uid)
                #expect(recreated.version == 1)
                #expect(try await store.revisions().current == 7)
            }
        }
    }

    @Test("versions count content changes; revisions count every write", arguments: Backend.enabled)
    func versionsAndRevisions(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            try await fixture.withStore { store in
                try await Self.createNamespace(store, "team")
                let key = Self.gadget("team", "g1")
                let v1 = try #require(Self.created(try await Self.put(store, key, spec: ["color": "red"])))
                #expect(v1.version == 1)

                let v2 = try #require(Self.updated(try await Self.put(store, key, spec: ["color": "blue"])))
                #expect(v2.version == 2)
                #expect(v2.revision == v1.revision + 1)

                // Labels and annotations are content too.
                let v3 = try #require(Self.updated(try await Self.put(store, key, labels: ["a": "b"], spec: ["color": "blue"])))
                #expect(v3.version == 3)
                #expect(v3.revision == v2.revision + 1)

                // A status-only change keeps the version and bumps the revision.
                let statusOnly = try #require(
                    Self.updated(
                        try await store.mutate(
                            .put(key, mode: .update) { current in
                                guard var resource = current else { throw HearthError(.notFound, "\(key) is gone") }
                                resource.status.phase = .ready
                                resource.status.observedVersion = resource.version
                                resource.status.setCondition(Condition(type: "Ready", status: "True"), now: Timestamp.now())
                                return resource
                            })))
                #expect(statusOnly.version == 3)
                #expect(statusOnly.revision == v3.revision + 1)
                #expect(statusOnly.status.phase == .ready)
                #expect(statusOnly.status.observedVersion == 3)
                #expect(statusOnly.spec == v3.spec)
                #expect(try await store.get(key) == statusOnly)

                // A user's write keeps the status.
                let v4 = try #require(Self.updated(try await Self.put(store, key, labels: ["a": "b"], spec: ["color": "green"])))
                #expect(v4.version == 4)
                #expect(v4.status == statusOnly.status)

                // Writing what is stored changes nothing: no version, no revision, no change event.
                let before = try await store.revisions().current
                let unchanged = try #require(
                    Self.unchanged(try await Self.put(store, key, labels: ["a": "b"], spec: ["color": "green"])))
                #expect(unchanged == v4)
                #expect(try await store.revisions().current == before)
                #expect(try await store.changes(after: before).isEmpty)
                #expect(try await store.get(key) == v4)
            }
        }
    }

    // MARK: Errors

    @Test("a write or delete against a stale version is a conflict", arguments: Backend.enabled)
    func staleVersion(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            try await fixture.withStore { store in
                try await Self.createNamespace(store, "team")
                let key = Self.gadget("team", "g1")
                try await Self.put(store, key, spec: ["color": "red"])
                let v2 = try #require(Self.updated(try await Self.put(store, key, spec: ["color": "blue"], version: 1)))
                #expect(v2.version == 2)

                // Someone else read version 1 and writes now.
                let stale = await #expect(throws: HearthError.self) {
                    try await Self.put(store, key, spec: ["color": "green"], version: 1)
                }
                #expect(stale?.code == .conflict)
                #expect(stale?.message.contains("version 2") == true)
                #expect(try await store.get(key) == v2)

                // With the version they read, a writer wins.
                let v3 = try #require(Self.updated(try await Self.put(store, key, spec: ["color": "green"], version: 2)))
                #expect(v3.version == 3)

                let staleDelete = await #expect(throws: HearthError.self) {
                    try await Self.delete(store, key, expectedVersion: 2)
                }
                #expect(staleDelete?.code == .conflict)
                #expect(try await store.get(key) == v3)
                let deleted = try #require(Self.deleted(try await Self.delete(store, key, expectedVersion: 3)))
                #expect(deleted.map(\.key) == [key])

                // A version precondition on something missing is a 404.
                let missing = await #expect(throws: HearthError.self) {
                    try await Self.put(store, key, spec: ["color": "red"], version: 3)
                }
                #expect(missing?.code == .notFound)
                #expect(try await store.get(key) == nil)
            }
        }
    }

    @Test("existence errors: create of existing, update or delete of missing, missing namespace", arguments: Backend.enabled)
    func existenceErrors(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            try await fixture.withStore { store in
                try await Self.createNamespace(store, "team")
                let key = Self.gadget("team", "g1")
                let original = try #require(Self.created(try await Self.put(store, key, mode: .create, spec: ["color": "red"])))
                let revision = try await store.revisions().current

                let exists = await #expect(throws: HearthError.self) {
                    try await Self.put(store, key, mode: .create, spec: ["color": "blue"])
                }
                #expect(exists?.code == .alreadyExists)
                #expect(exists?.message.contains("gadgets/team/g1") == true)
                #expect(try await store.get(key) == original)

                let missing = Self.gadget("team", "missing")
                let notFound = await #expect(throws: HearthError.self) {
                    try await Self.put(store, missing, mode: .update, spec: ["color": "blue"])
                }
                #expect(notFound?.code == .notFound)
                #expect(try await store.get(missing) == nil)

                let deleteMissing = await #expect(throws: HearthError.self) { try await Self.delete(store, missing) }
                #expect(deleteMissing?.code == .notFound)

                // Namespaced resources live in a namespace that exists, whatever the put mode.
                for mode in [PutMode.create, .upsert] {
                    let noNamespace = await #expect(throws: HearthError.self) {
                        try await Self.put(store, Self.gadget("nowhere", "g1"), mode: mode, spec: ["color": "red"])
                    }
                    #expect(noNamespace?.code == .notFound)
                    #expect(noNamespace?.message.contains("nowhere") == true)
                }
                #expect(try await store.get(Self.gadget("nowhere", "g1")) == nil)

                // A transform may not move a resource.
                let moved = await #expect(throws: HearthError.self) {
                    try await store.mutate(
                        .put(Self.gadget("team", "g9"), mode: .create) { _ in
                            Resource(type: "gadgets", name: "other", namespace: "team")
                        })
                }
                #expect(moved?.code == .badRequest)

                // An error thrown by a transform comes back as it is.
                let refused = await #expect(throws: HearthError.self) {
                    try await store.mutate(.put(key, mode: .upsert) { _ in throw HearthError(.forbidden, "not you") })
                }
                #expect(refused?.code == .forbidden)
                #expect(refused?.message == "not you")

                // Failed writes leave no trace.
                #expect(try await store.revisions().current == revision)
                #expect(try await store.changes(after: revision).isEmpty)
            }
        }
    }

    // MARK: References

    @Test("references must exist, and a referenced resource cannot be deleted", arguments: Backend.enabled)
    func referenceIntegrity(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            try await fixture.withStore { store in
                try await Self.createNamespace(store, "team")
                try await Self.createNamespace(store, "other")
                let w1 = Self.widget("team", "w1")
                let g1 = Self.gadget("team", "g1")
                let g2 = Self.gadget("team", "g2")

                let dangling = await #expect(throws: HearthError.self) {
                    try await Self.put(store, w1, spec: ["size": 1, "gadget": "g1"])
                }
                #expect(dangling?.code == .invalid)
                #expect(dangling?.violations.map(\.field) == ["spec"])
                #expect(dangling?.violations.first?.reason.contains("gadgets/team/g1") == true)
                #expect(try await store.get(w1) == nil)

                // A gadget of the same name in another namespace does not count.
                try await Self.put(store, Self.gadget("other", "g1"), spec: ["color": "red"])
                await #expect(throws: HearthError.self) { try await Self.put(store, w1, spec: ["size": 1, "gadget": "g1"]) }

                try await Self.put(store, g1, spec: ["color": "red"])
                try await Self.put(store, g2, spec: ["color": "blue"])
                try await Self.put(store, w1, spec: ["size": 1, "gadget": "g1"])
                try await Self.put(store, Self.widget("team", "loose"), spec: ["size": 2])

                let inUse = await #expect(throws: HearthError.self) { try await Self.delete(store, g1) }
                #expect(inUse?.code == .conflict)
                #expect(inUse?.message.contains("widgets/team/w1") == true)
                #expect(try await store.get(g1) != nil)

                // Pointing the widget elsewhere releases g1 and holds g2.
                try await Self.put(store, w1, spec: ["size": 1, "gadget": "g2"])
                let released = try #require(Self.deleted(try await Self.delete(store, g1)))
                #expect(released.map(\.key) == [g1])
                let held = await #expect(throws: HearthError.self) { try await Self.delete(store, g2) }
                #expect(held?.code == .conflict)
                #expect(held?.message.contains("widgets/team/w1") == true)

                // A namespace with resources in it cannot be deleted without cascade.
                let busy = await #expect(throws: HearthError.self) { try await Self.delete(store, Self.namespaceKey("team")) }
                #expect(busy?.code == .conflict)
                #expect(try await store.get(Self.namespaceKey("team")) != nil)

                // Once the widget is gone, so may the gadget be.
                try await Self.delete(store, w1)
                let freed = try #require(Self.deleted(try await Self.delete(store, g2)))
                #expect(freed.map(\.key) == [g2])
            }
        }
    }

    @Test("a cascading delete removes everything that references the target", arguments: Backend.enabled)
    func cascadeDelete(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            try await fixture.withStore { store in
                try await Self.createNamespace(store, "team")
                try await Self.createNamespace(store, "other")
                try await Self.put(store, Self.gadget("team", "g1"), spec: ["color": "red"])
                try await Self.put(store, Self.gadget("team", "g2"), spec: ["color": "blue"])
                try await Self.put(store, Self.widget("team", "w1"), spec: ["size": 1, "gadget": "g1"])
                try await Self.put(store, Self.widget("team", "w2"), spec: ["size": 2, "gadget": "g1"])
                try await Self.put(store, Self.widget("team", "w3"), spec: ["size": 3, "gadget": "g2"])
                try await Self.put(store, Self.widget("team", "w4"), spec: ["size": 4])
                try await Self.put(store, Self.gadget("other", "g1"), spec: ["color": "red"])
                try await Self.put(store, Self.widget("other", "w1"), spec: ["size": 1, "gadget": "g1"])

                let before = try await store.revisions().current
                let deleted = try #require(
                    Self.deleted(try await store.mutate(.delete(Self.gadget("team", "g1"), expectedVersion: nil, cascade: true))))
                #expect(deleted.map(\.key) == [Self.widget("team", "w1"), Self.widget("team", "w2"), Self.gadget("team", "g1")])
                #expect(deleted.allSatisfy { $0.status.phase == .deleting })
                #expect(deleted.map(\.revision) == [before + 1, before + 2, before + 3])
                for key in deleted.map(\.key) { #expect(try await store.get(key) == nil) }
                for key in [Self.gadget("team", "g2"), Self.widget("team", "w3"), Self.widget("team", "w4"), Self.widget("other", "w1")] {
                    #expect(try await store.get(key) != nil)
                }
                let events = try await store.changes(after: before)
                #expect(events.map(\.kind) == [.deleted, .deleted, .deleted])
                #expect(events.map(\.key) == deleted.map(\.key))

                // A namespace deleted with cascade takes everything in it, and goes last.
                let team = try #require(
                    Self.deleted(try await store.mutate(.delete(Self.namespaceKey("team"), expectedVersion: nil, cascade: true))))
                #expect(Set(team.map(\.key)) == [Self.gadget("team", "g2"), Self.widget("team", "w3"), Self.widget("team", "w4"), Self.namespaceKey("team")])
                #expect(team.last?.key == Self.namespaceKey("team"))
                // w3 references g2, so it goes before g2.
                let order = team.map(\.key)
                #expect(try #require(order.firstIndex(of: Self.widget("team", "w3"))) < #require(order.firstIndex(of: Self.gadget("team", "g2"))))
                for type in ["gadgets", "widgets"] {
                    #expect(try await store.list(ListOptions(type: type, namespace: "team")).items.isEmpty)
                }
                #expect(try await store.get(Self.namespaceKey("team")) == nil)
                #expect(try await store.list(ListOptions(type: "widgets", namespace: "other")).items.map(\.name) == ["w1"])
                #expect(try await store.list(ListOptions(type: "namespaces")).items.map(\.name) == ["other"])

                // Nothing can be written into the deleted namespace.
                let gone = await #expect(throws: HearthError.self) {
                    try await Self.put(store, Self.gadget("team", "g1"), spec: ["color": "red"])
                }
                #expect(gone?.code == .notFound)

                // Everything the cascade deleted is in the change log, gap-free.
                let all = try await store.changes(after: 0, limit: 1000)
                #expect(all.map(\.revision) == Array(1...(try await store.revisions().current)))
            }
        }
    }

    // MARK: Listing

    @Test("list filters by label selector and name prefix and pages through every item once", arguments: Backend.enabled)
    func listAndPaginate(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            try await fixture.withStore { store in
                try await Self.createNamespace(store, "shop")
                try await Self.createNamespace(store, "other")
                // 130 widgets: more than one internal scan chunk, so filters span chunks.
                let names = (0..<130).map { String(format: "w-%03d", $0) }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (index, name) in names.enumerated() {
                        var labels = ["tier": index % 4 == 0 ? "web" : "db"]
                        if index == 5 || index == 125 { labels["rare"] = "yes" }
                        group.addTask { [labels] in try await Self.put(store, Self.widget("shop", name), labels: labels, spec: ["size": 1]) }
                    }
                    for index in 0..<5 {
                        group.addTask { try await Self.put(store, Self.widget("shop", "x-\(index)"), labels: ["tier": "web"], spec: ["size": 1]) }
                    }
                    group.addTask { try await Self.put(store, Self.widget("other", "w-000"), labels: ["tier": "web"], spec: ["size": 1]) }
                    group.addTask { try await Self.put(store, Self.gadget("shop", "w-000"), labels: ["tier": "web"], spec: [:]) }
                    try await group.waitForAll()
                }
                let revision = try await store.revisions().current

                let everything = try await store.list(ListOptions(type: "widgets", namespace: "shop"))
                #expect(everything.items.map(\.name) == names + (0..<5).map { "x-\($0)" })
                #expect(everything.items.allSatisfy { $0.namespace == "shop" && $0.type == "widgets" })
                #expect(everything.next == nil)
                #expect(everything.revision == revision)

                let web = try LabelSelector.parse("tier=web")
                let webNames = names.enumerated().filter { $0.offset % 4 == 0 }.map(\.element)
                let selected = try await store.list(ListOptions(type: "widgets", namespace: "shop", selector: web))
                #expect(selected.items.map(\.name) == webNames + (0..<5).map { "x-\($0)" })

                let prefixed = try await store.list(ListOptions(type: "widgets", namespace: "shop", namePrefix: "x-"))
                #expect(prefixed.items.map(\.name) == (0..<5).map { "x-\($0)" })
                let both = try await store.list(ListOptions(type: "widgets", namespace: "shop", selector: web, namePrefix: "w-"))
                #expect(both.items.map(\.name) == webNames)
                let narrow = try await store.list(ListOptions(type: "widgets", namespace: "shop", namePrefix: "w-12"))
                #expect(narrow.items.map(\.name) == (120..<130).map { "w-\($0)" })
                let setBased = try await store.list(
                    ListOptions(type: "widgets", namespace: "shop", selector: try LabelSelector.parse("tier in (db),!rare"), namePrefix: "w-"))
                #expect(setBased.items.count == names.count - webNames.count - 2)
                #expect(try await store.list(ListOptions(type: "widgets", namespace: "shop", namePrefix: "zzz")).items.isEmpty)

                // Matches far apart (index 5 and 125) come back in one page, across scan chunks.
                let rare = try await store.list(
                    ListOptions(type: "widgets", namespace: "shop", selector: try LabelSelector.parse("rare"), limit: 20))
                #expect(rare.items.map(\.name) == ["w-005", "w-125"])
                #expect(rare.next == nil)

                // Pages of every size return every match exactly once, in order.
                for limit in [1, 7, 33, 34, 200] {
                    let paged = try await Self.listAll(store, ListOptions(type: "widgets", namespace: "shop", selector: web, namePrefix: "w-", limit: limit))
                    #expect(paged.names == webNames, "limit \(limit)")
                    #expect(paged.pageSizes.dropLast().allSatisfy { $0 == limit }, "limit \(limit): \(paged.pageSizes)")
                    #expect(paged.pageSizes.allSatisfy { $0 <= limit })
                }
                let unfiltered = try await Self.listAll(store, ListOptions(type: "widgets", namespace: "shop", limit: 10))
                #expect(unfiltered.names == everything.items.map(\.name))
                #expect(unfiltered.pageSizes.count == 14)

                // A resource created behind the cursor while paging is not seen twice; those
                // ahead of it are seen.
                var seen: [String] = []
                var page = try await store.list(ListOptions(type: "widgets", namespace: "shop", limit: 50))
                seen += page.items.map(\.name)
                try await Self.put(store, Self.widget("shop", "a-late"), spec: ["size": 1])
                try await Self.put(store, Self.widget("shop", "y-late"), spec: ["size": 1])
                while let next = page.next {
                    page = try await store.list(ListOptions(type: "widgets", namespace: "shop", limit: 50, after: next))
                    seen += page.items.map(\.name)
                }
                #expect(seen == everything.items.map(\.name) + ["y-late"])
            }
        }
    }

    @Test("list across all namespaces orders by namespace, then name", arguments: Backend.enabled)
    func listAcrossNamespaces(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            try await fixture.withStore { store in
                for namespace in ["c", "a", "b"] { try await Self.createNamespace(store, namespace) }
                let keys = [
                    Self.widget("a", "w1"), Self.widget("a", "w2"), Self.widget("b", "w1"), Self.widget("b", "x1"),
                    Self.widget("c", "w0"), Self.widget("c", "w3"),
                ]
                for key in keys.reversed() {
                    try await Self.put(store, key, labels: ["ns": key.namespace], spec: ["size": 1])
                }
                try await Self.put(store, Self.gadget("a", "g1"), spec: [:])

                let all = try await store.list(ListOptions(type: "widgets"))
                #expect(all.items.map(\.key) == keys)
                for limit in [1, 2, 4, 6] {
                    let paged = try await Self.listAll(store, ListOptions(type: "widgets", limit: limit))
                    #expect(paged.keys == keys, "limit \(limit)")
                }
                let prefixed = try await Self.listAll(store, ListOptions(type: "widgets", namePrefix: "w", limit: 2))
                #expect(prefixed.keys == keys.filter { $0.name.hasPrefix("w") })
                let selected = try await Self.listAll(
                    store, ListOptions(type: "widgets", selector: try LabelSelector.parse("ns!=b"), limit: 1))
                #expect(selected.keys == keys.filter { $0.namespace != "b" })
                #expect(try await store.list(ListOptions(type: "widgets", namespace: "b")).items.map(\.key) == [keys[2], keys[3]])

                // Cluster-scoped types list the same way.
                let namespaces = try await Self.listAll(store, ListOptions(type: "namespaces", limit: 2))
                #expect(namespaces.names == ["a", "b", "c"])
                #expect(namespaces.keys.allSatisfy { $0.namespace.isEmpty })
            }
        }
    }

    // MARK: The change log and the feed

    @Test("the change log has every change in revision order, without gaps", arguments: Backend.enabled)
    func changeLog(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            try await fixture.withStore { store in
                try await Self.createNamespace(store, "team")
                let start = try await store.revisions().current
                #expect(start == 1)
                let g1 = Self.gadget("team", "g1")
                let w1 = Self.widget("team", "w1")
                try await Self.put(store, g1, spec: ["color": "red"])
                try await Self.put(store, g1, spec: ["color": "blue"])
                _ = try await store.mutate(
                    .put(g1, mode: .update) { current in
                        guard var resource = current else { throw HearthError(.notFound, "gone") }
                        resource.status.phase = .ready
                        return resource
                    })
                try await Self.put(store, g1, spec: ["color": "blue"])  // unchanged: not logged
                await #expect(throws: HearthError.self) { try await Self.put(store, g1, mode: .create, spec: [:]) }  // failed: not logged
                try await Self.put(store, w1, spec: ["size": 1, "gadget": "g1"])
                _ = try await store.mutate(.delete(g1, expectedVersion: nil, cascade: true))

                let events = try await store.changes(after: start)
                #expect(events.map(\.kind) == [.added, .modified, .modified, .added, .deleted, .deleted])
                #expect(events.map(\.revision) == Array((start + 1)...(start + 6)))
                #expect(events.map(\.key) == [g1, g1, g1, w1, w1, g1])
                #expect(events.map(\.object.revision) == events.map(\.revision))
                #expect(events[0].object.spec == ["color": "red"])
                #expect(events[1].object.spec == ["color": "blue"])
                #expect(events[2].object.status.phase == .ready)
                #expect(events[2].object.version == 2)
                #expect(events[5].object.spec == ["color": "blue"])
                #expect(events[5].object.status.phase == .deleting)
                #expect(try await store.revisions().current == start + 6)

                let all = try await store.changes(after: 0)
                #expect(all.map(\.revision) == Array(1...(start + 6)))
                #expect(all.first?.kind == .added)
                #expect(all.first?.key == Self.namespaceKey("team"))
                #expect(try await store.changes(after: start, limit: 2) == Array(events.prefix(2)))
                #expect(try await store.changes(after: start + 4) == Array(events.suffix(2)))
                #expect(try await store.changes(after: start + 6).isEmpty)
                #expect(try await store.changes(after: start + 100).isEmpty)
            }
        }
    }

    @Test("subscribers of the feed receive committed changes in order", arguments: Backend.enabled)
    func feed(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            try await fixture.withStore { store in
                try await Self.createNamespace(store, "team")
                #expect(await store.feed.revision == 1)
                let subscription = await store.feed.subscribe()
                let key = Self.gadget("team", "g1")
                let created = try #require(Self.created(try await Self.put(store, key, spec: ["color": "red"])))
                await #expect(throws: HearthError.self) { try await Self.put(store, key, mode: .create, spec: [:]) }
                try await Self.put(store, key, spec: ["color": "red"])  // unchanged
                let updated = try #require(Self.updated(try await Self.put(store, key, spec: ["color": "blue"])))
                let deleted = try #require(Self.deleted(try await Self.delete(store, key)))

                let events = try await Self.collect(subscription, count: 3)
                #expect(events.map(\.kind) == [.added, .modified, .deleted])
                #expect(events.map(\.revision) == [created.revision, updated.revision, deleted[0].revision])
                #expect(events.map(\.revision) == [2, 3, 4])
                #expect(events[0].object == created)
                #expect(events[1].object == updated)
                #expect(events.map(\.key) == [key, key, key])
                #expect(await store.feed.revision == 4)

                // A second subscriber sees only what commits after it subscribed.
                let late = await store.feed.subscribe()
                try await Self.put(store, Self.gadget("team", "g2"), spec: [:])
                let lateEvents = try await Self.collect(late, count: 1)
                #expect(lateEvents.map(\.revision) == [5])
                #expect(try await Self.collect(subscription, count: 1).map(\.revision) == [5])

                await store.feed.unsubscribe(subscription)
                await store.feed.unsubscribe(late)
                #expect(await store.feed.subscriberCount == 0)
            }
        }
    }

    @Test("compaction drops the change log and advances the compacted revision", arguments: Backend.enabled)
    func compaction(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            try await fixture.withStore { store in
                try await Self.createNamespace(store, "team")
                for index in 0..<5 { try await Self.put(store, Self.gadget("team", "g\(index)"), spec: [:]) }
                let current = try await store.revisions().current
                #expect(current == 6)
                #expect(try await store.revisions().compacted == 0)

                // Nothing is old enough for the default retention.
                #expect(try await store.compact() == 0)
                #expect(try await store.changes(after: 0).count == 6)

                try await Task.sleep(for: .milliseconds(20))
                #expect(try await store.compact(retention: .zero) == current)
                let revisions = try await store.revisions()
                #expect(revisions.current == current)
                #expect(revisions.compacted == current)
                #expect(try await store.changes(after: 0).isEmpty)

                // Resources stay; new changes are logged after the compacted revision.
                #expect(try await store.list(ListOptions(type: "gadgets", namespace: "team")).items.count == 5)
                try await Self.put(store, Self.gadget("team", "late"), spec: [:])
                let after = try await store.changes(after: 0)
                #expect(after.map(\.revision) == [current + 1])
                #expect(after.map(\.key) == [Self.gadget("team", "late")])

                // The compacted revision never goes back.
                #expect(try await store.compact(retention: .seconds(3600)) == current)
                #expect(try await store.revisions().compacted == current)
            }
        }
    }

    // MARK: Leases

    @Test("a lease has one holder until it expires", arguments: Backend.enabled)
    func leases(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            try await fixture.withStore { store in
                // Generous margins, so a slow or busy machine does not make this flaky.
                let ttl = Duration.seconds(5)
                let clock = ContinuousClock()
                #expect(try await store.tryAcquireLease("leader", holder: "a", ttl: ttl))
                #expect(try await !store.tryAcquireLease("leader", holder: "b", ttl: ttl))
                // Leases are independent by name.
                #expect(try await store.tryAcquireLease("other", holder: "b", ttl: .seconds(60)))

                // Renewing extends the lease past its first expiry.
                try await Task.sleep(for: .seconds(2))
                #expect(try await store.tryAcquireLease("leader", holder: "a", ttl: ttl))
                let renewed = clock.now
                try await Task.sleep(for: .seconds(3.5))
                // Past the first expiry, within the renewed one (unless the machine stalled us past it).
                let taken = try await store.tryAcquireLease("leader", holder: "b", ttl: ttl)
                if clock.now - renewed < ttl - .milliseconds(500) { #expect(!taken) }

                // Once it expires (the renewal's expiry is at most `ttl` after it returned), another
                // holder takes it.
                try await Task.sleep(until: renewed + ttl + .milliseconds(500), clock: clock)
                #expect(try await store.tryAcquireLease("leader", holder: "b", ttl: .seconds(60)))
                #expect(try await !store.tryAcquireLease("leader", holder: "a", ttl: ttl))
                #expect(try await store.tryAcquireLease("leader", holder: "b", ttl: .seconds(60)))

                // Only the holder can release it.
                try await store.releaseLease("leader", holder: "a")
                #expect(try await !store.tryAcquireLease("leader", holder: "a", ttl: ttl))
                try await store.releaseLease("leader", holder: "b")
                #expect(try await store.tryAcquireLease("leader", holder: "a", ttl: ttl))
                #expect(try await !store.tryAcquireLease("other", holder: "a", ttl: ttl))

                // Leases are not resources: they leave the change log alone.
                #expect(try await store.revisions().current == 0)
            }
        }
    }

    // MARK: Concurrency

    @Test("concurrent writes all commit with distinct, gap-free revisions", arguments: Backend.enabled)
    func concurrentWrites(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            try await fixture.withStore { store in
                try await Self.createNamespace(store, "team")
                let count = 200
                let created = try await withThrowingTaskGroup(of: Resource?.self, returning: [Resource].self) { group in
                    for index in 0..<count {
                        group.addTask {
                            Self.created(try await Self.put(store, Self.gadget("team", "g\(index)"), mode: .create, spec: ["color": "red"]))
                        }
                    }
                    var results: [Resource] = []
                    for try await resource in group { results.append(try #require(resource)) }
                    return results
                }
                #expect(created.count == count)
                #expect(Set(created.map(\.revision)).count == count)
                #expect(Set(created.map(\.revision)) == Set(2...Int64(count + 1)))
                #expect(Set(created.map(\.uid)).count == count)

                let current = try await store.revisions().current
                let changes = try await store.changes(after: 0, limit: 10_000)
                #expect(current == Int64(count + 1))
                #expect(Int64(changes.count) == current)
                #expect(changes.map(\.revision) == Array(1...current))
                for resource in created {
                    #expect(try await store.get(resource.key) == resource)
                }
                #expect(try await store.list(ListOptions(type: "gadgets", namespace: "team")).items.count == count)
            }
        }
    }

    @Test("in a concurrent batch each write succeeds or fails alone", arguments: Backend.enabled)
    func concurrentMixedWrites(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            try await fixture.withStore { store in
                try await Self.createNamespace(store, "team")
                try await Self.put(store, Self.gadget("team", "real"), spec: [:])
                // Four kinds of create race in the same batches: duplicates (8 names, 15 writes),
                // dangling references, writes into a missing namespace, and plain creates.
                let writes: [(kind: String, key: ResourceKey, spec: JSONValue)] = (0..<60).map { index in
                    switch index % 4 {
                    case 0: ("duplicate", Self.gadget("team", "dup-\((index / 4) % 8)"), [:])
                    case 1: ("dangling", Self.widget("team", "dangling-\(index)"), ["size": 1, "gadget": "missing"])
                    case 2: ("homeless", Self.gadget("nowhere", "g\(index)"), [:])
                    default: ("fine", Self.widget("team", "ok-\(index)"), ["size": 1, "gadget": "real"])
                    }
                }
                let results = try await withThrowingTaskGroup(
                    of: (String, Result<Resource, HearthError>).self, returning: [(String, Result<Resource, HearthError>)].self
                ) { group in
                    for write in writes {
                        group.addTask {
                            do {
                                let outcome = try await Self.put(store, write.key, mode: .create, spec: write.spec)
                                return (write.kind, .success(try #require(Self.created(outcome))))
                            } catch let error as HearthError {
                                return (write.kind, .failure(error))
                            }
                        }
                    }
                    var results: [(String, Result<Resource, HearthError>)] = []
                    for try await result in group { results.append(result) }
                    return results
                }
                var succeeded: [String: [Resource]] = [:]
                var failed: [String: [HearthError.Code]] = [:]
                for (kind, result) in results {
                    switch result {
                    case .success(let resource): succeeded[kind, default: []].append(resource)
                    case .failure(let error): failed[kind, default: []].append(error.code)
                    }
                }
                #expect(Set(succeeded["duplicate", default: []].map(\.name)) == Set((0..<8).map { "dup-\($0)" }))
                #expect(failed["duplicate"] == Array(repeating: .alreadyExists, count: 7))
                #expect(succeeded["dangling"] == nil)
                #expect(failed["dangling"] == Array(repeating: .invalid, count: 15))
                #expect(succeeded["homeless"] == nil)
                #expect(failed["homeless"] == Array(repeating: .notFound, count: 15))
                #expect(succeeded["fine", default: []].count == 15)
                #expect(failed["fine"] == nil)

                let stored = succeeded.values.flatMap { $0 }
                #expect(Set(stored.map(\.revision)).count == stored.count)
                for resource in stored { #expect(try await store.get(resource.key) == resource) }
                let current = try await store.revisions().current
                #expect(current == Int64(2 + stored.count))
                let changes = try await store.changes(after: 0, limit: 10_000)
                #expect(changes.map(\.revision) == Array(1...current))
                #expect(Set(changes.dropFirst(2).map(\.key)) == Set(stored.map(\.key)))
                #expect(changes.dropFirst(2).allSatisfy { $0.kind == .added })
                #expect(try await store.list(ListOptions(type: "widgets", namespace: "team", namePrefix: "dangling")).items.isEmpty)
            }
        }
    }

    // MARK: Persistence and migrations

    @Test("reopening a store keeps its data, revision and cluster id", arguments: Backend.enabled)
    func reopen(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let (clusterID, revision, gadget) = try await fixture.withStore { store in
                try await Self.createNamespace(store, "team")
                let gadget = try #require(Self.created(try await Self.put(store, Self.gadget("team", "g1"), spec: ["color": "red"])))
                #expect(try await store.tryAcquireLease("leader", holder: "a", ttl: .seconds(60)))
                return (try #require(store.clusterID), try await store.revisions().current, gadget)
            }
            #expect(!clusterID.isEmpty)
            #expect(revision == 2)

            try await fixture.withStore { store in
                #expect(store.clusterID == clusterID)
                #expect(try await store.revisions().current == revision)
                #expect(await store.feed.revision == revision)
                #expect(try await store.get(Self.gadget("team", "g1")) == gadget)
                #expect(try await store.changes(after: 0).map(\.revision) == [1, 2])
                #expect(try await !store.tryAcquireLease("leader", holder: "b", ttl: .seconds(60)))
                let next = try #require(Self.created(try await Self.put(store, Self.gadget("team", "g2"), spec: [:])))
                #expect(next.revision == revision + 1)
            }

            // Another database gets another cluster id.
            try await StoreFixture.with(backend) { other in
                try await other.withStore { store in #expect(store.clusterID != clusterID) }
            }
        }
    }

    @Test("a store refuses a database whose schema is newer than it knows", arguments: Backend.enabled)
    func newerSchemaRefused(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            try await fixture.withStore { store in try await Self.createNamespace(store, "team") }
            try await fixture.executeSQL(
                "INSERT INTO hearth_schema (version, description, applied_at) VALUES (999, 'from the future', '2999-01-01T00:00:00Z')")

            let store = try fixture.makeStore()
            // Someone waits for readiness before the store starts; they must hear of the failure.
            let waiter = Task { try await store.waitUntilReady() }
            try await Task.sleep(for: .milliseconds(50))
            let error = await #expect(throws: (any Error).self) { try await store.run() }
            #expect(String(describing: try #require(error)).contains("newer"), "\(String(describing: error))")
            #expect(String(describing: try #require(error)).contains("999"))
            await #expect(throws: (any Error).self) { try await waiter.value }
            await #expect(throws: (any Error).self) { try await store.waitUntilReady() }
            #expect(!store.isReady)
            await #expect(throws: HearthError.self) { try await Self.put(store, Self.gadget("team", "g1"), spec: [:]) }
        }
    }

    // MARK: Helpers

    static let owner = "tester"

    static func namespaceKey(_ name: String) -> ResourceKey { ResourceKey(type: "namespaces", name: name) }
    static func gadget(_ namespace: String, _ name: String) -> ResourceKey { ResourceKey(type: "gadgets", namespace: namespace, name: name) }
    static func widget(_ namespace: String, _ name: String) -> ResourceKey { ResourceKey(type: "widgets", namespace: namespace, name: name) }

    /// Writes a resource as the API does: a ``ResourceWrite`` applied to what is stored.
    @discardableResult
    static func put(
        _ store: Store, _ key: ResourceKey, mode: PutMode = .upsert, labels: [String: String] = [:], spec: JSONValue,
        version: Int64? = nil, owner: String = StoreConformanceTests.owner
    ) async throws -> MutationOutcome {
        let write = ResourceWrite(name: key.name, labels: labels, spec: spec, version: version)
        return try await store.mutate(.put(key, mode: mode) { current in try write.applied(to: current, key: key, owner: owner) })
    }

    @discardableResult
    static func delete(_ store: Store, _ key: ResourceKey, expectedVersion: Int64? = nil) async throws -> MutationOutcome {
        try await store.mutate(.delete(key, expectedVersion: expectedVersion, cascade: false))
    }

    @discardableResult
    static func createNamespace(_ store: Store, _ name: String) async throws -> Resource {
        try #require(created(try await put(store, namespaceKey(name), mode: .create, spec: ["description": "for tests"])))
    }

    static func created(_ outcome: MutationOutcome) -> Resource? {
        if case .created(let resource) = outcome { return resource }
        return nil
    }

    static func updated(_ outcome: MutationOutcome) -> Resource? {
        if case .updated(let resource) = outcome { return resource }
        return nil
    }

    static func unchanged(_ outcome: MutationOutcome) -> Resource? {
        if case .unchanged(let resource) = outcome { return resource }
        return nil
    }

    static func deleted(_ outcome: MutationOutcome) -> [Resource]? {
        if case .deleted(let resources) = outcome { return resources }
        return nil
    }

    /// Every page of a listing, following `next`.
    static func listAll(_ store: Store, _ options: ListOptions) async throws -> (keys: [ResourceKey], names: [String], pageSizes: [Int]) {
        var options = options
        var keys: [ResourceKey] = []
        var sizes: [Int] = []
        while true {
            let page = try await store.list(options)
            keys += page.items.map(\.key)
            sizes.append(page.items.count)
            guard let next = page.next else { break }
            #expect(next == page.items.last?.key)
            options.after = next
            try #require(sizes.count <= 1000, "pagination does not end")
        }
        return (keys, keys.map(\.name), sizes)
    }

    /// The next `count` changes a subscription delivers (heartbeats skipped); fails after 10 s.
    static func collect(_ subscription: WatchSubscription, count: Int) async throws -> [ChangeEvent] {
        try await withThrowingTaskGroup(of: [ChangeEvent]?.self) { group in
            group.addTask {
                var events: [ChangeEvent] = []
                for await item in subscription.stream {
                    if case .change(let event) = item { events.append(event) }
                    if events.count == count { break }
                }
                return events
            }
            group.addTask {
                try await Task.sleep(for: .seconds(10))
                return nil
            }
            let first = try await group.next()!
            group.cancelAll()
            let events = try #require(first, "no \(count) changes within 10 s")
            try #require(events.count == count, "the subscription ended after \(events.count) of \(count) changes")
            return events
        }
    }
}
