import Foundation
import HearthClient
import HearthCore
import HearthTestSupport
import Testing

/// Several replicas on one PostgreSQL database. Part of the serialized end-to-end suite: on
/// Linux, a child spawned while another runs can inherit the descriptor Foundation's `Process`
/// watches for that other child's exit, so these tests never spawn servers concurrently.
extension EndToEndTests {
    static func waitForObservedVersion(_ client: HearthClient, _ name: String, _ version: Int64, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let (_, _, data) = try await client.send(.GET, "/v1/namespaces/\(name)")
            let status = try JSONDecoder().decode(JSONValue.self, from: data)["status"]
            if status?["observedVersion"]?.int64Value == version, status?["phase"] == "ready" { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestSupportFailure("namespace \(name) was never reconciled at version \(version)")
    }

    @Test("replicas on one PostgreSQL: watches see other replicas' writes, and a controller moves on when its replica dies")
    func failover() async throws {
        guard Backend.enabled.contains(.postgres) else { return }
        let database = try await TestPostgres.createDatabase()
        let first = EndToEndTests.temporaryDirectory()
        let second = EndToEndTests.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: first)
            try? FileManager.default.removeItem(atPath: second)
        }
        let a = ServerProcess(dataDirectory: first, database: database)
        try await a.start()
        let b = ServerProcess(dataDirectory: second, database: database)
        try await b.start()
        // Each replica that starts in the setup window writes a code to its own data directory,
        // and only the one stored last is valid; both replicas start at once, so try each. B's
        // admin token works on A too: the signing keys are published in the store.
        var setupError: (any Error)?
        for codeFile in [second, first].map({ $0 + "/setup-code" }) where b.adminToken == nil {
            do {
                try await b.setUpAdmin(home: second + "-admin", codeFile: codeFile)
            } catch {
                setupError = error
            }
        }
        defer { try? FileManager.default.removeItem(atPath: second + "-admin") }
        if b.adminToken == nil { throw setupError ?? TestSupportFailure("no setup code") }
        try await a.waitUntilAccepted(token: b.adminToken)
        let clientA = try a.makeClient(token: b.adminToken)
        let clientB = try b.makeClient(token: nil)

        // Same cluster.
        let (_, _, infoA) = try await clientA.send(.GET, "/v1/cluster")
        let (_, _, infoB) = try await clientB.send(.GET, "/v1/cluster")
        let clusterA = try JSONDecoder().decode(JSONValue.self, from: infoA)["clusterId"]
        #expect(clusterA != nil)
        #expect(clusterA == (try JSONDecoder().decode(JSONValue.self, from: infoB)["clusterId"]))

        // A watch on B hears a write on A.
        let (_, _, listData) = try await clientB.send(.GET, "/v1/namespaces")
        let start = try JSONDecoder().decode(JSONValue.self, from: listData)["revision"]?.int64Value ?? 0
        let heard = Task {
            var names: [String] = []
            struct Done: Error {}
            do {
                try await clientB.events("/v1/namespaces?watch=true&revision=\(start)") { event in
                    if event.event == "ADDED", let object = try? JSONDecoder().decode(JSONValue.self, from: Data(event.data.utf8)) {
                        names.append(object["object"]?["name"]?.stringValue ?? "")
                        if names.count == 1 { throw Done() }
                    }
                }
            } catch is Done {}
            return names
        }
        _ = try await clientA.send(.POST, "/v1/namespaces", body: Data(#"{"name":"from-a"}"#.utf8))
        let names = try await withThrowingTaskGroup(of: [String].self) { group in
            group.addTask { try await heard.value }
            group.addTask {
                try await Task.sleep(for: .seconds(10))
                heard.cancel()
                throw TestSupportFailure("replica B's watch did not hear replica A's write")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
        #expect(names == ["from-a"])

        // One replica runs the namespace controller; kill whichever holds it, the other takes over.
        let holderIsA = a.log.contains("controller started")
        let (survivor, victim) = holderIsA ? (clientB, a) : (clientA, b)
        #expect(holderIsA != b.log.contains("controller started"), "exactly one replica runs the controller")
        victim.kill(SIGKILL)
        _ = await victim.waitForExit()
        // A change of spec (version 2) is reconciled by the survivor once the lease (15 s) expires.
        _ = try await survivor.send(
            .PATCH, "/v1/namespaces/from-a", body: Data(#"{"spec":{"description":"after failover"}}"#.utf8),
            contentType: "application/merge-patch+json")
        try await Self.waitForObservedVersion(survivor, "from-a", 2, timeout: .seconds(40))
        (holderIsA ? b : a).kill(SIGTERM)
        _ = await (holderIsA ? b : a).waitForExit()
    }
}
