/// Answers queries authoritatively from a fixed set of zones (RFC 1034 §4.3.2, with RFC 2308
/// negative answers, RFC 4592 wildcards and RFC 6891 EDNS). Pure: no I/O, no clock; the caller
/// parses, calls ``answer(_:using:)`` and serializes.
///
/// Build a new authority when zones change; it is an immutable value, safe to share.
public struct DNSAuthority: Sendable {
    public let zones: [DNSZone]
    /// The UDP payload size advertised in responses' OPT records.
    public let udpPayloadSize: UInt16
    /// The longest CNAME chain followed within the zones.
    public static let maxCNAMEChain = 8

    private let zoneByOrigin: [DNSName: Int]

    /// An authority for `zones`. If two zones have the same origin, the first is used.
    public init(zones: [DNSZone], udpPayloadSize: UInt16 = 1232) {
        self.zones = zones
        self.udpPayloadSize = udpPayloadSize
        var byOrigin: [DNSName: Int] = [:]
        for (index, zone) in zones.enumerated() where byOrigin[zone.origin] == nil {
            byOrigin[zone.origin] = index
        }
        self.zoneByOrigin = byOrigin
    }

    /// The index in ``zones`` of the zone with the longest origin that `name` is at or below.
    public func zoneIndex(for name: DNSName) -> Int? {
        if zones.count <= 16 {
            var best: Int?
            for index in zones.indices where name.isSubdomain(of: zones[index].origin) {
                if let current = best, zones[current].origin.wire.count >= zones[index].origin.wire.count { continue }
                best = index
            }
            return best
        }
        var current: DNSName? = name
        while let candidate = current {
            if let index = zoneByOrigin[candidate] { return index }
            current = candidate.parent
        }
        return nil
    }

    /// Answers with a fresh random number generator.
    public func answer(_ query: DNSMessage) -> DNSMessage? {
        var generator = SystemRandomNumberGenerator()
        return answer(query, using: &generator)
    }

    /// The response to `query`, or nil if its question is in none of the zones (the caller then
    /// answers REFUSED or forwards it) or it is itself a response (drop those).
    ///
    /// - opcode other than QUERY: NOTIMP; EDNS version above 0: BADVERS; not exactly one
    ///   question: FORMERR (several questions are not echoed); class other than IN or ANY, or a zone transfer: REFUSED.
    /// - below a delegation: a referral (not authoritative, the NS records in the authority
    ///   section, their addresses in the additional section when they are in these zones).
    /// - the name has the type: the records, authoritative. A and AAAA records come shuffled by
    ///   `generator`; ANY gives every record set at the name.
    /// - the name has a CNAME: the CNAME, then the chain is followed through these zones (at most
    ///   ``maxCNAMEChain`` links; a loop stops it).
    /// - the name exists without the type, or only as an empty non-terminal: NODATA; the name does
    ///   not exist: NXDOMAIN. Both with the zone's SOA in the authority section, its TTL capped by
    ///   the SOA minimum (RFC 2308 §3).
    /// - the addresses of MX exchanges, SRV targets and NS hosts that are in these zones go in the
    ///   additional section.
    public func answer(_ query: DNSMessage, using generator: inout some RandomNumberGenerator) -> DNSMessage? {
        if query.isResponse { return nil }
        var response = query.makeResponse(udpPayloadSize: udpPayloadSize)
        // Several questions are only ever refused; not echoing them keeps the refusal small.
        if query.questions.count > 1 { response.questions = [] }
        if query.opcode != 0 {
            response.rcode = .notImp
            return response
        }
        if let edns = query.edns, edns.version > 0 {
            response.rcode = .badVers
            return response
        }
        guard query.questions.count == 1 else {
            response.rcode = .formErr
            return response
        }
        let question = query.questions[0]
        guard let zoneIndex = zoneIndex(for: question.name) else { return nil }
        guard question.class == .in || question.class == .any, question.type != .axfr, question.type != .ixfr else {
            response.rcode = .refused
            return response
        }
        resolve(question.name, type: question.type, zoneIndex: zoneIndex, into: &response, using: &generator)
        return response
    }

