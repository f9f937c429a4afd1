import Testing

@testable import HearthDNS

@Suite("Serializing into a size limit")
struct TruncationTests {
    static let owner = name("www.example.org.")

    static func addresses(_ count: Int, owner: DNSName = owner) -> [DNSRecord] {
        (0..<count).map { DNSRecord(name: owner, ttl: 60, data: .a([192, 0, UInt8($0 / 256), UInt8($0 % 256)])) }
    }

    static func texts(_ count: Int) -> [DNSRecord] {
        (0..<count).map { DNSRecord(name: owner, ttl: 60, data: .txt([[UInt8](repeating: UInt8(65 + $0 % 26), count: 100)])) }
    }

    @Test("whole record sets that fit stay, the rest go and TC is set; EDNS keeps its OPT record")
    func answersTruncated() throws {
        let query = DNSMessage.query(id: 9, name: Self.owner, type: .any, edns: EDNS(udpPayloadSize: 512))
        var response = query.makeResponse()
        // 10 addresses (16 bytes each), then 10 TXT records of 100 bytes, then more addresses.
        response.answers = Self.addresses(10) + Self.texts(10) + Self.addresses(3, owner: name("x.example.org."))
        response.authorities = [DNSRecord(name: name("example.org."), ttl: 1, data: .ns(name("ns1.example.org.")))]
        let bytes = response.serialize(maxSize: 512)
        #expect(bytes.count <= 512)
        let parsed = try DNSMessage.parse(bytes)
        #expect(parsed.truncated)
        #expect(parsed.answers == Self.addresses(10))
        #expect(parsed.authorities.isEmpty)
        #expect(parsed.edns == response.edns)
        #expect(parsed.questions == query.questions)

        // Without a limit it all fits and TC stays clear.
        let whole = try DNSMessage.parse(response.serialize())
        #expect(!whole.truncated)
        #expect(whole == response)
    }

    @Test("without EDNS the same happens within 512 bytes")
    func answersTruncatedWithoutEDNS() throws {
        var response = DNSMessage.query(id: 9, name: Self.owner, type: .a, edns: nil).makeResponse()
        response.answers = Self.addresses(40)  // one record set of 40 × 16 bytes: none of it fits
        let parsed = try DNSMessage.parse(response.serialize(maxSize: 512))
        #expect(parsed.truncated)
        #expect(parsed.answers.isEmpty)
        #expect(parsed.edns == nil)
    }

    @Test("the authority section is cut the same way, after the whole answer section")
    func authorityTruncated() throws {
        var response = DNSMessage.query(id: 1, name: Self.owner, type: .a, edns: nil).makeResponse()
        response.answers = Self.addresses(2)
        response.authorities = Self.texts(6)
        let parsed = try DNSMessage.parse(response.serialize(maxSize: 512))
        #expect(parsed.truncated)
        #expect(parsed.answers.count == 2)
        #expect(parsed.authorities.isEmpty)
    }

    @Test("additional records that do not fit are dropped without TC")
    func additionalsDropped() throws {
        var response = DNSMessage.query(id: 1, name: Self.owner, type: .mx, edns: EDNS()).makeResponse()
        response.answers = [DNSRecord(name: Self.owner, ttl: 1, data: .mx(preference: 1, exchange: name("mx.example.org.")))]
        response.additionals = Self.addresses(5, owner: name("mx.example.org.")) + Self.texts(10)
        let parsed = try DNSMessage.parse(response.serialize(maxSize: 512))
        #expect(!parsed.truncated)
        #expect(parsed.answers == response.answers)
        #expect(parsed.additionals == Self.addresses(5, owner: name("mx.example.org.")))
        #expect(parsed.edns != nil)
    }
}
