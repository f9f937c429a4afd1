import Foundation
import HearthCore
import SwiftASN1
import X509

/// The CA and TLS certificate of a server's data directory, created on first start.
///
/// Files: `ca.pem` (the root CA clients trust), `ca-key.sealed` (absent once the root key was
/// exported and removed: the root is then offline), `intermediate.pem` and
/// `intermediate-key.sealed` (the intermediate CA that signs certificates on request),
/// `intermediates/<SERIAL>.pem` and `<SERIAL>-key.sealed` (intermediates rotated out but still
/// published while certificates they issued live), `server.pem` (chain: leaf, the intermediate
/// when it signed the leaf, root) and `server-key.sealed`. The private keys are sealed with the
/// envelope cipher (never plain PEM at rest; a plain `ca-key.pem`/`server-key.pem` from an older
/// version, or a root key put back by an operator, is sealed and removed) and mode 0600. The
/// server certificate is signed by the root while its key is online, by the intermediate
/// otherwise, and is issued again when its names change or it has lived 2/3 of its life.
///
/// A data directory from a version with a single CA is upgraded in place: its CA becomes the
/// root (re-signed with the same key when its path length forbade an intermediate, see
/// ``upgradeNotes``) and an intermediate is made below it.
public struct ServerIdentity: Sendable {
    /// The root CA (its key may be offline: ``CertificateAuthority/hasPrivateKey``).
    public internal(set) var authority: CertificateAuthority
    /// The intermediate CA that signs certificates on request.
    public internal(set) var intermediate: CertificateAuthority
    /// Intermediates rotated out: still published and still signing their CRLs until retired.
    public internal(set) var previousIntermediates: [CertificateAuthority]
    public internal(set) var serverCertificateChainPEM: String
    public internal(set) var serverPrivateKeyPEM: String
    public let caPath: String
    /// When the root key was exported, and by whom (nil: never).
    public internal(set) var rootKeyExport: RootKeyExport?
    /// What loading changed in the data directory that an operator should hear about.
    public internal(set) var upgradeNotes: [String]

    /// The trust bundle for certificates Hearth issues: the root, then the current intermediate,
    /// then the previous ones.
    public var trustBundlePEM: String {
        get throws {
            try ([authority] + intermediates).map { try $0.certificatePEM + "\n" }.joined()
        }
    }

    /// The issuer of certificates on request, signing with the intermediate.
    public var issuer: CertificateIssuer { CertificateIssuer(intermediate: intermediate, root: authority) }

    /// Every intermediate that may have signed a live certificate: the current one first.
    public var intermediates: [CertificateAuthority] { [intermediate] + previousIntermediates }

    /// Who signs the server's own certificate: the root while its key is online, else the intermediate.
    public var serverCertificateSigner: CertificateAuthority { authority.hasPrivateKey ? authority : intermediate }

    public static func loadOrCreate(
        dataDirectory: String, clusterName: String, dnsNames: [String], ipAddresses: [String], cipher: EnvelopeCipher, now: Date = Date()
    ) throws -> ServerIdentity {
        let files = FileManager.default
        try files.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let caPath = dataDirectory + "/ca.pem"
        let caKeyPath = dataDirectory + "/ca-key.sealed"
        var notes: [String] = []
        var authority: CertificateAuthority
        var rootChanged = false
        if files.fileExists(atPath: caPath) {
            let certificatePEM = try String(contentsOfFile: caPath, encoding: .utf8)
            if let caKey = try SealedKeyFile.read(caKeyPath, legacyPEM: dataDirectory + "/ca-key.pem", cipher: cipher, context: "key:ca") {
                authority = try CertificateAuthority(certificatePEM: certificatePEM, privateKeyPEM: caKey)
                if authority.forbidsIntermediates {
                    let old = try authority.fingerprint
                    authority = try authority.reissuedAsRoot()
                    try SecretFile.write(try authority.certificatePEM, to: caPath, mode: 0o644)
                    rootChanged = true
                    notes.append(
                        "the CA certificate was made again with the same key and name so it can sign an intermediate CA: "
                            + "its fingerprint changed from \(old) to \(try authority.fingerprint); clients that pinned the old one keep working")
                }
            } else {
                authority = try CertificateAuthority(offlineCertificatePEM: certificatePEM)
                notes.append("the root CA's key is offline (not in \(dataDirectory)); the intermediate signs the server's certificate")
            }
        } else {
            authority = try CertificateAuthority.generate(clusterName: clusterName, now: now)
            try SealedKeyFile.write(try authority.privateKeyPEM, to: caKeyPath, cipher: cipher, context: "key:ca")
            try SecretFile.write(try authority.certificatePEM, to: caPath, mode: 0o644)
            rootChanged = true
        }

        let root = authority
        let live = { (ca: CertificateAuthority) in root.signed(ca.certificate) && ca.certificate.notValidAfter > now }
        var previous = try Self.previousIntermediates(dataDirectory: dataDirectory, cipher: cipher).filter(live)
        let loaded = try Self.currentIntermediate(dataDirectory: dataDirectory, cipher: cipher).flatMap { live($0) ? $0 : nil }
        previous.removeAll { $0.serial == loaded?.serial }
        var identity = ServerIdentity(
            authority: authority, intermediate: loaded ?? authority, previousIntermediates: previous, serverCertificateChainPEM: "",
            serverPrivateKeyPEM: "", caPath: caPath, rootKeyExport: RootKeyExport.read(dataDirectory: dataDirectory), upgradeNotes: notes)
        if let current = loaded {
            // Rotated by the running server (CertificateAuthorityKeeper), which publishes the
            // change to the replicas of its database.
            if renewalDue(current.certificate, now: now) {
                identity.upgradeNotes.append(
                    "the intermediate CA has lived 2/3 of its life (it expires \(current.certificate.notValidAfter)): "
                        + (authority.hasPrivateKey
                            ? "the server rotates it once started; the old one stays published"
                            : "the root key is offline: rotate it with `hearth admin pki rotate-intermediate --root-key FILE`"))
            }
        } else {
            guard authority.hasPrivateKey else {
                throw HearthError(
                    .conflict,
                    "there is no valid intermediate CA in \(dataDirectory) and the root CA's key is offline: put the exported root key at "
                        + "\(dataDirectory)/ca-key.pem (it is sealed at start) and start again")
            }
            let made = try authority.issueIntermediate(clusterName: clusterName, now: now)
            try Self.writeCurrentIntermediate(made, dataDirectory: dataDirectory, cipher: cipher)
            identity.intermediate = made
            if !rootChanged || !notes.isEmpty {
                identity.upgradeNotes.append("made a new intermediate CA (\(dataDirectory)/intermediate.pem) that signs certificates on request")
            }
        }

        let serverPath = dataDirectory + "/server.pem"
        let serverKeyPath = dataDirectory + "/server-key.sealed"
        if files.fileExists(atPath: serverPath),
            let chain = try? String(contentsOfFile: serverPath, encoding: .utf8),
            let key = try? SealedKeyFile.read(serverKeyPath, legacyPEM: dataDirectory + "/server-key.pem", cipher: cipher, context: "key:server"),
            // The chain holds the leaf first.
            let leafPEM = try? PEMDocument.parseMultiple(pemString: chain).first,
            let leaf = try? Certificate(pemDocument: leafPEM),
            let signer = [authority, identity.intermediate].first(where: { $0.signed(leaf) }),
            !renewalDue(leaf, now: now),
            Self.names(of: leaf) == Set(dnsNames + ipAddresses)
        {
            let current = try identity.serverChain(leafPEM: leafPEM.pemString, signedBy: signer)
            if current != chain { try SecretFile.write(current, to: serverPath, mode: 0o644) }
            identity.serverCertificateChainPEM = current
            identity.serverPrivateKeyPEM = key
            return identity
        }
        let (chain, key) = try renewServerCertificate(
            dataDirectory: dataDirectory, identity: identity, dnsNames: dnsNames, ipAddresses: ipAddresses, cipher: cipher, now: now)
        identity.serverCertificateChainPEM = chain
        identity.serverPrivateKeyPEM = key
        return identity
    }

