import Testing

@testable import HearthDNS

@Suite("Presentation-format record data")
struct PresentationTests {
    static let origin = name("example.org.")

    static func parse(_ text: String, _ type: DNSType) throws -> DNSRecordData {
        try DNSRecordData.parse(presentation: text, type: type, origin: origin)
    }

    @Test("host names are relative to the origin unless they end with a dot; @ is the origin")
    func relativeNames() throws {
        #expect(try Self.parse("www", .cname) == .cname(name("www.example.org.")))
        #expect(try Self.parse("www.example.net.", .cname) == .cname(name("www.example.net.")))
        #expect(try Self.parse("@", .ns) == .ns(Self.origin))
        #expect(try Self.parse("  10   mail  ", .mx) == .mx(preference: 10, exchange: name("mail.example.org.")))
        #expect(try Self.parse("10 5 8080 app", .srv) == .srv(priority: 10, weight: 5, port: 8080, target: name("app.example.org.")))
        #expect(try Self.parse("0 0 0 .", .srv) == .srv(priority: 0, weight: 0, port: 0, target: .root))
    }

    @Test("TXT: quoted strings, or the whole unquoted text as one string")
    func txt() throws {
        #expect(try Self.parse("v=spf1 -all", .txt) == .txt([Array("v=spf1 -all".utf8)]))
        #expect(try Self.parse("\"v=spf1 -all\"", .txt) == .txt([Array("v=spf1 -all".utf8)]))
        #expect(try Self.parse("\"one\" \"two\"", .txt) == .txt([Array("one".utf8), Array("two".utf8)]))
        #expect(try Self.parse("\"say \\\"hi\\\"\" \"\\065\"", .txt) == .txt([Array("say \"hi\"".utf8), [65]]))
        #expect(try Self.parse("\"\"", .txt) == .txt([[]]))
    }

    @Test("CAA, SOA (with time units) and the generic form")
    func others() throws {
        #expect(try Self.parse("0 issuewild \";\"", .caa) == .caa(flags: 0, tag: "issuewild", value: [59]))
        #expect(try Self.parse("128 issue letsencrypt.org", .caa) == .caa(flags: 128, tag: "issue", value: Array("letsencrypt.org".utf8)))
        let soa = try Self.parse("ns1 hostmaster ( 1 2h 1h 2w 5m )", .soa)
        #expect(
            soa
                == .soa(
                    DNSSOA(
                        mname: name("ns1.example.org."), rname: name("hostmaster.example.org."), serial: 1, refresh: 7200,
                        retry: 3600, expire: 1_209_600, minimum: 300)))
        #expect(try Self.parse("\\# 4 c0000201", .a) == .a([192, 0, 2, 1]))
        #expect(try Self.parse("\\# 2 0102", DNSType(rawValue: 65280)) == .unknown(type: DNSType(rawValue: 65280), rdata: [1, 2]))
    }

    @Test(
        "bad input is refused with a message that says what is wrong",
        arguments: [
            ("A", "192.0.2", "A needs one IPv4 address such as '192.0.2.1', got '192.0.2'"),
            ("A", "2001:db8::1", "A needs one IPv4 address such as '192.0.2.1', got '2001:db8::1'"),
            ("A", "192.0.2.1 192.0.2.2", "A needs one IPv4 address such as '192.0.2.1', got '192.0.2.1 192.0.2.2'"),
            ("AAAA", "192.0.2.1", "AAAA needs one IPv6 address such as '2001:db8::1', got '192.0.2.1'"),
            ("CNAME", "", "CNAME needs exactly one host name, as in 'host.example.org.', got ''"),
            ("CNAME", "a b", "CNAME needs exactly one host name, as in 'host.example.org.', got 'a b'"),
            ("NS", "bad..name", "NS host 'bad..name' is not a valid name: 'bad..name' has an empty label"),
            ("MX", "mail.example.org.", "MX needs a preference and a host, as in '10 mail.example.org.', got 'mail.example.org.'"),
            ("MX", "high mail", "MX preference must be a number from 0 to 65535, got 'high'"),
            ("MX", "70000 mail", "MX preference must be a number from 0 to 65535, got '70000'"),
            ("MX", "-1 mail", "MX preference must be a number from 0 to 65535, got '-1'"),
            ("TXT", "   ", "TXT needs at least one string, as in '\"v=spf1 -all\"'"),
            ("TXT", "\"open", "TXT data has an unterminated quoted string: \"open"),
            ("TXT", "\"\\300\"", "TXT data has a bad escape: \\300 is above \\255"),
            ("SRV", "10 5 app", "SRV needs a priority, a weight, a port and a target, as in '10 5 8080 host.example.org.', got '10 5 app'"),
            ("SRV", "10 5 http app", "SRV port must be a number from 0 to 65535, got 'http'"),
            ("CAA", "0 issue", "CAA needs flags, a tag and a value, as in '0 issue \"letsencrypt.org\"', got '0 issue'"),
            ("CAA", "0 is-sue \"x\"", "CAA tag must be 1 to 15 letters or digits (issue, issuewild, iodef), got 'is-sue'"),
            ("CAA", "256 issue \"x\"", "CAA flags must be a number from 0 to 255, got '256'"),
            (
                "SOA", "ns1 hostmaster 1 2 3",
                "SOA needs a primary server, a mailbox and five numbers (serial, refresh, retry, expire, minimum), as in 'ns1 hostmaster 1 7200 3600 1209600 300', got 'ns1 hostmaster 1 2 3'"
            ),
            ("SOA", "ns1 hostmaster 1 2x 3 4 5", "SOA refresh must be a number of seconds (or like 1h, 2d, 1w), got '2x'"),
            ("TYPE65280", "abc", "TYPE65280 data must be in the generic form '\\# LENGTH HEX' (RFC 3597), got 'abc'"),
            ("A", "\\# 3 c00002", "generic A data is not valid A data: A data at byte 0 does not fit its length of 3 bytes"),
            ("A", "\\# 4 c00002", "generic A data says 4 bytes but has 3"),
            ("A", "\\# 4 c000020g", "generic A data has a character that is not a hex digit"),
        ])
    func badInput(_ type: String, _ text: String, _ message: String) throws {
        let type = try #require(DNSType(mnemonic: type))
        #expect {
            try Self.parse(text, type)
        } throws: { error in
            let error = error as? DNSError
            return error?.code != nil && error?.message == message
        }
    }
}
