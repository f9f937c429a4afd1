import Testing

@testable import HearthDNS

@Suite("Name compression (RFC 1035 §4.1.4)")
struct CompressionTests {
    /// The RFC's example: F.ISI.ARPA at offset 20, FOO.F.ISI.ARPA at 40 as FOO and a pointer to
    /// 20, ARPA at 64 as a pointer to 26, the root at 92.
    static let rfcLayout: [UInt8] = {
        var bytes = [UInt8](repeating: 0xEE, count: 20)
        bytes += [1, 0x66, 3, 0x69, 0x73, 0x69, 4, 0x61, 0x72, 0x70, 0x61, 0]  // 20: F.ISI.ARPA
        bytes += [UInt8](repeating: 0xEE, count: 40 - bytes.count)
        bytes += [3, 0x66, 0x6F, 0x6F, 0xC0, 20]  // 40: FOO + pointer to 20
        bytes += [UInt8](repeating: 0xEE, count: 64 - bytes.count)
        bytes += [0xC0, 26]  // 64: pointer to ARPA at 26
        bytes += [UInt8](repeating: 0xEE, count: 92 - bytes.count)
        bytes += [0]  // 92: the root
        return bytes
    }()

    @Test("the writer produces the RFC's bytes")
    func writerMatchesRFC() throws {
        var writer = DNSWireWriter(capacity: 128)
        writer.bytes = [UInt8](repeating: 0xEE, count: 20)
        writer.name(try DNSName("F.ISI.ARPA"), compress: true)
        writer.bytes += [UInt8](repeating: 0xEE, count: 40 - writer.bytes.count)
        writer.name(try DNSName("FOO.F.ISI.ARPA"), compress: true)
        writer.bytes += [UInt8](repeating: 0xEE, count: 64 - writer.bytes.count)
        writer.name(try DNSName("ARPA"), compress: true)
        writer.bytes += [UInt8](repeating: 0xEE, count: 92 - writer.bytes.count)
        writer.name(.root, compress: true)
        #expect(writer.bytes == Self.rfcLayout)
    }

    @Test("the reader decodes the RFC's bytes")
    func readerMatchesRFC() throws {
        var reader = DNSWireReader(Self.rfcLayout)
        for (offset, expected, next) in [(20, "f.isi.arpa.", 32), (40, "foo.f.isi.arpa.", 46), (64, "arpa.", 66), (92, ".", 93)] {
            reader.position = offset
            #expect(try reader.name(end: Self.rfcLayout.count).description == expected)
            #expect(reader.position == next)
        }
    }

    @Test("a message compresses owners and names in NS, CNAME, SOA and MX data, but not the SRV target")
    func messageCompression() throws {
        let origin = try DNSName("example.org")
        var message = DNSMessage(id: 1, isResponse: true, questions: [DNSQuestion(name: origin, type: .any)])
        message.answers = [
            DNSRecord(name: origin, ttl: 1, data: .ns(try DNSName("ns1.example.org"))),
            DNSRecord(name: origin, ttl: 1, data: .mx(preference: 10, exchange: try DNSName("ns1.example.org"))),
            DNSRecord(name: origin, ttl: 1, data: .srv(priority: 1, weight: 2, port: 3, target: try DNSName("ns1.example.org"))),
        ]
        let bytes = message.serialize()
        // Header 12, question example.org (13 bytes) + 4 → first answer at 29.
        #expect(Array(bytes[29..<31]) == [0xC0, 12])  // owner: pointer to the question name
        // NS data: "ns1" + pointer to 12.
        #expect(Array(bytes[39..<45]) == [0, 6, 3, 0x6E, 0x73, 0x31])
        #expect(Array(bytes[45..<47]) == [0xC0, 12])
        // MX at 47: owner pointer, header, preference, then a pointer to ns1.example.org at 41.
        #expect(Array(bytes[57..<63]) == [0, 4, 0, 10, 0xC0, 41])
        // SRV at 63: target written in full (17 bytes), rdlength 6 + 17.
        #expect(Array(bytes[73..<75]) == [0, 23])
        #expect(Array(bytes[81...]) == (try DNSName("ns1.example.org")).wire)
        #expect(try DNSMessage.parse(bytes) == message)
    }
}
