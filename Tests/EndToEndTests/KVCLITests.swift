import Foundation
import HearthClient
import HearthCore
import HearthTestSupport
import Testing

/// The key-value store through the real binary: `hearth kv put|get|list|delete` round trips,
/// compare-and-set conflicts, `get --wait` timing out with exit code 2 and nothing on stdout,
/// scoped tokens used as HEARTH_TOKEN inside and outside their prefix, `--help` everywhere; then
/// Goterra's scenario (workers blocked in `get --wait` until the master puts the token, released
/// by a put from another process) and `kv watch`. Part of the serialized suite.
extension EndToEndTests {
    static let kvHelpCommands: [[String]] = [
        ["kv"], ["kv", "get"], ["kv", "put"], ["kv", "delete"], ["kv", "list"], ["kv", "watch"], ["kv", "token"],
        ["kv", "token", "create"], ["kv", "token", "list"], ["kv", "token", "renew"], ["kv", "token", "revoke"],
    ]

    @Test("hearth kv: put, get, list, delete; cas conflicts; get --wait times out with exit 2; scoped tokens as HEARTH_TOKEN; --help")
    func hearthKVCLI() async throws {
        let directory = Self.temporaryDirectory()
        defer {
            for suffix in ["", "-admin", "-vm", "-files"] { try? FileManager.default.removeItem(atPath: directory + suffix) }
        }
        let server = ServerProcess(dataDirectory: directory, database: nil)
        try await server.start()
        let env = try await server.setUpAdmin(home: directory + "-admin")
        func hearth(_ arguments: String..., stdin: String? = nil) async throws -> CLI.Result {
            try await CLI.run(arguments, environment: env, stdin: stdin)
        }
        #expect(try await hearth("ns", "create", "demo").status == 0)

        // put prints the new version alone; get prints the value alone, byte for byte.
        let first = try await hearth("kv", "put", "config/db/url", "-n", "demo", "postgres://db:5432/app")
        #expect(first.status == 0 && first.stdout == "1\n", "\(first.stdout) \(first.stderr)")
        let second = try await hearth("kv", "put", "config/db/url", "-n", "demo", "--", "-postgres://db:5432/app2")
        #expect(second.status == 0 && second.stdout == "2\n", "\(second.stdout) \(second.stderr)")
        let value = try await hearth("kv", "get", "config/db/url", "-n", "demo")
        #expect(value.status == 0 && value.stdout == "-postgres://db:5432/app2" && value.stderr.isEmpty, "\(value.stdout) \(value.stderr)")
        // From stdin and from a file, as they are (a trailing newline is part of the value).
        #expect(try await hearth("kv", "put", "config/motd", "-n", "demo", stdin: "hello\nworld\n").stdout == "1\n")
        #expect(try await hearth("kv", "get", "config/motd", "-n", "demo").stdout == "hello\nworld\n")
        try FileManager.default.createDirectory(atPath: directory + "-files", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: directory + "-files/cert.pem", contents: Data("-----BEGIN X-----\nabc\n".utf8))
        #expect(try await hearth("kv", "put", "config/sub/cert.pem", "-n", "demo", "--from-file", directory + "-files/cert.pem").status == 0)
        #expect(try await hearth("kv", "get", "config/sub/cert.pem", "-n", "demo").stdout == "-----BEGIN X-----\nabc\n")
        // -o json: the metadata; --meta -o json likewise.
        let putJSON = try JSONDecoder().decode(
            JSONValue.self, from: Data(try await hearth("kv", "put", "config/replicas", "-n", "demo", "3", "-o", "json").stdout.utf8))
        #expect(putJSON["version"]?.int64Value == 1 && putJSON["key"]?.stringValue == "config/replicas")
        let meta = try JSONDecoder().decode(
            JSONValue.self, from: Data(try await hearth("kv", "get", "config/db/url", "-n", "demo", "--meta", "-o", "json").stdout.utf8))
        #expect(meta["version"]?.int64Value == 2 && meta["size"]?.int64Value == 24, "\(meta)")
        let metaTable = try await hearth("kv", "get", "config/db/url", "-n", "demo", "--meta")
        #expect(metaTable.stdout.contains("version:") && metaTable.stdout.contains("modifyIndex:"), "\(metaTable.stdout)")

        // list: one level, --recurse, json.
        let level = try await hearth("kv", "list", "config/", "-n", "demo")
        #expect(level.status == 0 && level.stdout == "config/db/\nconfig/motd\nconfig/replicas\nconfig/sub/\n", "\(level.stdout) \(level.stderr)")
        let all = try await hearth("kv", "list", "-n", "demo", "--recurse")
        #expect(all.stdout == "config/db/url\nconfig/motd\nconfig/replicas\nconfig/sub/cert.pem\n", "\(all.stdout)")
        let top = try await hearth("kv", "list", "-n", "demo")
        #expect(top.stdout == "config/\n", "\(top.stdout)")
        let listJSON = try JSONDecoder().decode([String].self, from: Data(try await hearth("kv", "list", "config/sub/", "-n", "demo", "-o", "json").stdout.utf8))
        #expect(listJSON == ["config/sub/cert.pem"])

        // Compare-and-set: a stale version fails with the server's reason, nothing on stdout.
        let stale = try await hearth("kv", "put", "config/db/url", "-n", "demo", "x", "--cas", "1")
        #expect(stale.status != 0 && stale.stdout.isEmpty && stale.stderr.contains("version 2, not 1"), "\(stale.stdout) \(stale.stderr)")
        let exists = try await hearth("kv", "put", "config/db/url", "-n", "demo", "x", "--cas", "0")
        #expect(exists.status != 0 && exists.stderr.contains("409"), "\(exists.stderr)")
        #expect(try await hearth("kv", "put", "config/db/url", "-n", "demo", "v3", "--cas", "2").stdout == "3\n")
        #expect(try await hearth("kv", "put", "config/new", "-n", "demo", "n", "--cas", "0").stdout == "1\n")
        #expect(try await hearth("kv", "delete", "config/new", "-n", "demo", "--cas", "7").status != 0)

        // A missing key: 1 without --wait; with --wait, 2 when the wait ends, nothing on stdout.
        let missing = try await hearth("kv", "get", "nowhere", "-n", "demo")
        #expect(missing.status == 1 && missing.stdout.isEmpty && missing.stderr.contains("not found"), "\(missing.status) \(missing.stderr)")
        let started = ContinuousClock.now
        let timedOut = try await hearth("kv", "get", "nowhere", "-n", "demo", "--wait", "1s")
        #expect(timedOut.status == 2, "\(timedOut.status) \(timedOut.stderr)")
        #expect(timedOut.stdout.isEmpty && timedOut.stderr.contains("timed out") && timedOut.stderr.contains("nowhere"), "\(timedOut.stderr)")
        #expect(ContinuousClock.now - started >= .seconds(1))
        // --index: unchanged within the wait is a timeout too; a change after it answers.
        let index = try #require(meta["modifyIndex"]?.int64Value)
        let unchanged = try await hearth("kv", "get", "config/motd", "-n", "demo", "--index", "999999", "--wait", "1s")
        #expect(unchanged.status == 2 && unchanged.stdout.isEmpty && unchanged.stderr.contains("did not change"), "\(unchanged.stderr)")
        let changed = try await hearth("kv", "get", "config/db/url", "-n", "demo", "--index", String(index), "--wait", "5s")
        #expect(changed.status == 0 && changed.stdout == "v3", "\(changed.stdout) \(changed.stderr)")
        // An existing key answers --wait at once.
        #expect(try await hearth("kv", "get", "config/replicas", "-n", "demo", "--wait", "30s").stdout == "3")
        // Bad input is a usage error.
        #expect(try await hearth("kv", "get", "nowhere", "-n", "demo", "--wait", "11m").status == 64)
        #expect(try await hearth("kv", "get", "/bad//key", "-n", "demo").status == 64)

        // Scoped tokens: printed alone; usable as HEARTH_TOKEN with --server and --ca.
        #expect(try await hearth("kv", "put", "deploy/42/join-token", "-n", "demo", "tok-123").status == 0)
        let minted = try await hearth("kv", "token", "create", "-n", "demo", "--prefix", "deploy/42/", "--verbs", "read", "--ttl", "10m", "--description", "workers")
        #expect(minted.status == 0, "\(minted.stderr)")
        let token = minted.stdout.trimmingCharacters(in: .newlines)
        #expect(token.hasPrefix("hkv_") && !token.contains("\n") && minted.stdout == token + "\n", "\(minted.stdout)")
        let vm = ["HOME": directory + "-vm", "HEARTH_TOKEN": token]
        let flags = ["--server", server.url, "--ca", directory + "/ca.pem"]
        let inside = try await CLI.run(["kv", "get", "deploy/42/join-token", "-n", "demo"] + flags, environment: vm)
        #expect(inside.status == 0 && inside.stdout == "tok-123", "\(inside.stdout) \(inside.stderr)")
        let waitInside = try await CLI.run(["kv", "get", "deploy/42/join-token", "-n", "demo", "--wait", "10s"] + flags, environment: vm)
        #expect(waitInside.status == 0 && waitInside.stdout == "tok-123", "\(waitInside.stderr)")
        let outside = try await CLI.run(["kv", "get", "config/db/url", "-n", "demo"] + flags, environment: vm)
        #expect(outside.status != 0 && outside.stdout.isEmpty && outside.stderr.contains("403"), "\(outside.stdout) \(outside.stderr)")
        let write = try await CLI.run(["kv", "put", "deploy/42/join-token", "-n", "demo", "x"] + flags, environment: vm)
        #expect(write.status != 0 && write.stderr.contains("403"), "\(write.stderr)")
        let elsewhere = try await CLI.run(["get", "namespaces"] + flags, environment: vm)
        #expect(elsewhere.status != 0)
        // A token renews itself (its id comes from HEARTH_TOKEN).
        let renewed = try await CLI.run(["kv", "token", "renew", "-n", "demo", "--ttl", "20m"] + flags, environment: vm)
        #expect(renewed.status == 0 && renewed.stdout.contains("renewed until"), "\(renewed.stdout) \(renewed.stderr)")
        // json: every field; list shows ids, never tokens; revoke.
        let full = try JSONDecoder().decode(
            JSONValue.self,
            from: Data(try await hearth("kv", "token", "create", "-n", "demo", "--prefix", "", "--verbs", "read,write", "-o", "json").stdout.utf8))
        #expect(full["token"]?.stringValue?.hasPrefix("hkv_") == true && full["expiresAt"] != nil && full["verbs"]?.arrayValue?.count == 2)
        let id = String(token.dropFirst(4).prefix(while: { $0 != "_" }))
        let listed = try await hearth("kv", "token", "list", "-n", "demo")
        #expect(listed.status == 0 && listed.stdout.contains(id) && listed.stdout.contains("workers") && !listed.stdout.contains(token), "\(listed.stdout)")
        let revoked = try await hearth("kv", "token", "revoke", id, "-n", "demo")
        #expect(revoked.status == 0, "\(revoked.stderr)")
        let afterRevoke = try await CLI.run(["kv", "get", "deploy/42/join-token", "-n", "demo"] + flags, environment: vm)
        #expect(afterRevoke.status != 0 && afterRevoke.stdout.isEmpty && afterRevoke.stderr.contains("HEARTH_TOKEN"), "\(afterRevoke.stderr)")

        // delete: one key, a missing one, a prefix.
        let deleted = try await hearth("kv", "delete", "config/db/url", "-n", "demo")
        #expect(deleted.status == 0 && deleted.stdout == "kv/demo/config/db/url deleted\n", "\(deleted.stdout) \(deleted.stderr)")
        #expect(try await hearth("kv", "get", "config/db/url", "-n", "demo").status == 1)
        #expect(try await hearth("kv", "delete", "config/db/url", "-n", "demo").stdout.contains("did not exist"))
        let prefix = try await hearth("kv", "delete", "config/", "-n", "demo", "--recurse")
        #expect(prefix.status == 0 && prefix.stdout == "4 keys deleted under kv/demo/config/\n", "\(prefix.stdout) \(prefix.stderr)")
        #expect(try await hearth("kv", "list", "-n", "demo", "--recurse").stdout == "deploy/42/join-token\n")

        for command in Self.kvHelpCommands {
            let help = try await CLI.run(command + ["--help"])
            #expect(help.status == 0 && help.stdout.contains("USAGE"), "\(command): \(help.status) \(help.stderr)")
        }
        #expect(try await CLI.run(["--help"]).stdout.contains("kv"))

        server.kill(SIGKILL)
        _ = await server.waitForExit()
        #expect(!server.log.contains("tok-123"))
    }

