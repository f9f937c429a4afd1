/// The data of an SOA record (RFC 1035 §3.3.13): the zone's primary server, the responsible
/// mailbox as a name (`hostmaster.example.org.`), the serial and the four timers, in seconds.
public struct DNSSOA: Hashable, Sendable {
    public var mname: DNSName
    public var rname: DNSName
    public var serial: UInt32
    public var refresh: UInt32
    public var retry: UInt32
    public var expire: UInt32
    /// The TTL of negative answers (RFC 2308 §4), capped there by the SOA record's own TTL.
    public var minimum: UInt32

    public init(
        mname: DNSName, rname: DNSName, serial: UInt32, refresh: UInt32 = 7200, retry: UInt32 = 3600,
        expire: UInt32 = 1_209_600, minimum: UInt32 = 300
    ) {
        self.mname = mname
        self.rname = rname
        self.serial = serial
        self.refresh = refresh
        self.retry = retry
        self.expire = expire
        self.minimum = minimum
    }
}
