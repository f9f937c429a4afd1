/// The records of one name and type in a zone: one TTL (RFC 2181 §5.2) and the data, without
/// duplicates, in the order they were added.
public struct DNSRRSet: Hashable, Sendable {
    public var ttl: UInt32
    public var records: [DNSRecordData]

    public init(ttl: UInt32, records: [DNSRecordData]) {
        self.ttl = ttl
        self.records = records
    }

    /// The records with `name` as their owner, class IN.
    public func records(named name: DNSName) -> [DNSRecord] {
        records.map { DNSRecord(name: name, ttl: ttl, data: $0) }
    }
}
