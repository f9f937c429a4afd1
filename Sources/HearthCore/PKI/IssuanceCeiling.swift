/// What namespace owners may put in their certificates at all, whatever their own issuance
/// policies say: a cluster-wide bound set by cluster admins (`issuanceceilings` resources), so
/// the owner of one namespace cannot issue a certificate for `bank.example.com` or for another
/// namespace's services by writing a generous policy.
///
/// Every namespace may issue the names of its own services, `*.<ns>.svc.<cluster domain>`,
/// without a ceiling; every other DNS name, IP address and URI must be allowed by a ceiling that
/// names the namespace (or `*`). A service account's and a user's own SPIFFE IDs are governed
/// by their defaults, not by ceilings. Pure: ``policy(namespace:clusterDomain:ceilings:)``
/// combines the ceilings that apply into one ``IssuancePolicy`` that judges only names.
public struct IssuanceCeiling: Sendable, Hashable {
    /// Where it comes from, for messages: `issuanceceilings/public-web`.
    public var name: String
    /// Namespaces it applies to: exact names, or `*` for every namespace.
    public var namespaces: [String]
    public var dnsNames: [String]
    public var ipRanges: [String]
    public var uris: [String]

    public init(name: String, namespaces: [String], dnsNames: [String] = [], ipRanges: [String] = [], uris: [String] = []) {
        self.name = name
        self.namespaces = namespaces
        self.dnsNames = dnsNames
        self.ipRanges = ipRanges
        self.uris = uris
    }

    public func applies(to namespace: String) -> Bool {
        namespaces.contains { $0 == "*" || $0 == namespace }
    }

    /// Problems with the ceiling itself: malformed patterns, ranges and namespace names.
    public var problems: [FieldViolation] {
        var found = IssuancePolicy(name: name, dnsNames: dnsNames, ipRanges: ipRanges, uris: uris).problems
        if namespaces.isEmpty { found.append(FieldViolation(field: "namespaces", reason: "name at least one namespace, or '*' for all")) }
        for (index, namespace) in namespaces.enumerated() where namespace != "*" {
            if let problem = Names.dnsLabelProblem(namespace) {
                found.append(FieldViolation(field: "namespaces[\(index)]", reason: "'\(namespace)' is not a namespace name or '*': \(problem)"))
            }
        }
        return found
    }

    /// The bound on the names of certificates issued in `namespace`: its own services' names and
    /// whatever the applicable ceilings allow. Usages, key types and TTL are left to the
    /// namespace's policy (the TTL is bounded by ``IssuancePolicy/ceilingTTL`` everywhere).
    public static func policy(namespace: String, clusterDomain: String, ceilings: [IssuanceCeiling]) -> IssuancePolicy {
        let applicable = ceilings.filter { $0.applies(to: namespace) }.sorted { $0.name < $1.name }
        let names = applicable.map(\.name)
        let described =
            names.isEmpty
            ? "the cluster's issuance ceiling for namespace '\(namespace)' (its own services only; a cluster admin widens it with an issuanceceilings resource)"
            : "the cluster's issuance ceiling for namespace '\(namespace)' (its own services and \(names.joined(separator: ", ")))"
        return IssuancePolicy(
            name: described,
            dnsNames: ["*.\(namespace).svc.\(clusterDomain)"] + applicable.flatMap(\.dnsNames),
            ipRanges: applicable.flatMap(\.ipRanges),
            uris: applicable.flatMap(\.uris),
            maxTTL: IssuancePolicy.ceilingTTL)
    }
}
