import Foundation
import HearthCore
import SwiftASN1
import X509

/// The certificate authority as the replicas sharing one database share it: the root, its key
/// (sealed; absent when offline), the record of its export, and the published intermediates
/// with their keys (sealed), the current one first. Stored as one record the replicas read and
/// write with a version, so a rotation, a retirement or a root key removal on one replica
/// reaches the others; each keeps a mirror of it in its data directory (``ServerIdentity``'s
/// files). The keys are sealed under the master key with the contexts the files use, so the
/// replicas must share the master key to share the CA (as they must to share secrets).
public struct SharedHierarchy: Codable, Sendable, Equatable {
    public struct Intermediate: Codable, Sendable, Equatable {
        public var certificate: String
        /// The key, sealed (`SealedValue` encoding, context `key:intermediate`).
        public var key: String
    }

    public var version: Int64
    public var root: String
    /// The root's key, sealed (context `key:ca`); nil while the root is offline.
    public var rootKey: String?
    public var rootKeyExport: RootKeyExport?
    /// The current intermediate first, then the previous ones still published.
    public var intermediates: [Intermediate]

    /// The hierarchy of `identity`, its keys sealed with `cipher`.
    public init(identity: ServerIdentity, version: Int64, cipher: EnvelopeCipher) throws {
        self.version = version
        root = try identity.authority.certificatePEM
        rootKey = identity.authority.hasPrivateKey ? try cipher.seal(Array(try identity.authority.privateKeyPEM.utf8), context: "key:ca").encoded : nil
        rootKeyExport = identity.rootKeyExport
        intermediates = try identity.intermediates.map {
            Intermediate(certificate: try $0.certificatePEM, key: try cipher.seal(Array(try $0.privateKeyPEM.utf8), context: "key:intermediate").encoded)
        }
    }

    /// Whether this is `identity`'s hierarchy (root, whether its key is online, export record,
    /// intermediates), whatever the version and sealing: nothing to take, nothing to seal.
    public func describes(_ identity: ServerIdentity) -> Bool {
        guard let root = try? identity.authority.certificatePEM,
            let certificates = try? identity.intermediates.map({ try $0.certificatePEM })
        else { return false }
        return self.root == root && (rootKey != nil) == identity.authority.hasPrivateKey && rootKeyExport == identity.rootKeyExport
            && intermediates.map(\.certificate) == certificates
    }

    /// The master key ids its sealed keys name.
    public var sealedKeyIDs: Set<String> {
        Set(([rootKey].compactMap { $0 } + intermediates.map(\.key)).compactMap { try? SealedValue(encoded: $0).masterKeyID })
    }

    /// This hierarchy with every key sealed under an older master key rewrapped under the
    /// cipher's current one (and the version moved on); nil when none needs it.
    public func rewrapped(cipher: EnvelopeCipher) throws -> SharedHierarchy? {
        var next = self
        var changed = false
        func rewrap(_ text: String, _ context: String) throws -> String {
            let sealed = try SealedValue(encoded: text)
            guard cipher.needsRewrap(sealed) else { return text }
            changed = true
            return try cipher.rewrap(sealed, context: context).encoded
        }
        next.rootKey = try rootKey.map { try rewrap($0, "key:ca") }
        next.intermediates = try intermediates.map { Intermediate(certificate: $0.certificate, key: try rewrap($0.key, "key:intermediate")) }
        guard changed else { return nil }
        next.version += 1
        return next
    }

    /// The authorities it describes, every key opened (so nothing is written unless all open).
    /// - Throws: as ``EnvelopeCipher/open(_:context:)`` when a key does not open with the
    ///   cipher's ring (another master key), or when a key does not match its certificate.
    func authorities(cipher: EnvelopeCipher) throws -> (root: CertificateAuthority, intermediates: [CertificateAuthority]) {
        func open(_ text: String, _ context: String) throws -> String {
            String(decoding: try cipher.open(try SealedValue(encoded: text), context: context), as: UTF8.self)
        }
        let rootAuthority =
            try rootKey.map { try CertificateAuthority(certificatePEM: root, privateKeyPEM: try open($0, "key:ca")) }
            ?? CertificateAuthority(offlineCertificatePEM: root)
        let published = try intermediates.map { try CertificateAuthority(certificatePEM: $0.certificate, privateKeyPEM: try open($0.key, "key:intermediate")) }
        guard !published.isEmpty, published.allSatisfy({ rootAuthority.signed($0.certificate) }) else {
            throw HearthError(.internalError, "the shared certificate authority has no intermediate signed by its root")
        }
        return (rootAuthority, published)
    }
}

extension ServerIdentity {
    /// Takes `shared` as this replica's hierarchy: its files are written to match (the previous
    /// intermediates, then the current one's key and certificate, then the root and its key and
    /// export record). The server certificate is left as it is: whoever holds it checks that the
    /// new root or current intermediate signed it (``serverCertificateSigner``), and issues it
    /// again if not.
    public func adopting(_ shared: SharedHierarchy, dataDirectory: String, cipher: EnvelopeCipher) throws -> ServerIdentity {
        let (root, published) = try shared.authorities(cipher: cipher)
        let files = FileManager.default
        let previousDirectory = dataDirectory + "/" + Self.previousDirectory
        let keep = Set(published.dropFirst().map(\.serial))
        for name in (try? files.contentsOfDirectory(atPath: previousDirectory)) ?? [] {
            let serial = name.hasSuffix("-key.sealed") ? String(name.dropLast("-key.sealed".count)) : String(name.split(separator: ".").first ?? "")
            if !keep.contains(serial) { try files.removeItem(atPath: previousDirectory + "/" + name) }
        }
        for (ca, entry) in zip(published, shared.intermediates).dropFirst() {
            try files.createDirectory(atPath: previousDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try SecretFile.write(entry.key + "\n", to: previousDirectory + "/" + ca.serial + "-key.sealed", mode: 0o600)
            try SecretFile.write(try ca.certificatePEM, to: previousDirectory + "/" + ca.serial + ".pem", mode: 0o644)
        }
        try SecretFile.write(shared.intermediates[0].key + "\n", to: dataDirectory + "/intermediate-key.sealed", mode: 0o600)
        try SecretFile.write(try published[0].certificatePEM, to: dataDirectory + "/intermediate.pem", mode: 0o644)
        if let rootKey = shared.rootKey {
            try SecretFile.write(rootKey + "\n", to: dataDirectory + "/ca-key.sealed", mode: 0o600)
        } else {
            for file in ["ca-key.sealed", "ca-key.pem"] where files.fileExists(atPath: dataDirectory + "/" + file) {
                try files.removeItem(atPath: dataDirectory + "/" + file)
            }
        }
        try SecretFile.write(shared.root, to: caPath, mode: 0o644)
        if let export = shared.rootKeyExport {
            try export.write(dataDirectory: dataDirectory)
        } else if files.fileExists(atPath: RootKeyExport.path(dataDirectory: dataDirectory)) {
            try files.removeItem(atPath: RootKeyExport.path(dataDirectory: dataDirectory))
        }

        var next = self
        next.authority = root
        next.intermediate = published[0]
        next.previousIntermediates = Array(published.dropFirst())
        next.rootKeyExport = shared.rootKeyExport
        return next
    }
}
