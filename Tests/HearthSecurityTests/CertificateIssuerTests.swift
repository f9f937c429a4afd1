import Crypto
import Foundation
import HearthCore
import HearthSecurity
import SwiftASN1
import Testing
import X509

@Suite("Certificate issuer")
struct CertificateIssuerTests {
    static let root = try! CertificateAuthority.generate(clusterName: "test")
    static let intermediate = try! root.issueIntermediate(clusterName: "test")
    static var issuer: CertificateIssuer { CertificateIssuer(intermediate: intermediate, root: root) }

    static func csr(_ key: P256.Signing.PrivateKey = P256.Signing.PrivateKey(), commonName: String = "web") throws -> String {
        let request = try CertificateSigningRequest(
            version: .v1, subject: try DistinguishedName { CommonName(commonName) }, privateKey: Certificate.PrivateKey(key),
            attributes: CertificateSigningRequest.Attributes())
        return try request.serializeAsPEM().pemString
    }

    @Test("root and intermediate: the intermediate is a CA below the root that signs leaves only")
    func hierarchy() throws {
        #expect(!Self.root.forbidsIntermediates)
        #expect(Self.root.signed(Self.intermediate.certificate))
        let constraints = try Self.intermediate.certificate.extensions.basicConstraints
        #expect(constraints == .isCertificateAuthority(maxPathLength: 0))
        #expect(try Self.root.certificate.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 1))
        #expect(
            try Self.intermediate.certificate.extensions.authorityKeyIdentifier?.keyIdentifier
                == Self.root.certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
    }

    @Test("a leaf from a CSR chains to the root and carries the extensions asked for")
    func leafFromCSR() async throws {
        let key = P256.Signing.PrivateKey()
        let request = try SigningRequest(pem: try Self.csr(key))
        #expect(request.keyType == .ecdsaP256)
        #expect(request.commonName == "web")
        let names = CertificateNames(
            dnsNames: ["web.demo.svc.hearth.internal"], ipAddresses: ["10.1.2.3", "fd00::1"], uris: ["spiffe://hearth.internal/ns/demo/sa/web"],
            usages: [.server], ttl: 3600)
        let now = Date()
        let leaf = try Self.issuer.issue(names, publicKey: request.publicKey, commonName: request.commonName, now: now)
        let certificate = leaf.certificate
        #expect(certificate.publicKey == Certificate.PublicKey(key.publicKey))
        #expect(Self.intermediate.signed(certificate))
        #expect(leaf.chainPEM == [try Self.intermediate.certificatePEM, try Self.root.certificatePEM])
        #expect(leaf.serial.count == 32 && leaf.serial == leaf.serial.uppercased())
        #expect(abs(certificate.notValidBefore.timeIntervalSince(now) + 60) < 2)
        #expect(abs(certificate.notValidAfter.timeIntervalSince(now) - 3600) < 2)

        let extensions = certificate.extensions
        #expect(try extensions.basicConstraints == .notCertificateAuthority)
        #expect(try extensions.keyUsage == KeyUsage(digitalSignature: true))
        #expect(try extensions.extendedKeyUsage == ExtendedKeyUsage([.serverAuth]))
        let san = try #require(try extensions.subjectAlternativeNames)
        #expect(san.contains(.dnsName("web.demo.svc.hearth.internal")))
        #expect(san.contains(.uniformResourceIdentifier("spiffe://hearth.internal/ns/demo/sa/web")))
        #expect(san.contains(.ipAddress(ASN1OctetString(contentBytes: [10, 1, 2, 3]))))
        #expect(san.count == 4)
        #expect(try extensions.subjectKeyIdentifier != nil)
        #expect(
            try extensions.authorityKeyIdentifier?.keyIdentifier == Self.intermediate.certificate.extensions.subjectKeyIdentifier?.keyIdentifier)

