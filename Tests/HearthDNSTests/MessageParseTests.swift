import Testing

@testable import HearthDNS

@Suite("Parsing messages")
struct MessageParseTests {
    /// `dig @127.0.0.1 example.org A +edns=0`, captured from dig 9.18: RD and AD set, EDNS with a
    /// 1232-byte payload and a DNS cookie.
    static let digQuery = hexBytes(
        "8c7401200001000000000001076578616d706c65036f7267000001000100002904d000000000000c000a0008fe26f18675791241")
    /// `dig www.Example.ORG AAAA +noedns`: the case is kept on the wire.
    static let digQueryNoEDNS = hexBytes("259c0120000100000000000003777777074578616d706c65034f524700001c0001")

    @Test("a query captured from dig")
    func digQuery() throws {
        let message = try DNSMessage.parse(Self.digQuery)
        #expect(message.id == 0x8C74)
        #expect(!message.isResponse)
        #expect(message.opcode == 0)
        #expect(message.recursionDesired)
        #expect(message.authenticData)
        #expect(message.rcode == .noError)
        #expect(message.questions == [DNSQuestion(name: try DNSName("example.org"), type: .a)])
        #expect(message.answers.isEmpty && message.authorities.isEmpty && message.additionals.isEmpty)
        let edns = try #require(message.edns)
        #expect(edns.udpPayloadSize == 1232)
        #expect(edns.version == 0)
        #expect(!edns.dnssecOK)
        #expect(edns.options == [EDNSOption(code: EDNSOption.cookieCode, data: hexBytes("fe26f18675791241"))])
        #expect(message.maxUDPResponseSize() == 1232)
        // Written back, it is the same bytes.
        #expect(message.serialize() == Self.digQuery)
    }

    @Test("names are lowercased; without EDNS responses are limited to 512 bytes")
    func digQueryWithoutEDNS() throws {
        let message = try DNSMessage.parse(Self.digQueryNoEDNS)
        #expect(message.questions.first?.name.description == "www.example.org.")
        #expect(message.questions.first?.type == .aaaa)
        #expect(message.edns == nil)
        #expect(message.maxUDPResponseSize() == 512)
    }

    @Test("the generic overloads parse the same")
    func overloads() throws {
        let expected = try DNSMessage.parse(Self.digQuery)
        #expect(try Self.digQuery.withUnsafeBytes { try DNSMessage.parse($0) } == expected)
        #expect(try DNSMessage.parse(Self.digQuery[...]) == expected)
        // Trailing bytes are ignored.
        #expect(try DNSMessage.parse(Self.digQuery + [1, 2, 3]) == expected)
    }

    @Test("every proper prefix of a message is refused, without a crash")
    func everyPrefix() throws {
        let response = try #require(TestZones.authority().answer(try DNSMessage.parse(Self.digQuery)))
        var full = response
        let owner = try DNSName("x.example.org")
        full.answers = TestZones.example().rrsets.values.flatMap { node in node.values.flatMap { $0.records(named: owner) } }
        let bytes = full.serialize()
        #expect(try DNSMessage.parse(bytes) == full)
        for length in 0..<bytes.count {
            #expect(throws: DNSError.self) { try DNSMessage.parse(Array(bytes[..<length])) }
        }
    }

    /// A header asking one question, then `body`.
    static func query(_ body: [UInt8], questions: UInt8 = 1) -> [UInt8] {
        [0x12, 0x34, 0x01, 0x00, 0, questions, 0, 0, 0, 0, 0, 0] + body
    }

    static func code(of bytes: [UInt8]) -> DNSError.Code? {
        do {
            _ = try DNSMessage.parse(bytes)
            return nil
        } catch {
            return error.code
        }
    }

    @Test("a pointer to itself is a loop")
    func selfPointer() {
        #expect(Self.code(of: Self.query([0xC0, 12, 0, 1, 0, 1])) == .pointerLoop)
    }

    @Test("a pointer back into its own name is a loop")
    func pointerIntoOwnName() {
        #expect(Self.code(of: Self.query([1, 0x61, 0xC0, 12, 0, 1, 0, 1])) == .pointerLoop)
    }

