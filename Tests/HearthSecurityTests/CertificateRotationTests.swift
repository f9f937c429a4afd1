import Crypto
import Foundation
import HearthCore
import HearthSecurity
import SwiftASN1
import Testing
import X509

@Suite("Intermediate rotation and the offline root")
struct CertificateRotationTests {
    static func directory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("hearth-rotation-\(UUID().uuidString)").path
    }

    static func load(_ directory: String, _ cipher: EnvelopeCipher, now: Date = Date()) throws -> ServerIdentity {
        try ServerIdentity.loadOrCreate(
            dataDirectory: directory, clusterName: "test", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"], cipher: cipher, now: now)
    }

    /// Whether `leaf` verifies against the trust bundle (its first certificate the root, the rest intermediates).
    static func verifies(_ leaf: Certificate, bundle: String) async throws -> Bool {
        let trust = try PEMDocument.parseMultiple(pemString: bundle).map { try Certificate(pemDocument: $0) }
        var verifier = Verifier(rootCertificates: CertificateStore([trust[0]])) { RFC5280Policy() }
        if case .validCertificate = await verifier.validate(leaf: leaf, intermediates: CertificateStore(Array(trust.dropFirst()))) { return true }
        return false
    }

    static func leaf(_ identity: ServerIdentity) throws -> Certificate {
        try identity.issuer.issueWithNewKey(CertificateNames(dnsNames: ["web.demo.svc.hearth.internal"])).certificate
    }

    @Test("a rotation publishes the new intermediate beside the old; certificates from both verify, before and after a reload")
    func rotation() async throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cipher = EnvelopeCipher(ring: try MasterKeyRing(current: .generate()))
        let first = try Self.load(directory, cipher)
        let before = try Self.leaf(first)

        let rotated = try first.rotatingIntermediate(dataDirectory: directory, clusterName: "test", cipher: cipher)
        #expect(rotated.intermediate.serial != first.intermediate.serial)
        #expect(rotated.previousIntermediates.map(\.serial) == [first.intermediate.serial])
        #expect(rotated.authority.signed(rotated.intermediate.certificate))
        let after = try Self.leaf(rotated)
        #expect(rotated.intermediate.signed(after) && !first.intermediate.signed(after))
        let bundle = try rotated.trustBundlePEM
        #expect(try PEMDocument.parseMultiple(pemString: bundle).count == 3)
        #expect(try await Self.verifies(before, bundle: bundle))
        #expect(try await Self.verifies(after, bundle: bundle))
        #expect(FileManager.default.fileExists(atPath: directory + "/intermediates/\(first.intermediate.serial).pem"))
        let kept = try String(contentsOfFile: directory + "/intermediates/\(first.intermediate.serial)-key.sealed", encoding: .utf8)
        #expect(!kept.contains("PRIVATE KEY"))

        // The directory holds the same hierarchy; the server certificate (root-signed) is kept.
        let reloaded = try Self.load(directory, cipher)
        #expect(reloaded.intermediate.serial == rotated.intermediate.serial)
        #expect(reloaded.previousIntermediates.map(\.serial) == [first.intermediate.serial])
        #expect(reloaded.serverCertificateChainPEM == first.serverCertificateChainPEM)
        #expect(try reloaded.trustBundlePEM == bundle)

        // Retired, the old one is no longer published and its certificates stop verifying.
        let retired = try reloaded.retiringIntermediates(dataDirectory: directory) { $0.serial == first.intermediate.serial }
        #expect(retired.previousIntermediates.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: directory + "/intermediates/\(first.intermediate.serial).pem"))
        #expect(try await !Self.verifies(before, bundle: try retired.trustBundlePEM))
        #expect(try await Self.verifies(after, bundle: try retired.trustBundlePEM))
        #expect(try Self.load(directory, cipher).previousIntermediates.isEmpty)
    }

    @Test("a rotation that stopped between the key and the certificate leaves the old intermediate current, whole")
    func interruptedRotation() throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cipher = EnvelopeCipher(ring: try MasterKeyRing(current: .generate()))
        let first = try Self.load(directory, cipher)
        let oldCertificate = try String(contentsOfFile: directory + "/intermediate.pem", encoding: .utf8)
        _ = try first.rotatingIntermediate(dataDirectory: directory, clusterName: "test", cipher: cipher)
        // As if the process died after writing the new key, before the new certificate.
        try oldCertificate.write(toFile: directory + "/intermediate.pem", atomically: true, encoding: .utf8)
        let reloaded = try Self.load(directory, cipher)
        #expect(reloaded.intermediate.serial == first.intermediate.serial)
        #expect(try reloaded.intermediate.privateKeyPEM == first.intermediate.privateKeyPEM)
        // And intermediate-key.sealed matches intermediate.pem again.
        #expect(try Self.load(directory, cipher).intermediate.serial == first.intermediate.serial)
        #expect(try Self.leaf(reloaded).issuer == first.intermediate.certificate.subject)
    }

    @Test("an intermediate past 2/3 of its life is reported at start (the running server rotates it)")
    func dueAtTwoThirds() throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cipher = EnvelopeCipher(ring: try MasterKeyRing(current: .generate()))
        let first = try Self.load(directory, cipher)
        let later = first.intermediate.certificate.notValidBefore.addingTimeInterval(4 * 365 * 86400)
        let aged = try Self.load(directory, cipher, now: later)
        #expect(aged.intermediate.serial == first.intermediate.serial)
        #expect(aged.upgradeNotes.contains { $0.contains("2/3") && $0.contains("rotates it once started") }, "\(aged.upgradeNotes)")
    }

    @Test("the root key is exported, then removed: the root is offline, the intermediate signs the server, a rotation needs the key once")
    func offlineRoot() async throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cipher = EnvelopeCipher(ring: try MasterKeyRing(current: .generate()))
        let first = try Self.load(directory, cipher)
        #expect(throws: HearthError.self) { try first.removingRootKey(dataDirectory: directory) }  // never exported

        let exported = try first.exportingRootKey(dataDirectory: directory, by: "user:admin")
        #expect(exported.certificatePEM == (try first.authority.certificatePEM))
        #expect(try CertificateAuthority(certificatePEM: exported.certificatePEM, privateKeyPEM: exported.privateKeyPEM).fingerprint == first.authority.fingerprint)
        #expect(exported.identity.rootKeyExport?.exportedBy == "user:admin")
        let offline = try exported.identity.removingRootKey(dataDirectory: directory)
        #expect(!offline.authority.hasPrivateKey)
        #expect(!FileManager.default.fileExists(atPath: directory + "/ca-key.sealed"))
        #expect(throws: HearthError.self) { try offline.rotatingIntermediate(dataDirectory: directory, clusterName: "test", cipher: cipher) }
        #expect(throws: HearthError.self) {
            try offline.rotatingIntermediate(
                dataDirectory: directory, clusterName: "test", cipher: cipher, rootKeyPEM: P256.Signing.PrivateKey().pemRepresentation)
        }

        // Reloaded: the root is offline (not made anew), and the server certificate, once due,
        // is signed by the intermediate and chained through it.
        let reloaded = try Self.load(directory, cipher)
        #expect(!reloaded.authority.hasPrivateKey)
        #expect(try reloaded.authority.fingerprint == first.authority.fingerprint)
        #expect(reloaded.serverCertificateSigner.serial == reloaded.intermediate.serial)
        let (chain, _) = try ServerIdentity.renewServerCertificate(
            dataDirectory: directory, identity: reloaded, dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"], cipher: cipher)
        let certificates = try PEMDocument.parseMultiple(pemString: chain).map { try Certificate(pemDocument: $0) }
        #expect(certificates.count == 3)
        #expect(reloaded.intermediate.signed(certificates[0]))
        #expect(try await Self.verifies(certificates[0], bundle: try reloaded.trustBundlePEM))
        #expect(try Self.load(directory, cipher).serverCertificateChainPEM == chain)

        // The key supplied once signs a new intermediate, and is not stored.
        let rotated = try reloaded.rotatingIntermediate(dataDirectory: directory, clusterName: "test", cipher: cipher, rootKeyPEM: exported.privateKeyPEM)
        #expect(rotated.authority.signed(rotated.intermediate.certificate))
        #expect(!rotated.authority.hasPrivateKey)
        #expect(!FileManager.default.fileExists(atPath: directory + "/ca-key.sealed"))

        // Put back by the operator as plain PEM, the key is sealed at start and online again.
        try exported.privateKeyPEM.write(toFile: directory + "/ca-key.pem", atomically: true, encoding: .utf8)
        let online = try Self.load(directory, cipher)
        #expect(online.authority.hasPrivateKey)
        #expect(!FileManager.default.fileExists(atPath: directory + "/ca-key.pem"))
    }

    @Test("with the root offline and no valid intermediate, start refuses with what to do")
    func offlineRootWithoutIntermediate() throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cipher = EnvelopeCipher(ring: try MasterKeyRing(current: .generate()))
        let first = try Self.load(directory, cipher)
        _ = try first.exportingRootKey(dataDirectory: directory, by: "admin").identity.removingRootKey(dataDirectory: directory)
        try FileManager.default.removeItem(atPath: directory + "/intermediate.pem")
        do {
            _ = try Self.load(directory, cipher)
            Issue.record("loaded without an intermediate or a root key")
        } catch let error as HearthError {
            #expect(error.message.contains("ca-key.pem"), "\(error.message)")
        }
        #expect(FileManager.default.fileExists(atPath: directory + "/ca.pem"))
    }

    @Test("a master key rotation rewraps the previous intermediates' keys too")
    func rewrap() throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let oldKey = MasterKey.generate()
        let first = try Self.load(directory, EnvelopeCipher(ring: try MasterKeyRing(current: oldKey)))
        _ = try first.rotatingIntermediate(dataDirectory: directory, clusterName: "test", cipher: EnvelopeCipher(ring: try MasterKeyRing(current: oldKey)))
        let old = oldKey.id
        let ring = try MasterKeyRing(current: .generate(), older: [oldKey])
        let moved = try ServerIdentity.rewrapSealedKeys(dataDirectory: directory, cipher: EnvelopeCipher(ring: ring))
        #expect(moved == [old])
        #expect(ServerIdentity.sealedKeyIDs(dataDirectory: directory) == [ring.current.id])
        let kept = try String(contentsOfFile: directory + "/intermediates/\(first.intermediate.serial)-key.sealed", encoding: .utf8)
        #expect(kept.contains(ring.current.id))
    }
}
