import HearthCore
import HearthDNS

/// Builds what the DNS server answers from the registry's resources: the cluster zone (services
/// and their healthy instances) and the users' zones. Pure: resources in, zones out.
struct DNSZoneBuilder: Sendable {
    /// The cluster domain, e.g. `hearth.internal`.
    let domain: DNSName
    /// TTL of service answers.
    let serviceTTL: UInt32
    /// The address of the cluster zone's name server (`ns.<domain>`), if it is a specific one.
    let nameserverAddress: [UInt8]?

    static let negativeTTL: UInt32 = 5

    /// The zones, and the user zones left out because another zone claimed their domain first.
    func build(_ resources: [Resource], revision: Int64) -> (zones: [DNSZone], conflicts: [ResourceKey]) {
        var specs = RegistrySpecs()
        return build(resources, revision: revision, specs: &specs)
    }

    /// ``build(_:revision:)`` with specs decoded once per resource version across builds.
    func build(_ resources: [Resource], revision: Int64, specs: inout RegistrySpecs) -> (zones: [DNSZone], conflicts: [ResourceKey]) {
        var services: [String: Resource] = [:]
        var instances: [Resource] = []
        var zones: [Resource] = []
        var records: [Resource] = []
        for resource in resources {
            switch resource.type {
            case RegistryTypes.servicesTypeName: services["\(resource.namespace ?? "")/\(resource.name)"] = resource
            case RegistryTypes.instancesTypeName: instances.append(resource)
            case DNSResourceTypes.zonesTypeName: zones.append(resource)
            case DNSResourceTypes.recordsTypeName: records.append(resource)
            default: break
            }
        }
        var result = [clusterZone(services: services, instances: instances, revision: revision, specs: &specs)]
        var conflicts: [ResourceKey] = []
        var claimed: Set<DNSName> = [domain]
        let recordsByZone = Dictionary(grouping: records) { "\($0.namespace ?? "")/\($0.spec["zone"]?.stringValue ?? "")" }
        // The first zone created owns a domain; a later claim is left out.
        for zone in zones.sorted(by: { ($0.createdAt, $0.key) < ($1.createdAt, $1.key) }) {
            guard let origin = try? DNSName(zone.spec["domain"]?.stringValue ?? ""),
                !claimed.contains(where: { origin.isSubdomain(of: $0) || $0.isSubdomain(of: origin) })
            else {
                conflicts.append(zone.key)
                continue
            }
            claimed.insert(origin)
            let members = recordsByZone["\(zone.namespace ?? "")/\(zone.name)"] ?? []
            result.append(userZone(zone, origin: origin, records: members))
        }
        return (result, conflicts)
    }

    // MARK: The cluster zone

    private func clusterZone(services: [String: Resource], instances: [Resource], revision: Int64, specs: inout RegistrySpecs) -> DNSZone {
        let nameserver = try! domain.prepending("ns")
        let soa = DNSSOA(
            mname: nameserver, rname: try! domain.prepending("hostmaster"), serial: Self.serial(revision),
            refresh: 3600, retry: 600, expire: 86_400, minimum: Self.negativeTTL)
        var zone = DNSZone(origin: domain, soa: soa, soaTTL: serviceTTL)
        try? zone.add(DNSRecord(name: domain, ttl: 3600, data: .ns(nameserver)))
        if let address = nameserverAddress {
            try? zone.add(DNSRecord(name: nameserver, ttl: 3600, data: address.count == 4 ? .a(address) : .aaaa(address)))
        }
        let svc = try! domain.prepending("svc")
        for instance in instances.sorted(by: { $0.key < $1.key }) {
            guard let namespace = instance.namespace, let spec = specs.instance(instance),
                let serviceResource = services["\(namespace)/\(spec.service)"]
            else { continue }
            let service = specs.service(serviceResource)
            guard InstanceHealth.state(of: instance, spec: spec, service: service).isHealthy,
                let serviceName = try? svc.prepending(namespace).prepending(spec.service),
                let instanceName = try? serviceName.prepending(instance.name)
            else { continue }
            let address = IPAddressBytes.parse(spec.address)
            if let address {
                let data: DNSRecordData = address.count == 4 ? .a(address) : .aaaa(address)
                try? zone.add(DNSRecord(name: serviceName, ttl: serviceTTL, data: data))
                try? zone.add(DNSRecord(name: instanceName, ttl: serviceTTL, data: data))
            } else if let target = try? DNSName(spec.address) {
                try? zone.add(DNSRecord(name: instanceName, ttl: serviceTTL, data: .cname(target)))
            }
            let weight = UInt16(clamping: spec.effectiveWeight)
            if let port = spec.port {
                try? zone.add(DNSRecord(name: serviceName, ttl: serviceTTL, data: .srv(priority: 1, weight: weight, port: UInt16(port), target: instanceName)))
            }
            for servicePort in service?.ports ?? [] {
                guard let port = spec.port(named: servicePort.name, in: service),
                    let name = try? serviceName.prepending("_" + (servicePort.protocol ?? .tcp).transport).prepending("_" + servicePort.name)
                else { continue }
                try? zone.add(DNSRecord(name: name, ttl: serviceTTL, data: .srv(priority: 1, weight: weight, port: UInt16(port), target: instanceName)))
            }
        }
        return zone
    }