    @Test("hearth kv: three workers blocked in get --wait are released by a put from another process; kv watch prints puts, deletes, expiries")
    func hearthKVCLIWaitAndWatch() async throws {
        let directory = Self.temporaryDirectory()
        defer {
            for suffix in ["", "-admin", "-work"] { try? FileManager.default.removeItem(atPath: directory + suffix) }
        }
        let server = ServerProcess(dataDirectory: directory, database: nil)
        try await server.start()
        var env = try await server.setUpAdmin(home: directory + "-admin")
        let work = directory + "-work"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        #expect(try await CLI.run(["ns", "create", "demo"], environment: env).status == 0)

        // Goterra's scenario: the workers (with a read-only token) wait for the master's token.
        let minted = try await CLI.run(["kv", "token", "create", "-n", "demo", "--prefix", "cluster/", "--verbs", "read"], environment: env)
        let workerToken = minted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(minted.status == 0 && workerToken.hasPrefix("hkv_"), "\(minted.stderr)")
        let value = "SWMTKN-1-\(UUID().uuidString) 'quoted' \"and\" $dollar\nsecond line"
        env["WORK"] = work
        env["WORKER_TOKEN"] = workerToken
        env["VALUE"] = value
        let released = try await CLI.shell(
            #"""
            pids=""
            for i in 1 2 3; do
              HEARTH_TOKEN="$WORKER_TOKEN" "$HEARTH" kv get cluster/join-token -n demo --wait 30s >"$WORK/out$i" 2>"$WORK/err$i" &
              pids="$pids $!"
            done
            sleep 3
            running=0
            for p in $pids; do if kill -0 "$p" 2>/dev/null; then running=$((running+1)); fi; done
            echo "waiting before the put: $running"
            for i in 1 2 3; do if [ -s "$WORK/out$i" ]; then echo "worker $i printed before the put"; fi; done
            "$HEARTH" kv put cluster/join-token -n demo "$VALUE" >"$WORK/put.out" 2>"$WORK/put.err" || echo "put failed"
            for p in $pids; do wait "$p"; echo "worker exit: $?"; done
            """#, environment: env)
        #expect(released.stdout.contains("waiting before the put: 3"), "\(released.stdout) \(released.stderr)")
        #expect(!released.stdout.contains("printed before") && !released.stdout.contains("put failed"), "\(released.stdout)")
        #expect(released.stdout.components(separatedBy: "worker exit: 0").count == 4, "\(released.stdout)")
        for i in 1...3 {
            let printed = FileManager.default.contents(atPath: "\(work)/out\(i)") ?? Data()
            #expect(printed == Data(value.utf8), "worker \(i): \(String(decoding: printed, as: UTF8.self))")
            let errors = (try? String(contentsOfFile: "\(work)/err\(i)", encoding: .utf8)) ?? "?"
            #expect(errors.isEmpty, "worker \(i): \(errors)")
        }

        // Watch from an index, so the changes after it are seen however fast the watch connects:
        // a key-and-prefix watch in table form, one key in json.
        let seed = try JSONDecoder().decode(
            JSONValue.self, from: Data(try await CLI.run(["kv", "put", "app/seed", "-n", "demo", "s", "-o", "json"], environment: env).stdout.utf8))
        env["REV"] = String(try #require(seed["modifyIndex"]?.int64Value))
        let watched = try await CLI.shell(
            #"""
            "$HEARTH" kv watch app/ -n demo --recurse --revision "$REV" >"$WORK/watch.out" 2>"$WORK/watch.err" &
            w1=$!
            "$HEARTH" kv watch app/x -n demo --revision "$REV" -o json >"$WORK/watch.json" 2>"$WORK/watch-json.err" &
            w2=$!
            "$HEARTH" kv put app/x -n demo hello >/dev/null
            "$HEARTH" kv put app/t -n demo x --ttl 1s >/dev/null
            "$HEARTH" kv delete app/x -n demo >/dev/null
            "$HEARTH" kv put other/y -n demo not-watched >/dev/null
            i=0
            while [ "$(grep -c . "$WORK/watch.out")" -lt 4 ] || [ "$(grep -c . "$WORK/watch.json")" -lt 2 ]; do
              i=$((i+1)); if [ $i -gt 400 ]; then echo "gave up waiting for the events"; break; fi
              sleep 0.1
            done
            sleep 0.5
            kill -9 $w1 $w2
            wait $w1 $w2 2>/dev/null
            cat "$WORK/watch.out"
            """#, environment: env)
        #expect(watched.stdout == "PUT app/x v1 (5 bytes)\nPUT app/t v1 (1 byte)\nDELETE app/x\nEXPIRE app/t\n", "\(watched.stdout) \(watched.stderr)")
        let jsonLines = ((try? String(contentsOfFile: work + "/watch.json", encoding: .utf8)) ?? "").split(separator: "\n")
        #expect(jsonLines.count == 2, "\(jsonLines)")
        let events = jsonLines.compactMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
        #expect(events.map { $0["type"]?.stringValue ?? "" } == ["PUT", "DELETE"], "\(jsonLines)")
        #expect(events.first?["value"]?.stringValue == Data("hello".utf8).base64EncodedString())
        #expect(events.allSatisfy { $0["key"]?.stringValue == "app/x" })

        server.kill(SIGKILL)
        _ = await server.waitForExit()
    }
}
