import HearthCore
import HearthDNS

/// DNS zones and records as resources, per namespace, served authoritatively by Hearth's DNS
/// server. A record resource is one RRset: a name in a zone, a type, and its values in zone-file
/// syntax.
enum DNSResourceTypes {
    static let zonesTypeName = "dnszones"
    static let recordsTypeName = "dnsrecords"
    static let recordTypes: [DNSType] = [.a, .aaaa, .cname, .txt, .mx, .srv, .ns, .caa]

    static let ready = ResourceStatus(
        phase: .ready, conditions: [Condition(type: "Ready", status: "True", reason: "Created")], observedVersion: 1)

    static let zones = ResourceType(
        name: zonesTypeName,
        kind: "DNSZone",
        scope: .namespaced,
        description: "A DNS zone served authoritatively by Hearth: its domain, default TTL, name servers and SOA timers. Records are dnsrecords naming the zone.",
        schema: .object(
            [
                "domain": .string(description: "The zone's domain, e.g. example.org (no other zone may claim it).", maxLength: 253),
                "ttl": .integer(description: "TTL of records that set none, in seconds (default 300).", minimum: 0, maximum: 604_800),
                "nameservers": .array(
                    of: .string(description: "A name server's host name (absolute with a trailing dot, or relative to the domain).", maxLength: 253),
                    description: "The zone's NS records (default ns.<cluster domain>).", maxItems: 13),
                "email": .string(description: "The zone administrator's mailbox for the SOA, as in hostmaster@example.org (default hostmaster@<domain>).", maxLength: 253),
                "refresh": .integer(description: "SOA refresh, seconds (default 3600).", minimum: 1, maximum: 2_419_200),
                "retry": .integer(description: "SOA retry, seconds (default 600).", minimum: 1, maximum: 2_419_200),
                "expire": .integer(description: "SOA expire, seconds (default 604800).", minimum: 1, maximum: 2_419_200),
                "negativeTTL": .integer(description: "SOA minimum: how long resolvers cache a negative answer, seconds (default 60).", minimum: 0, maximum: 86_400),
            ], required: ["domain"]),
        rules: { spec in
            var violations: [FieldViolation] = []
            let domain = spec["domain"]?.stringValue ?? ""
            guard let origin = try? DNSName(domain), origin != .root else {
                return [FieldViolation(field: "spec.domain", reason: "must be a domain name such as example.org")]
            }
            for (index, value) in (spec["nameservers"]?.arrayValue ?? []).enumerated() {
                if (try? DNSZoneBuilder.ownerName(value.stringValue ?? "", origin: origin)) == nil {
                    violations.append(FieldViolation(field: "spec.nameservers[\(index)]", reason: "must be a host name"))
                }
            }
            if let email = spec["email"]?.stringValue, DNSZoneBuilder.mailbox(email) == nil {
                violations.append(FieldViolation(field: "spec.email", reason: "must be a mailbox such as hostmaster@example.org"))
            }
            return violations
        },
        createdStatus: ready
    )

    static let records = ResourceType(
        name: recordsTypeName,
        kind: "DNSRecord",
        scope: .namespaced,
        description: "One RRset of a DNS zone: a name, a type and its values in zone-file syntax (A 192.0.2.1, MX '10 mail', SRV '10 5 8080 host', TXT '\"text\"', CAA '0 issue \"ca.example\"').",
        schema: .object(
            [
                "zone": .string(description: "The dnszones resource (in the same namespace) the record belongs to.", format: "dns-label"),
                "name": .string(description: "The owner name relative to the zone's domain ('@' for the domain itself, 'www', '_sip._tcp', '*.apps').", minLength: 1, maxLength: 253),
                "type": .string(description: "The record type.", enum: recordTypes.map(\.description)),
                "ttl": .integer(description: "Seconds (default the zone's TTL).", minimum: 0, maximum: 604_800),
                "values": .array(of: .string(maxLength: 4096), description: "The record data, one entry per record, in zone-file syntax.", minItems: 1, maxItems: 100),
            ], required: ["zone", "name", "type", "values"]),
        references: [ReferenceField(path: ["zone"], targetType: zonesTypeName)],
        rules: { spec in
            var violations: [FieldViolation] = []
            let name = spec["name"]?.stringValue ?? ""
            let origin = try! DNSName("zone.invalid")
            if (try? DNSZoneBuilder.ownerName(name, origin: origin)) == nil {
                violations.append(FieldViolation(field: "spec.name", reason: "must be '@' or a name relative to the zone, made of labels of letters, digits, '-' and '_' (or a leading '*')"))
            }
            guard let typeText = spec["type"]?.stringValue, let type = DNSType(mnemonic: typeText) else { return violations }
            let values = spec["values"]?.arrayValue ?? []
            if type == .cname {
                if values.count != 1 { violations.append(FieldViolation(field: "spec.values", reason: "a CNAME has exactly one value")) }
                if name == "@" { violations.append(FieldViolation(field: "spec.name", reason: "a zone's domain cannot be a CNAME (it has SOA and NS records)")) }
            }
            for (index, value) in values.enumerated() {
                do {
                    _ = try DNSRecordData.parse(presentation: value.stringValue ?? "", type: type, origin: origin)
                } catch {
                    violations.append(FieldViolation(field: "spec.values[\(index)]", reason: (error as? DNSError)?.message ?? "\(error)"))
                }
            }
            return violations
        },
        createdStatus: ready
    )

    static var all: [ResourceType] { [zones, records] }
}

extension TypeRegistry {
    /// Every type a Hearth server has: the built-in types, the DNS types and issuance policies.
    public static var standard: TypeRegistry { TypeRegistry(BuiltinTypes.all + DNSResourceTypes.all + PKIResourceTypes.all) }
}