    @Test("two pointers pointing at each other are refused")
    func mutualPointers() {
        // Question 1 at 12 points to 14; question 2 at 14 points to 12.
        let bytes = Self.query([0xC0, 14, 0xC0, 12, 0, 1, 0, 1], questions: 2)
        let code = Self.code(of: bytes)
        #expect(code == .badPointer || code == .pointerLoop)
        // Read from the second name's side: 14 → 12 is backward, but 12 → 14 is not before 12.
        var reader = DNSWireReader(bytes)
        reader.position = 14
        #expect(throws: DNSError(.badPointer, "")) { try reader.name(end: bytes.count) }
    }

    @Test("a forward pointer is refused")
    func forwardPointer() {
        #expect(Self.code(of: Self.query([0xC0, 20, 0, 1, 0, 1, 0, 0, 1, 0x61, 0])) == .badPointer)
    }

    @Test("a pointer past the end is refused")
    func pointerPastEnd() {
        #expect(Self.code(of: Self.query([0xFF, 0xFF, 0, 1, 0, 1])) == .badPointer)
    }

    @Test("a long chain of backward pointers is cut off")
    func tooManyHops() throws {
        // A name at 12, then 200 pointers, each to the one before; the question is the last.
        var body: [UInt8] = [1, 0x61, 0]
        var previous = 12
        for _ in 0..<200 {
            let here = 12 + body.count
            body += [0xC0 | UInt8(previous >> 8), UInt8(previous & 0xFF)]
            previous = here
        }
        let bytes = Self.query(body + [0, 1, 0, 1])
        // Read the name that starts at the last pointer.
        var reader = DNSWireReader(bytes)
        reader.position = previous
        #expect(throws: DNSError(.pointerLoop, "")) { try reader.name(end: bytes.count) }
        // 100 hops are fine.
        reader.position = 12 + 3 + 2 * 99
        #expect(try reader.name(end: bytes.count).description == "a.")
    }

    @Test("reserved label types 0x40 and 0x80 are refused")
    func reservedLabelTypes() {
        #expect(Self.code(of: Self.query([0x41, 0x61, 0, 0, 1, 0, 1])) == .badLabel)
        #expect(Self.code(of: Self.query([0x81, 0x61, 0, 0, 1, 0, 1])) == .badLabel)
    }

    @Test("a name over 255 bytes is refused, also when built with pointers")
    func longNames() {
        var body: [UInt8] = []
        for _ in 0..<5 { body += [63] + [UInt8](repeating: 0x61, count: 63) }
        body += [0, 0, 1, 0, 1]
        #expect(Self.code(of: Self.query(body)) == .nameTooLong)
        // 3 labels of 63, and a second name of 2 labels of 63 pointing at the first: 4 × 64 + 64 + 1.
        var first: [UInt8] = []
        for _ in 0..<3 { first += [63] + [UInt8](repeating: 0x62, count: 63) }
        first += [0, 0, 1, 0, 1]
        var second: [UInt8] = []
        for _ in 0..<2 { second += [63] + [UInt8](repeating: 0x63, count: 63) }
        second += [0xC0, 12, 0, 1, 0, 1]
        #expect(Self.code(of: Self.query(first + second, questions: 2)) == .nameTooLong)
    }

    @Test("counts that run past the end are refused")
    func countsPastEnd() {
        var bytes = Self.digQueryNoEDNS
        bytes[7] = 3  // three answers that are not there
        #expect(Self.code(of: bytes) == .truncated)
        #expect(Self.code(of: [0, 0, 0]) == .truncated)
        // An rdata length past the end.
        let record: [UInt8] = [0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 200, 1, 2, 3, 4]
        #expect(Self.code(of: [0, 1, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0] + record) == .truncated)
    }

