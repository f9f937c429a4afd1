import HearthCore
import Testing

@testable import HearthDNS

@Suite("Answering from zones")
struct DNSAuthorityTests {
    static let authority = TestZones.authority()
    static let negativeSOA = DNSRecord(name: name("example.org."), ttl: 300, data: .soa(TestZones.soa))

    static func ask(_ qname: String, _ type: DNSType, edns: EDNS? = EDNS(), seed: UInt64 = 1) -> DNSMessage? {
        var generator = SplitMix64(seed: seed)
        return authority.answer(DNSMessage.query(id: 77, name: name(qname), type: type, edns: edns), using: &generator)
    }

    static func require(_ qname: String, _ type: DNSType, edns: EDNS? = EDNS()) throws -> DNSMessage {
        try #require(ask(qname, type, edns: edns))
    }

    @Test("a name with the type: its records, authoritative, the response mirrors the query")
    func positive() throws {
        let response = try Self.require("www.example.org", .aaaa)
        #expect(response.id == 77)
        #expect(response.isResponse)
        #expect(response.authoritative)
        #expect(response.recursionDesired)
        #expect(!response.recursionAvailable)
        #expect(response.rcode == .noError)
        #expect(response.questions == [DNSQuestion(name: name("www.example.org."), type: .aaaa)])
        #expect(response.answers == [record("www", 300, .aaaa, "2001:db8::1")])
        #expect(response.authorities.isEmpty)
        #expect(response.edns == EDNS(udpPayloadSize: 1232))
        // Without EDNS in the query, none in the response.
        #expect(try Self.require("www.example.org", .aaaa, edns: nil).edns == nil)
    }

    @Test("the apex answers SOA, NS (with the servers' addresses) and MX (with the exchange's)")
    func apex() throws {
        let soa = try Self.require("example.org", .soa)
        #expect(soa.answers == [DNSRecord(name: name("example.org."), ttl: 3600, data: .soa(TestZones.soa))])
        let ns = try Self.require("example.org", .ns)
        #expect(ns.answers == [record("@", 3600, .ns, "ns1"), record("@", 3600, .ns, "ns2")])
        #expect(ns.additionals == [record("ns1", 3600, .a, "192.0.2.53"), record("ns2", 3600, .aaaa, "2001:db8::53")])
        #expect(ns.authoritative)
        let mx = try Self.require("example.org", .mx)
        #expect(mx.additionals == [record("mail", 300, .a, "192.0.2.25")])
    }

    @Test("NODATA: the name exists without the type; SOA in authority with the minimum TTL")
    func noData() throws {
        let response = try Self.require("mail.example.org", .aaaa)
        #expect(response.rcode == .noError)
        #expect(response.authoritative)
        #expect(response.answers.isEmpty)
        #expect(response.authorities == [Self.negativeSOA])
    }

    @Test("an empty non-terminal is NODATA, not NXDOMAIN")
    func emptyNonTerminal() throws {
        for qname in ["deep.example.org", "c.deep.example.org", "b.c.deep.example.org", "_tcp.svc.example.org", "svc.example.org"] {
            let response = try Self.require(qname, .a)
            #expect(response.rcode == .noError, "\(qname)")
            #expect(response.answers.isEmpty)
            #expect(response.authorities == [Self.negativeSOA])
        }
        #expect(TestZones.example().isEmptyNonTerminal(name("c.deep.example.org.")))
    }

    @Test("NXDOMAIN: the name does not exist; SOA in authority")
    func nxDomain() throws {
        for qname in ["nope.example.org", "x.a.b.c.deep.example.org", "wwww.example.org"] {
            let response = try Self.require(qname, .a)
            #expect(response.rcode == .nxDomain, "\(qname)")
            #expect(response.authoritative)
            #expect(response.answers.isEmpty)
            #expect(response.authorities == [Self.negativeSOA])
        }
    }

    @Test("a CNAME is answered and followed, also across zones")
    func cnameChase() throws {
        let chain = try Self.require("chain1.example.org", .aaaa)
        #expect(
            chain.answers == [
                record("chain1", 600, .cname, "chain2"), record("chain2", 600, .cname, "alias"), record("alias", 600, .cname, "www"),
                record("www", 300, .aaaa, "2001:db8::1"),
            ])
        #expect(chain.rcode == .noError)
        #expect(chain.authoritative)

