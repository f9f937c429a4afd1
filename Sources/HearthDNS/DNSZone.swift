/// The records of one zone, ready to answer from: record sets by name and type, every name that
/// exists (owners and, as empty non-terminals, their ancestors down to the origin) and the
/// delegation points.
///
/// A zone always holds its SOA record at the origin. Build it once, then share it: it is a value
/// and ``DNSAuthority`` only reads it.
public struct DNSZone: Sendable {
    public let origin: DNSName
    public private(set) var soa: DNSSOA
    /// The TTL of the SOA record.
    public private(set) var soaTTL: UInt32
    /// Record sets by owner name, then type.
    public private(set) var rrsets: [DNSName: [DNSType: DNSRRSet]]
    /// Every name in the zone: owners of records and their ancestors up to the origin (empty
    /// non-terminals). A name not here does not exist (NXDOMAIN), unless a wildcard covers it.
    public private(set) var names: Set<DNSName>
    /// Names below the origin that own an NS record set: everything at or below them is delegated.
    public private(set) var delegations: Set<DNSName>
    /// True once a wildcard owner (`*.something`) has been added.
    public private(set) var hasWildcards: Bool = false

    /// A zone with just its SOA record and, if given, NS records for `nameservers` at the origin
    /// (with the SOA's TTL).
    public init(origin: DNSName, soa: DNSSOA, soaTTL: UInt32 = 3600, nameservers: [DNSName] = []) {
        self.origin = origin
        self.soa = soa
        self.soaTTL = soaTTL
        self.rrsets = [origin: [.soa: DNSRRSet(ttl: soaTTL, records: [.soa(soa)])]]
        self.names = [origin]
        self.delegations = []
        if !nameservers.isEmpty {
            var unique: [DNSRecordData] = []
            for host in nameservers where !unique.contains(.ns(host)) { unique.append(.ns(host)) }
            rrsets[origin, default: [:]][.ns] = DNSRRSet(ttl: soaTTL, records: unique)
        }
    }

    /// The names of the NS records at the origin.
    public var nameservers: [DNSName] {
        guard let set = rrsets[origin]?[.ns] else { return [] }
        return set.records.compactMap {
            if case .ns(let host) = $0 { return host }
            return nil
        }
    }

    /// The record set of `type` at `name`, if any.
    public func rrset(_ name: DNSName, _ type: DNSType) -> DNSRRSet? { rrsets[name]?[type] }

    /// True if `name` exists in the zone, as an owner or as an empty non-terminal.
    public func contains(_ name: DNSName) -> Bool { names.contains(name) }

    /// True if `name` exists without owning any records (an empty non-terminal).
    public func isEmptyNonTerminal(_ name: DNSName) -> Bool { names.contains(name) && rrsets[name] == nil }

    /// Adds a record. Duplicates are ignored; a record set's TTL is the lowest of its records'.
    /// An SOA record at the origin replaces the zone's SOA. Throws for a record outside the zone,
    /// a class other than IN, a meta type (OPT, ANY, AXFR...), an SOA below the origin, and a
    /// CNAME next to other data (RFC 1034 §3.6.2).
    public mutating func add(_ record: DNSRecord) throws(DNSError) {
        let name = record.name
        let type = record.type
        guard name.isSubdomain(of: origin) else {
            throw DNSError(.outOfZone, "\(name) is not in the zone \(origin)")
        }
        guard record.class == .in else {
            throw DNSError(.badRecordData, "\(name) \(type) is in class \(record.class); zones hold class IN only")
        }
        guard !type.isMetaType else {
            throw DNSError(.badRecordData, "\(type) is a meta type and cannot be a record in a zone")
        }
        if type == .soa {
            guard name == origin, case .soa(let newSOA) = record.data else {
                throw DNSError(.outOfZone, "an SOA record belongs at the zone's origin \(origin), not at \(name)")
            }
            soa = newSOA
            soaTTL = record.ttl
            rrsets[origin, default: [:]][.soa] = DNSRRSet(ttl: record.ttl, records: [record.data])
            return
        }
        let existing = rrsets[name]
        if type == .cname {
            if let existing, existing.keys.contains(where: { $0 != .cname }) {
                throw DNSError(.cnameConflict, "\(name) already has other records; a CNAME must be alone at its name")
            }
            if let current = existing?[.cname], current.records != [record.data] {
                throw DNSError(.cnameConflict, "\(name) already has a CNAME to \(current.records[0].presentation)")
            }
        } else if existing?[.cname] != nil {
            throw DNSError(.cnameConflict, "\(name) has a CNAME; it cannot also have \(type) records")
        }

        if var set = existing?[type] {
            if !set.records.contains(record.data) { set.records.append(record.data) }
            set.ttl = min(set.ttl, record.ttl)
            rrsets[name, default: [:]][type] = set
        } else {
            rrsets[name, default: [:]][type] = DNSRRSet(ttl: record.ttl, records: [record.data])
        }
        if type == .ns, name != origin { delegations.insert(name) }
        if name.isWildcard { hasWildcards = true }
        var current: DNSName? = name
        while let ancestor = current, names.insert(ancestor).inserted, ancestor != origin {
            current = ancestor.parent
        }
    }

    /// Adds every record, stopping at the first that fails.
    public mutating func add(contentsOf records: some Sequence<DNSRecord>) throws(DNSError) {
        for record in records { try add(record) }
    }

    /// The highest delegation point at or above `name` (but below the origin), if any.
    func delegation(covering name: DNSName) -> DNSName? {
        if delegations.isEmpty { return nil }
        if delegations.count <= 8 {
            var best: DNSName?
            for cut in delegations where name.isSubdomain(of: cut) {
                if let current = best, current.wire.count <= cut.wire.count { continue }
                best = cut
            }
            return best
        }
        let originLabels = origin.labelCount
        let nameLabels = name.labelCount
        guard nameLabels > originLabels else { return nil }
        for count in (originLabels + 1)...nameLabels {
            let ancestor = name.suffix(labelCount: count)
            if delegations.contains(ancestor) { return ancestor }
        }
        return nil
    }

    /// The wildcard that covers a name that does not exist (RFC 4592 §3.3.1): `*.` in front of
    /// the name's closest existing ancestor, if that wildcard exists.
    func wildcard(covering name: DNSName) -> DNSName? {
        guard hasWildcards else { return nil }
        var ancestor = name.parent
        while let candidate = ancestor, candidate.isSubdomain(of: origin) {
            if names.contains(candidate) {
                guard let wildcard = try? candidate.prepending("*"), rrsets[wildcard] != nil else { return nil }
                return wildcard
            }
            ancestor = candidate.parent
        }
        return nil
    }
}