    // MARK: User zones

    private func userZone(_ resource: Resource, origin: DNSName, records: [Resource]) -> DNSZone {
        let spec = resource.spec
        let defaultTTL = UInt32(clamping: spec["ttl"]?.int64Value ?? 300)
        let revision = ([resource.revision] + records.map(\.revision)).max() ?? 0
        let nameservers = (spec["nameservers"]?.arrayValue ?? []).compactMap { try? Self.ownerName($0.stringValue ?? "", origin: origin) }
        let mailbox = Self.mailbox(spec["email"]?.stringValue ?? "hostmaster@\(origin.description.dropLast())").flatMap { try? DNSName($0) }
        let soa = DNSSOA(
            mname: nameservers.first ?? (try! domain.prepending("ns")),
            rname: mailbox ?? (try! origin.prepending("hostmaster")), serial: Self.serial(revision),
            refresh: UInt32(clamping: spec["refresh"]?.int64Value ?? 3600), retry: UInt32(clamping: spec["retry"]?.int64Value ?? 600),
            expire: UInt32(clamping: spec["expire"]?.int64Value ?? 604_800), minimum: UInt32(clamping: spec["negativeTTL"]?.int64Value ?? 60))
        var zone = DNSZone(origin: origin, soa: soa, soaTTL: defaultTTL)
        for nameserver in nameservers.isEmpty ? [try! domain.prepending("ns")] : nameservers {
            try? zone.add(DNSRecord(name: origin, ttl: defaultTTL, data: .ns(nameserver)))
        }
        // A CNAME excludes other data at its name: the first resource written wins there.
        var cnames: Set<DNSName> = []
        var others: Set<DNSName> = [origin]
        for record in records.sorted(by: { ($0.createdAt, $0.key) < ($1.createdAt, $1.key) }) {
            let spec = record.spec
            guard let name = try? Self.ownerName(spec["name"]?.stringValue ?? "", origin: origin),
                let type = DNSType(mnemonic: spec["type"]?.stringValue ?? "")
            else { continue }
            if type == .cname ? (others.contains(name) || cnames.contains(name)) : cnames.contains(name) { continue }
            if type == .cname { cnames.insert(name) } else { others.insert(name) }
            let ttl = UInt32(clamping: spec["ttl"]?.int64Value ?? Int64(defaultTTL))
            for value in spec["values"]?.arrayValue ?? [] {
                guard let data = try? DNSRecordData.parse(presentation: value.stringValue ?? "", type: type, origin: origin) else { continue }
                try? zone.add(DNSRecord(name: name, ttl: ttl, data: data))
            }
        }
        return zone
    }

    // MARK: Names

    /// An owner or host name written relative to `origin`: `@` is the origin, a name ending in a
    /// dot is absolute (and must lie in the zone when it is an owner name).
    static func ownerName(_ text: String, origin: DNSName) throws -> DNSName {
        if text == "@" { return origin }
        if text.hasSuffix(".") { return try DNSName(text) }
        guard !text.isEmpty else { throw HearthError(.badRequest, "empty name") }
        return try DNSName(text + "." + origin.description)
    }

    /// `hostmaster@example.org` as the SOA's mailbox name `hostmaster.example.org`.
    static func mailbox(_ email: String) -> String? {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[0].contains("."), Names.hostnameProblem(String(parts[1])) == nil else { return nil }
        return "\(parts[0]).\(parts[1])"
    }

    /// A store revision as an SOA serial: it moves with every change.
    static func serial(_ revision: Int64) -> UInt32 { UInt32(truncatingIfNeeded: revision) }
}
