/// One option of an OPT pseudo-record (RFC 6891 §6.1.2), kept as its code and raw data.
public struct EDNSOption: Hashable, Sendable {
    public var code: UInt16
    public var data: [UInt8]

    public init(code: UInt16, data: [UInt8]) {
        self.code = code
        self.data = data
    }

    /// NSID (RFC 5001).
    public static let nsidCode: UInt16 = 3
    /// Client subnet (RFC 7871).
    public static let clientSubnetCode: UInt16 = 8
    /// DNS cookie (RFC 7873).
    public static let cookieCode: UInt16 = 10
    /// Padding (RFC 7830).
    public static let paddingCode: UInt16 = 12
}
