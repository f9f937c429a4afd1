import Foundation
import HearthCore
import SwiftASN1
import X509

/// The CA and TLS certificate of a server's data directory, created on first start.
///
/// Files: `ca.pem` (the CA bundle clients trust), `ca-key.sealed`, `server.pem` (chain: leaf then
/// CA) and `server-key.sealed`. The private keys are sealed with the envelope cipher (never plain
/// PEM at rest; a plain `ca-key.pem`/`server-key.pem` from an older version is sealed and removed)
/// and mode 0600. The server certificate is issued again when its names change or it is within
/// 30 days of expiry.
public struct ServerIdentity: Sendable {
    public let authority: CertificateAuthority
    public let serverCertificateChainPEM: String
    public let serverPrivateKeyPEM: String
    public let caPath: String

    public static func loadOrCreate(
        dataDirectory: String, clusterName: String, dnsNames: [String], ipAddresses: [String], cipher: EnvelopeCipher
    ) throws -> ServerIdentity {
        let files = FileManager.default
        try files.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let caPath = dataDirectory + "/ca.pem"
        let caKeyPath = dataDirectory + "/ca-key.sealed"
        let authority: CertificateAuthority
        if files.fileExists(atPath: caPath),
            let caKey = try SealedKeyFile.read(caKeyPath, legacyPEM: dataDirectory + "/ca-key.pem", cipher: cipher, context: "key:ca")
        {
            authority = try CertificateAuthority(certificatePEM: String(contentsOfFile: caPath, encoding: .utf8), privateKeyPEM: caKey)
        } else {
            authority = try CertificateAuthority.generate(clusterName: clusterName)
            try SealedKeyFile.write(authority.privateKeyPEM, to: caKeyPath, cipher: cipher, context: "key:ca")
            try SecretFile.write(try authority.certificatePEM, to: caPath, mode: 0o644)
        }

        let serverPath = dataDirectory + "/server.pem"
        let serverKeyPath = dataDirectory + "/server-key.sealed"
        if files.fileExists(atPath: serverPath),
            let chain = try? String(contentsOfFile: serverPath, encoding: .utf8),
            let key = try? SealedKeyFile.read(serverKeyPath, legacyPEM: dataDirectory + "/server-key.pem", cipher: cipher, context: "key:server"),
            // The chain holds the leaf, then the CA: the leaf is the first PEM block.
            let leafPEM = try? PEMDocument.parseMultiple(pemString: chain).first,
            let leaf = try? Certificate(pemDocument: leafPEM),
            leaf.issuer == authority.certificate.subject,
            leaf.notValidAfter > Date().addingTimeInterval(30 * 86400),
            Self.names(of: leaf) == Set(dnsNames + ipAddresses)
        {
            return ServerIdentity(authority: authority, serverCertificateChainPEM: chain, serverPrivateKeyPEM: key, caPath: caPath)
        }
        let issued = try authority.issueServerCertificate(dnsNames: dnsNames, ipAddresses: ipAddresses)
        let chain = issued.certificatePEM + "\n" + (try authority.certificatePEM)
        try SealedKeyFile.write(issued.privateKeyPEM, to: serverKeyPath, cipher: cipher, context: "key:server")
        try SecretFile.write(chain, to: serverPath, mode: 0o644)
        return ServerIdentity(authority: authority, serverCertificateChainPEM: chain, serverPrivateKeyPEM: issued.privateKeyPEM, caPath: caPath)
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
