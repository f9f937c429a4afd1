import Testing

@testable import HearthDNS

@Suite("Record data: wire and presentation round trips")
struct RecordDataTests {
    static let origin = name("example.org.")

    /// One of every kind of data, with its presentation form.
    static let samples: [(DNSRecordData, String)] = [
        (.a([192, 0, 2, 1]), "192.0.2.1"),
        (.aaaa([0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]), "2001:db8::1"),
        (.aaaa([UInt8](repeating: 0, count: 16)), "::"),
        (.aaaa([0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0]), "2001:db8:0:1::1:0"),
        (.aaaa([0x20, 0x01, 0x0D, 0xB8, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0]), "2001:db8:1:1:1:1:1:0"),
        (.ns(name("ns1.example.org.")), "ns1.example.org."),
        (.cname(name("www.example.org.")), "www.example.org."),
        (.ptr(name("host.example.org.")), "host.example.org."),
        (
            .soa(
                DNSSOA(
                    mname: name("ns1.example.org."), rname: name("hostmaster.example.org."), serial: 2_024_010_101,
                    refresh: 7200, retry: 3600, expire: 1_209_600, minimum: 300)),
            "ns1.example.org. hostmaster.example.org. 2024010101 7200 3600 1209600 300"
        ),
        (.mx(preference: 10, exchange: name("mail.example.org.")), "10 mail.example.org."),
        (.txt([Array("v=spf1 -all".utf8)]), "\"v=spf1 -all\""),
        (.txt([Array("a \"quoted\" \\ word".utf8), [0, 255], []]), "\"a \\\"quoted\\\" \\\\ word\" \"\\000\\255\" \"\""),
        (.srv(priority: 10, weight: 5, port: 8080, target: name("app.example.org.")), "10 5 8080 app.example.org."),
        (.srv(priority: 0, weight: 0, port: 0, target: .root), "0 0 0 ."),
        (.caa(flags: 0, tag: "issue", value: Array("letsencrypt.org".utf8)), "0 issue \"letsencrypt.org\""),
        (.caa(flags: 128, tag: "iodef", value: Array("mailto:a@example.org".utf8)), "128 iodef \"mailto:a@example.org\""),
        (.unknown(type: DNSType(rawValue: 999), rdata: [0xAB, 0xCD, 0xEF]), "\\# 3 abcdef"),
        (.unknown(type: DNSType(rawValue: 999), rdata: []), "\\# 0"),
    ]

    @Test("presentation text of every kind of data", arguments: samples.indices)
    func presentation(_ index: Int) {
        let (data, text) = Self.samples[index]
        #expect(data.presentation == text)
    }

    @Test("presentation text parses back to the same data", arguments: samples.indices)
    func presentationRoundTrip(_ index: Int) throws {
        let (data, text) = Self.samples[index]
        #expect(try DNSRecordData.parse(presentation: text, type: data.type, origin: Self.origin) == data)
    }

    @Test("every kind of data survives a trip through the wire format, in every section")
    func wireRoundTrip() throws {
        let owner = name("x.example.org.")
        let records = Self.samples.map { DNSRecord(name: owner, ttl: 42, data: $0.0) }
        let message = DNSMessage(
            id: 7, isResponse: true, authoritative: true, rcode: .nxDomain,
            questions: [DNSQuestion(name: owner, type: .any)], answers: records, authorities: records.reversed(),
            additionals: records, edns: EDNS(udpPayloadSize: 1232, dnssecOK: true, options: [EDNSOption(code: 10, data: [1, 2])]))
        let bytes = message.serialize()
        #expect(try DNSMessage.parse(bytes) == message)
        #expect(DNSRecord(name: owner, ttl: 42, data: Self.samples[0].0).description == "x.example.org. 42 IN A 192.0.2.1")
    }

    @Test("every flag and the opcode survive a round trip")
    func flagsRoundTrip() throws {
        let message = DNSMessage(
            id: 0xFFFF, isResponse: true, opcode: 5, authoritative: true, truncated: true, recursionDesired: true,
            recursionAvailable: true, authenticData: true, checkingDisabled: true, rcode: .refused)
        #expect(try DNSMessage.parse(message.serialize()) == message)
        #expect(message.serialize()[2...3] == [0xAF, 0xB5])
    }

    @Test("TXT strings over 255 bytes are split on the wire")
    func longTXT() throws {
        let long = [UInt8](repeating: 0x61, count: 600)
        var message = DNSMessage(answers: [DNSRecord(name: .root, ttl: 1, data: .txt([long]))])
        let parsed = try DNSMessage.parse(message.serialize())
        #expect(parsed.answers.first?.data == .txt([Array(long[0..<255]), Array(long[255..<510]), Array(long[510...])]))
        message.answers = []
        #expect(
            try DNSRecordData.parse(presentation: String(repeating: "a", count: 600), type: .txt, origin: .root)
                == parsed.answers.first?.data)
    }
}
