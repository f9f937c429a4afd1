import Foundation
import HearthClient
import HearthCore
import HearthTestSupport
import Testing

/// Hearth's DNS server queried with `dig`, over UDP and TCP, with EDNS and truncation; the
/// registry and the zones written through the API as users do. Part of the serialized suite.
extension EndToEndTests {
    /// Runs dig against the server; returns its output.
    static func dig(_ port: Int, _ arguments: [String]) async throws -> String {
        let result = try await CLI.run(executable: URL(fileURLWithPath: "/usr/bin/env"), ["dig", "@127.0.0.1", "-p", String(port), "+time=3", "+tries=1"] + arguments)
        guard result.status == 0 else { throw TestSupportFailure("dig \(arguments) failed (\(result.status)): \(result.stdout)\(result.stderr)") }
        return result.stdout
    }

    /// Runs dig until `settled` accepts its output (for at most 5 s), and returns the output: the
    /// DNS answers follow the registry within a rebuild interval, not at the instant a write is
    /// answered.
    static func digUntil(_ port: Int, _ arguments: [String], _ settled: (String) -> Bool) async throws -> String {
        var output = try await dig(port, arguments)
        for _ in 0..<50 where !settled(output) {
            try await Task.sleep(for: .milliseconds(100))
            output = try await dig(port, arguments)
        }
        return output
    }

    static func lines(_ output: String) -> Set<String> {
        Set(output.split(separator: "\n").map(String.init))
    }

    static func put(_ client: HearthClient, _ path: String, _ json: String) async throws {
        _ = try await client.send(.PUT, path, body: Data(json.utf8))
    }

