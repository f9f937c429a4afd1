/// A resource record class (RFC 1035 §3.2.4). Hearth serves only ``in``.
public struct DNSClass: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// The Internet.
    public static let `in` = DNSClass(rawValue: 1)
    /// Chaos (used for `version.bind`-style server queries).
    public static let ch = DNSClass(rawValue: 3)
    /// Hesiod.
    public static let hs = DNSClass(rawValue: 4)
    /// NONE, used by dynamic update (RFC 2136).
    public static let none = DNSClass(rawValue: 254)
    /// Query class `*`.
    public static let any = DNSClass(rawValue: 255)

    public var description: String {
        switch rawValue {
        case 1: "IN"
        case 3: "CH"
        case 4: "HS"
        case 254: "NONE"
        case 255: "ANY"
        default: "CLASS\(rawValue)"
        }
    }
}