    /// The server's chain: the leaf, the intermediate when it signed the leaf, the root.
    func serverChain(leafPEM: String, signedBy signer: CertificateAuthority) throws -> String {
        var chain = leafPEM.hasSuffix("\n") ? leafPEM : leafPEM + "\n"
        if signer.serial != authority.serial { chain += try signer.certificatePEM + "\n" }
        return chain + (try authority.certificatePEM)
    }

    /// True once a certificate has lived 2/3 of its life: it is renewed then, at start or while
    /// the server runs.
    public static func renewalDue(_ certificate: Certificate, now: Date = Date()) -> Bool {
        now >= renewalTime(of: certificate)
    }

    /// When a certificate is due for renewal: after 2/3 of its life.
    public static func renewalTime(of certificate: Certificate) -> Date {
        let life = certificate.notValidAfter.timeIntervalSince(certificate.notValidBefore)
        return certificate.notValidBefore.addingTimeInterval(life * 2 / 3)
    }

    /// Issues the server's TLS certificate again, signed by ``serverCertificateSigner``, and
    /// writes `server.pem` and `server-key.sealed`.
    /// - Returns: the chain (leaf, the intermediate when it signed, root) and the private key, PEM.
    public static func renewServerCertificate(
        dataDirectory: String, identity: ServerIdentity, dnsNames: [String], ipAddresses: [String], cipher: EnvelopeCipher,
        validity: TimeInterval = 365 * 86400, now: Date = Date()
    ) throws -> (chainPEM: String, privateKeyPEM: String) {
        let signer = identity.serverCertificateSigner
        let issued = try signer.issueServerCertificate(dnsNames: dnsNames, ipAddresses: ipAddresses, validity: validity, now: now)
        let chain = try identity.serverChain(leafPEM: issued.certificatePEM, signedBy: signer)
        try SealedKeyFile.write(issued.privateKeyPEM, to: dataDirectory + "/server-key.sealed", cipher: cipher, context: "key:server")
        try SecretFile.write(chain, to: dataDirectory + "/server.pem", mode: 0o644)
        return (chain, issued.privateKeyPEM)
    }

    private static func names(of certificate: Certificate) -> Set<String> {
        guard let san = try? certificate.extensions.subjectAlternativeNames else { return [] }
        var names = Set<String>()
        for name in san {
            switch name {
            case .dnsName(let dns): names.insert(dns)
            case .ipAddress(let octets): names.insert(Self.ipString(Array(octets.bytes)))
            default: break
            }
        }
        return names
    }

    private static func ipString(_ bytes: [UInt8]) -> String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        if bytes == Array(repeating: 0, count: 15) + [1] { return "::1" }
        return stride(from: 0, to: bytes.count, by: 2).map { String(format: "%x", Int(bytes[$0]) << 8 | Int(bytes[$0 + 1])) }.joined(separator: ":")
    }
}