    /// dig's output with each run of spaces and tabs made one space.
    static func squash(_ output: String) -> String {
        output.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// The `status:` of a dig answer (NOERROR, NXDOMAIN, REFUSED ...).
    static func rcode(_ output: String) -> String? {
        guard let range = output.range(of: "status: ") else { return nil }
        return output[range.upperBound...].split(separator: ",").first.map(String.init)
    }

    @Test("DNS: services, SRV with targets, SOA/NS, NXDOMAIN vs NODATA, user zones, truncation and TCP, REFUSED, a flood")
    func dns() async throws {
        let directory = Self.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: directory)
            try? FileManager.default.removeItem(atPath: directory + "-home")
        }
        let server = ServerProcess(dataDirectory: directory, database: nil)
        try await server.start()
        try await server.setUpAdmin(home: directory + "-home")
        let port = try #require(server.dnsPort)
        let api = try server.makeClient(token: nil)
        _ = try await api.send(.POST, "/v1/namespaces", body: Data(#"{"name":"shop"}"#.utf8))
        try await Self.put(api, "/v1/namespaces/shop/services/web", #"{"spec":{"ports":[{"name":"http","port":8080}]}}"#)
        for index in 1...3 {
            try await Self.put(api, "/v1/namespaces/shop/services/web/instances/web-\(index)", #"{"spec":{"address":"10.0.0.\#(index)","weight":\#(index)}}"#)
        }
        // A critical instance (its check fails) is not in the answers.
        try await Self.put(
            api, "/v1/namespaces/shop/services/web/instances/sick",
            #"{"spec":{"address":"10.0.0.99","checks":[{"type":"tcp","target":"127.0.0.1:1","interval":"60s"}]}}"#)

        let a = try await Self.digUntil(port, ["web.shop.svc.hearth.internal", "A", "+short"]) { Self.lines($0).count == 3 }
        #expect(Set(a.split(separator: "\n").map(String.init)) == ["10.0.0.1", "10.0.0.2", "10.0.0.3"], "\(a)")
        let full = try await Self.dig(port, ["web.shop.svc.hearth.internal", "A"])
        #expect(full.contains("flags: qr aa"), "authoritative: \(full)")
        #expect(Self.squash(full).contains("web.shop.svc.hearth.internal. 5 IN A 10.0.0."), "TTL 5 s by default: \(full)")

        // SRV: one per healthy instance, weights, targets that resolve in the additional section.
        let srv = try await Self.dig(port, ["_http._tcp.web.shop.svc.hearth.internal", "SRV", "+noall", "+answer", "+additional"])
        #expect(Self.squash(srv).contains("SRV 1 3 8080 web-3.web.shop.svc.hearth.internal."), "\(srv)")
        #expect(Self.squash(srv).contains("web-1.web.shop.svc.hearth.internal. 5 IN A 10.0.0.1"), "\(srv)")
        let srvTCP = try await Self.dig(port, ["_http._tcp.web.shop.svc.hearth.internal", "SRV", "+tcp", "+short"])
        #expect(srvTCP.split(separator: "\n").count == 3, "\(srvTCP)")

        // Zone apex, negative answers with the SOA.
        let soa = try await Self.dig(port, ["hearth.internal", "SOA", "+short"])
        #expect(soa.hasPrefix("ns.hearth.internal. hostmaster.hearth.internal. "), "\(soa)")
        let ns = try await Self.dig(port, ["hearth.internal", "NS", "+short"])
        #expect(ns.trimmingCharacters(in: .whitespacesAndNewlines) == "ns.hearth.internal.")
        let nx = try await Self.dig(port, ["nosuch.shop.svc.hearth.internal", "A"])
        #expect(Self.rcode(nx) == "NXDOMAIN", "\(nx)")
        #expect(nx.contains("AUTHORITY: 1"), "\(nx)")
        let nodata = try await Self.dig(port, ["web.shop.svc.hearth.internal", "AAAA"])
        #expect(Self.rcode(nodata) == "NOERROR")
        #expect(nodata.contains("ANSWER: 0") && nodata.contains("AUTHORITY: 1"), "\(nodata)")
        let nonTerminal = try await Self.dig(port, ["shop.svc.hearth.internal", "A"])
        #expect(Self.rcode(nonTerminal) == "NOERROR", "an empty non-terminal is NODATA, not NXDOMAIN: \(nonTerminal)")

        // Names in no zone: REFUSED.
        let outside = try await Self.dig(port, ["example.com", "A"])
        #expect(Self.rcode(outside) == "REFUSED", "\(outside)")

        // A large answer: truncated over UDP at 512 bytes (TC), complete over TCP.
        try await Self.put(api, "/v1/namespaces/shop/services/big", #"{"spec":{}}"#)
        for index in 1...60 {
            try await Self.put(api, "/v1/namespaces/shop/services/big/instances/big-\(index)", #"{"spec":{"address":"10.1.0.\#(index)"}}"#)
        }
        _ = try await Self.digUntil(port, ["big.shop.svc.hearth.internal", "A", "+tcp", "+short"]) { Self.lines($0).count == 60 }
        let truncated = try await Self.dig(port, ["big.shop.svc.hearth.internal", "A", "+edns=0", "+bufsize=512", "+ignore"])
        #expect(truncated.contains(" tc"), "TC over UDP: \(truncated)")
        let retried = try await Self.dig(port, ["big.shop.svc.hearth.internal", "A", "+edns=0", "+bufsize=512", "+short"])
        #expect(retried.split(separator: "\n").count == 60, "dig retries over TCP and gets all 60: \(retried)")
        let noEDNS = try await Self.dig(port, ["big.shop.svc.hearth.internal", "A", "+noedns", "+ignore"])
        #expect(noEDNS.contains(" tc"), "\(noEDNS)")

        // User zones and records, with serials that move.
        try await Self.put(api, "/v1/namespaces/shop/dnszones/example", #"{"spec":{"domain":"example.test","ttl":300}}"#)
        try await Self.put(api, "/v1/namespaces/shop/dnsrecords/www", #"{"spec":{"zone":"example","name":"www","type":"A","values":["192.0.2.10","192.0.2.11"]}}"#)
        _ = try await Self.digUntil(port, ["www.example.test", "A", "+short"]) { Self.lines($0).count == 2 }
        let serial1 = try await Self.dig(port, ["example.test", "SOA", "+short"]).split(separator: " ").dropFirst(2).first
        try await Self.put(api, "/v1/namespaces/shop/dnsrecords/alias", #"{"spec":{"zone":"example","name":"alias","type":"CNAME","values":["www"]}}"#)
        try await Self.put(api, "/v1/namespaces/shop/dnsrecords/mail", #"{"spec":{"zone":"example","name":"@","type":"MX","values":["10 mx1","20 mx2.example.test."]}}"#)
        try await Self.put(api, "/v1/namespaces/shop/dnsrecords/txt", #"{"spec":{"zone":"example","name":"@","type":"TXT","ttl":60,"values":["\"v=spf1 -all\""]}}"#)
        try await Self.put(api, "/v1/namespaces/shop/dnsrecords/caa", #"{"spec":{"zone":"example","name":"@","type":"CAA","values":["0 issue \"letsencrypt.org\""]}}"#)
        try await Self.put(api, "/v1/namespaces/shop/dnsrecords/sip", #"{"spec":{"zone":"example","name":"_sip._tcp","type":"SRV","values":["10 5 5060 www"]}}"#)
        _ = try await Self.digUntil(port, ["_sip._tcp.example.test", "SRV", "+short"]) { $0.contains("5060") }
        let serial2 = try await Self.dig(port, ["example.test", "SOA", "+short"]).split(separator: " ").dropFirst(2).first
        #expect(serial1 != nil && serial2 != nil && serial1 != serial2, "the SOA serial moves: \(String(describing: serial1)) -> \(String(describing: serial2))")
        let cname = try await Self.dig(port, ["alias.example.test", "A", "+noall", "+answer"])
        #expect(Self.squash(cname).contains("CNAME www.example.test.") && Self.squash(cname).contains("A 192.0.2.10"), "\(cname)")
        #expect(try await Self.dig(port, ["example.test", "MX", "+short"]).contains("10 mx1.example.test."))
        #expect(try await Self.dig(port, ["example.test", "TXT", "+short"]).contains("\"v=spf1 -all\""))
        #expect(try await Self.dig(port, ["example.test", "CAA", "+short"]).contains("0 issue \"letsencrypt.org\""))
        #expect(try await Self.dig(port, ["_sip._tcp.example.test", "SRV", "+short"]).contains("10 5 5060 www.example.test."))
        // A CNAME cannot coexist with other data.
        do {
            try await Self.put(api, "/v1/namespaces/shop/dnsrecords/clash", #"{"spec":{"zone":"example","name":"alias","type":"TXT","values":["x"]}}"#)
            Issue.record("a TXT beside a CNAME was accepted")
        } catch let error as HearthAPIError {
            #expect(error.status == 409)
        }
        // A zone may not take the cluster domain.
        do {
            try await Self.put(api, "/v1/namespaces/shop/dnszones/hijack", #"{"spec":{"domain":"svc.hearth.internal"}}"#)
            Issue.record("a zone inside the cluster domain was accepted")
        } catch let error as HearthAPIError {
            #expect(error.status == 422)
        }

        // Deregistering takes an instance out of the answers.
        _ = try await api.send(.DELETE, "/v1/namespaces/shop/services/web/instances/web-1")
        let after = try await Self.digUntil(port, ["web.shop.svc.hearth.internal", "A", "+short"]) { !Self.lines($0).contains("10.0.0.1") }
        #expect(Set(after.split(separator: "\n").map(String.init)) == ["10.0.0.2", "10.0.0.3"], "\(after)")

        // A query flood does not stop the API: it answers while 3 s of queries pour in.
        let flood = """
            import socket, time
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setblocking(False)
            q = bytes.fromhex("abcd01000001000000000000") + b"".join(bytes([len(p)]) + p.encode() for p in "web.shop.svc.hearth.internal".split(".")) + b"\\x00\\x00\\x01\\x00\\x01"
            end = time.time() + 3
            sent = 0
            while time.time() < end:
                try:
                    s.sendto(q, ("127.0.0.1", \(port)))
                    sent += 1
                except BlockingIOError:
                    pass
                try:
                    while True: s.recv(4096)
                except BlockingIOError:
                    pass
            print(sent)
            """
        async let flooding = CLI.run(executable: URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", flood])
        try await Task.sleep(for: .milliseconds(500))
        let clock = ContinuousClock()
        var slowest = Duration.zero
        for _ in 0..<10 {
            let started = clock.now
            _ = try await api.send(.GET, "/v1/namespaces/shop/services/web/instances")
            slowest = max(slowest, clock.now - started)
            try await Task.sleep(for: .milliseconds(100))
        }
        let sent = try await flooding
        #expect(slowest < .seconds(1), "the API answered within \(slowest) during the flood")
        #expect((Int(sent.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) > 1000, "the flood sent \(sent.stdout)")
        // And DNS still answers afterwards.
        #expect(try await Self.dig(port, ["web.shop.svc.hearth.internal", "A", "+short"]).contains("10.0.0.2"))
    }
}

extension EndToEndTests {
    @Test("DNS forwarding: names outside Hearth's zones go to --dns-upstream (here another Hearth); SERVFAIL when it is gone")
    func dnsForwarding() async throws {
        let upstreamDirectory = Self.temporaryDirectory()
        let directory = Self.temporaryDirectory()
        defer {
            for path in [upstreamDirectory, directory] { try? FileManager.default.removeItem(atPath: path) }
        }
        let upstream = ServerProcess(dataDirectory: upstreamDirectory, database: nil, extraArguments: ["--dns-domain", "upstream.internal"])
        try await upstream.start()
        let upstreamPort = try #require(upstream.dnsPort)
        let server = ServerProcess(dataDirectory: directory, database: nil, extraArguments: ["--dns-upstream", "127.0.0.1:\(upstreamPort)"])
        try await server.start()
        let port = try #require(server.dnsPort)

        let forwarded = try await Self.dig(port, ["upstream.internal", "SOA"])
        #expect(Self.rcode(forwarded) == "NOERROR", "\(forwarded)")
        #expect(Self.squash(forwarded).contains("ns.upstream.internal. hostmaster.upstream.internal."), "\(forwarded)")
        let forwardedTCP = try await Self.dig(port, ["upstream.internal", "NS", "+tcp", "+short"])
        #expect(forwardedTCP.contains("ns.upstream.internal."), "\(forwardedTCP)")
        // Its own zone is still its own.
        #expect(try await Self.dig(port, ["hearth.internal", "SOA", "+short"]).hasPrefix("ns.hearth.internal."))
        // The upstream refuses what it does not serve, and that answer comes through.
        #expect(Self.rcode(try await Self.dig(port, ["example.com", "A"])) == "REFUSED")

        upstream.kill(SIGKILL)
        _ = await upstream.waitForExit()
        let failed = try await Self.dig(port, ["upstream.internal", "SOA", "+time=5"])
        #expect(Self.rcode(failed) == "SERVFAIL", "\(failed)")
    }
}
