import Foundation
import HearthClient
import HearthCore
import HearthTestSupport
import Testing

/// Identity and access through the real binary, as people use it: the first admin, a second user
/// in a HOME of their own, namespace membership, a service account's API key, silent refresh,
/// logout and the audit trail. Part of the serialized end-to-end suite (see ReplicaTests).
extension EndToEndTests {
    static let alicePassword = "wonderland 12345"

    @Test("identity through the CLI: setup, login, access by namespace membership, API keys, refresh, logout, audit")
    func identity() async throws {
        let directory = Self.temporaryDirectory()
        let homes = ["-admin", "-alice", "-robot"].map { directory + $0 }
        defer {
            try? FileManager.default.removeItem(atPath: directory)
            for home in homes { try? FileManager.default.removeItem(atPath: home) }
        }
        let server = ServerProcess(dataDirectory: directory, database: nil)
        try await server.start()
        let setupCode = try String(contentsOfFile: directory + "/setup-code", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        // Before setup, nothing but the anonymous routes answers.
        let early = try await CLI.run(["get", "namespaces"], environment: server.cliEnvironment(home: homes[0]))
        #expect(early.status != 0)
        #expect(early.stderr.contains("run `hearth login`"), "\(early.stderr)")

        // The first admin, and its stored login (0600 in a 0700 directory).
        let admin = try await server.setUpAdmin(home: homes[0])
        let configDirectory = homes[0] + "/.config/hearth"
        let fileMode = try FileManager.default.attributesOfItem(atPath: configDirectory + "/credentials.json")[.posixPermissions] as? Int
        let directoryMode = try FileManager.default.attributesOfItem(atPath: configDirectory)[.posixPermissions] as? Int
        #expect(fileMode == 0o600)
        #expect(directoryMode == 0o700)
        let whoami = try await CLI.run(["whoami", "-o", "json"], environment: admin)
        #expect(whoami.status == 0, "\(whoami.stderr)")
        let me = try JSONDecoder().decode(JSONValue.self, from: Data(whoami.stdout.utf8))
        #expect(me["subject"] == "user:admin")
        #expect(me["clusterAdmin"] == true)
        // Later commands go to the server of the setup without being told (it listens on a port of
        // its own, not the default 7443).
        var remembered = admin
        remembered["HEARTH_SERVER"] = nil
        let unnamed = try await CLI.run(["whoami", "-o", "json"], environment: remembered)
        #expect(unnamed.status == 0, "\(unnamed.stderr)")
        #expect(unnamed.stdout.contains("user:admin"))
        #expect(try String(contentsOfFile: configDirectory + "/current-server", encoding: .utf8).contains(server.url.lowercased()))

        // Setup happens once: the code file is gone, and the old code is refused.
        let again = try await CLI.run(
            ["setup", "--code-file", directory + "/setup-code", "--username", "admin2", "--password-stdin"], environment: admin,
            stdin: ServerProcess.adminPassword + "\n")
        #expect(again.status != 0)
        #expect(again.stderr.contains("no setup code"), "\(again.stderr)")
        let reused = try await CLI.run(
            ["setup", "--code", setupCode, "--username", "admin2", "--password-stdin"], environment: admin, stdin: ServerProcess.adminPassword + "\n")
        #expect(reused.status != 0)
        #expect(reused.stderr.contains("setup has already been done"), "\(reused.stderr)")

        // A second user, logged in from a HOME of their own.
        let created = try await CLI.run(["user", "create", "alice", "--display-name", "Alice", "--password-stdin"], environment: admin, stdin: Self.alicePassword + "\n")
        #expect(created.status == 0, "\(created.stderr)")
        let users = try await CLI.run(["user", "list"], environment: admin)
        #expect(users.stdout.contains("alice"))
        #expect(try await CLI.run(["ns", "create", "team"], environment: admin).status == 0)
        #expect(try await CLI.run(["sa", "create", "robot", "-n", "team"], environment: admin).status == 0)
        let alice = server.cliEnvironment(home: homes[1])
        let login = try await CLI.run(["login", "--username", "alice", "--password-stdin"], environment: alice, stdin: Self.alicePassword + "\n")
        #expect(login.status == 0, "\(login.stderr)")
        let aliceWhoami = try await CLI.run(["whoami"], environment: alice)
        #expect(aliceWhoami.stdout.contains("user:alice"))
        #expect(aliceWhoami.stdout.contains("Cluster admin:    no"))
        let badLogin = try await CLI.run(["login", "--username", "alice", "--password-stdin"], environment: server.cliEnvironment(home: homes[2]), stdin: "wrong password 1\n")
        #expect(badLogin.status != 0)
        #expect(badLogin.stderr.contains("invalid username or password"), "\(badLogin.stderr)")

        // Alice cannot see the namespace, so to her it does not exist.
        let worker = "type: serviceaccounts\nname: worker\nnamespace: team\n"
        let refused = try await CLI.run(["apply", "-f", "-"], environment: alice, stdin: worker)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("namespace 'team' not found"), "\(refused.stderr)")
        let hidden = try await CLI.run(["ns", "list"], environment: alice)
        #expect(!hidden.stdout.contains("team"))

        // Made an editor there, she can write in it.
        let added = try await CLI.run(["ns", "add-member", "team", "alice"], environment: admin)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("user:alice is now editor of namespace/team"))
        let shown = try await CLI.run(["ns", "show", "team", "-o", "json"], environment: admin)
        let namespace = try JSONDecoder().decode(JSONValue.self, from: Data(shown.stdout.utf8))
        #expect(namespace["spec"]?["editors"] == ["user:alice"])
        #expect(namespace["spec"]?["owners"] == ["user:admin"])
        let applied = try await CLI.run(["apply", "-f", "-"], environment: alice, stdin: worker)
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stdout.contains("serviceaccounts/worker created"))
        let visible = try await CLI.run(["ns", "list"], environment: alice)
        #expect(visible.stdout.contains("team"))

        // A group and a role binding reach her too: a role that reads service accounts in 'other'.
        #expect(try await CLI.run(["ns", "create", "other"], environment: admin).status == 0)
        #expect(try await CLI.run(["group", "create", "ops", "--member", "alice"], environment: admin).status == 0)
        let role = try await CLI.run(["role", "create", "sa-reader", "--rule", "verbs=get,list;resources=serviceaccounts"], environment: admin)
        #expect(role.status == 0, "\(role.stderr)")
        let binding = try await CLI.run(["rolebinding", "create", "ops-read", "--role", "sa-reader", "--subject", "group:ops", "-n", "other"], environment: admin)
        #expect(binding.status == 0, "\(binding.stderr)")
        let viaGroup = try await CLI.run(["get", "serviceaccounts", "-n", "other"], environment: alice)
        #expect(viaGroup.status == 0, "\(viaGroup.stderr)")
        let groups = try await CLI.run(["whoami", "-o", "json"], environment: alice)
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(groups.stdout.utf8))["groups"] == ["ops"])

        // A service account's API key, used as HEARTH_TOKEN with no login at all.
        #expect(try await CLI.run(["ns", "add-member", "team", "serviceaccount:team/robot", "--role", "viewer"], environment: admin).status == 0)
        let key = try await CLI.run(["apikey", "create", "--sa", "team/robot", "--name", "ci", "--expires-in", "24h"], environment: admin)
        #expect(key.status == 0, "\(key.stderr)")
        let apiKey = key.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(apiKey.hasPrefix("hth_"))
        #expect(key.stderr.contains("not shown again"))
        var robot = server.cliEnvironment(home: homes[2])
        robot["HEARTH_TOKEN"] = apiKey
        let robotGet = try await CLI.run(["get", "serviceaccounts", "-n", "team"], environment: robot)
        #expect(robotGet.status == 0, "\(robotGet.stderr)")
        #expect(robotGet.stdout.contains("worker"))
        let robotWhoami = try await CLI.run(["whoami"], environment: robot)
        #expect(robotWhoami.stdout.contains("serviceaccount:team/robot"))
        let robotWrite = try await CLI.run(["sa", "create", "intruder", "-n", "team"], environment: robot)
        #expect(robotWrite.status != 0)
        #expect(robotWrite.stderr.contains("403"), "\(robotWrite.stderr)")
        let keys = try await CLI.run(["apikey", "list", "--sa", "team/robot", "-o", "json"], environment: admin)
        let keyID = try #require(try JSONDecoder().decode(JSONValue.self, from: Data(keys.stdout.utf8))["items"]?.arrayValue?.first?["id"]?.stringValue)
        #expect(apiKey.hasPrefix("hth_\(keyID)_"))
        #expect(try await CLI.run(["apikey", "revoke", keyID], environment: admin).status == 0)
        let revoked = try await CLI.run(["get", "serviceaccounts", "-n", "team"], environment: robot)
        #expect(revoked.status != 0)
        #expect(revoked.stderr.contains("HEARTH_TOKEN was not accepted"), "\(revoked.stderr)")

        // Silent refresh: an access token about to expire, then one the server refuses.
        let store = CredentialStore(directory: homes[1] + "/.config/hearth")
        var entry = try #require(store.entry(for: server.url))
        entry.expiresAt = "2000-01-01T00:00:00.000Z"
        try store.save(entry, for: server.url)
        let renewed = try await CLI.run(["get", "serviceaccounts", "-n", "team"], environment: alice)
        #expect(renewed.status == 0, "\(renewed.stderr)")
        let afterRefresh = try #require(store.entry(for: server.url))
        #expect(afterRefresh.accessToken != entry.accessToken)
        #expect(afterRefresh.refreshToken != entry.refreshToken)
        var broken = afterRefresh
        broken.accessToken = "not-a-token"
        try store.save(broken, for: server.url)
        let retried = try await CLI.run(["whoami"], environment: alice)
        #expect(retried.status == 0, "\(retried.stderr)")
        #expect(retried.stdout.contains("user:alice"))

        // Two processes that find the token about to expire at once: one refreshes under the
        // store's lock, the other takes its tokens (presenting the spent refresh token again
        // would make the server revoke the session).
        var expiring = try #require(store.entry(for: server.url))
        expiring.expiresAt = "2000-01-01T00:00:00.000Z"
        try store.save(expiring, for: server.url)
        // xargs -P, not `&` and `wait`: sh's wait relies on SIGCHLD, which this test's children
        // may not get.
        let together = try await CLI.shell(#"printf '1\n2\n' | xargs -P 2 -I % "$HEARTH" whoami -o json"#, environment: alice)
        #expect(together.status == 0, "\(together.stderr)")
        #expect(together.stdout.components(separatedBy: "user:alice").count == 3, "\(together.stdout)")
        let afterBoth = try await CLI.run(["whoami"], environment: alice)
        #expect(afterBoth.status == 0, "the session survived two refreshing processes: \(afterBoth.stderr)")
        #expect(store.entry(for: server.url)?.refreshToken != expiring.refreshToken)

        // Her own password: the current one, then the new one; she is logged in again after.
        let passwd = try await CLI.run(["user", "passwd", "--password-stdin"], environment: alice, stdin: Self.alicePassword + "\nlooking glass 678\n")
        #expect(passwd.status == 0, "\(passwd.stderr)")
        #expect(passwd.stdout.contains("Logged in again"))
        #expect(try await CLI.run(["whoami"], environment: alice).status == 0)

        // Logged out, she is told what to do.
        let logout = try await CLI.run(["logout"], environment: alice)
        #expect(logout.status == 0, "\(logout.stderr)")
        #expect(store.entry(for: server.url) == nil)
        let afterLogout = try await CLI.run(["get", "serviceaccounts", "-n", "team"], environment: alice)
        #expect(afterLogout.status != 0)
        #expect(afterLogout.stderr.contains("run `hearth login`"), "\(afterLogout.stderr)")

        // The audit trail has her refusal, and the admin's writes.
        let audit = try await CLI.run(["audit", "--decision", "denied", "--principal", "alice", "-o", "json"], environment: admin)
        #expect(audit.status == 0, "\(audit.stderr)")
        let denied = try JSONDecoder().decode(JSONValue.self, from: Data(audit.stdout.utf8))["items"]?.arrayValue ?? []
        #expect(denied.contains { $0["namespace"] == "team" && $0["resource"] == "serviceaccounts" && $0["name"] == "worker" && $0["status"] == 404 })
        #expect(denied.allSatisfy { $0["decision"] == "denied" && $0["principal"] == "user:alice" })
        let table = try await CLI.run(["audit", "--decision", "denied"], environment: admin)
        #expect(table.stdout.contains("user:alice"))
        #expect(table.stdout.contains("team/worker"))
        let writes = try await CLI.run(["audit", "--principal", "admin", "--verb", "create", "--resource", "namespaces"], environment: admin)
        #expect(writes.stdout.contains("team"))
        #expect(writes.stdout.contains("other"))
        // Alice may not read the trail.
        let login2 = try await CLI.run(["login", "--username", "alice", "--password-stdin"], environment: alice, stdin: "looking glass 678\n")
        #expect(login2.status == 0, "\(login2.stderr)")
        let forbidden = try await CLI.run(["audit"], environment: alice)
        #expect(forbidden.status != 0)

        server.kill(SIGTERM)
        #expect(await server.waitForExit() == 0)
    }
}
