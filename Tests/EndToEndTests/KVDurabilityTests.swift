import Foundation
import HearthClient
import HearthCore
import HearthTestSupport
import Synchronization
import Testing

/// Issue 6's crash test: the real server under a load of concurrent KV PUTs over HTTPS is killed
/// with SIGKILL, restarted on the same data, and must hold every write it acknowledged. Part of
/// the serialized suite.
extension EndToEndTests {
    /// What the writers saw, per key (each writer owns its keys, and has one request in flight).
    final class KVWriteLog: Sendable {
        struct Write: Sendable {
            var value: String
            var version: Int64?
        }

        struct Key: Sendable {
            /// The last write answered 200, with the version it answered.
            var acknowledged: Write?
            /// A write sent but never answered (the server died under it): it may or may not be there.
            var inFlight: String?
        }

        let keys = Mutex<[String: Key]>([:])

        func sending(_ key: String, _ value: String) {
            keys.withLock { $0[key, default: Key()].inFlight = value }
        }

        func acknowledged(_ key: String, _ value: String, version: Int64) {
            keys.withLock { $0[key, default: Key()] = Key(acknowledged: Write(value: value, version: version), inFlight: nil) }
            acknowledgedWrites.add(1, ordering: .relaxed)
        }

        /// How many writes were acknowledged in all.
        let acknowledgedWrites = Atomic<Int>(0)
    }

    @Test("every acknowledged KV write survives SIGKILL during 8 concurrent writers", arguments: Backend.enabled)
    func hearthKVDurability(backend: Backend) async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        defer { try? FileManager.default.removeItem(atPath: directory + "-admin") }
        let database = backend == .postgres ? try await TestPostgres.createDatabase() : nil
        let server = ServerProcess(dataDirectory: directory, database: database)
        try await server.start()
        try await server.setUpAdmin(home: directory + "-admin")
        // HTTPS with the cluster's CA from DATA_DIR/ca.pem and the admin's access token.
        let client = try server.makeClient(token: nil)
        _ = try await client.send(.POST, "/v1/namespaces", body: Data(#"{"name":"load"}"#.utf8))

        let log = KVWriteLog()
        let padding = String(repeating: "x", count: 100)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    var i = 0
                    while true {
                        // 16 keys per writer, each written over and over: versions climb.
                        let key = "load/w\(writer)/k\(i % 16)"
                        let value = "w\(writer)-\(i)-\(padding)"
                        log.sending(key, value)
                        do {
                            let (status, _, data) = try await client.send(
                                .PUT, "/v1/namespaces/load/kv/\(key)", body: Data(value.utf8), contentType: "application/octet-stream",
                                timeout: .seconds(10))
                            guard status == 200, let version = try JSONDecoder().decode(JSONValue.self, from: data)["version"]?.int64Value else {
                                return
                            }
                            log.acknowledged(key, value, version: version)
                        } catch {
                            return  // the server is gone
                        }
                        i += 1
                    }
                }
            }
            group.addTask {
                // Kill once the load is under way (at least a second, and some writes answered).
                let start = ContinuousClock.now
                try await Task.sleep(for: .milliseconds(1500))
                while log.acknowledgedWrites.load(ordering: .relaxed) < 200, ContinuousClock.now - start < .seconds(20) {
                    try await Task.sleep(for: .milliseconds(100))
                }
                server.kill(SIGKILL)
            }
            try await group.waitForAll()
        }
        _ = await server.waitForExit()
        let acknowledged = log.acknowledgedWrites.load(ordering: .relaxed)
        #expect(acknowledged >= 200, "only \(acknowledged) writes were acknowledged before the kill")

        let restarted = ServerProcess(dataDirectory: directory, database: database)
        try await restarted.start()
        try await restarted.waitUntilAccepted(token: server.adminToken)
        let reader = try restarted.makeClient(token: server.adminToken)
        let (_, _, data) = try await reader.send(.GET, "/v1/namespaces/load/kv/load/?recurse")
        var stored: [String: (value: String, version: Int64)] = [:]
        for entry in try JSONDecoder().decode(JSONValue.self, from: data).arrayValue ?? [] {
            guard let key = entry["key"]?.stringValue, let version = entry["version"]?.int64Value,
                let bytes = entry["value"]?.stringValue.flatMap({ Data(base64Encoded: $0) })
            else { continue }
            stored[key] = (String(decoding: bytes, as: UTF8.self), version)
        }

        var lost: [String] = []
        var checked = 0
        for (key, written) in log.keys.withLock({ $0 }) {
            let found = stored[key]
            if let acknowledged = written.acknowledged, let version = acknowledged.version {
                checked += 1
                // The acknowledged write, or the one in flight at the kill on top of it.
                let kept = found.map { $0.version == version && $0.value == acknowledged.value } ?? false
                let newer = found.map { $0.version == version + 1 && $0.value == written.inFlight } ?? false
                if !kept && !newer { lost.append("\(key): acknowledged v\(version) \(acknowledged.value.prefix(12)), found \(found.map { "v\($0.version) \($0.value.prefix(12))" } ?? "nothing")") }
            } else if let found {
                // Never acknowledged: only the write in flight may be there.
                if !(found.version == 1 && found.value == written.inFlight) { lost.append("\(key): never acknowledged, found v\(found.version)") }
            }
        }
        #expect(checked > 0)
        #expect(lost.isEmpty, "\(lost.count) of \(checked) keys lost acknowledged writes, e.g. \(lost.prefix(5))")
        restarted.kill(SIGKILL)
        _ = await restarted.waitForExit()
    }
}
