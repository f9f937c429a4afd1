import HearthCore

/// Issuance policies as resources, per namespace: which certificates may be issued there on
/// request (`POST /v1/namespaces/{ns}/certificates {…, policy: NAME}`); and issuance ceilings,
/// cluster-wide: which names namespace owners may issue at all (``IssuanceCeiling``).
enum PKIResourceTypes {
    static let policiesTypeName = "issuancepolicies"
    static let ceilingsTypeName = "issuanceceilings"

    static let ready = ResourceStatus(
        phase: .ready, conditions: [Condition(type: "Ready", status: "True", reason: "Created")], observedVersion: 1)

    static let policies = ResourceType(
        name: policiesTypeName,
        kind: "IssuancePolicy",
        scope: .namespaced,
        description:
            "Which certificates may be issued in the namespace: allowed DNS names and patterns ('*' is one label: *.svc.hearth.internal), IP ranges (CIDRs), URI SANs and SPIFFE IDs ('*' is one path segment), usages, key types and the longest life. A request names the policy it is judged by.",
        schema: .object(
            [
                "dnsNames": .array(
                    of: .string(description: "An exact DNS name (app.example.org) or a pattern with '*' for one label (*.svc.hearth.internal).", maxLength: 253),
                    description: "DNS names certificates may carry.", maxItems: 256),
                "ipRanges": .array(
                    of: .string(description: "A CIDR (10.0.0.0/8, fd00::/8) or a single address.", maxLength: 64), description: "IP addresses certificates may carry.",
                    maxItems: 256),
                "uris": .array(
                    of: .string(description: "An exact URI or a pattern with '*' for one path segment (spiffe://hearth.internal/ns/demo/sa/*).", maxLength: 2048),
                    description: "URI SANs (SPIFFE IDs) certificates may carry.", maxItems: 256),
                "usages": .array(
                    of: .string(description: "server (TLS server authentication) or client (TLS client authentication).", enum: CertificateUsage.allCases.map(\.rawValue)),
                    description: "What certificates may be used for (default both).", minItems: 1, maxItems: 2),
                "keyTypes": .array(
                    of: .string(enum: CertificateKeyType.allCases.map(\.rawValue)), description: "Key types certificates may have (default all).", minItems: 1,
                    maxItems: 7),
                "maxTTL": .string(description: "The longest life a certificate may be given, such as 72h (default 72h, at most 8760h).", format: "duration"),
            ], required: []),
        rules: { spec in
            guard let policy = try? policy(from: spec, name: "this policy") else {
                return [FieldViolation(field: "spec.maxTTL", reason: "must be a duration from 1m to 8760h")]
            }
            return policy.problems.map { FieldViolation(field: "spec.\($0.field)", reason: $0.reason) }
        },
        createdStatus: ready
    )

    static let ceilings = ResourceType(
        name: ceilingsTypeName,
        kind: "IssuanceCeiling",
        scope: .cluster,
        description:
            "Cluster-wide: the DNS names, IP ranges and URIs that the issuance policies of the namespaces named may allow at all. Without one, a namespace issues only its own services' names (*.<ns>.svc.<cluster domain>) and its service accounts' and users' SPIFFE IDs.",
        schema: .object(
            [
                "namespaces": .array(
                    of: .string(description: "A namespace name, or * for every namespace.", maxLength: 63), description: "The namespaces this ceiling applies to.",
                    minItems: 1, maxItems: 256),
                "dnsNames": .array(
                    of: .string(description: "An exact DNS name (app.example.org) or a pattern with '*' for one label (*.example.org).", maxLength: 253),
                    description: "DNS names the namespaces' policies may allow.", maxItems: 256),
                "ipRanges": .array(
                    of: .string(description: "A CIDR (10.0.0.0/8, fd00::/8) or a single address.", maxLength: 64),
                    description: "IP addresses the namespaces' policies may allow.", maxItems: 256),
                "uris": .array(
                    of: .string(description: "An exact URI or a pattern with '*' for one path segment.", maxLength: 2048),
                    description: "URI SANs the namespaces' policies may allow.", maxItems: 256),
            ], required: ["namespaces"]),
        rules: { spec in
            ceiling(from: spec, name: "this ceiling").problems.map { FieldViolation(field: "spec.\($0.field)", reason: $0.reason) }
        },
        createdStatus: ready
    )

    static var all: [ResourceType] { [policies, ceilings] }

    /// The ceiling a resource's spec describes.
    static func ceiling(from spec: JSONValue, name: String) -> IssuanceCeiling {
        func strings(_ key: String) -> [String] { spec[key]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        return IssuanceCeiling(
            name: name, namespaces: strings("namespaces"), dnsNames: strings("dnsNames"), ipRanges: strings("ipRanges"), uris: strings("uris"))
    }

    /// The policy a resource's spec describes.
    static func policy(from spec: JSONValue, name: String) throws -> IssuancePolicy {
        func strings(_ key: String) -> [String]? { spec[key]?.arrayValue?.compactMap(\.stringValue) }
        var maxTTL = IssuancePolicy.defaultTTL
        if let text = spec["maxTTL"]?.stringValue {
            guard let duration = Duration.parse(text) else { throw HearthError(.invalid, "maxTTL '\(text)' is not a duration") }
            maxTTL = duration.components.seconds
        }
        return IssuancePolicy(
            name: name, dnsNames: strings("dnsNames") ?? [], ipRanges: strings("ipRanges") ?? [], uris: strings("uris") ?? [],
            usages: strings("usages").map { Set($0.compactMap(CertificateUsage.init(rawValue:))) } ?? Set(CertificateUsage.allCases),
            keyTypes: strings("keyTypes").map { Set($0.compactMap(CertificateKeyType.init(rawValue:))) } ?? Set(CertificateKeyType.allCases),
            maxTTL: maxTTL)
    }
}