    private func resolve(
        _ qname: DNSName, type qtype: DNSType, zoneIndex: Int, into response: inout DNSMessage,
        using generator: inout some RandomNumberGenerator
    ) {
        var name = qname
        var zoneIndex = zoneIndex
        var visited: [DNSName] = []
        var additionalNames: [DNSName] = []
        response.authoritative = true
        while true {
            let zone = zones[zoneIndex]
            if let cut = zone.delegation(covering: name), !(cut == name && qtype == .ds) {
                // A referral for the question itself; a CNAME chain that leads under a
                // delegation just ends there.
                if visited.isEmpty, let nameservers = zone.rrset(cut, .ns) {
                    response.authoritative = false
                    response.authorities.append(contentsOf: nameservers.records(named: cut))
                    collectHosts(nameservers.records, into: &additionalNames)
                }
                break
            }
            // A wildcard's records answer for the name asked (RFC 4592 §3.3.2).
            var node = zone.rrsets[name]
            if node == nil, !zone.names.contains(name), let wildcard = zone.wildcard(covering: name) {
                node = zone.rrsets[wildcard]
            }
            guard let node else {
                if zone.names.contains(name) {
                    response.authorities.append(negativeSOA(zone))
                } else {
                    response.rcode = .nxDomain
                    response.authorities.append(negativeSOA(zone))
                }
                break
            }
            if qtype == .any {
                for type in node.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
                    if let set = node[type] {
                        append(set, type: type, name: name, to: &response, hosts: &additionalNames, using: &generator)
                    }
                }
                break
            }
            if let set = node[qtype] {
                append(set, type: qtype, name: name, to: &response, hosts: &additionalNames, using: &generator)
                break
            }
            guard let cname = node[.cname], case .cname(let target)? = cname.records.first else {
                response.authorities.append(negativeSOA(zone))
                break
            }
            response.answers.append(DNSRecord(name: name, ttl: cname.ttl, data: .cname(target)))
            visited.append(name)
            guard visited.count <= Self.maxCNAMEChain, !visited.contains(target), let next = self.zoneIndex(for: target) else {
                break
            }
            name = target
            zoneIndex = next
        }
        addAddresses(of: additionalNames, to: &response)
    }

    /// Appends a record set owned by `name`, shuffling addresses, and notes the hosts it names.
    private func append(
        _ set: DNSRRSet, type: DNSType, name: DNSName, to response: inout DNSMessage, hosts: inout [DNSName],
        using generator: inout some RandomNumberGenerator
    ) {
        if (type == .a || type == .aaaa), set.records.count > 1 {
            var shuffled = set.records
            shuffled.shuffle(using: &generator)
            for data in shuffled { response.answers.append(DNSRecord(name: name, ttl: set.ttl, data: data)) }
            return
        }
        for data in set.records { response.answers.append(DNSRecord(name: name, ttl: set.ttl, data: data)) }
        if type == .mx || type == .srv || type == .ns { collectHosts(set.records, into: &hosts) }
    }

    private func collectHosts(_ records: [DNSRecordData], into hosts: inout [DNSName]) {
        for data in records {
            let host: DNSName
            switch data {
            case .mx(_, let exchange): host = exchange
            case .srv(_, _, _, let target): host = target
            case .ns(let server): host = server
            default: continue
            }
            if !host.isRoot, !hosts.contains(host) { hosts.append(host) }
        }
    }

    /// Adds the A and AAAA records of `hosts` that these zones hold (glue below a delegation
    /// included), unless the answer section already has them.
    private func addAddresses(of hosts: [DNSName], to response: inout DNSMessage) {
        for host in hosts {
            guard let index = zoneIndex(for: host), let node = zones[index].rrsets[host] else { continue }
            for type in [DNSType.a, .aaaa] {
                guard let set = node[type] else { continue }
                if response.answers.contains(where: { $0.name == host && $0.type == type }) { continue }
                response.additionals.append(contentsOf: set.records(named: host))
            }
        }
    }

    /// The zone's SOA record for a negative answer, its TTL the lower of the SOA's own and its
    /// minimum field (RFC 2308 §3).
    private func negativeSOA(_ zone: DNSZone) -> DNSRecord {
        DNSRecord(name: zone.origin, ttl: min(zone.soaTTL, zone.soa.minimum), data: .soa(zone.soa))
    }
}
