/// A resource record: an owner name, a class, a TTL in seconds and typed data.
public struct DNSRecord: Hashable, Sendable, CustomStringConvertible {
    public var name: DNSName
    public var `class`: DNSClass
    public var ttl: UInt32
    public var data: DNSRecordData

    public init(name: DNSName, class: DNSClass = .in, ttl: UInt32, data: DNSRecordData) {
        self.name = name
        self.class = `class`
        self.ttl = ttl
        self.data = data
    }

    /// The record's type, from its data.
    public var type: DNSType { data.type }

    /// The record as a zone-file line: `www.example.org. 300 IN A 192.0.2.1`.
    public var description: String { "\(name) \(ttl) \(self.class) \(type) \(data.presentation)" }
}
