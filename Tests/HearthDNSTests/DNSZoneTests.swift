import Testing

@testable import HearthDNS

@Suite("Building zones")
struct DNSZoneTests {
    static func zone() -> DNSZone {
        DNSZone(origin: name("example.org."), soa: TestZones.soa, soaTTL: 3600, nameservers: [name("ns1.example.org.")])
    }

    @Test("a new zone holds its SOA and NS records at the origin")
    func newZone() {
        let zone = Self.zone()
        #expect(zone.rrset(name("example.org."), .soa) == DNSRRSet(ttl: 3600, records: [.soa(TestZones.soa)]))
        #expect(zone.nameservers == [name("ns1.example.org.")])
        #expect(zone.contains(name("example.org.")))
    }

    @Test("records outside the origin, in other classes or of meta types are refused")
    func refused() {
        var zone = Self.zone()
        #expect(throws: DNSError(.outOfZone, "")) { try zone.add(record("www", 1, .a, "192.0.2.1", origin: "example.net.")) }
        #expect(throws: DNSError(.outOfZone, "")) { try zone.add(record("ample.org.", 1, .a, "192.0.2.1")) }
        var chaos = record("www", 1, .a, "192.0.2.1")
        chaos.class = .ch
        #expect(throws: DNSError(.badRecordData, "")) { try zone.add(chaos) }
        #expect(throws: DNSError(.badRecordData, "")) {
            try zone.add(DNSRecord(name: name("example.org."), ttl: 1, data: .unknown(type: .any, rdata: [])))
        }
        #expect(throws: DNSError(.outOfZone, "")) {
            try zone.add(DNSRecord(name: name("www.example.org."), ttl: 1, data: .soa(TestZones.soa)))
        }
    }

    @Test("a CNAME must be alone at its name")
    func cnameAlone() throws {
        var zone = Self.zone()
        try zone.add(record("www", 1, .a, "192.0.2.1"))
        #expect(throws: DNSError(.cnameConflict, "")) { try zone.add(record("www", 1, .cname, "other")) }
        try zone.add(record("alias", 1, .cname, "www"))
        try zone.add(record("alias", 1, .cname, "www"))
        #expect(throws: DNSError(.cnameConflict, "")) { try zone.add(record("alias", 1, .cname, "other")) }
        #expect(throws: DNSError(.cnameConflict, "")) { try zone.add(record("alias", 1, .txt, "x")) }
        #expect(throws: DNSError(.cnameConflict, "")) { try zone.add(record("@", 1, .cname, "www")) }
    }

    @Test("duplicates are ignored and a record set keeps its lowest TTL")
    func recordSets() throws {
        var zone = Self.zone()
        try zone.add(record("www", 300, .a, "192.0.2.1"))
        try zone.add(record("www", 60, .a, "192.0.2.2"))
        try zone.add(record("www", 300, .a, "192.0.2.1"))
        #expect(zone.rrset(name("www.example.org."), .a) == DNSRRSet(ttl: 60, records: [.a([192, 0, 2, 1]), .a([192, 0, 2, 2])]))
    }

    @Test("ancestors of owners exist as empty non-terminals; delegations and wildcards are noted")
    func names() throws {
        var zone = Self.zone()
        try zone.add(record("a.b.c", 1, .txt, "x"))
        try zone.add(record("sub", 1, .ns, "ns.sub"))
        try zone.add(record("*.wild", 1, .a, "192.0.2.1"))
        #expect(zone.isEmptyNonTerminal(name("b.c.example.org.")))
        #expect(zone.isEmptyNonTerminal(name("c.example.org.")))
        #expect(!zone.isEmptyNonTerminal(name("a.b.c.example.org.")))
        #expect(!zone.contains(name("x.c.example.org.")))
        #expect(zone.delegations == [name("sub.example.org.")])
        #expect(zone.delegation(covering: name("a.b.sub.example.org.")) == name("sub.example.org."))
        #expect(zone.delegation(covering: name("www.example.org.")) == nil)
        #expect(zone.wildcard(covering: name("x.wild.example.org.")) == name("*.wild.example.org."))
        #expect(zone.wildcard(covering: name("x.y.wild.example.org.")) == name("*.wild.example.org."))
        #expect(zone.wildcard(covering: name("x.c.example.org.")) == nil)
    }

    @Test("an SOA record at the origin replaces the zone's SOA")
    func replaceSOA() throws {
        var zone = Self.zone()
        var soa = TestZones.soa
        soa.serial = 99
        try zone.add(DNSRecord(name: name("example.org."), ttl: 10, data: .soa(soa)))
        #expect(zone.soa.serial == 99)
        #expect(zone.soaTTL == 10)
        #expect(zone.rrset(name("example.org."), .soa)?.records == [.soa(soa)])
    }

    @Test("many delegations are found by walking the name")
    func manyDelegations() throws {
        var zone = Self.zone()
        for index in 0..<20 { try zone.add(record("d\(index)", 1, .ns, "ns.elsewhere.net.")) }
        try zone.add(record("deep.d1", 1, .ns, "ns.elsewhere.net."))
        #expect(zone.delegation(covering: name("x.deep.d1.example.org.")) == name("d1.example.org."))
        #expect(zone.delegation(covering: name("x.example.org.")) == nil)
        #expect(zone.delegation(covering: name("example.org.")) == nil)
    }
}