        // swift-certificates' RFC 5280 verifier builds the chain leaf -> intermediate -> root.
        var verifier = Verifier(rootCertificates: CertificateStore([Self.root.certificate])) { RFC5280Policy() }
        let result = await verifier.validate(leaf: certificate, intermediates: CertificateStore([Self.intermediate.certificate]))
        guard case .validCertificate(let chain) = result else {
            Issue.record("chain did not verify: \(result)")
            return
        }
        #expect(chain.count == 3)
    }

    @Test("client and server usages; a key made here is in the answer only then")
    func generated() throws {
        let leaf = try Self.issuer.issueWithNewKey(CertificateNames(uris: ["spiffe://hearth.internal/ns/a/sa/b"], usages: [.client, .server]))
        let key = try P256.Signing.PrivateKey(pemRepresentation: try #require(leaf.privateKeyPEM))
        #expect(leaf.certificate.publicKey == Certificate.PublicKey(key.publicKey))
        #expect(try leaf.certificate.extensions.extendedKeyUsage == ExtendedKeyUsage([.serverAuth, .clientAuth]))
        #expect(abs(leaf.notAfter.timeIntervalSince(leaf.notBefore) - Double(IssuancePolicy.defaultTTL) - 60) < 2)
        let fromCSR = try Self.issuer.issue(CertificateNames(dnsNames: ["a.example"]), publicKey: Certificate.PublicKey(key.publicKey))
        #expect(fromCSR.privateKeyPEM == nil)
        #expect(throws: HearthError.self) {
            try Self.issuer.issueWithNewKey(CertificateNames(dnsNames: ["a.example"], keyType: .rsa2048))
        }
    }

    @Test("serials are random, positive and 16 bytes")
    func serials() {
        let serials = (0..<200).map { _ in CertificateIssuer.randomSerial() }
        #expect(Set(serials.map(CertificateIssuer.hex)).count == 200)
        for serial in serials {
            #expect(serial.bytes.count == 16)
            #expect(serial.bytes.first! & 0x80 == 0 && serial.bytes.first! != 0)
        }
    }

    @Test("a CSR whose signature does not match its key is refused")
    func signatureMismatch() throws {
        let pem = try Self.csr()
        let document = try PEMDocument(pemString: pem)
        var der = document.derBytes
        der[der.count - 5] ^= 0x01  // inside the signature
        let tampered = PEMDocument(type: "CERTIFICATE REQUEST", derBytes: der).pemString
        let error = #expect(throws: HearthError.self) { try SigningRequest(pem: tampered) }
        #expect(error?.code == .invalid)
        #expect(error?.message.contains("signature") == true)

        // A CSR for one key, its signature swapped for another key's signature of the same info.
        let other = try Self.csr(P256.Signing.PrivateKey(), commonName: "web")
        let a = try CertificateSigningRequest(pemEncoded: pem)
        let b = try CertificateSigningRequest(pemEncoded: other)
        #expect(!a.publicKey.isValidSignature(b.signature, for: a))
    }

    @Test("what is not a PEM CSR is refused with the reason", arguments: [
        "", "hello", "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----",
    ])
    func badPEM(_ text: String) throws {
        let error = #expect(throws: HearthError.self) { try SigningRequest(pem: text) }
        #expect(error?.code == .invalid)
        #expect(error?.violations.first?.field == "csr")
    }

    @Test("a certificate is not a CSR")
    func certificateIsNotCSR() throws {
        #expect(throws: HearthError.self) { try SigningRequest(pem: try Self.root.certificatePEM) }
    }

    @Test("requests without names or with malformed ones are refused before signing")
    func malformedNames() throws {
        let key = Certificate.PublicKey(P256.Signing.PrivateKey().publicKey)
        for names in [
            CertificateNames(), CertificateNames(dnsNames: ["bad name"]), CertificateNames(ipAddresses: ["10.0.0.300"]),
            CertificateNames(uris: ["not a uri"]), CertificateNames(dnsNames: ["a.example"], usages: []),
            CertificateNames(dnsNames: ["a.example"], ttl: 1),
        ] {
            #expect(throws: HearthError.self, "\(names)") { try Self.issuer.issue(names, publicKey: key) }
        }
    }

    @Test("the CRL is signed by the intermediate and lists the revoked serials")
    func crl() throws {
        let serial = CertificateIssuer.hex(CertificateIssuer.randomSerial())
        let der = try RevocationList.der(
            authority: Self.intermediate, entries: [.init(serial: serial, revokedAt: Date())], number: 7, nextUpdate: Date().addingTimeInterval(86400))
        let root = try DER.parse(der)
        guard case .constructed(let nodes) = root.content else {
            Issue.record("not a sequence")
            return
        }
        let parts = Array(nodes)
        #expect(parts.count == 3)
        let tbs = parts[0].encodedBytes
        let signatureBits = try ASN1BitString(derEncoded: parts[2])
        let signature = try P256.Signing.ECDSASignature(derRepresentation: Array(signatureBits.bytes))
        let key = try #require(P256.Signing.PublicKey(Self.intermediate.certificate.publicKey))
        #expect(key.isValidSignature(signature, for: Array(tbs)))
        #expect(RevocationList.pem(der).hasPrefix("-----BEGIN X509 CRL-----"))
    }
}
