import Crypto
import _CryptoExtras
import Foundation
import HearthCore
import SwiftASN1
import X509

/// Issues leaf certificates on request, signed by the intermediate CA: from a CSR's public key
/// or from a key made here. Pure: it judges no policy (see ``IssuancePolicy``) and stores nothing.
///
/// A leaf has BasicConstraints CA:false, KeyUsage digitalSignature (critical), ExtendedKeyUsage
/// serverAuth and/or clientAuth, the subject alternative names asked for, subject and authority
/// key identifiers, a random positive 16-byte serial, and is valid from a minute ago for its TTL
/// (never beyond the intermediate).
public struct CertificateIssuer: Sendable {
    public let intermediate: CertificateAuthority
    public let root: CertificateAuthority

    public init(intermediate: CertificateAuthority, root: CertificateAuthority) {
        self.intermediate = intermediate
        self.root = root
    }

    /// A random positive 16-byte serial number (its first byte from 0x40 to 0x7f, so it always
    /// prints as 32 hex digits).
    public static func randomSerial() -> Certificate.SerialNumber {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255) }
        bytes[0] = (bytes[0] & 0x3f) | 0x40
        return Certificate.SerialNumber(bytes: bytes)
    }

    /// The serial as `openssl x509 -serial` prints it: uppercase hex.
    public static func hex(_ serial: Certificate.SerialNumber) -> String {
        serial.bytes.map { String(format: "%02X", $0) }.joined()
    }

    /// Issues a leaf for a public key (from a verified CSR: ``SigningRequest``).
    public func issue(_ names: CertificateNames, publicKey: Certificate.PublicKey, commonName: String? = nil, now: Date = Date()) throws
        -> IssuedLeaf
    {
        let violations = names.violations
        guard violations.isEmpty else { throw HearthError.invalid(violations) }
        var alternatives: [GeneralName] = names.dnsNames.map { .dnsName($0.lowercased()) }
        for address in names.ipAddresses {
            guard let bytes = IPAddressBytes.parse(address) else { throw HearthError(.invalid, "'\(address)' is not an IP address") }
            alternatives.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes))))
        }
        alternatives += names.uris.map { .uniformResourceIdentifier($0) }
        let common = commonName ?? names.dnsNames.first ?? names.uris.first ?? names.ipAddresses.first ?? "hearth"
        let subject = try DistinguishedName {
            OrganizationName("Hearth")
            CommonName(String(common.prefix(64)))
        }
        var purposes: [ExtendedKeyUsage.Usage] = []
        if names.usages.contains(.server) { purposes.append(.serverAuth) }
        if names.usages.contains(.client) { purposes.append(.clientAuth) }
        let notAfter = min(now.addingTimeInterval(TimeInterval(names.ttl)), intermediate.certificate.notValidAfter)
        let serial = Self.randomSerial()
        let authorityKeyID = try intermediate.certificate.extensions.subjectKeyIdentifier?.keyIdentifier
        let certificate = try Certificate(
            version: .v3,
            serialNumber: serial,
            publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-60),
            notValidAfter: notAfter,
            issuer: intermediate.certificate.subject,
            subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage(purposes)
                SubjectAlternativeNames(alternatives)
                SubjectKeyIdentifier(hash: publicKey)
                AuthorityKeyIdentifier(keyIdentifier: authorityKeyID)
            },
            issuerPrivateKey: Certificate.PrivateKey(try intermediate.privateKey))
        return IssuedLeaf(
            certificate: certificate, certificatePEM: try certificate.serializeAsPEM().pemString,
            chainPEM: [try intermediate.certificatePEM, try root.certificatePEM], serial: Self.hex(serial), privateKeyPEM: nil)
    }

    /// Makes a key of `names.keyType` and issues a leaf for it; the key is in the answer only.
    public func issueWithNewKey(_ names: CertificateNames, commonName: String? = nil, now: Date = Date()) throws -> IssuedLeaf {
        let publicKey: Certificate.PublicKey
        let keyPEM: String
        switch names.keyType {
        case .ecdsaP256:
            let key = P256.Signing.PrivateKey()
            (publicKey, keyPEM) = (Certificate.PublicKey(key.publicKey), key.pemRepresentation)
        case .ecdsaP384:
            let key = P384.Signing.PrivateKey()
            (publicKey, keyPEM) = (Certificate.PublicKey(key.publicKey), key.pemRepresentation)
        default:
            throw HearthError(
                .invalid, "Hearth makes \(CertificateKeyType.generatable.map(\.rawValue).joined(separator: " and ")) keys, not \(names.keyType); send a CSR")
        }
        var leaf = try issue(names, publicKey: publicKey, commonName: commonName, now: now)
        leaf.privateKeyPEM = keyPEM
        return leaf
    }

    /// The key type of a public key, if it is one Hearth issues for.
    public static func keyType(of key: Certificate.PublicKey) -> CertificateKeyType? {
        if P256.Signing.PublicKey(key) != nil { return .ecdsaP256 }
        if P384.Signing.PublicKey(key) != nil { return .ecdsaP384 }
        if P521.Signing.PublicKey(key) != nil { return .ecdsaP521 }
        if Curve25519.Signing.PublicKey(key) != nil { return .ed25519 }
        if let rsa = _RSA.Signing.PublicKey(key) {
            switch rsa.keySizeInBits {
            case 2048: return .rsa2048
            case 3072: return .rsa3072
            case 4096: return .rsa4096
            default: return nil
            }
        }
        return nil
    }
}

/// A certificate issued on request, with its chain (intermediate, root) and, when Hearth made the
/// key, the private key.
public struct IssuedLeaf: Sendable {
    public let certificate: Certificate
    public let certificatePEM: String
    /// The intermediate's PEM, then the root's.
    public let chainPEM: [String]
    /// Uppercase hex, as `openssl x509 -serial` prints it.
    public let serial: String
    public var privateKeyPEM: String?

    public var notAfter: Date { certificate.notValidAfter }
    public var notBefore: Date { certificate.notValidBefore }
}
