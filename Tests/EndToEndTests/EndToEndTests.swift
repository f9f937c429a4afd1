import Foundation
import HearthClient
import HearthCore
import HearthTestSupport
import Testing

@Suite("End to end, on the real binary", .serialized)
struct EndToEndTests {
    static func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("hearth-e2e-\(UUID().uuidString)").path
    }

    @Test("the CLI applies, gets, watches and deletes; bad input fails clearly")
    func cli() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        defer { for home in ["-home", "-home2"] { try? FileManager.default.removeItem(atPath: directory + home) } }
        let server = ServerProcess(dataDirectory: directory, database: nil)
        try await server.start()
        let env = try await server.setUpAdmin(home: directory + "-home")

        let version = try await CLI.run(["version"], environment: env)
        #expect(version.status == 0, "\(version.stderr)")
        #expect(version.stdout.contains("server: 0.1.0"))

        let types = try await CLI.run(["api-resources"], environment: env)
        #expect(types.stdout.contains("namespaces"))

        let manifest = """
            type: namespaces
            name: demo
            labels: {team: web}
            spec:
              description: Demo apps
            ---
            type: namespaces
            name: other
            """
        let applied = try await CLI.run(["apply", "-f", "-"], environment: env, stdin: manifest)
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stdout.contains("namespaces/demo created"))
        let again = try await CLI.run(["apply", "-f", "-"], environment: env, stdin: manifest)
        #expect(again.stdout.contains("namespaces/demo applied"))

        let table = try await CLI.run(["get", "namespaces"], environment: env)
        #expect(table.stdout.contains("NAME"))
        #expect(table.stdout.contains("demo"))
        let json = try await CLI.run(["get", "namespaces", "demo", "-o", "json"], environment: env)
        let object = try JSONDecoder().decode(JSONValue.self, from: Data(json.stdout.utf8))
        #expect(object["labels"]?["team"] == "web")
        let yaml = try await CLI.run(["get", "namespaces", "-l", "team=web", "-o", "yaml"], environment: env)
        #expect(yaml.stdout.contains("name: demo"))
        #expect(!yaml.stdout.contains("name: other"))

        let bad = try await CLI.run(["apply", "-f", "-"], environment: env, stdin: "type: namespaces\nname: Bad_Name\nspec: {colour: 1}\n")
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("name"))
        #expect(bad.stderr.contains("422"))
        // JSON is held to RFC 8259 before anything is sent; a JSON array applies each object.
        let comma = try await CLI.run(["apply", "-f", "-"], environment: env, stdin: #"{"type": "namespaces", "name": "comma", "labels": {"a": "b",}}"#)
        #expect(comma.status != 0)
        #expect(comma.stderr.contains("not valid JSON"), "\(comma.stderr)")
        #expect(try await CLI.run(["get", "namespaces", "comma"], environment: env).status != 0)
        let list = try await CLI.run(
            ["apply", "-f", "-"], environment: env, stdin: #"[{"type": "namespaces", "name": "json-a"}, {"type": "namespaces", "name": "json-b"}]"#)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("namespaces/json-a created") && list.stdout.contains("namespaces/json-b created"))
        let missing = try await CLI.run(["get", "namespaces", "nope"], environment: env)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("not found"))
        let unknown = try await CLI.run(["get", "gizmos"], environment: env)
        #expect(unknown.status != 0)

        let deleted = try await CLI.run(["delete", "namespaces", "other"], environment: env)
        #expect(deleted.status == 0)
        #expect(deleted.stdout.contains("namespaces/other deleted"))

        // Without --ca and without a terminal, the CLI refuses to trust an unknown server.
        let untrusted = try await CLI.run(["get", "namespaces"], environment: ["HEARTH_SERVER": server.url, "HOME": directory + "-home2"])
        #expect(untrusted.status != 0)
        #expect(untrusted.stderr.contains("fingerprint"))
        // With the fingerprint the server printed, it pins the CA (here while logging in) and
        // works from then on.
        let fingerprint = try #require(server.log.split(separator: "\n").first { $0.contains("CA fingerprint:") }?.split(separator: " ").last)
        let pinned = try await CLI.run(
            ["login", "--username", "admin", "--password-stdin"],
            environment: ["HEARTH_SERVER": server.url, "HOME": directory + "-home2", "HEARTH_CA_FINGERPRINT": String(fingerprint)],
            stdin: ServerProcess.adminPassword + "\n")
        #expect(pinned.status == 0, "\(pinned.stderr)")
        #expect(pinned.stderr.contains("Pinned \(fingerprint)"))
        let remembered = try await CLI.run(["get", "namespaces"], environment: ["HEARTH_SERVER": server.url, "HOME": directory + "-home2"])
        #expect(remembered.status == 0, "\(remembered.stderr)")

        server.kill(SIGTERM)
        #expect(await server.waitForExit() == 0)
    }

    @Test("plain HTTP is refused beyond loopback; bad server flags fail clearly")
    func serverFlags() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try await CLI.run(["server", "--data-dir", directory, "--listen", "0.0.0.0:0", "--plain-http"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("loopback"))
        let badFlag = try await CLI.run(["server", "--data-dir", directory, "--change-retention", "soon"])
        #expect(badFlag.status != 0)
        #expect(badFlag.stderr.contains("duration"))
    }

    @Test("every acknowledged write survives SIGKILL during 32 concurrent writers", arguments: Backend.enabled)
    func killDuringWrites(backend: Backend) async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        defer { try? FileManager.default.removeItem(atPath: directory + "-admin") }
        let database = backend == .postgres ? try await TestPostgres.createDatabase() : nil
        let server = ServerProcess(dataDirectory: directory, database: database)
        try await server.start()
        try await server.setUpAdmin(home: directory + "-admin")
        let client = try server.makeClient(token: nil)
        _ = try await client.send(.POST, "/v1/namespaces", body: Data(#"{"name":"base"}"#.utf8))

        let acknowledged = OutputBuffer()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<32 {
                group.addTask {
                    var i = 0
                    while true {
                        let name = "w\(writer)-\(i)"
                        do {
                            let (status, _, _) = try await client.send(.POST, "/v1/namespaces", body: Data(#"{"name":"\#(name)"}"#.utf8), timeout: .seconds(5))
                            if status == 201 { acknowledged.append(Data((name + "\n").utf8)) }
                        } catch {
                            return  // the server is gone
                        }
                        i += 1
                    }
                }
            }
            group.addTask {
                try await Task.sleep(for: .seconds(3))
                server.kill(SIGKILL)
            }
            try await group.waitForAll()
        }
        _ = await server.waitForExit()
        let names = acknowledged.text.split(separator: "\n").map(String.init)
        #expect(names.count > 100, "only \(names.count) writes were acknowledged before the kill")

        // The admin's token outlives the restart: sessions and signing keys are in the store.
        let restarted = ServerProcess(dataDirectory: directory, database: database)
        try await restarted.start()
        try await restarted.waitUntilAccepted(token: server.adminToken)
        let reader = try restarted.makeClient(token: server.adminToken)
        var stored = Set<String>()
        var token: String?
        repeat {
            let (_, _, data) = try await reader.send(.GET, "/v1/namespaces?limit=5000" + (token.map { "&continue=\($0)" } ?? ""))
            let page = try JSONDecoder().decode(JSONValue.self, from: data)
            for item in page["items"]?.arrayValue ?? [] { if let name = item["name"]?.stringValue { stored.insert(name) } }
            token = page["continue"]?.stringValue
        } while token != nil
        let lost = names.filter { !stored.contains($0) }
        #expect(lost.isEmpty, "\(lost.count) acknowledged writes lost, e.g. \(lost.prefix(5))")
        restarted.kill(SIGTERM)
        #expect(await restarted.waitForExit() == 0)
    }

    @Test("SIGTERM ends open watches and shuts down cleanly")
    func gracefulShutdown() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        defer { try? FileManager.default.removeItem(atPath: directory + "-admin") }
        let server = ServerProcess(dataDirectory: directory, database: nil)
        try await server.start()
        try await server.setUpAdmin(home: directory + "-admin")
        let client = try server.makeClient(token: nil)
        let watch = Task {
            try await client.events("/v1/namespaces?watch=true") { _ in }
        }
        try await Task.sleep(for: .milliseconds(300))
        _ = try await client.send(.POST, "/v1/namespaces", body: Data(#"{"name":"before-stop"}"#.utf8))
        server.kill(SIGTERM)
        let status = await server.waitForExit(timeout: .seconds(15))
        #expect(status == 0, "\(server.log)")
        _ = try? await watch.value
        // The write acknowledged before the signal is there after a restart.
        let restarted = ServerProcess(dataDirectory: directory, database: nil)
        try await restarted.start()
        try await restarted.waitUntilAccepted(token: server.adminToken)
        let reader = try restarted.makeClient(token: server.adminToken)
        let (code, _, _) = try await reader.send(.GET, "/v1/namespaces/before-stop")
        #expect(code == 200)
        restarted.kill(SIGTERM)
        _ = await restarted.waitForExit()
    }
}
