import Crypto
import Foundation
import HearthCore
import HearthSecurity
import SwiftASN1
import Testing
import X509

@Suite("Certificate hierarchy upgrade")
struct CertificateHierarchyUpgradeTests {
    @Test("a single-CA data directory is upgraded: the CA becomes the root (same key and name), an intermediate is made below it")
    func upgrade() throws {
        let directory = ServerIdentityTests.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // The CA of older versions: path length 0, key as plain PEM.
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            OrganizationName("Hearth")
            CommonName("Hearth CA old")
        }
        let old = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: Date().addingTimeInterval(-86400), notValidAfter: Date().addingTimeInterval(3650 * 86400), issuer: name,
            subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: Certificate.PublicKey(key.publicKey))
            },
            issuerPrivateKey: Certificate.PrivateKey(key))
        try old.serializeAsPEM().pemString.write(toFile: directory + "/ca.pem", atomically: true, encoding: .utf8)
        try key.pemRepresentation.write(toFile: directory + "/ca-key.pem", atomically: true, encoding: .utf8)
        let oldAuthority = try CertificateAuthority(certificatePEM: old.serializeAsPEM().pemString, privateKeyPEM: key.pemRepresentation)
        #expect(oldAuthority.forbidsIntermediates)

        let cipher = EnvelopeCipher(ring: try MasterKeyRing(current: .generate()))
        let identity = try ServerIdentityTests.load(directory, cipher)
        #expect(identity.authority.certificate.publicKey == old.publicKey)
        #expect(identity.authority.certificate.subject == old.subject)
        #expect(!identity.authority.forbidsIntermediates)
        #expect(identity.authority.signed(identity.intermediate.certificate))
        #expect(!identity.upgradeNotes.isEmpty)
        // What clients pinned before still verifies the server's certificate and the intermediate.
        #expect(oldAuthority.signed(identity.intermediate.certificate))
        let leafPEM = try #require(try PEMDocument.parseMultiple(pemString: identity.serverCertificateChainPEM).first)
        #expect(oldAuthority.signed(try Certificate(pemDocument: leafPEM)))
        #expect(try identity.trustBundlePEM == identity.authority.certificatePEM + "\n" + identity.intermediate.certificatePEM + "\n")
        #expect(FileManager.default.fileExists(atPath: directory + "/intermediate-key.sealed"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/ca-key.pem"))

        // Loaded again: nothing changes.
        let again = try ServerIdentityTests.load(directory, cipher)
        #expect(try again.authority.fingerprint == identity.authority.fingerprint)
        #expect(try again.intermediate.fingerprint == identity.intermediate.fingerprint)
        #expect(again.upgradeNotes.isEmpty)
        #expect(again.serverPrivateKeyPEM == identity.serverPrivateKeyPEM)
    }

    @Test("the intermediate key is rewrapped with the others on master key rotation")
    func rewrap() throws {
        let directory = ServerIdentityTests.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var ring = try MasterKeyRing(current: .generate())
        _ = try ServerIdentityTests.load(directory, EnvelopeCipher(ring: ring))
        let before = ring.current.id
        _ = try ring.rotate()
        let moved = try ServerIdentity.rewrapSealedKeys(dataDirectory: directory, cipher: EnvelopeCipher(ring: ring))
        #expect(moved == [before])
        #expect(ServerIdentity.sealedKeyIDs(dataDirectory: directory) == [ring.current.id])
        let text = try String(contentsOfFile: directory + "/intermediate-key.sealed", encoding: .utf8)
        #expect(try SealedValue(encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)).masterKeyID == ring.current.id)
    }
}
