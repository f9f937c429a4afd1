import Crypto
import Foundation
import HearthCore
import HearthSecurity
import HearthTestSupport
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

    @Test("a CSR judged by a policy: the certificate chains to the bundle, is recorded, revoked and then in the CRL", arguments: Backend.enabled)
    func issueAndRevoke(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            try await api.createNamespace("demo")
            #expect(try await api.request(.post, "/v1/namespaces/demo/issuancepolicies", json: Self.policy).status == 201)
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
            try await api.createNamespace("demo")
            #expect(try await api.request(.post, "/v1/namespaces/demo/issuancepolicies", json: Self.policy).status == 201)
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
