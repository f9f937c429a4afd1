import HearthCore
@testable import HearthDNS

/// Bytes from hex text; spaces are ignored.
func hexBytes(_ text: String) -> [UInt8] {
    let digits = Array(text.utf8.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\n") })
    var bytes: [UInt8] = []
    var index = 0
    while index + 1 < digits.count {
        bytes.append(DNSRecordData.hexValue(digits[index])! << 4 | DNSRecordData.hexValue(digits[index + 1])!)
        index += 2
    }
    return bytes
}

func name(_ text: String) -> DNSName {
    try! DNSName(text)
}

func record(_ owner: String, _ ttl: UInt32, _ type: DNSType, _ data: String, origin: String = "example.org.") -> DNSRecord {
    let origin = name(origin)
    let owner = owner == "@" ? origin : (owner.hasSuffix(".") ? name(owner) : try! DNSName(owner).appending(origin))
    return DNSRecord(name: owner, ttl: ttl, data: try! DNSRecordData.parse(presentation: data, type: type, origin: origin))
}

/// The zones the authority tests answer from.
enum TestZones {
    static let soa = DNSSOA(
        mname: name("ns1.example.org."), rname: name("hostmaster.example.org."), serial: 2024_01_01_01, refresh: 7200,
        retry: 3600, expire: 1_209_600, minimum: 300)

    static func example() -> DNSZone {
        var zone = DNSZone(origin: name("example.org."), soa: soa, soaTTL: 3600)
        let records: [DNSRecord] = [
            record("@", 3600, .ns, "ns1"),
            record("@", 3600, .ns, "ns2.example.org."),
            record("ns1", 3600, .a, "192.0.2.53"),
            record("ns2", 3600, .aaaa, "2001:db8::53"),
            record("www", 300, .a, "192.0.2.1"),
            record("www", 300, .a, "192.0.2.2"),
            record("www", 300, .a, "192.0.2.3"),
            record("www", 300, .a, "192.0.2.4"),
            record("www", 300, .aaaa, "2001:db8::1"),
            record("alias", 600, .cname, "www"),
            record("chain1", 600, .cname, "chain2"),
            record("chain2", 600, .cname, "alias"),
            record("loop1", 600, .cname, "loop2"),
            record("loop2", 600, .cname, "loop1"),
            record("broken", 600, .cname, "nothere"),
            record("outside", 600, .cname, "www.elsewhere.net."),
            record("cross", 600, .cname, "host.other.test."),
            record("mail", 300, .a, "192.0.2.25"),
            record("@", 300, .mx, "10 mail"),
            record("@", 300, .txt, "\"v=spf1 mx -all\""),
            record("_http._tcp.svc", 300, .srv, "10 5 8080 app"),
            record("app", 300, .a, "192.0.2.80"),
            record("a.b.c.deep", 300, .txt, "deep"),
            record("sub", 86400, .ns, "ns.sub"),
            record("sub", 86400, .ns, "ns.elsewhere.net."),
            record("ns.sub", 86400, .a, "192.0.2.99"),
            record("*.wild", 60, .a, "192.0.2.7"),
            record("*.wild", 60, .txt, "wild"),
            record("@", 3600, .caa, "0 issue \"letsencrypt.org\""),
        ]
        try! zone.add(contentsOf: records)
        return zone
    }

    static func other() -> DNSZone {
        var zone = DNSZone(
            origin: name("other.test."),
            soa: DNSSOA(mname: name("ns1.example.org."), rname: name("hostmaster.example.org."), serial: 7, minimum: 60),
            soaTTL: 30, nameservers: [name("ns1.example.org.")])
        try! zone.add(record("host", 120, .a, "198.51.100.1", origin: "other.test."))
        try! zone.add(record("back", 120, .cname, "www.example.org.", origin: "other.test."))
        return zone
    }

    static func inner() -> DNSZone {
        var zone = DNSZone(origin: name("inner.example.org."), soa: soa, soaTTL: 3600, nameservers: [name("ns1.example.org.")])
        try! zone.add(record("x", 120, .a, "203.0.113.1", origin: "inner.example.org."))
        return zone
    }

    static func authority() -> DNSAuthority {
        DNSAuthority(zones: [example(), other(), inner()])
    }
}
