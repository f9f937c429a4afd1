import Foundation
import HearthClient
import HearthCore
import HearthTestSupport
import Testing

/// The service registry through the real binary, as people use it: `hearth service register`
/// (twice: idempotent), `define`, `list`, `show`, `resolve` (healthy only, by tag, by named port,
/// picked by weight, blocking), `heartbeat` and `deregister`. Deterministic: health comes from
/// instances without checks (passing at once), a tcp check that can only be critical, and TTL
/// results the test reports itself. Part of the serialized end-to-end suite (see ReplicaTests).
extension EndToEndTests {
    @Test("hearth service: register (idempotent), define, list, show, resolve, heartbeat, deregister")
    func hearthServiceCLI() async throws {
        let directory = Self.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: directory)
            try? FileManager.default.removeItem(atPath: directory + "-admin")
        }
        let server = ServerProcess(dataDirectory: directory, database: nil)
        try await server.start()
        let env = try await server.setUpAdmin(home: directory + "-admin")
        func hearth(_ arguments: String...) async throws -> CLI.Result {
            try await CLI.run(arguments, environment: env)
        }
        func json(_ result: CLI.Result) throws -> JSONValue {
            try JSONDecoder().decode(JSONValue.self, from: Data(result.stdout.utf8))
        }
        #expect(try await hearth("ns", "create", "shop").status == 0)

        // Registering creates the service, then the instance.
        let register = ["service", "register", "web", "-n", "shop", "--id", "web-1", "--address", "127.0.0.1", "--port", "8080", "--tag", "v1", "--meta", "version=1.0"]
        let first = try await CLI.run(register, environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("service/shop/web created"), "\(first.stdout)")
        #expect(first.stdout.contains("instance web-1 of service/shop/web registered"), "\(first.stdout)")
        // Again: nothing new, and no error.
        let second = try await CLI.run(register, environment: env)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(!second.stdout.contains("created"), "\(second.stdout)")
        #expect(second.stdout.contains("instance web-1 of service/shop/web"), "\(second.stdout)")
        let stored = try json(try await hearth("get", "instances", "web-1", "-n", "shop", "-o", "json"))
        #expect(stored["spec"]?["service"] == "web")
        #expect(stored["spec"]?["address"] == "127.0.0.1")
        #expect(stored["spec"]?["port"] == 8080)
        #expect(stored["spec"]?["tags"] == ["v1"])
        #expect(stored["spec"]?["meta"]?["version"] == "1.0")

        // The service's own spec, then a second instance: registering keeps what define wrote.
        let define = try await hearth("service", "define", "web", "-n", "shop", "--port", "http=8080/http", "--tag", "frontend")
        #expect(define.status == 0, "\(define.stderr)")
        #expect(define.stdout.contains("service/shop/web updated"), "\(define.stdout)")
        let web2 = try await hearth(
            "service", "register", "web", "-n", "shop", "--id", "web-2", "--address", "127.0.0.2", "--port", "8081", "--port-name", "metrics=9100",
            "--tag", "canary", "--weight", "3", "--node", "n2")
        #expect(web2.status == 0, "\(web2.stderr)")
        #expect(!web2.stdout.contains("created"), "\(web2.stdout)")
        let service = try json(try await hearth("get", "services", "web", "-n", "shop", "-o", "json"))
        #expect(service["spec"]?["tags"] == ["frontend"])
        #expect(service["spec"]?["ports"]?.arrayValue?.first?["protocol"] == "http")

        // A service created by registering carries the instance's port names; the checks are
        // parsed from the compact --check form. A tcp check of a closed port is critical before
        // its first run (the initial state) and after it.
        let db = try await hearth(
            "service", "register", "db", "-n", "shop", "--id", "db-1", "--address", "127.0.0.1", "--port", "5432", "--port-name", "admin=5433",
            "--check", "tcp:127.0.0.1:1,interval=1s,timeout=500ms,name=socket")
        #expect(db.status == 0, "\(db.stderr)")
        #expect(db.stdout.contains("service/shop/db created"), "\(db.stdout)")
        let dbService = try json(try await hearth("get", "services", "db", "-n", "shop", "-o", "json"))
        #expect(dbService["spec"]?["ports"] == [["name": "admin"]])
        let dbInstance = try json(try await hearth("get", "instances", "db-1", "-n", "shop", "-o", "json"))
        #expect(dbInstance["spec"]?["checks"] == [["type": "tcp", "target": "127.0.0.1:1", "interval": "1s", "timeout": "500ms", "name": "socket"]])
        #expect(dbInstance["spec"]?["ports"] == ["admin": 5433])

        // A ttl check that starts passing; its results come from `hearth service heartbeat`.
        let job = try await hearth(
            "service", "register", "job", "-n", "shop", "--id", "job-1", "--address", "127.0.0.9", "--check", "ttl,ttl=10m", "--initial-state", "passing",
            "--deregister-after", "1h")
        #expect(job.status == 0, "\(job.stderr)")

        // Bad checks are refused before anything is sent.
        let badType = try await hearth("service", "register", "web", "-n", "shop", "--id", "web-9", "--address", "127.0.0.1", "--check", "ping")
        #expect(badType.status != 0)
        #expect(badType.stderr.contains("http, https, tcp, grpc, ttl"), "\(badType.stderr)")
        let badOption = try await hearth("service", "register", "web", "-n", "shop", "--id", "web-9", "--address", "127.0.0.1", "--check", "tcp,every=5s")
        #expect(badOption.status != 0)
        #expect(badOption.stderr.contains("unknown option 'every'"), "\(badOption.stderr)")
        let refused = try await hearth("service", "register", "web", "-n", "shop", "--id", "Web_9", "--address", "127.0.0.1")
        #expect(refused.status != 0)
        #expect(try await hearth("service", "show", "web", "-n", "shop", "-o", "json").stdout.contains("web-9") == false)

        // list: every service, with healthy/registered instances.
        let list = try await hearth("service", "list", "-n", "shop")
        #expect(list.status == 0, "\(list.stderr)")
        let rows = list.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(rows.first == ["NAME", "PORTS", "TAGS", "HEALTHY", "AGE"], "\(list.stdout)")
        #expect(rows.contains { $0.count > 3 && $0[0] == "web" && $0[1] == "http=8080/http" && $0[2] == "frontend" && $0[3] == "2/2" }, "\(list.stdout)")
        #expect(rows.contains { $0.count > 3 && $0[0] == "db" && $0[3] == "0/1" }, "\(list.stdout)")
        #expect(rows.contains { $0.count > 3 && $0[0] == "job" && $0[3] == "1/1" }, "\(list.stdout)")
        let listJSON = try json(try await hearth("service", "list", "-n", "shop", "-o", "json"))
        #expect(Set((listJSON["items"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }) == ["web", "db", "job"])
        let everywhere = try await hearth("service", "list")
        #expect(everywhere.stdout.hasPrefix("NAMESPACE"), "\(everywhere.stdout)")

        // show: the service and all its instances with their health.
        let show = try await hearth("service", "show", "web", "-n", "shop")
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("Instances: 2 (2 healthy)"), "\(show.stdout)")
        #expect(show.stdout.contains("web-1"))
        #expect(show.stdout.contains("127.0.0.2:8081"))
        #expect(show.stdout.contains("metrics=9100"))
        let shown = try json(try await hearth("service", "show", "web", "-n", "shop", "-o", "json"))
        #expect(shown["service"]?["name"] == "web")
        let instances = shown["instances"]?.arrayValue ?? []
        #expect(Set(instances.compactMap { $0["id"]?.stringValue }) == ["web-1", "web-2"])
        #expect(instances.allSatisfy { $0["health"] == "passing" }, "\(instances)")
        #expect(instances.first { $0["id"] == "web-2" }?["weight"] == 3)
        let dbShow = try await hearth("service", "show", "db", "-n", "shop")
        #expect(dbShow.stdout.contains("critical"), "\(dbShow.stdout)")

        // resolve: healthy instances as address:port lines.
        let resolved = try await hearth("service", "resolve", "web", "-n", "shop")
        #expect(resolved.status == 0, "\(resolved.stderr)")
        #expect(Set(resolved.stdout.split(separator: "\n").map(String.init)) == ["127.0.0.1:8080", "127.0.0.2:8081"], "\(resolved.stdout)")
        let canary = try await hearth("service", "resolve", "web", "-n", "shop", "--tag", "canary")
        #expect(canary.stdout == "127.0.0.2:8081\n", "\(canary.stdout)")
        let metrics = try await hearth("service", "resolve", "web", "-n", "shop", "--port-name", "metrics")
        #expect(metrics.stdout == "127.0.0.2:9100\n", "\(metrics.stdout)")
        // The service's http port (8080) is every instance's unless it names its own.
        let http = try await hearth("service", "resolve", "web", "-n", "shop", "--port-name", "http")
        #expect(Set(http.stdout.split(separator: "\n").map(String.init)) == ["127.0.0.1:8080", "127.0.0.2:8080"], "\(http.stdout)")
        for _ in 0..<3 {
            let picked = try await hearth("service", "resolve", "web", "-n", "shop", "--pick")
            #expect(picked.status == 0, "\(picked.stderr)")
            #expect(["127.0.0.1:8080\n", "127.0.0.2:8081\n"].contains(picked.stdout), "\(picked.stdout)")
        }
        // None healthy: exit status 1 and a message; --all shows the critical one.
        let unhealthy = try await hearth("service", "resolve", "db", "-n", "shop")
        #expect(unhealthy.status == 1)
        #expect(unhealthy.stdout.isEmpty)
        #expect(unhealthy.stderr.contains("no healthy instances of service/shop/db"), "\(unhealthy.stderr)")
        let all = try await hearth("service", "resolve", "db", "-n", "shop", "--all")
        #expect(all.stdout == "127.0.0.1:5432\n", "\(all.stdout)")
        let noTag = try await hearth("service", "resolve", "web", "-n", "shop", "--tag", "nope")
        #expect(noTag.status == 1)
        #expect(noTag.stderr.contains("tagged nope"), "\(noTag.stderr)")
        let missing = try await hearth("service", "resolve", "nothing", "-n", "shop")
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("not found"), "\(missing.stderr)")

        // A blocking query: -o json gives the index; waiting on it ends after the wait, unchanged.
        let answer = try json(try await hearth("service", "resolve", "web", "-n", "shop", "-o", "json"))
        let index = try #require(answer["index"]?.int64Value)
        #expect(answer["service"] == "web")
        #expect(answer["instances"]?.arrayValue?.count == 2)
        let started = ContinuousClock.now
        let blocked = try await hearth("service", "resolve", "web", "-n", "shop", "-o", "json", "--index", String(index), "--wait", "1s")
        #expect(blocked.status == 0, "\(blocked.stderr)")
        #expect(ContinuousClock.now - started >= .milliseconds(900))
        #expect(try json(blocked)["index"]?.int64Value == index)

        // heartbeat: the ttl check's results turn the instance warning (still healthy), critical
        // (not resolved) and passing again.
        let warn = try await hearth("service", "heartbeat", "job", "job-1", "ttl", "-n", "shop", "--warn", "--note", "queue 90% full")
        #expect(warn.status == 0, "\(warn.stderr)")
        #expect(warn.stdout.contains("instance warning"), "\(warn.stdout)")
        #expect(try await hearth("service", "resolve", "job", "-n", "shop").stdout == "127.0.0.9\n")
        let warned = try await hearth("service", "show", "job", "-n", "shop")
        #expect(warned.stdout.contains("job-1/ttl: warning"), "\(warned.stdout)")
        #expect(warned.stdout.contains("queue 90% full"), "\(warned.stdout)")
        let fail = try await hearth("service", "heartbeat", "job", "job-1", "ttl", "-n", "shop", "--fail")
        #expect(fail.status == 0, "\(fail.stderr)")
        #expect(try await hearth("service", "resolve", "job", "-n", "shop").status == 1)
        #expect(try await hearth("service", "heartbeat", "job", "job-1", "ttl", "-n", "shop").status == 0)
        #expect(try await hearth("service", "resolve", "job", "-n", "shop").stdout == "127.0.0.9\n")
        let noCheck = try await hearth("service", "heartbeat", "job", "job-1", "nope", "-n", "shop")
        #expect(noCheck.status != 0)
        #expect(noCheck.stderr.contains("no check 'nope'"), "\(noCheck.stderr)")

        // deregister: gone from discovery; again is an error unless --ignore-not-found.
        let gone = try await hearth("service", "deregister", "web", "web-2", "-n", "shop")
        #expect(gone.status == 0, "\(gone.stderr)")
        #expect(gone.stdout.contains("instance web-2 of service/shop/web deregistered"))
        #expect(try await hearth("service", "resolve", "web", "-n", "shop").stdout == "127.0.0.1:8080\n")
        let again = try await hearth("service", "deregister", "web", "web-2", "-n", "shop")
        #expect(again.status != 0)
        #expect(again.stderr.contains("not found"), "\(again.stderr)")
        #expect(try await hearth("service", "deregister", "web", "web-2", "-n", "shop", "--ignore-not-found").status == 0)
        // An instance id belongs to its service: deregistering it under another fails.
        #expect(try await hearth("service", "deregister", "db", "web-1", "-n", "shop").status != 0)
        let remaining = try json(try await hearth("service", "show", "web", "-n", "shop", "-o", "json"))
        #expect(remaining["instances"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["web-1"])

        server.kill(SIGTERM)
        #expect(await server.waitForExit() == 0)
    }
}
