import Foundation
import HearthCore
import SwiftASN1
import X509

/// The CA and TLS certificate of a server's data directory, created on first start.
///
/// Files: `ca.pem` (the root CA clients trust), `ca-key.sealed`, `intermediate.pem` and
/// `intermediate-key.sealed` (the intermediate CA that signs certificates on request),
/// `server.pem` (chain: leaf then root) and `server-key.sealed`. The private keys are sealed with
/// the envelope cipher (never plain PEM at rest; a plain `ca-key.pem`/`server-key.pem` from an
/// older version is sealed and removed) and mode 0600. The server certificate is signed by the
/// root, so clients that pinned the CA before the intermediate existed keep working, and is
/// issued again when its names change or it is within 30 days of expiry.
///
/// A data directory from a version with a single CA is upgraded in place: its CA becomes the
/// root (re-signed with the same key when its path length forbade an intermediate, see
/// ``upgradeNotes``) and an intermediate is made below it.
public struct ServerIdentity: Sendable {
    /// The root CA.
    public let authority: CertificateAuthority
    /// The intermediate CA that signs certificates on request.
    public let intermediate: CertificateAuthority
    public let serverCertificateChainPEM: String
    public let serverPrivateKeyPEM: String
    public let caPath: String
    /// What loading changed in the data directory that an operator should hear about.
    public let upgradeNotes: [String]

    /// The trust bundle for certificates Hearth issues: the root, then the intermediate.
    public var trustBundlePEM: String {
        get throws { try issuer.trustBundlePEM }
    }

    /// The issuer of certificates on request, signing with the intermediate.
    public var issuer: CertificateIssuer { CertificateIssuer(intermediate: intermediate, root: authority) }

    public static func loadOrCreate(
        dataDirectory: String, clusterName: String, dnsNames: [String], ipAddresses: [String], cipher: EnvelopeCipher
    ) throws -> ServerIdentity {
        let files = FileManager.default
        try files.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let caPath = dataDirectory + "/ca.pem"
        let caKeyPath = dataDirectory + "/ca-key.sealed"
        var notes: [String] = []
        var authority: CertificateAuthority
        var rootChanged = false
        if files.fileExists(atPath: caPath),
            let caKey = try SealedKeyFile.read(caKeyPath, legacyPEM: dataDirectory + "/ca-key.pem", cipher: cipher, context: "key:ca")
        {
            authority = try CertificateAuthority(certificatePEM: String(contentsOfFile: caPath, encoding: .utf8), privateKeyPEM: caKey)
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
            authority = try CertificateAuthority.generate(clusterName: clusterName)
            try SealedKeyFile.write(authority.privateKeyPEM, to: caKeyPath, cipher: cipher, context: "key:ca")
            try SecretFile.write(try authority.certificatePEM, to: caPath, mode: 0o644)
            rootChanged = true
        }

        let intermediatePath = dataDirectory + "/intermediate.pem"
        let intermediateKeyPath = dataDirectory + "/intermediate-key.sealed"
        var intermediate: CertificateAuthority?
        if files.fileExists(atPath: intermediatePath),
            let key = try SealedKeyFile.read(intermediateKeyPath, legacyPEM: dataDirectory + "/intermediate-key.pem", cipher: cipher, context: "key:intermediate")
        {
            let loaded = try CertificateAuthority(certificatePEM: String(contentsOfFile: intermediatePath, encoding: .utf8), privateKeyPEM: key)
            if authority.signed(loaded.certificate), loaded.certificate.notValidAfter > Date().addingTimeInterval(30 * 86400) {
                intermediate = loaded
            }
        }
        if intermediate == nil {
            let made = try authority.issueIntermediate(clusterName: clusterName)
            try SealedKeyFile.write(made.privateKeyPEM, to: intermediateKeyPath, cipher: cipher, context: "key:intermediate")
            try SecretFile.write(try made.certificatePEM, to: intermediatePath, mode: 0o644)
            intermediate = made
            if !rootChanged || !notes.isEmpty { notes.append("made a new intermediate CA (\(intermediatePath)) that signs certificates on request") }
        }
        let issuing = intermediate!

        let serverPath = dataDirectory + "/server.pem"
        let serverKeyPath = dataDirectory + "/server-key.sealed"
        if files.fileExists(atPath: serverPath),
            let chain = try? String(contentsOfFile: serverPath, encoding: .utf8),
            let key = try? SealedKeyFile.read(serverKeyPath, legacyPEM: dataDirectory + "/server-key.pem", cipher: cipher, context: "key:server"),
            // The chain holds the leaf, then the CA: the leaf is the first PEM block.
            let leafPEM = try? PEMDocument.parseMultiple(pemString: chain).first,
            let leaf = try? Certificate(pemDocument: leafPEM),
            authority.signed(leaf),
            !renewalDue(leaf),
            Self.names(of: leaf) == Set(dnsNames + ipAddresses)
        {
            let current = rootChanged ? leafPEM.pemString + "\n" + (try authority.certificatePEM) : chain
            if current != chain { try SecretFile.write(current, to: serverPath, mode: 0o644) }
            return ServerIdentity(
                authority: authority, intermediate: issuing, serverCertificateChainPEM: current, serverPrivateKeyPEM: key, caPath: caPath,
                upgradeNotes: notes)
        }
        let (chain, key) = try renewServerCertificate(
            dataDirectory: dataDirectory, authority: authority, dnsNames: dnsNames, ipAddresses: ipAddresses, cipher: cipher)
        return ServerIdentity(
            authority: authority, intermediate: issuing, serverCertificateChainPEM: chain, serverPrivateKeyPEM: key,
            caPath: caPath, upgradeNotes: notes)
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

    /// Issues the server's TLS certificate again (signed by the root) and writes `server.pem`
    /// and `server-key.sealed`.
    /// - Returns: the chain (leaf, then root) and the private key, PEM.
    public static func renewServerCertificate(
        dataDirectory: String, authority: CertificateAuthority, dnsNames: [String], ipAddresses: [String], cipher: EnvelopeCipher,
        validity: TimeInterval = 365 * 86400, now: Date = Date()
    ) throws -> (chainPEM: String, privateKeyPEM: String) {
        let issued = try authority.issueServerCertificate(dnsNames: dnsNames, ipAddresses: ipAddresses, validity: validity, now: now)
        let chain = issued.certificatePEM + "\n" + (try authority.certificatePEM)
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
