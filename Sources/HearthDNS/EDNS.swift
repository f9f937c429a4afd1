/// The EDNS(0) information carried by a message's OPT pseudo-record (RFC 6891).
///
/// The extended response code's high 8 bits are not kept here: ``DNSMessage/rcode`` holds the
/// full 12-bit code and the wire format splits it between the header and the OPT record.
public struct EDNS: Hashable, Sendable {
    /// The largest UDP payload the sender can receive (values below 512 mean 512).
    public var udpPayloadSize: UInt16
    /// The EDNS version; only 0 is defined.
    public var version: UInt8
    /// The DO bit: the sender wants DNSSEC records (RFC 3225).
    public var dnssecOK: Bool
    public var options: [EDNSOption]

    public init(udpPayloadSize: UInt16 = 1232, version: UInt8 = 0, dnssecOK: Bool = false, options: [EDNSOption] = []) {
        self.udpPayloadSize = udpPayloadSize
        self.version = version
        self.dnssecOK = dnssecOK
        self.options = options
    }

    /// The size of the OPT record in wire format.
    var wireSize: Int {
        var size = 11
        for option in options { size += 4 + option.data.count }
        return size
    }
}
