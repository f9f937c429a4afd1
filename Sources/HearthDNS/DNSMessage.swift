/// A DNS message (RFC 1035 §4): header flags, the four sections and the EDNS information.
///
/// The OPT pseudo-record is not kept in ``additionals``: it is parsed into ``edns`` and written
/// last in the additional section when ``edns`` is set.
public struct DNSMessage: Hashable, Sendable {
    public var id: UInt16
    /// QR: this is a response.
    public var isResponse: Bool
    /// The 4-bit opcode: 0 is a standard query, 4 NOTIFY, 5 UPDATE.
    public var opcode: UInt8
    /// AA: the answer comes from an authority for the name.
    public var authoritative: Bool
    /// TC: the message was cut to fit; ask again over TCP.
    public var truncated: Bool
    /// RD: the client wants recursion.
    public var recursionDesired: Bool
    /// RA: the server offers recursion.
    public var recursionAvailable: Bool
    /// AD: authentic data (RFC 4035).
    public var authenticData: Bool
    /// CD: checking disabled (RFC 4035).
    public var checkingDisabled: Bool
    /// The full 12-bit response code. On the wire its low 4 bits go in the header and its high 8
    /// bits in the OPT record (without EDNS, only the low 4 bits can be sent).
    public var rcode: DNSResponseCode
    public var questions: [DNSQuestion]
    public var answers: [DNSRecord]
    public var authorities: [DNSRecord]
    /// The additional section without the OPT pseudo-record.
    public var additionals: [DNSRecord]
    public var edns: EDNS?

    public init(
        id: UInt16 = 0, isResponse: Bool = false, opcode: UInt8 = 0, authoritative: Bool = false, truncated: Bool = false,
        recursionDesired: Bool = false, recursionAvailable: Bool = false, authenticData: Bool = false,
        checkingDisabled: Bool = false, rcode: DNSResponseCode = .noError, questions: [DNSQuestion] = [],
        answers: [DNSRecord] = [], authorities: [DNSRecord] = [], additionals: [DNSRecord] = [], edns: EDNS? = nil
    ) {
        self.id = id
        self.isResponse = isResponse
        self.opcode = opcode
        self.authoritative = authoritative
        self.truncated = truncated
        self.recursionDesired = recursionDesired
        self.recursionAvailable = recursionAvailable
        self.authenticData = authenticData
        self.checkingDisabled = checkingDisabled
        self.rcode = rcode
        self.questions = questions
        self.answers = answers
        self.authorities = authorities
        self.additionals = additionals
        self.edns = edns
    }

    /// A standard query for one name and type, with recursion desired and EDNS if given.
    public static func query(id: UInt16, name: DNSName, type: DNSType, edns: EDNS? = EDNS()) -> DNSMessage {
        DNSMessage(id: id, recursionDesired: true, questions: [DNSQuestion(name: name, type: type)], edns: edns)
    }

    /// The start of a response to this query: the same id, opcode, questions and RD flag, QR
    /// set, and, if the query had EDNS, an OPT record with `udpPayloadSize` and the query's DO bit
    /// (RFC 3225). Sections are empty and the rcode is NOERROR.
    public func makeResponse(udpPayloadSize: UInt16 = 1232) -> DNSMessage {
        DNSMessage(
            id: id, isResponse: true, opcode: opcode, recursionDesired: recursionDesired, checkingDisabled: checkingDisabled,
            questions: questions,
            edns: edns.map { EDNS(udpPayloadSize: udpPayloadSize, dnssecOK: $0.dnssecOK) })
    }

    /// The largest response this query lets a server send over UDP: 512 without EDNS, else the
    /// advertised payload size clamped to `512...limit` (1232 avoids IP fragmentation, as DNS
    /// Flag Day 2020 recommends).
    public func maxUDPResponseSize(limit: Int = 1232) -> Int {
        guard let edns else { return 512 }
        return max(512, min(Int(edns.udpPayloadSize), limit))
    }
}
