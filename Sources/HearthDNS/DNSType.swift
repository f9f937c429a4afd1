/// A resource record type (RFC 1035 §3.2.2 and later RFCs), kept as its 16-bit code so that
/// unknown types pass through.
public struct DNSType: RawRepresentable, Hashable, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let a = DNSType(rawValue: 1)
    public static let ns = DNSType(rawValue: 2)
    public static let cname = DNSType(rawValue: 5)
    public static let soa = DNSType(rawValue: 6)
    public static let ptr = DNSType(rawValue: 12)
    public static let hinfo = DNSType(rawValue: 13)
    public static let mx = DNSType(rawValue: 15)
    public static let txt = DNSType(rawValue: 16)
    public static let aaaa = DNSType(rawValue: 28)
    public static let srv = DNSType(rawValue: 33)
    public static let naptr = DNSType(rawValue: 35)
    public static let dname = DNSType(rawValue: 39)
    public static let opt = DNSType(rawValue: 41)
    public static let ds = DNSType(rawValue: 43)
    public static let sshfp = DNSType(rawValue: 44)
    public static let rrsig = DNSType(rawValue: 46)
    public static let nsec = DNSType(rawValue: 47)
    public static let dnskey = DNSType(rawValue: 48)
    public static let nsec3 = DNSType(rawValue: 50)
    public static let nsec3param = DNSType(rawValue: 51)
    public static let tlsa = DNSType(rawValue: 52)
    public static let cds = DNSType(rawValue: 59)
    public static let cdnskey = DNSType(rawValue: 60)
    public static let svcb = DNSType(rawValue: 64)
    public static let https = DNSType(rawValue: 65)
    public static let spf = DNSType(rawValue: 99)
    /// Query type: an incremental zone transfer (RFC 1995).
    public static let ixfr = DNSType(rawValue: 251)
    /// Query type: a full zone transfer.
    public static let axfr = DNSType(rawValue: 252)
    /// Query type `*`: every record set at the name.
    public static let any = DNSType(rawValue: 255)
    public static let caa = DNSType(rawValue: 257)
}

extension DNSType: CustomStringConvertible {
    private static let mnemonics: [(DNSType, String)] = [
        (.a, "A"), (.ns, "NS"), (.cname, "CNAME"), (.soa, "SOA"), (.ptr, "PTR"), (.hinfo, "HINFO"),
        (.mx, "MX"), (.txt, "TXT"), (.aaaa, "AAAA"), (.srv, "SRV"), (.naptr, "NAPTR"), (.dname, "DNAME"),
        (.opt, "OPT"), (.ds, "DS"), (.sshfp, "SSHFP"), (.rrsig, "RRSIG"), (.nsec, "NSEC"), (.dnskey, "DNSKEY"),
        (.nsec3, "NSEC3"), (.nsec3param, "NSEC3PARAM"), (.tlsa, "TLSA"), (.cds, "CDS"), (.cdnskey, "CDNSKEY"),
        (.svcb, "SVCB"), (.https, "HTTPS"), (.spf, "SPF"), (.ixfr, "IXFR"), (.axfr, "AXFR"), (.any, "ANY"),
        (.caa, "CAA"),
    ]

    /// The mnemonic ("A", "AAAA", "MX"), or `TYPEnnn` (RFC 3597) for types without one.
    public var description: String {
        for (type, name) in Self.mnemonics where type == self { return name }
        return "TYPE\(rawValue)"
    }

    /// Parses a mnemonic, in any case ("a", "AAAA", "Mx"), or the generic `TYPEnnn` form.
    public init?(mnemonic: String) {
        let upper = mnemonic.uppercased()
        for (type, name) in Self.mnemonics where name == upper {
            self = type
            return
        }
        guard upper.hasPrefix("TYPE"), let value = UInt16(upper.dropFirst(4)) else { return nil }
        self.init(rawValue: value)
    }

    /// Meta and query-only types (OPT, IXFR, AXFR, ANY, and the rest of 128...255) that never
    /// appear as data in a zone.
    public var isMetaType: Bool { rawValue == DNSType.opt.rawValue || (128...255).contains(rawValue) }
}
