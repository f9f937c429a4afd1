/// Which certificates may be issued in a namespace: the names, address ranges and URIs they may
/// carry, their usages, key types and longest life. Pure: ``violations(of:)`` judges a request
/// and names every subject alternative name it refuses and why.
///
/// Patterns: a DNS pattern is an exact name (`app.example.org`) or has `*` for exactly one label
/// (`*.svc.hearth.internal` matches `web.svc.hearth.internal`, not `a.b.svc.hearth.internal`
/// nor `svc.hearth.internal`); a URI pattern is exact or has `*` for one path segment or label
/// (`spiffe://hearth.internal/ns/demo/sa/*`). IP ranges are CIDRs (`10.0.0.0/8`, `fd00::/8`) or
/// single addresses. A requested wildcard name (`*.example.org`) is allowed only by a pattern
/// that is exactly that name.
public struct IssuancePolicy: Sendable, Hashable, Codable {
    /// A leaf's life when the request names none: 72 hours, as Consul does.
    public static let defaultTTL: Int64 = 72 * 3600
    /// The longest life any certificate on request may have: one year.
    public static let ceilingTTL: Int64 = 365 * 86400

    /// Where the policy comes from, for messages: `issuancepolicies/web`, `the default for service account w1`.
    public var name: String
    public var dnsNames: [String]
    public var ipRanges: [String]
    public var uris: [String]
    public var usages: Set<CertificateUsage>
    public var keyTypes: Set<CertificateKeyType>
    /// Seconds.
    public var maxTTL: Int64

    public init(
        name: String, dnsNames: [String] = [], ipRanges: [String] = [], uris: [String] = [],
        usages: Set<CertificateUsage> = Set(CertificateUsage.allCases), keyTypes: Set<CertificateKeyType> = Set(CertificateKeyType.allCases),
        maxTTL: Int64 = IssuancePolicy.defaultTTL
    ) {
        self.name = name
        self.dnsNames = dnsNames
        self.ipRanges = ipRanges
        self.uris = uris
        self.usages = usages
        self.keyTypes = keyTypes
        self.maxTTL = maxTTL
    }

    /// The policy every service account's namespace has without setup: its owners may issue the
    /// account's SPIFFE identity, for clients and servers, for up to 30 days.
    public static func serviceAccountDefault(clusterDomain: String, namespace: String, serviceAccount: String) -> IssuancePolicy {
        IssuancePolicy(
            name: "the default policy of service account '\(serviceAccount)'",
            uris: [CertificateNames.spiffeID(clusterDomain: clusterDomain, namespace: namespace, serviceAccount: serviceAccount)],
            maxTTL: 30 * 86400)
    }

    /// Every way `request` goes beyond this policy, naming the field (`dnsNames[1]`, `ttl`, ...)
    /// and why. Empty when the policy allows it.
    public func violations(of request: CertificateNames) -> [FieldViolation] {
        var found: [FieldViolation] = []
        for (index, name) in request.dnsNames.enumerated() where !allowsDNSName(name) {
            found.append(
                FieldViolation(
                    field: "dnsNames[\(index)]", reason: "'\(name)' is not allowed by \(self.name) (allowed: \(Self.list(dnsNames)))"))
        }
        for (index, address) in request.ipAddresses.enumerated() where !allowsIPAddress(address) {
            found.append(
                FieldViolation(
                    field: "ipAddresses[\(index)]", reason: "\(address) is outside the ranges of \(self.name) (allowed: \(Self.list(ipRanges)))"))
        }
        for (index, uri) in request.uris.enumerated() where !allowsURI(uri) {
            found.append(FieldViolation(field: "uris[\(index)]", reason: "'\(uri)' is not allowed by \(self.name) (allowed: \(Self.list(uris)))"))
        }
        for usage in request.usages.sorted(by: { $0.rawValue < $1.rawValue }) where !usages.contains(usage) {
            found.append(FieldViolation(field: "usage", reason: "\(usage) certificates are not allowed by \(name) (allowed: \(Self.list(usages.map(\.rawValue).sorted())))"))
        }
        if !keyTypes.contains(request.keyType) {
            found.append(
                FieldViolation(
                    field: "keyType", reason: "\(request.keyType) keys are not allowed by \(name) (allowed: \(Self.list(keyTypes.map(\.rawValue).sorted())))"))
        }
        if request.ttl > maxTTL {
            found.append(FieldViolation(field: "ttl", reason: "\(Self.duration(request.ttl)) is longer than the \(Self.duration(maxTTL)) \(name) allows"))
        }
        return found
    }

