import Foundation
import HearthCore
import SwiftASN1
import X509

/// Changing the hierarchy while the server runs: rotating the intermediate with an overlap,
/// retiring intermediates rotated out, exporting the root key and removing it (offline root).
/// Each returns the identity as it is afterwards; the files change first, each written whole
/// (write-then-rename), in an order that leaves a consistent directory after a crash anywhere.
extension ServerIdentity {
    static let previousDirectory = "intermediates"

    /// Makes a new intermediate signed by the root and makes it current; the old one moves to
    /// `intermediates/` and stays published (and signing its CRL) until retired, so certificates
    /// from both verify during the overlap.
    ///
    /// Crash safety: the old intermediate is written to `intermediates/` before the current
    /// files change; the current key is written before the current certificate, and a current
    /// certificate whose key is not in `intermediate-key.sealed` takes it from `intermediates/`.
    /// - Parameter rootKeyPEM: the root's key, when it is offline (used for this signature only,
    ///   never stored).
    /// - Throws: `HearthError(.conflict)` when the root's key is offline and not supplied,
    ///   `HearthError(.invalid)` when the supplied key is not the root's.
    public func rotatingIntermediate(
        dataDirectory: String, clusterName: String, cipher: EnvelopeCipher, rootKeyPEM: String? = nil, now: Date = Date()
    ) throws -> ServerIdentity {
        let root = try rootKeyPEM.map { try authority.withPrivateKey(pem: $0) } ?? authority
        guard root.hasPrivateKey else {
            throw HearthError(.conflict, "the root CA's key is offline: supply it (rootKey) to sign the new intermediate; it is used once and not stored")
        }
        let made = try root.issueIntermediate(clusterName: clusterName, now: now)
        try Self.writePrevious(intermediate, dataDirectory: dataDirectory, cipher: cipher)
        try Self.writeCurrentIntermediate(made, dataDirectory: dataDirectory, cipher: cipher)
        var next = self
        next.previousIntermediates = [intermediate] + previousIntermediates.filter { $0.serial != intermediate.serial }
        next.intermediate = made
        return next
    }

    /// Removes the previous intermediates `retire` picks (their files too): they are no longer
    /// published, and certificates they issued stop verifying.
    public func retiringIntermediates(dataDirectory: String, where retire: (CertificateAuthority) -> Bool) throws -> ServerIdentity {
        var next = self
        for old in previousIntermediates where retire(old) {
            let base = dataDirectory + "/" + Self.previousDirectory + "/" + old.serial
            for path in [base + ".pem", base + "-key.sealed"] where FileManager.default.fileExists(atPath: path) {
                try FileManager.default.removeItem(atPath: path)
            }
            next.previousIntermediates.removeAll { $0.serial == old.serial }
        }
        return next
    }

    /// The root's certificate and key, PEM, for keeping offline; records the export
    /// (`ca-key.exported`), which ``removingRootKey(dataDirectory:)`` requires.
    /// - Throws: `HearthError(.conflict)` when the key is already offline.
    public func exportingRootKey(dataDirectory: String, by caller: String, now: Date = Date()) throws
        -> (certificatePEM: String, privateKeyPEM: String, identity: ServerIdentity)
    {
        let key = try authority.privateKeyPEM
        let record = RootKeyExport(exportedAt: Timestamp.string(from: now), exportedBy: caller, root: try authority.fingerprint)
        try record.write(dataDirectory: dataDirectory)
        var next = self
        next.rootKeyExport = record
        return (try authority.certificatePEM, key, next)
    }

    /// Removes the root's key from the data directory: from then on the intermediate signs the
    /// server's certificate, and rotating the intermediate needs the key supplied.
    /// - Throws: `HearthError(.conflict)` when the key was never exported or is already offline.
    public func removingRootKey(dataDirectory: String) throws -> ServerIdentity {
        guard authority.hasPrivateKey else { throw HearthError(.conflict, "the root CA's key is already offline") }
        guard let export = rootKeyExport, export.root == (try authority.fingerprint) else {
            throw HearthError(.conflict, "export the root CA's key first (POST /v1/admin/pki/root/export): removing a key nobody holds would lose the root")
        }
        for file in ["ca-key.sealed", "ca-key.pem"] where FileManager.default.fileExists(atPath: dataDirectory + "/" + file) {
            try FileManager.default.removeItem(atPath: dataDirectory + "/" + file)
        }
        var next = self
        next.authority = try CertificateAuthority(offlineCertificatePEM: try authority.certificatePEM)
        return next
    }