    @Test("record data must match its type's length")
    func rdataLengths() {
        func answer(_ type: UInt16, _ rdata: [UInt8]) -> [UInt8] {
            [0, 1, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, UInt8(type >> 8), UInt8(type & 0xFF), 0, 1, 0, 0, 0, 1, 0, UInt8(rdata.count)]
                + rdata
        }
        #expect(Self.code(of: answer(1, [1, 2, 3])) == .badRecordData)
        #expect(Self.code(of: answer(1, [1, 2, 3, 4, 5])) == .badRecordData)
        #expect(Self.code(of: answer(28, [UInt8](repeating: 0, count: 15))) == .badRecordData)
        #expect(Self.code(of: answer(1, [1, 2, 3, 4])) == nil)
        // An NS name that runs past its data, and one that stops short of it.
        #expect(Self.code(of: answer(2, [1, 0x61])) != nil)
        #expect(Self.code(of: answer(2, [1, 0x61, 0, 9])) == .badRecordData)
        // TXT strings must fill the data exactly.
        #expect(Self.code(of: answer(16, [3, 0x61, 0x62])) == .badRecordData)
        #expect(Self.code(of: answer(16, [1, 0x61, 0])) == nil)
        // CAA needs a tag of 1 to 15 letters and digits.
        #expect(Self.code(of: answer(257, [0, 0])) == .badRecordData)
        #expect(Self.code(of: answer(257, [0, 2, 0x61, 0x2D])) == .badRecordData)
        #expect(Self.code(of: answer(257, [0, 1, 0x61])) == nil)
        // SOA: two names and exactly 20 bytes.
        #expect(Self.code(of: answer(6, [0, 0] + [UInt8](repeating: 0, count: 19))) == .badRecordData)
        #expect(Self.code(of: answer(6, [0, 0] + [UInt8](repeating: 0, count: 20))) == nil)
        // Unknown types keep any data.
        #expect(Self.code(of: answer(999, [1, 2, 3])) == nil)
    }

    /// A response with `records` in the additional section.
    static func additional(_ records: [[UInt8]], section: Int = 3) -> [UInt8] {
        var header: [UInt8] = [0, 1, 0x84, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        header[5 + 2 * section] = UInt8(records.count)
        return header + records.flatMap { $0 }
    }

    static let opt: [UInt8] = [0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0]

    @Test("OPT: one only, only in the additional section, only at the root")
    func optRules() throws {
        #expect(Self.code(of: Self.additional([Self.opt])) == nil)
        #expect(Self.code(of: Self.additional([Self.opt, Self.opt])) == .duplicateOPT)
        #expect(Self.code(of: Self.additional([Self.opt], section: 1)) == .optNotInAdditional)
        #expect(Self.code(of: Self.additional([Self.opt], section: 2)) == .optNotInAdditional)
        #expect(Self.code(of: Self.additional([[1, 0x61] + Self.opt])) == .badOPTOwner)
        // Options must fill the data exactly.
        var badOption = Self.opt
        badOption[10] = 3
        #expect(Self.code(of: Self.additional([badOption + [0, 10, 0]])) == .badRecordData)
    }

    @Test("the extended rcode joins the header's 4 bits and the OPT's 8")
    func extendedRcode() throws {
        var bytes = Self.additional([Self.opt])
        bytes[3] = 0x00
        bytes[12 + 5] = 1  // OPT TTL high byte: extended rcode 1
        let message = try DNSMessage.parse(bytes)
        #expect(message.rcode == .badVers)
        #expect(message.edns?.udpPayloadSize == 4096)
        let again = try DNSMessage.parse(message.serialize())
        #expect(again.rcode == .badVers)
    }

    @Test("a message shorter than a header is refused")
    func shortHeader() throws {
        #expect(throws: DNSError(.truncated, "")) { try DNSMessage.parse([UInt8](repeating: 0, count: 11)) }
        #expect(try DNSMessage.parse([UInt8](repeating: 0, count: 12)) == DNSMessage())
    }

    @Test("a FORMERR response can be made from a query that does not parse")
    func formatError() {
        let bytes: [UInt8] = [0xAB, 0xCD, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0]
        #expect(DNSMessage.formatErrorResponse(to: bytes) == [0xAB, 0xCD, 0x81, 0x01, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(DNSMessage.formatErrorResponse(to: [0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0]) == nil)
        #expect(DNSMessage.formatErrorResponse(to: [0, 0]) == nil)
    }
}
