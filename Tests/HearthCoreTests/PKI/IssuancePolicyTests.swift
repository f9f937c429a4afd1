import HearthCore
import Testing

@Suite("Issuance policy")
struct IssuancePolicyTests {
    static let policy = IssuancePolicy(
        name: "issuancepolicies/web", dnsNames: ["*.svc.hearth.internal", "app.example.org"], ipRanges: ["10.0.0.0/8", "fd00::/8", "192.0.2.7"],
        uris: ["spiffe://hearth.internal/ns/demo/sa/*"], usages: [.server], keyTypes: [.ecdsaP256], maxTTL: 24 * 3600)

    @Test("a DNS pattern's * stands for exactly one label; exact names match exactly, in any case")
    func dnsPatterns() {
        let p = Self.policy
        #expect(p.allowsDNSName("web.svc.hearth.internal"))
        #expect(p.allowsDNSName("WEB.svc.hearth.internal"))
        #expect(!p.allowsDNSName("a.b.svc.hearth.internal"))
        #expect(!p.allowsDNSName("svc.hearth.internal"))
        #expect(!p.allowsDNSName(".svc.hearth.internal"))
        #expect(!p.allowsDNSName("websvc.hearth.internal"))
        #expect(p.allowsDNSName("app.example.org"))
        #expect(p.allowsDNSName("app.example.org."))
        #expect(!p.allowsDNSName("x.app.example.org"))
        #expect(!p.allowsDNSName("app.example.org.evil"))
        // A wildcard certificate only where the policy names that wildcard itself.
        #expect(p.allowsDNSName("*.svc.hearth.internal"))
        #expect(!IssuancePolicy(name: "p", dnsNames: ["*.*.example"]).allowsDNSName("*.a.example"))
        #expect(!IssuancePolicy(name: "p", dnsNames: ["a.example"]).allowsDNSName("*.example"))
    }

    @Test("IP ranges are CIDRs or single addresses, of either family")
    func ipRanges() {
        let p = Self.policy
        #expect(p.allowsIPAddress("10.255.0.1"))
        #expect(!p.allowsIPAddress("11.0.0.1"))
        #expect(p.allowsIPAddress("fd12::1"))
        #expect(!p.allowsIPAddress("fe80::1"))
        #expect(p.allowsIPAddress("192.0.2.7"))
        #expect(!p.allowsIPAddress("192.0.2.8"))
        #expect(!p.allowsIPAddress("not an address"))
        #expect(IssuancePolicy(name: "p", ipRanges: ["0.0.0.0/0"]).allowsIPAddress("8.8.8.8"))
        #expect(!IssuancePolicy(name: "p", ipRanges: ["0.0.0.0/0"]).allowsIPAddress("::1"))
        #expect(IssuancePolicy(name: "p", ipRanges: ["10.1.2.0/23"]).allowsIPAddress("10.1.3.255"))
        #expect(!IssuancePolicy(name: "p", ipRanges: ["10.1.2.0/23"]).allowsIPAddress("10.1.4.0"))
    }

    @Test("URI patterns: * is one path segment")
    func uriPatterns() {
        let p = Self.policy
        #expect(p.allowsURI("spiffe://hearth.internal/ns/demo/sa/web"))
        #expect(!p.allowsURI("spiffe://hearth.internal/ns/demo/sa/web/extra"))
        #expect(!p.allowsURI("spiffe://hearth.internal/ns/other/sa/web"))
        #expect(!p.allowsURI("spiffe://hearth.internal/ns/demo/sa/"))
    }

    @Test("violations name each SAN refused and why, and the usage, key type and TTL")
    func violations() {
        let request = CertificateNames(
            dnsNames: ["web.svc.hearth.internal", "evil.example.com"], ipAddresses: ["10.0.0.1", "8.8.8.8"],
            uris: ["spiffe://hearth.internal/ns/other/sa/x"], usages: [.server, .client], keyType: .rsa2048, ttl: 48 * 3600)
        let found = Self.policy.violations(of: request)
        #expect(found.map(\.field) == ["dnsNames[1]", "ipAddresses[1]", "uris[0]", "usage", "keyType", "ttl"])
        #expect(found[0].reason.contains("'evil.example.com' is not allowed by issuancepolicies/web"))
        #expect(found[1].reason.contains("8.8.8.8"))
        #expect(found[3].reason.contains("client"))
        #expect(found[5].reason.contains("48h") && found[5].reason.contains("24h"))
        let fine = CertificateNames(dnsNames: ["web.svc.hearth.internal"], ipAddresses: ["10.0.0.1"], usages: [.server], ttl: 3600)
        #expect(Self.policy.violations(of: fine).isEmpty)
    }

    @Test("the default TTL is 72 hours; a service account's default policy allows its SPIFFE ID only")
    func defaults() {
        #expect(IssuancePolicy.defaultTTL == 72 * 3600)
        #expect(CertificateNames().ttl == 72 * 3600)
        let policy = IssuancePolicy.serviceAccountDefault(clusterDomain: "hearth.internal", namespace: "demo", serviceAccount: "w1")
        #expect(policy.violations(of: CertificateNames(uris: ["spiffe://hearth.internal/ns/demo/sa/w1"])).isEmpty)
        #expect(policy.violations(of: CertificateNames(uris: ["spiffe://hearth.internal/ns/demo/sa/w2"])).map(\.field) == ["uris[0]"])
        #expect(policy.violations(of: CertificateNames(dnsNames: ["a.example"])).map(\.field) == ["dnsNames[0]"])
    }

    @Test("malformed policies are reported")
    func problems() {
        #expect(Self.policy.problems.isEmpty)
        let bad = IssuancePolicy(name: "p", dnsNames: ["a*.example", "bad name"], ipRanges: ["10.0.0.0/33", "x"], uris: ["nope"], maxTTL: 0)
        #expect(bad.problems.map(\.field) == ["dnsNames[0]", "dnsNames[1]", "ipRanges[0]", "ipRanges[1]", "uris[0]", "maxTTL"])
    }

    @Test("names are checked before any policy")
    func nameViolations() {
        #expect(CertificateNames().violations.count == 1)
        #expect(CertificateNames(dnsNames: ["ok.example"], ipAddresses: ["1.2.3"], uris: ["spiffe:///x"]).violations.map(\.field) == ["ipAddresses[0]", "uris[0]"])
    }
}
