import Crypto
import Foundation
import HearthCore
import HearthSecurity
import HearthTestSupport
import NIOSSL
@testable import HearthServer
import SwiftASN1
import Testing
import X509

@Suite("Certificate authority API")
struct PKIAPITests {
    static func csr(_ key: P256.Signing.PrivateKey = P256.Signing.PrivateKey(), commonName: String = "web") throws -> String {
        let request = try CertificateSigningRequest(
            version: .v1, subject: try DistinguishedName { CommonName(commonName) }, privateKey: Certificate.PrivateKey(key),
            attributes: CertificateSigningRequest.Attributes())
        return try request.serializeAsPEM().pemString
    }

    static func json(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    static let policy = #"{"name":"web","spec":{"dnsNames":["*.svc.hearth.internal","app.example.org"],"ipRanges":["10.0.0.0/8"],"usages":["server"],"maxTTL":"48h"}}"#
    /// The cluster admin's ceiling that lets namespace demo's policies reach the names of ``policy``.
    static let ceiling = #"{"name":"demo-web","spec":{"namespaces":["demo"],"dnsNames":["*.svc.hearth.internal","app.example.org"],"ipRanges":["10.0.0.0/8"]}}"#

    /// Namespace demo, the ceiling and the policy `web`.
    static func demoWithPolicy(_ api: APIFixture) async throws {
        try await api.createNamespace("demo")
        #expect(try await api.request(.post, "/v1/issuanceceilings", json: Self.ceiling).status == 201)
        #expect(try await api.request(.post, "/v1/namespaces/demo/issuancepolicies", json: Self.policy).status == 201)
    }

    @Test("a CSR judged by a policy: the certificate chains to the bundle, is recorded, revoked and then in the CRL", arguments: Backend.enabled)
    func issueAndRevoke(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            try await Self.demoWithPolicy(api)
            let bundle = try await api.request(.get, "/v1/pki/ca.pem", as: .none)
            #expect(bundle.status == 200)
            let trust = try PEMDocument.parseMultiple(pemString: bundle.text).map { try Certificate(pemDocument: $0) }
            #expect(trust.count == 2)

            let key = P256.Signing.PrivateKey()
            let body = try Self.json([
                "csr": try Self.csr(key), "dnsNames": ["web.svc.hearth.internal"], "ipAddresses": ["10.1.2.3"], "ttl": "24h", "policy": "web",
            ])
            let issued = try await api.request(.post, "/v1/namespaces/demo/certificates", json: body)
            #expect(issued.status == 201, "\(issued.text)")
            let serial = try #require(issued.json["serial"]?.stringValue)
            #expect(issued.json["privateKey"] == nil)
            #expect(issued.json["chain"]?.arrayValue?.count == 2)
            let leaf = try Certificate(pemEncoded: try #require(issued.json["certificate"]?.stringValue))
            #expect(leaf.publicKey == Certificate.PublicKey(key.publicKey))
            #expect(CertificateIssuer.hex(leaf.serialNumber) == serial)
            #expect(try leaf.extensions.extendedKeyUsage == ExtendedKeyUsage([.serverAuth]))
            let life = leaf.notValidAfter.timeIntervalSince(leaf.notValidBefore)
            #expect(abs(life - 24 * 3600 - 60) < 5)
            var verifier = Verifier(rootCertificates: CertificateStore([trust[0]])) { RFC5280Policy() }
            let result = await verifier.validate(leaf: leaf, intermediates: CertificateStore([trust[1]]))
            if case .couldNotValidate = result { Issue.record("chain does not verify: \(result)") }

            let list = try await api.request(.get, "/v1/namespaces/demo/certificates")
            #expect(list.json["items"]?.arrayValue?.compactMap { $0["serial"]?.stringValue } == [serial])
            let shown = try await api.request(.get, "/v1/namespaces/demo/certificates/\(serial.lowercased())")
            #expect(shown.status == 200)
            #expect(shown.json["revoked"] == .bool(false))
            #expect(shown.json["policy"]?.stringValue == "issuancepolicies/web")

            let der = try await api.request(.get, "/v1/pki/crl", as: .none)
            #expect(der.status == 200)
            #expect(der.headers[.contentType] == "application/pkix-crl")
            let before = try await api.request(.get, "/v1/pki/crl?format=pem", as: .none)
            let serialBytes = try #require(Self.bytes(serial))
            #expect(!Self.contains(try PEMDocument(pemString: before.text).derBytes, serialBytes))
            let revoked = try await api.request(.post, "/v1/namespaces/demo/certificates/\(serial)/revoke", json: #"{"reason":"key lost"}"#)
            #expect(revoked.status == 200, "\(revoked.text)")
            #expect(revoked.json["revoked"] == .bool(true))
            #expect(revoked.json["revocationReason"]?.stringValue == "key lost")
            let after = try await api.request(.get, "/v1/pki/crl?format=pem", as: .none)
            #expect(after.text.hasPrefix("-----BEGIN X509 CRL-----"))
            #expect(Self.contains(try PEMDocument(pemString: after.text).derBytes, serialBytes))
            let unknown = try await api.request(.post, "/v1/namespaces/demo/certificates/ABCD/revoke")
            #expect(unknown.status == 404, "\(unknown.text)")
            #expect(try await api.request(.get, "/v1/namespaces/other/certificates/\(serial)").status == 404)

            let audit = try await api.request(.get, "/v1/audit?resource=certificates&limit=100")
            let entries = audit.json["items"]?.arrayValue ?? []
            #expect(entries.contains { $0["name"]?.stringValue == serial && $0["status"]?.int64Value == 201 }, "\(audit.text)")
        }
    }

    @Test("a service account's default policy: its SPIFFE ID with a key made here, nothing more")
    func serviceAccountDefault() async throws {
        try await APIFixture.with(.sqlite) { api in
            try await api.createNamespace("demo")
            #expect(try await api.request(.post, "/v1/namespaces/demo/serviceaccounts", json: #"{"name":"w1","spec":{}}"#).status == 201)
            let issued = try await api.request(.post, "/v1/namespaces/demo/certificates", json: #"{"generate":true,"serviceAccount":"w1","ttl":"1h"}"#)
            #expect(issued.status == 201, "\(issued.text)")
            let key = try P256.Signing.PrivateKey(pemRepresentation: try #require(issued.json["privateKey"]?.stringValue))
            let leaf = try Certificate(pemEncoded: try #require(issued.json["certificate"]?.stringValue))
            #expect(leaf.publicKey == Certificate.PublicKey(key.publicKey))
            let san = try #require(try leaf.extensions.subjectAlternativeNames)
            #expect(Array(san) == [.uniformResourceIdentifier("spiffe://hearth.internal/ns/demo/sa/w1")])
            #expect(try leaf.extensions.extendedKeyUsage == ExtendedKeyUsage([.serverAuth, .clientAuth]))

            let extra = try await api.request(
                .post, "/v1/namespaces/demo/certificates", json: #"{"generate":true,"serviceAccount":"w1","dnsNames":["evil.example.com"]}"#)
            #expect(extra.status == 403)
            #expect(extra.text.contains("evil.example.com"))
            let missing = try await api.request(.post, "/v1/namespaces/demo/certificates", json: #"{"generate":true,"serviceAccount":"nobody"}"#)
            #expect(missing.status == 422)
            #expect(missing.text.contains("does not exist"))
            let long = try await api.request(.post, "/v1/namespaces/demo/certificates", json: #"{"generate":true,"serviceAccount":"w1","ttl":"2000h"}"#)
            #expect(long.status == 403)
            #expect(long.text.contains("ttl"))
        }
    }

    @Test("a user's own client certificate: its ID, client usage only, for itself only")
    func userCertificate() async throws {
        try await APIFixture.with(.sqlite) { api in
            try await api.createNamespace("demo")
            let issued = try await api.request(.post, "/v1/namespaces/demo/certificates", json: #"{"generate":true,"user":true,"ttl":"1h"}"#)
            #expect(issued.status == 201, "\(issued.text)")
            let leaf = try Certificate(pemEncoded: try #require(issued.json["certificate"]?.stringValue))
            #expect(Array(try #require(try leaf.extensions.subjectAlternativeNames)) == [.uniformResourceIdentifier("spiffe://hearth.internal/user/admin")])
            #expect(try leaf.extensions.extendedKeyUsage == ExtendedKeyUsage([.clientAuth]))
            let serial = try #require(issued.json["serial"]?.stringValue)
            #expect(try await api.request(.get, "/v1/namespaces/demo/certificates/\(serial)").json["user"]?.stringValue == "admin")
            let server = try await api.request(.post, "/v1/namespaces/demo/certificates", json: #"{"generate":true,"user":true,"usage":["server"]}"#)
            #expect(server.status == 403)
            let both = try await api.request(.post, "/v1/namespaces/demo/certificates", json: #"{"generate":true,"user":true,"serviceAccount":"x"}"#)
            #expect(both.status == 422)
            let forged = try await api.request(
                .post, "/v1/namespaces/demo/certificates", json: #"{"generate":true,"uris":["spiffe://hearth.internal/user/someone"],"policy":"p"}"#)
            #expect(forged.status == 422 && forged.text.contains("trust domain"), "\(forged.text)")
        }
    }

    @Test("refusals answer 4xx with the reason, issue nothing, and are audited")
    func refusals() async throws {
        try await APIFixture.with(.sqlite) { api in
            try await Self.demoWithPolicy(api)
            let good = try Self.csr()
            var tampered = try PEMDocument(pemString: good).derBytes
            tampered[tampered.count - 5] ^= 1
            let mismatched = PEMDocument(type: "CERTIFICATE REQUEST", derBytes: tampered).pemString
            let cases: [(String, Int, String)] = [
                (try Self.json(["csr": "not a csr", "dnsNames": ["a.svc.hearth.internal"], "policy": "web"]), 422, "csr"),
                (try Self.json(["csr": mismatched, "dnsNames": ["a.svc.hearth.internal"], "policy": "web"]), 422, "signature"),
                (try Self.json(["csr": good, "dnsNames": ["a.b.svc.hearth.internal"], "policy": "web"]), 403, "dnsNames[0]"),
                (try Self.json(["csr": good, "dnsNames": ["a.svc.hearth.internal"], "ipAddresses": ["192.168.1.1"], "policy": "web"]), 403, "ipAddresses[0]"),
                (try Self.json(["csr": good, "dnsNames": ["a.svc.hearth.internal"], "usage": ["client"], "policy": "web"]), 403, "client"),
                (try Self.json(["csr": good, "dnsNames": ["a.svc.hearth.internal"], "ttl": "72h", "policy": "web"]), 403, "48h"),
                (try Self.json(["csr": good, "dnsNames": ["a.svc.hearth.internal"], "ttl": "100000h", "policy": "web"]), 422, "ttl"),
                (try Self.json(["csr": good, "dnsNames": ["a.svc.hearth.internal"], "ttl": "soon", "policy": "web"]), 422, "ttl"),
                (try Self.json(["csr": good, "dnsNames": ["a.svc.hearth.internal"]]), 422, "policy"),
                (try Self.json(["csr": good, "dnsNames": ["a.svc.hearth.internal"], "policy": "missing"]), 422, "policy"),
                (try Self.json(["csr": good, "generate": true, "dnsNames": ["a.svc.hearth.internal"], "policy": "web"]), 422, "csr"),
                (try Self.json(["generate": true, "policy": "web"]), 422, "name"),
                (try Self.json(["generate": true, "keyType": "rsa-2048", "dnsNames": ["a.svc.hearth.internal"], "policy": "web"]), 422, "keyType"),
                (try Self.json(["generate": true, "dnsNames": ["bad name"], "policy": "web"]), 422, "dnsNames[0]"),
                (try Self.json(["generate": true, "uris": ["spiffe://hearth.internal/ns/demo/sa/robot"], "policy": "web"]), 422, "trust domain"),
                ("{", 400, "JSON"),
            ]
            for (body, status, reason) in cases {
                let response = try await api.request(.post, "/v1/namespaces/demo/certificates", json: body)
                #expect(response.status == status, "\(body.prefix(200)): \(response.status) \(response.text)")
                #expect(response.isProblem)
                #expect(response.text.contains(reason), "\(response.text)")
            }
            #expect(try await api.request(.get, "/v1/namespaces/demo/certificates").json["items"]?.arrayValue?.isEmpty == true)
            let audit = try await api.request(.get, "/v1/audit?resource=certificates&limit=100")
            let refused = (audit.json["items"]?.arrayValue ?? []).filter { ($0["status"]?.int64Value ?? 0) >= 400 }
            #expect(refused.count == cases.count, "\(audit.text)")
        }
    }

    @Test("issuance policies are validated as resources")
    func policyValidation() async throws {
        try await APIFixture.with(.sqlite) { api in
            try await api.createNamespace("demo")
            let bad = try await api.request(
                .post, "/v1/namespaces/demo/issuancepolicies", json: #"{"name":"bad","spec":{"dnsNames":["a*.example"],"ipRanges":["10.0.0.0/40"],"maxTTL":"10000h"}}"#)
            #expect(bad.status == 422)
            #expect(bad.text.contains("spec.dnsNames[0]") && bad.text.contains("spec.ipRanges[0]") && bad.text.contains("spec.maxTTL"), "\(bad.text)")
            #expect(try await api.request(.post, "/v1/issuanceceilings", json: Self.ceiling).status == 201)

            // Editors issue certificates but cannot widen what the namespace may be issued.
            let editor = try await api.user("ed")
            #expect(try await api.request(.put, "/v1/namespaces/demo", json: #"{"name":"demo","spec":{"editors":["user:ed"]}}"#).status == 200)
            let refused = try await api.request(.post, "/v1/namespaces/demo/issuancepolicies", json: Self.policy, as: .bearer(editor))
            #expect(refused.status == 403)
            #expect(try await api.request(.post, "/v1/namespaces/demo/issuancepolicies", json: Self.policy).status == 201)
            let issued = try await api.request(
                .post, "/v1/namespaces/demo/certificates", json: #"{"generate":true,"dnsNames":["app.example.org"],"policy":"web"}"#, as: .bearer(editor))
            #expect(issued.status == 201, "\(issued.text)")
        }
    }

    @Test("a namespace owner's policy cannot reach beyond the cluster's issuance ceiling", arguments: Backend.enabled)
    func ceiling(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            let owner = try await api.user("own")
            #expect(try await api.request(.post, "/v1/namespaces", json: #"{"name":"demo","spec":{"owners":["user:own"]}}"#).status == 201)
            let generous = #"{"name":"any","spec":{"dnsNames":["*.demo.svc.hearth.internal","bank.example.com"],"ipRanges":["0.0.0.0/0"]}}"#
            #expect(try await api.request(.post, "/v1/namespaces/demo/issuancepolicies", json: generous, as: .bearer(owner)).status == 201)
            let ownService = try await api.request(
                .post, "/v1/namespaces/demo/certificates", json: #"{"generate":true,"dnsNames":["web.demo.svc.hearth.internal"],"policy":"any"}"#,
                as: .bearer(owner))
            #expect(ownService.status == 201, "\(ownService.text)")
            let bank = #"{"generate":true,"dnsNames":["bank.example.com"],"ipAddresses":["8.8.8.8"],"policy":"any"}"#
            let refused = try await api.request(.post, "/v1/namespaces/demo/certificates", json: bank, as: .bearer(owner))
            #expect(refused.status == 403)
            #expect(refused.text.contains("issuance ceiling") && refused.text.contains("dnsNames[0]") && refused.text.contains("ipAddresses[0]"), "\(refused.text)")
            let otherService = #"{"generate":true,"dnsNames":["web.other.svc.hearth.internal"],"policy":"any"}"#
            #expect(try await api.request(.post, "/v1/namespaces/demo/certificates", json: otherService, as: .bearer(owner)).status == 403)

            // Only cluster admins set ceilings; one for another namespace does not apply.
            let forDemo = #"{"name":"bank","spec":{"namespaces":["demo"],"dnsNames":["bank.example.com"],"ipRanges":["8.8.8.0/24"]}}"#
            #expect(try await api.request(.post, "/v1/issuanceceilings", json: forDemo, as: .bearer(owner)).status == 403)
            let forOther = #"{"name":"other","spec":{"namespaces":["other"],"dnsNames":["bank.example.com"],"ipRanges":["8.8.8.0/24"]}}"#
            #expect(try await api.request(.post, "/v1/issuanceceilings", json: forOther).status == 201)
            #expect(try await api.request(.post, "/v1/namespaces/demo/certificates", json: bank, as: .bearer(owner)).status == 403)
            #expect(try await api.request(.post, "/v1/issuanceceilings", json: forDemo).status == 201)
            let allowed = try await api.request(.post, "/v1/namespaces/demo/certificates", json: bank, as: .bearer(owner))
            #expect(allowed.status == 201, "\(allowed.text)")

            let bad = try await api.request(.post, "/v1/issuanceceilings", json: #"{"name":"bad","spec":{"namespaces":["Not A Namespace"],"dnsNames":["a*.x"]}}"#)
            #expect(bad.status == 422)
            #expect(bad.text.contains("spec.namespaces[0]") && bad.text.contains("spec.dnsNames[0]"), "\(bad.text)")
            let audit = try await api.request(.get, "/v1/audit?resource=certificates&limit=100")
            #expect((audit.json["items"]?.arrayValue ?? []).filter { $0["status"]?.int64Value == 403 }.count == 3, "\(audit.text)")
        }
    }

    static func bytes(_ hex: String) -> [UInt8]? {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            result.append(byte)
            index = next
        }
        return result
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<$0 + needle.count]) == needle }
    }
}

@Suite("Certificate authority administration")
struct PKIAdminAPITests {
    static func bundle(_ api: APIFixture) async throws -> [Certificate] {
        let answer = try await api.request(.get, "/v1/pki/ca.pem", as: .none)
        return try PEMDocument.parseMultiple(pemString: answer.text).map { try Certificate(pemDocument: $0) }
    }

    static func verifies(_ leaf: Certificate, _ trust: [Certificate]) async -> Bool {
        var verifier = Verifier(rootCertificates: CertificateStore([trust[0]])) { RFC5280Policy() }
        if case .validCertificate = await verifier.validate(leaf: leaf, intermediates: CertificateStore(Array(trust.dropFirst()))) { return true }
        return false
    }

    static func issue(_ api: APIFixture) async throws -> (Certificate, String) {
        let issued = try await api.request(.post, "/v1/namespaces/demo/certificates", json: #"{"generate":true,"serviceAccount":"w1"}"#)
        #expect(issued.status == 201, "\(issued.text)")
        return (try Certificate(pemEncoded: try #require(issued.json["certificate"]?.stringValue)), try #require(issued.json["serial"]?.stringValue))
    }

    @Test("rotation: the new intermediate signs, the old stays published with its CRL, both verify; idle ones retire", arguments: Backend.enabled)
    func rotation(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            try await api.createNamespace("demo")
            #expect(try await api.request(.post, "/v1/namespaces/demo/serviceaccounts", json: #"{"name":"w1"}"#).status == 201)
            let (before, beforeSerial) = try await Self.issue(api)
            let status = try await api.request(.get, "/v1/admin/pki")
            #expect(status.json["intermediates"]?.arrayValue?.count == 1)
            #expect(status.json["root"]?["keyOnline"] == .bool(true))
            let old = try #require(status.json["intermediates"]?.arrayValue?.first?["serial"]?.stringValue)

            let rotated = try await api.request(.post, "/v1/admin/pki/intermediate/rotate")
            #expect(rotated.status == 201, "\(rotated.text)")
            let serials = rotated.json["intermediates"]?.arrayValue?.compactMap { $0["serial"]?.stringValue } ?? []
            #expect(serials.count == 2 && serials[1] == old && serials[0] != old, "\(serials)")
            let (after, _) = try await Self.issue(api)
            #expect(after.issuer != before.issuer)
            let trust = try await Self.bundle(api)
            #expect(trust.count == 3)
            #expect(await Self.verifies(before, trust))
            #expect(await Self.verifies(after, trust))
            #expect(try await api.request(.get, "/v1/namespaces/demo/certificates/\(beforeSerial)").json["issuer"]?.stringValue == old)

            // Each published intermediate signs a CRL; the old one's lists a certificate it issued once revoked.
            #expect(try await api.request(.post, "/v1/namespaces/demo/certificates/\(beforeSerial)/revoke").status == 200)
            let oldCRL = try await api.request(.get, "/v1/pki/crl?format=pem&intermediate=\(old.lowercased())", as: .none)
            #expect(oldCRL.status == 200)
            let der = try PEMDocument(pemString: oldCRL.text).derBytes
            #expect(PKIAPITests.contains(der, try #require(PKIAPITests.bytes(beforeSerial))))
            var issuerName = DER.Serializer()
            try issuerName.serialize(trust[2].subject)
            #expect(CertificateIssuer.hex(trust[2].serialNumber) == old)
            #expect(PKIAPITests.contains(der, issuerName.serializedBytes))
            let unknown = try await api.request(.get, "/v1/pki/crl?intermediate=ABCDEF", as: .none)
            #expect(unknown.status == 404 && unknown.isProblem)
            let malformed = try await api.request(.get, "/v1/pki/crl?intermediate=not-hex", as: .none)
            #expect(malformed.status == 400 && malformed.text.contains("not a certificate serial"), "\(malformed.text)")

            // The old intermediate stays while a certificate it issued lives; then it retires.
            #expect(try await api.server.authorities.retireIdle().isEmpty)
            #expect(try await api.server.authorities.retireIdle(now: Date().addingTimeInterval(4 * 86400)) == [old])
            #expect(try await Self.bundle(api).count == 2)
            #expect(try await api.request(.get, "/v1/pki/crl?intermediate=\(old)", as: .none).status == 404)
        }
    }

    @Test("an intermediate past 2/3 of its life is rotated by the running server (and, having issued nothing, retired)")
    func rotatesWhenDue() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-due-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A data directory whose CA was made four years ago: the intermediate (five years) is past 2/3.
        let ring = try MasterKeyRing.resolve(dataDirectory: directory, keyFile: nil, environment: [:])
        let old = try ServerIdentity.loadOrCreate(
            dataDirectory: directory, clusterName: "test", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1", "::1"], cipher: EnvelopeCipher(ring: ring),
            now: Date().addingTimeInterval(-4 * 365 * 86400))
        try await APIFixture.with(.sqlite, dataDirectory: directory) { api in
            var rotated = false
            for _ in 0..<100 where !rotated {
                rotated = api.server.identity.intermediate.serial != old.intermediate.serial
                if !rotated { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(rotated)
            #expect(!ServerIdentity.renewalDue(api.server.identity.intermediate.certificate))
            #expect(api.server.identity.authority.signed(api.server.identity.intermediate.certificate))
            // No certificate was issued by the old one: nothing keeps it published.
            #expect(api.server.identity.previousIntermediates.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: directory + "/intermediates/\(old.intermediate.serial).pem"))
        }
    }

    @Test("the handshake takes client certificates from a published intermediate, valid now, made for client authentication")
    func clientChainVerification() async throws {
        try await APIFixture.with(.sqlite) { api in
            let keeper = api.server.authorities
            func presented(_ usages: Set<CertificateUsage>, ttl: Int64 = 3600, issuer: CertificateIssuer? = nil) throws -> [NIOSSLCertificate] {
                let leaf = try (issuer ?? keeper.issuer).issueWithNewKey(CertificateNames(dnsNames: ["a.demo.svc.hearth.internal"], usages: usages, ttl: ttl))
                return [try NIOSSLCertificate(bytes: Array(leaf.certificatePEM.utf8), format: .pem)]
            }
            #expect(keeper.verifyClientChain(try presented([.client])) == .certificateVerified)
            #expect(keeper.verifyClientChain(try presented([.client, .server])) == .certificateVerified)
            #expect(keeper.verifyClientChain(try presented([.server])) == .failed)
            #expect(keeper.verifyClientChain(try presented([.client]), now: Date().addingTimeInterval(7200)) == .failed)
            let foreignRoot = try CertificateAuthority.generate(clusterName: "elsewhere")
            let foreign = CertificateIssuer(intermediate: try foreignRoot.issueIntermediate(clusterName: "elsewhere"), root: foreignRoot)
            #expect(keeper.verifyClientChain(try presented([.client], issuer: foreign)) == .failed)
            // Rotated out but still published: accepted.
            let before = try presented([.client])
            _ = try await keeper.rotateIntermediate()
            #expect(keeper.verifyClientChain(before) == .certificateVerified)
        }
    }

    @Test("the root key is exported, then removed; a rotation then needs it once; none of it for non-admins")
    func offlineRoot() async throws {
        try await APIFixture.with(.sqlite) { api in
            let user = try await api.user("ed")
            #expect(try await api.request(.post, "/v1/admin/pki/root/export", as: .bearer(user)).status == 403)
            let early = try await api.request(.delete, "/v1/admin/pki/root/key")
            #expect(early.status == 409 && early.text.contains("export"), "\(early.text)")

            let exported = try await api.request(.post, "/v1/admin/pki/root/export")
            #expect(exported.status == 200)
            #expect(exported.headers[.cacheControl] == "no-store")
            let key = try #require(exported.json["privateKey"]?.stringValue)
            let certificate = try #require(exported.json["certificate"]?.stringValue)
            #expect(try CertificateAuthority(certificatePEM: certificate, privateKeyPEM: key).fingerprint == exported.json["fingerprint"]?.stringValue)
            let removed = try await api.request(.delete, "/v1/admin/pki/root/key")
            #expect(removed.status == 200, "\(removed.text)")
            #expect(removed.json["root"]?["keyOnline"] == .bool(false))
            #expect(removed.json["root"]?["exported"]?["exportedBy"]?.stringValue == "user:admin")
            #expect(!FileManager.default.fileExists(atPath: api.dataDirectory + "/ca-key.sealed"))
            #expect(try await api.request(.post, "/v1/admin/pki/root/export").status == 409)

            let refused = try await api.request(.post, "/v1/admin/pki/intermediate/rotate")
            #expect(refused.status == 409 && refused.text.contains("offline"), "\(refused.text)")
            let wrong = try await api.request(
                .post, "/v1/admin/pki/intermediate/rotate", json: try PKIAPITests.json(["rootKey": P256.Signing.PrivateKey().pemRepresentation]))
            #expect(wrong.status == 422, "\(wrong.text)")
            #expect(try await api.request(.post, "/v1/admin/pki/intermediate/rotate", json: "{").status == 400)
            let rotated = try await api.request(.post, "/v1/admin/pki/intermediate/rotate", json: try PKIAPITests.json(["rootKey": key]))
            #expect(rotated.status == 201, "\(rotated.text)")
            #expect(rotated.json["intermediates"]?.arrayValue?.count == 2)
            #expect(rotated.json["root"]?["keyOnline"] == .bool(false))

            // The audit trail has each step, and never the key.
            let audit = try await api.request(.get, "/v1/audit?resource=pki&limit=100")
            #expect((audit.json["items"]?.arrayValue ?? []).count >= 6, "\(audit.text)")
            let keyBody = key.split(separator: "\n").dropFirst().first.map(String.init) ?? key
            #expect(!audit.text.contains("PRIVATE KEY") && !audit.text.contains(keyBody))
        }
    }
}
