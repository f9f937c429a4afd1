import Foundation
import HearthClient
import HearthCore
import HearthTestSupport
import Testing

/// Secrets through the real binary: `hearth secret put` (from --value, a file and stdin, text and
/// binary), `get` (the value alone on stdout, byte for byte), `list`, `versions`, `delete` (soft,
/// undelete, destroy), a viewer refused the value, and `hearth admin rotate-master-key` with reads
/// before and after. The value never reaches the server's log. Part of the serialized suite.
extension EndToEndTests {
    @Test("hearth secret: put, get, list, versions, delete, undelete, destroy; hearth admin rotate-master-key")
    func hearthSecretCLI() async throws {
        let directory = Self.temporaryDirectory()
        defer {
            for suffix in ["", "-admin", "-viewer", "-files"] { try? FileManager.default.removeItem(atPath: directory + suffix) }
        }
        let server = ServerProcess(dataDirectory: directory, database: nil, extraArguments: ["--secret-versions", "3"])
        try await server.start()
        let env = try await server.setUpAdmin(home: directory + "-admin")
        func hearth(_ arguments: String..., stdin: String? = nil) async throws -> CLI.Result {
            try await CLI.run(arguments, environment: env, stdin: stdin)
        }
        let sentinel = "cli-sentinel-\(UUID().uuidString)"
        #expect(try await hearth("ns", "create", "shop").status == 0)

        let put = try await hearth("secret", "put", "db-password", "-n", "shop", "--value", sentinel)
        #expect(put.status == 0, "\(put.stderr)")
        #expect(put.stdout == "secret/shop/db-password version 1 written\n", "\(put.stdout)")
        // From stdin, as it is (a trailing newline is part of the value).
        #expect(try await hearth("secret", "put", "db-password", "-n", "shop", stdin: "\(sentinel)-2\n").status == 0)
        let latest = try await hearth("secret", "get", "db-password", "-n", "shop")
        #expect(latest.status == 0 && latest.stdout == "\(sentinel)-2\n", "\(latest.stdout) \(latest.stderr)")
        #expect(try await hearth("secret", "get", "db-password", "-n", "shop", "--version", "1").stdout == sentinel)
        // Binary, from a file: back byte for byte.
        try FileManager.default.createDirectory(atPath: directory + "-files", withIntermediateDirectories: true)
        let bytes = Data([0x00, 0xff, 0x10, 0x80, 0x7f])
        FileManager.default.createFile(atPath: directory + "-files/key.bin", contents: bytes)
        #expect(try await hearth("secret", "put", "session-key", "-n", "shop", "--from-file", directory + "-files/key.bin").status == 0)
        let binary = try await hearth("secret", "get", "session-key", "-n", "shop", "-o", "json")
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(binary.stdout.utf8))["valueBase64"]?.stringValue == bytes.base64EncodedString())
        // cas
        let stale = try await hearth("secret", "put", "db-password", "-n", "shop", "--value", "x", "--cas", "1")
        #expect(stale.status != 0 && stale.stderr.contains("version 2, not 1"), "\(stale.stderr)")

        let list = try await hearth("secret", "list", "-n", "shop")
        #expect(list.status == 0)
        #expect(list.stdout.contains("db-password") && list.stdout.contains("session-key"), "\(list.stdout)")
        #expect(!list.stdout.contains(sentinel))
        let versions = try await hearth("secret", "versions", "db-password", "-n", "shop")
        #expect(versions.stdout.split(separator: "\n").count == 3, "\(versions.stdout)")
        #expect(!versions.stdout.contains(sentinel))

        // Soft delete, the error on stderr and a non-zero exit, undelete, destroy.
        #expect(try await hearth("secret", "delete", "db-password", "-n", "shop").status == 0)
        let deleted = try await hearth("secret", "get", "db-password", "-n", "shop")
        #expect(deleted.status != 0 && deleted.stdout.isEmpty && deleted.stderr.contains("deleted"), "\(deleted.stderr)")
        #expect(try await hearth("secret", "delete", "db-password", "-n", "shop", "--undelete", "--versions", "2").status == 0)
        #expect(try await hearth("secret", "get", "db-password", "-n", "shop").status == 0)
        #expect(try await hearth("secret", "delete", "db-password", "-n", "shop", "--versions", "1", "--destroy").status == 0)
        let destroyed = try await hearth("secret", "get", "db-password", "-n", "shop", "--version", "1")
        #expect(destroyed.status != 0 && destroyed.stderr.contains("destroyed"), "\(destroyed.stderr)")

        // A viewer lists but does not read values.
        let created = try await CLI.run(["user", "create", "vic", "--password-stdin"], environment: env, stdin: "a long enough password\na long enough password\n")
        #expect(created.status == 0, "\(created.stderr)")
        #expect(try await hearth("ns", "add-member", "shop", "user:vic", "--role", "viewer").status == 0)
        let viewer = server.cliEnvironment(home: directory + "-viewer")
        let login = try await CLI.run(["login", "--username", "vic", "--password-stdin"], environment: viewer, stdin: "a long enough password\n")
        #expect(login.status == 0, "\(login.stderr)")
        #expect(try await CLI.run(["secret", "list", "-n", "shop"], environment: viewer).status == 0)
        let refused = try await CLI.run(["secret", "get", "db-password", "-n", "shop"], environment: viewer)
        #expect(refused.status != 0 && refused.stdout.isEmpty, "\(refused.stdout)")

        // Rotation: reads before and after; the old key is retired.
        let before = try JSONDecoder().decode(JSONValue.self, from: Data(try await hearth("admin", "master-key", "-o", "json").stdout.utf8))
        let oldKey = try #require(before["current"]?.stringValue)
        let rotated = try await hearth("admin", "rotate-master-key")
        #expect(rotated.status == 0 && rotated.stdout.contains("master key rotated"), "\(rotated.stdout) \(rotated.stderr)")
        var keys: [String] = []
        for _ in 0..<100 {
            let status = try JSONDecoder().decode(JSONValue.self, from: Data(try await hearth("admin", "master-key", "-o", "json").stdout.utf8))
            keys = status["keys"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            if keys.count == 1 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(keys.count == 1 && keys.first != oldKey, "\(keys)")
        #expect(try await hearth("secret", "get", "db-password", "-n", "shop").stdout == "\(sentinel)-2\n")
        #expect(try await hearth("secret", "delete", "session-key", "-n", "shop", "--destroy").status == 0)
        #expect(try await hearth("secret", "get", "session-key", "-n", "shop").status != 0)
        #expect(try await CLI.run(["secret", "--help"]).stdout.contains("hearth secret put"))

        server.kill(SIGTERM)
        #expect(await server.waitForExit() == 0)
        // Nothing of the value in what the server printed.
        #expect(!server.log.contains(sentinel))
        // And the server starts again on its rotated key (the CA and server keys were rewrapped).
        let again = ServerProcess(dataDirectory: directory, database: nil)
        try await again.start()
        let againEnv = again.cliEnvironment(home: directory + "-admin")
        let relogin = try await CLI.run(["login", "--username", "admin", "--password-stdin"], environment: againEnv, stdin: ServerProcess.adminPassword + "\n")
        #expect(relogin.status == 0, "\(relogin.stderr)")
        let reread = try await CLI.run(["secret", "get", "db-password", "-n", "shop"], environment: againEnv)
        #expect(reread.stdout == "\(sentinel)-2\n", "\(reread.stderr)")
        again.kill(SIGTERM)
        #expect(await again.waitForExit() == 0)
    }
}