    // MARK: Files

    /// The current intermediate: `intermediate.pem` with its key from `intermediate-key.sealed`,
    /// or from `intermediates/<SERIAL>-key.sealed` when a rotation stopped between the two
    /// (then `intermediate-key.sealed` is written again); nil when there is none.
    static func currentIntermediate(dataDirectory: String, cipher: EnvelopeCipher) throws -> CertificateAuthority? {
        let path = dataDirectory + "/intermediate.pem"
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let certificatePEM = try String(contentsOfFile: path, encoding: .utf8)
        let keyPath = dataDirectory + "/intermediate-key.sealed"
        if let key = try SealedKeyFile.read(keyPath, legacyPEM: dataDirectory + "/intermediate-key.pem", cipher: cipher, context: "key:intermediate"),
            let loaded = try? CertificateAuthority(certificatePEM: certificatePEM, privateKeyPEM: key)
        {
            return loaded
        }
        let serial = CertificateIssuer.hex(try Certificate(pemEncoded: certificatePEM).serialNumber)
        let kept = dataDirectory + "/" + previousDirectory + "/" + serial + "-key.sealed"
        guard let key = try SealedKeyFile.read(kept, legacyPEM: kept + ".pem", cipher: cipher, context: "key:intermediate") else { return nil }
        let loaded = try CertificateAuthority(certificatePEM: certificatePEM, privateKeyPEM: key)
        try SealedKeyFile.write(key, to: keyPath, cipher: cipher, context: "key:intermediate")
        return loaded
    }

    /// The intermediates in `intermediates/`, newest first; one whose files do not load is skipped.
    static func previousIntermediates(dataDirectory: String, cipher: EnvelopeCipher) throws -> [CertificateAuthority] {
        let directory = dataDirectory + "/" + previousDirectory
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var found: [CertificateAuthority] = []
        for name in names where name.hasSuffix(".pem") {
            let serial = String(name.dropLast(4))
            guard let certificatePEM = try? String(contentsOfFile: directory + "/" + name, encoding: .utf8),
                let key = try SealedKeyFile.read(
                    directory + "/" + serial + "-key.sealed", legacyPEM: directory + "/" + serial + "-key.pem", cipher: cipher, context: "key:intermediate"),
                let loaded = try? CertificateAuthority(certificatePEM: certificatePEM, privateKeyPEM: key)
            else { continue }
            found.append(loaded)
        }
        return found.sorted { $0.certificate.notValidBefore > $1.certificate.notValidBefore }
    }

    /// Writes `intermediate-key.sealed`, then `intermediate.pem`.
    static func writeCurrentIntermediate(_ ca: CertificateAuthority, dataDirectory: String, cipher: EnvelopeCipher) throws {
        try SealedKeyFile.write(try ca.privateKeyPEM, to: dataDirectory + "/intermediate-key.sealed", cipher: cipher, context: "key:intermediate")
        try SecretFile.write(try ca.certificatePEM, to: dataDirectory + "/intermediate.pem", mode: 0o644)
    }

    /// Writes `intermediates/<SERIAL>-key.sealed`, then `intermediates/<SERIAL>.pem`.
    static func writePrevious(_ ca: CertificateAuthority, dataDirectory: String, cipher: EnvelopeCipher) throws {
        let directory = dataDirectory + "/" + previousDirectory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try SealedKeyFile.write(try ca.privateKeyPEM, to: directory + "/" + ca.serial + "-key.sealed", cipher: cipher, context: "key:intermediate")
        try SecretFile.write(try ca.certificatePEM, to: directory + "/" + ca.serial + ".pem", mode: 0o644)
    }
}