        let cross = try Self.require("cross.example.org", .a)
        #expect(
            cross.answers == [
                record("cross", 600, .cname, "host.other.test."), record("host", 120, .a, "198.51.100.1", origin: "other.test."),
            ])

        // Asking for the CNAME itself does not follow it.
        #expect(try Self.require("alias.example.org", .cname).answers == [record("alias", 600, .cname, "www")])
    }

    @Test("a CNAME to a missing name ends NXDOMAIN; to a name elsewhere, just the CNAME; loops stop")
    func cnameEnds() throws {
        let broken = try Self.require("broken.example.org", .a)
        #expect(broken.answers == [record("broken", 600, .cname, "nothere")])
        #expect(broken.rcode == .nxDomain)
        #expect(broken.authorities == [Self.negativeSOA])

        let outside = try Self.require("outside.example.org", .a)
        #expect(outside.answers == [record("outside", 600, .cname, "www.elsewhere.net.")])
        #expect(outside.rcode == .noError)
        #expect(outside.authorities.isEmpty)

        let loop = try Self.require("loop1.example.org", .a)
        #expect(loop.answers == [record("loop1", 600, .cname, "loop2"), record("loop2", 600, .cname, "loop1")])
        #expect(loop.rcode == .noError)
    }

    @Test("SRV answers bring their targets' addresses in the additional section")
    func srvGlue() throws {
        let response = try Self.require("_http._tcp.svc.example.org", .srv)
        #expect(response.answers == [record("_http._tcp.svc", 300, .srv, "10 5 8080 app")])
        #expect(response.additionals == [record("app", 300, .a, "192.0.2.80")])
    }

    @Test("below a delegation: a referral, not authoritative, with glue")
    func referral() throws {
        for qname in ["sub.example.org", "www.sub.example.org", "ns.sub.example.org"] {
            let response = try Self.require(qname, .a)
            #expect(!response.authoritative, "\(qname)")
            #expect(response.rcode == .noError)
            #expect(response.answers.isEmpty)
            #expect(response.authorities == [record("sub", 86400, .ns, "ns.sub"), record("sub", 86400, .ns, "ns.elsewhere.net.")])
            #expect(response.additionals == [record("ns.sub", 86400, .a, "192.0.2.99")])
        }
        // DS belongs to the parent side of the cut: NODATA here, not a referral.
        let ds = try Self.require("sub.example.org", .ds)
        #expect(ds.authoritative)
        #expect(ds.authorities == [Self.negativeSOA])
    }

    @Test("ANY gives every record set at the name")
    func any() throws {
        let response = try Self.require("example.org", .any)
        let types = Set(response.answers.map(\.type))
        #expect(types == [.soa, .ns, .mx, .txt, .caa])
        #expect(response.answers.count == 6)
    }

    @Test("wildcards answer for names that do not exist, under the name asked")
    func wildcard() throws {
        let response = try Self.require("anything.wild.example.org", .a)
        #expect(response.answers == [record("anything.wild", 60, .a, "192.0.2.7")])
        #expect(response.rcode == .noError)
        let noData = try Self.require("anything.wild.example.org", .mx)
        #expect(noData.answers.isEmpty)
        #expect(noData.rcode == .noError)
        #expect(noData.authorities == [Self.negativeSOA])
        // The wildcard's parent itself is an empty non-terminal, not covered.
        #expect(try Self.require("wild.example.org", .a).answers.isEmpty)
    }

    @Test("the zone with the longest origin answers")
    func longestZone() throws {
        let response = try Self.require("x.inner.example.org", .a)
        #expect(response.answers == [record("x", 120, .a, "203.0.113.1", origin: "inner.example.org.")])
        let missing = try Self.require("y.inner.example.org", .a)
        #expect(missing.rcode == .nxDomain)
        #expect(missing.authorities.first?.name == name("inner.example.org."))
    }

    @Test("names in no zone get nil; responses are not answered")
    func notOurs() {
        #expect(Self.ask("www.example.com", .a) == nil)
        #expect(Self.ask("org", .ns) == nil)
        var response = DNSMessage.query(id: 1, name: name("www.example.org"), type: .a)
        response.isResponse = true
        #expect(Self.authority.answer(response) == nil)
    }

    @Test("NOTIMP for other opcodes, FORMERR for other question counts, BADVERS for EDNS above 0, REFUSED for other classes")
    func errors() throws {
        var notify = DNSMessage.query(id: 1, name: name("example.org"), type: .soa)
        notify.opcode = 4
        #expect(Self.authority.answer(notify)?.rcode == .notImp)

        var two = DNSMessage.query(id: 1, name: name("example.org"), type: .soa)
        two.questions.append(two.questions[0])
        #expect(Self.authority.answer(two)?.rcode == .formErr)
        two.questions = []
        #expect(Self.authority.answer(two)?.rcode == .formErr)

        let future = try #require(Self.ask("www.example.org", .a, edns: EDNS(version: 1)))
        #expect(future.rcode == .badVers)
        #expect(future.edns?.version == 0)
        #expect(future.answers.isEmpty)
        let wire = try DNSMessage.parse(future.serialize())
        #expect(wire.rcode == .badVers)
        #expect(future.serialize()[3] & 0x0F == 0)

        var chaos = DNSMessage.query(id: 1, name: name("www.example.org"), type: .txt)
        chaos.questions[0].class = .ch
        #expect(Self.authority.answer(chaos)?.rcode == .refused)
        chaos.questions[0].class = .any
        #expect(Self.authority.answer(chaos)?.rcode == .noError)

        #expect(Self.ask("example.org", .axfr)?.rcode == .refused)
    }

    @Test("A records come in different orders across queries")
    func shuffling() throws {
        var generator = SplitMix64(seed: 42)
        var orders = Set<[DNSRecord]>()
        let query = DNSMessage.query(id: 1, name: name("www.example.org"), type: .a)
        for _ in 0..<100 {
            let response = try #require(Self.authority.answer(query, using: &generator))
            #expect(
                Set(response.answers)
                    == Set(TestZones.example().rrset(name("www.example.org."), .a)!.records(named: name("www.example.org."))))
            orders.insert(response.answers)
        }
        // 4 records have 24 orders; 100 draws see most of them.
        #expect(orders.count > 12)
    }

    @Test("the DO bit is echoed and the payload size is the authority's")
    func ednsEcho() throws {
        let response = try Self.require("www.example.org", .aaaa, edns: EDNS(udpPayloadSize: 4096, dnssecOK: true))
        #expect(response.edns == EDNS(udpPayloadSize: 1232, dnssecOK: true))
    }
}
