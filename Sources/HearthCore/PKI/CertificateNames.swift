/// The subject alternative names, usages, key type and lifetime a certificate is asked for:
/// what an ``IssuancePolicy`` judges.
public struct CertificateNames: Sendable, Hashable {
    public var dnsNames: [String]
    /// IP addresses in text form (`10.0.0.7`, `fd00::1`).
    public var ipAddresses: [String]
    public var uris: [String]
    public var usages: Set<CertificateUsage>
    public var keyType: CertificateKeyType
    /// Seconds.
    public var ttl: Int64

    public init(
        dnsNames: [String] = [], ipAddresses: [String] = [], uris: [String] = [], usages: Set<CertificateUsage> = [.server, .client],
        keyType: CertificateKeyType = .ecdsaP256, ttl: Int64 = IssuancePolicy.defaultTTL
    ) {
        self.dnsNames = dnsNames
        self.ipAddresses = ipAddresses
        self.uris = uris
        self.usages = usages
        self.keyType = keyType
        self.ttl = ttl
    }

    /// The SPIFFE ID of a service account: `spiffe://<cluster-domain>/ns/<ns>/sa/<name>`.
    public static func spiffeID(clusterDomain: String, namespace: String, serviceAccount: String) -> String {
        "spiffe://\(clusterDomain)/ns/\(namespace)/sa/\(serviceAccount)"
    }

    /// The SPIFFE-style ID of a user: `spiffe://<cluster-domain>/user/<name>`.
    public static func userID(clusterDomain: String, user: String) -> String {
        "spiffe://\(clusterDomain)/user/\(user)"
    }

    /// Problems with the names themselves, before any policy: empty, malformed, unparsable.
    public var violations: [FieldViolation] {
        var found: [FieldViolation] = []
        if dnsNames.isEmpty, ipAddresses.isEmpty, uris.isEmpty {
            found.append(FieldViolation(field: "", reason: "a certificate needs at least one name: dnsNames, ipAddresses, uris or serviceAccount"))
        }
        for (index, name) in dnsNames.enumerated() {
            let bare = name.hasPrefix("*.") ? String(name.dropFirst(2)) : name
            if let problem = Names.hostnameProblem(bare) {
                found.append(FieldViolation(field: "dnsNames[\(index)]", reason: "'\(name)' is not a DNS name: \(problem)"))
            }
        }
        for (index, address) in ipAddresses.enumerated() where IPAddressBytes.parse(address) == nil {
            found.append(FieldViolation(field: "ipAddresses[\(index)]", reason: "'\(address)' is not an IPv4 or IPv6 address"))
        }
        for (index, uri) in uris.enumerated() {
            if let problem = Self.uriProblem(uri) { found.append(FieldViolation(field: "uris[\(index)]", reason: "'\(uri)' \(problem)")) }
        }
        if usages.isEmpty { found.append(FieldViolation(field: "usage", reason: "name at least one usage: server, client")) }
        if ttl < 60 { found.append(FieldViolation(field: "ttl", reason: "must be at least 1m")) }
        return found
    }

    static func uriProblem(_ uri: String) -> String? {
        guard let colon = uri.firstIndex(of: ":"), colon != uri.startIndex else { return "is not a URI (scheme:rest)" }
        let scheme = uri[..<colon]
        guard scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }), scheme.first!.isLetter else {
            return "has no valid URI scheme"
        }
        guard uri.utf8.count <= 2048, uri.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "\"" && $0 != "<" && $0 != ">" }) else {
            return "holds spaces, quotes or characters outside ASCII, or is longer than 2048"
        }
        if scheme == "spiffe" {
            let rest = uri.dropFirst("spiffe://".count)
            guard uri.hasPrefix("spiffe://"), !rest.isEmpty, !rest.hasPrefix("/"), !uri.hasSuffix("/"), !rest.contains("//"), !rest.contains("?"),
                !rest.contains("#")
            else { return "is not a SPIFFE ID (spiffe://trust-domain/path)" }
        }
        return nil
    }
}
