import Foundation
import HearthCore
import SwiftASN1
import X509

/// The CA and TLS certificate of a server's data directory, created on first start.
///
/// Files: `ca.pem` (the CA bundle clients trust), `ca-key.pem`, `server.pem` (chain: leaf then
/// CA) and `server-key.pem`; keys are mode 0600. The server certificate is issued again when
/// its names change or it is within 30 days of expiry.
public struct ServerIdentity: Sendable {
    public let authority: CertificateAuthority
    public let serverCertificateChainPEM: String
    public let serverPrivateKeyPEM: String
    public let caPath: String

    public static func loadOrCreate(dataDirectory: String, clusterName: String, dnsNames: [String], ipAddresses: [String]) throws -> ServerIdentity {
        let files = FileManager.default
        try files.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let caPath = dataDirectory + "/ca.pem"
        let caKeyPath = dataDirectory + "/ca-key.pem"
        let authority: CertificateAuthority
        if files.fileExists(atPath: caPath), files.fileExists(atPath: caKeyPath) {
            authority = try CertificateAuthority(
                certificatePEM: String(contentsOfFile: caPath, encoding: .utf8),
                privateKeyPEM: String(contentsOfFile: caKeyPath, encoding: .utf8))
        } else {
            authority = try CertificateAuthority.generate(clusterName: clusterName)
            try SecretFile.write(authority.privateKeyPEM, to: caKeyPath, mode: 0o600)
            try SecretFile.write(try authority.certificatePEM, to: caPath, mode: 0o644)
        }

        let serverPath = dataDirectory + "/server.pem"
        let serverKeyPath = dataDirectory + "/server-key.pem"
        if files.fileExists(atPath: serverPath), files.fileExists(atPath: serverKeyPath),
            let chain = try? String(contentsOfFile: serverPath, encoding: .utf8),
            let key = try? String(contentsOfFile: serverKeyPath, encoding: .utf8),
            let leaf = try? Certificate(pemEncoded: chain),
            leaf.issuer == authority.certificate.subject,
            leaf.notValidAfter > Date().addingTimeInterval(30 * 86400),
            Self.names(of: leaf) == Set(dnsNames + ipAddresses)
        {
            return ServerIdentity(authority: authority, serverCertificateChainPEM: chain, serverPrivateKeyPEM: key, caPath: caPath)
        }
        let issued = try authority.issueServerCertificate(dnsNames: dnsNames, ipAddresses: ipAddresses)
        let chain = issued.certificatePEM + "\n" + (try authority.certificatePEM)
        try SecretFile.write(issued.privateKeyPEM, to: serverKeyPath, mode: 0o600)
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