    /// Problems with the policy itself: malformed patterns and ranges.
    public var problems: [FieldViolation] {
        var found: [FieldViolation] = []
        for (index, pattern) in dnsNames.enumerated() {
            let labels = pattern.split(separator: ".", omittingEmptySubsequences: false)
            let bare = labels.map { $0 == "*" ? "x" : String($0) }.joined(separator: ".")
            if let problem = Names.hostnameProblem(bare) {
                found.append(FieldViolation(field: "dnsNames[\(index)]", reason: "'\(pattern)' is not a DNS name or pattern: \(problem)"))
            } else if labels.contains(where: { $0 != "*" && $0.contains("*") }) {
                found.append(FieldViolation(field: "dnsNames[\(index)]", reason: "'\(pattern)': '*' stands for a whole label (*.example.org)"))
            }
        }
        for (index, range) in ipRanges.enumerated() where Self.cidr(range) == nil {
            found.append(FieldViolation(field: "ipRanges[\(index)]", reason: "'\(range)' is not an address or a CIDR range such as 10.0.0.0/8"))
        }
        for (index, pattern) in uris.enumerated() {
            if let problem = CertificateNames.uriProblem(String(pattern.map { $0 == "*" ? "x" : $0 })) {
                found.append(FieldViolation(field: "uris[\(index)]", reason: "'\(pattern)' \(problem)"))
            }
        }
        if maxTTL < 60 || maxTTL > Self.ceilingTTL { found.append(FieldViolation(field: "maxTTL", reason: "must be from 1m to 8760h")) }
        return found
    }

    public func allowsDNSName(_ name: String) -> Bool {
        let name = Self.lowercased(name)
        return dnsNames.contains { pattern in
            let pattern = Self.lowercased(pattern)
            if name.contains("*") { return pattern == name }
            return Self.glob(pattern, matches: name, separators: ["."])
        }
    }

    public func allowsURI(_ uri: String) -> Bool {
        uris.contains { Self.glob($0, matches: uri, separators: ["/", ".", ":", "?", "#"]) }
    }

    public func allowsIPAddress(_ text: String) -> Bool {
        guard let address = IPAddressBytes.parse(text) else { return false }
        return ipRanges.contains { range in
            guard let (network, prefix) = Self.cidr(range), network.count == address.count else { return false }
            for bit in 0..<prefix {
                let mask = UInt8(0x80) >> UInt8(bit % 8)
                if network[bit / 8] & mask != address[bit / 8] & mask { return false }
            }
            return true
        }
    }

    /// A CIDR range (a lone address is a range of one).
    static func cidr(_ text: String) -> (network: [UInt8], prefix: Int)? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let network = IPAddressBytes.parse(String(parts[0])) else { return nil }
        guard parts.count == 2 else { return (network, network.count * 8) }
        guard let prefix = Int(parts[1]), prefix >= 0, prefix <= network.count * 8 else { return nil }
        return (network, prefix)
    }

    /// Whether `text` matches `pattern`, where each `*` stands for one or more characters other
    /// than the separators (one label, one path segment).
    static func glob(_ pattern: String, matches text: String, separators: Set<Character>) -> Bool {
        let p = Array(pattern)
        let t = Array(text)
        func match(_ i: Int, _ j: Int) -> Bool {
            if i == p.count { return j == t.count }
            if p[i] == "*" {
                var k = j
                while k < t.count, !separators.contains(t[k]), t[k] != "*" {
                    k += 1
                    if match(i + 1, k) { return true }
                }
                return false
            }
            return j < t.count && p[i] == t[j] && match(i + 1, j + 1)
        }
        return match(0, 0)
    }

    private static func lowercased(_ name: String) -> String {
        let lower = name.lowercased()
        return lower.hasSuffix(".") ? String(lower.dropLast()) : lower
    }

    private static func list(_ items: [String]) -> String { items.isEmpty ? "none" : items.joined(separator: ", ") }

    /// `72h`, `90m`, `45s`.
    public static func duration(_ seconds: Int64) -> String {
        if seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}
