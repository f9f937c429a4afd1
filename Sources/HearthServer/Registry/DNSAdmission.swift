import HearthCore
import HearthDNS

/// What a DNS zone or record must not collide with, checked against the registry's view before
/// the write: a zone's domain is claimed by one zone only and never by the cluster domain; a name
/// with a CNAME has no other data, and a CNAME is not added where other data is.
///
/// The view may lag a concurrent write on another replica by a moment; the DNS builder then keeps
/// the first-created claim and leaves the other out, so answers stay consistent either way.
struct DNSAdmission: ResourceAdmission {
    let catalog: RegistryView
    let clusterDomain: DNSName

    func admit(key: ResourceKey, spec: JSONValue) async throws {
        switch key.type {
        case DNSResourceTypes.zonesTypeName: try admitZone(key, spec)
        case DNSResourceTypes.recordsTypeName: try admitRecord(key, spec)
        default: return
        }
    }

    private func admitZone(_ key: ResourceKey, _ spec: JSONValue) throws {
        guard let domain = try? DNSName(spec["domain"]?.stringValue ?? "") else { return }
        if domain.isSubdomain(of: clusterDomain) || clusterDomain.isSubdomain(of: domain) {
            throw HearthError.invalid([
                FieldViolation(field: "spec.domain", reason: "overlaps the cluster domain \(clusterDomain), which Hearth serves itself")
            ])
        }
        for zone in catalog.all(DNSResourceTypes.zonesTypeName) where zone.key != key {
            guard let other = try? DNSName(zone.spec["domain"]?.stringValue ?? "") else { continue }
            if other.isSubdomain(of: domain) || domain.isSubdomain(of: other) {
                throw HearthError(
                    .conflict, "domain \(domain) overlaps zone '\(zone.name)' (\(other)) in namespace '\(zone.namespace ?? "")'; a domain belongs to one zone")
            }
        }
    }

    private func admitRecord(_ key: ResourceKey, _ spec: JSONValue) throws {
        guard let zoneName = spec["zone"]?.stringValue, let name = spec["name"]?.stringValue,
            let type = spec["type"]?.stringValue.flatMap(DNSType.init(mnemonic:)),
            let zone = catalog.resource(ResourceKey(type: DNSResourceTypes.zonesTypeName, namespace: key.namespace, name: zoneName)),
            let origin = try? DNSName(zone.spec["domain"]?.stringValue ?? ""),
            let owner = try? DNSZoneBuilder.ownerName(name, origin: origin)
        else { return }
        for record in catalog.all(DNSResourceTypes.recordsTypeName)
        where record.key != key && record.namespace == key.namespace && record.spec["zone"]?.stringValue == zoneName {
            guard let otherType = record.spec["type"]?.stringValue.flatMap(DNSType.init(mnemonic:)),
                (try? DNSZoneBuilder.ownerName(record.spec["name"]?.stringValue ?? "", origin: origin)) == owner
            else { continue }
            if type == .cname || otherType == .cname {
                throw HearthError(
                    .conflict,
                    "\(owner) already has \(otherType) data (dnsrecords '\(record.name)'); a CNAME cannot coexist with other data at a name")
            }
        }
    }
}
