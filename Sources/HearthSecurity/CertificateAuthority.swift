import Crypto
import Foundation
import HearthCore
import SwiftASN1
import X509

/// A certificate authority of Hearth's: a P-256 key and its CA certificate. The root is
/// self-signed, created on first start, and signs the server's own TLS certificates and the
/// intermediate (``issueIntermediate(clusterName:now:)``), which signs certificates on request
/// (``CertificateIssuer``).
///
/// A root whose key was exported and removed (kept offline) has its certificate only
/// (``init(offlineCertificatePEM:)``): everything that would sign with it throws.
public struct CertificateAuthority: Sendable {
    public let certificate: Certificate
    private let key: P256.Signing.PrivateKey?

    /// False for a root kept offline.
    public var hasPrivateKey: Bool { key != nil }

    /// The signing key.
    /// - Throws: `HearthError(.conflict)` when the key is offline.
    var privateKey: P256.Signing.PrivateKey {
        get throws {
            guard let key else {
                throw HearthError(
                    .conflict,
                    "the private key of '\(certificate.subject)' is offline (exported and removed from the server); supply it for this operation")
            }
            return key
        }
    }

    /// A new root CA named after the cluster, valid for ten years; it may sign one level of
    /// intermediate CAs below it.
    public static func generate(clusterName: String, now: Date = Date()) throws -> CertificateAuthority {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            OrganizationName("Hearth")
            CommonName("Hearth CA \(clusterName)")
        }
        return try selfSigned(key: key, name: name, notBefore: now.addingTimeInterval(-300), notAfter: now.addingTimeInterval(10 * 365 * 86400))
    }

    private static func selfSigned(key: P256.Signing.PrivateKey, name: DistinguishedName, notBefore: Date, notAfter: Date) throws
        -> CertificateAuthority
    {
        let certificate = try Certificate(
            version: .v3,
            serialNumber: CertificateIssuer.randomSerial(),
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: notBefore,
            notValidAfter: notAfter,
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 1))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: Certificate.PublicKey(key.publicKey))
            },
            issuerPrivateKey: Certificate.PrivateKey(key))
        return CertificateAuthority(certificate: certificate, privateKey: key)
    }

    /// True when this self-signed CA may not sign an intermediate CA: the single CA of older
    /// versions was made with a path length of 0.
    public var forbidsIntermediates: Bool {
        guard let constraints = try? certificate.extensions.basicConstraints else { return false }
        if case .isCertificateAuthority(let maxPathLength) = constraints, maxPathLength == 0 { return true }
        return false
    }

    /// This self-signed CA certificate made again with the same key, name and validity, but with a
    /// path length of 1, so it can be the root above an intermediate. Certificates it signed
    /// still verify under it (same name, same key); its fingerprint changes.
    public func reissuedAsRoot() throws -> CertificateAuthority {
        try Self.selfSigned(key: try privateKey, name: certificate.subject, notBefore: certificate.notValidBefore, notAfter: certificate.notValidAfter)
    }

    /// A new intermediate CA signed by this root, valid for five years (never beyond the root),
    /// that signs leaf certificates only (path length 0).
    public func issueIntermediate(clusterName: String, now: Date = Date()) throws -> CertificateAuthority {
        let key = P256.Signing.PrivateKey()
        let serial = CertificateIssuer.randomSerial()
        let name = try DistinguishedName {
            OrganizationName("Hearth")
            // Unique per intermediate (rotations may share a day): the serial's first 8 hex digits.
            CommonName("Hearth Intermediate CA \(clusterName.prefix(24)) \(Timestamp.string(from: now).prefix(10)) \(CertificateIssuer.hex(serial).prefix(8))")
        }
        let certificate = try Certificate(
            version: .v3,
            serialNumber: serial,
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now.addingTimeInterval(-300),
            notValidAfter: min(now.addingTimeInterval(5 * 365 * 86400), self.certificate.notValidAfter),
            issuer: self.certificate.subject,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: Certificate.PublicKey(key.publicKey))
                AuthorityKeyIdentifier(keyIdentifier: try self.certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
            },
            issuerPrivateKey: Certificate.PrivateKey(try privateKey))
        return CertificateAuthority(certificate: certificate, privateKey: key)
    }

    /// True when `other` is a certificate this CA signed (issuer name and signature).
    public func signed(_ other: Certificate) -> Bool {
        other.issuer == certificate.subject && certificate.publicKey.isValidSignature(other.signature, for: other)
    }

    /// Loads a CA from its PEM certificate and PEM (PKCS#8) key.
    public init(certificatePEM: String, privateKeyPEM: String) throws {
        certificate = try Certificate(pemEncoded: certificatePEM)
        let key = try P256.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        guard Certificate.PublicKey(key.publicKey) == certificate.publicKey else {
            throw HearthError(.invalid, "the key does not match the CA certificate '\(certificate.subject)'")
        }
        self.key = key
    }

    /// A CA whose key is kept offline: its certificate only.
    public init(offlineCertificatePEM: String) throws {
        certificate = try Certificate(pemEncoded: offlineCertificatePEM)
        key = nil
    }

    /// This CA with its key supplied again (for one operation, such as signing an intermediate).
    /// - Throws: `HearthError(.invalid)` when the key is not this CA's.
    public func withPrivateKey(pem: String) throws -> CertificateAuthority {
        let supplied: P256.Signing.PrivateKey
        do {
            supplied = try P256.Signing.PrivateKey(pemRepresentation: pem)
        } catch {
            throw HearthError(.invalid, "the key is not a P-256 private key in PEM")
        }
        guard Certificate.PublicKey(supplied.publicKey) == certificate.publicKey else {
            throw HearthError(.invalid, "the key is not the key of '\(certificate.subject)'")
        }
        return CertificateAuthority(certificate: certificate, privateKey: supplied)
    }

    init(certificate: Certificate, privateKey: P256.Signing.PrivateKey) {
        self.certificate = certificate
        self.key = privateKey
    }

    /// The certificate's serial as `openssl x509 -serial` prints it.
    public var serial: String { CertificateIssuer.hex(certificate.serialNumber) }

    public var certificatePEM: String {
        get throws { try certificate.serializeAsPEM().pemString }
    }

    /// - Throws: `HearthError(.conflict)` when the key is offline.
    public var privateKeyPEM: String {
        get throws { try privateKey.pemRepresentation }
    }

    /// `sha256:` and the hex SHA-256 of the CA certificate's DER: what users compare on first contact.
    public var fingerprint: String {
        get throws { try Self.fingerprint(ofPEM: certificatePEM) }
    }

    /// The fingerprint of a PEM certificate, in the form the CLI shows and pins.
    public static func fingerprint(ofPEM pem: String) throws -> String {
        let certificate = try Certificate(pemEncoded: pem)
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return "sha256:" + SHA256.hash(data: serializer.serializedBytes).map { String(format: "%02x", $0) }.joined()
    }

    /// Issues a TLS server certificate for host names and IP addresses.
    public func issueServerCertificate(
        dnsNames: [String], ipAddresses: [String], validity: TimeInterval = 365 * 86400, now: Date = Date()
    ) throws -> IssuedCertificate {
        let key = P256.Signing.PrivateKey()
        var names: [GeneralName] = dnsNames.map { .dnsName($0) }
        for ip in ipAddresses {
            guard let bytes = IPAddressBytes.parse(ip) else {
                throw HearthError(.badRequest, "'\(ip)' is not an IP address")
            }
            names.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes))))
        }
        let subject = try DistinguishedName { CommonName(dnsNames.first ?? ipAddresses.first ?? "hearth") }
        let authorityCertificate = certificate
        let authorityKeyID = try authorityCertificate.extensions.subjectKeyIdentifier?.keyIdentifier
        let issued = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now.addingTimeInterval(-300),
            notValidAfter: min(now.addingTimeInterval(validity), authorityCertificate.notValidAfter),
            issuer: authorityCertificate.subject,
            subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                SubjectAlternativeNames(names)
                AuthorityKeyIdentifier(keyIdentifier: authorityKeyID)
            },
            issuerPrivateKey: Certificate.PrivateKey(try privateKey))
        return IssuedCertificate(certificatePEM: try issued.serializeAsPEM().pemString, privateKeyPEM: key.pemRepresentation)
    }
}

/// A certificate and its private key, PEM-encoded.
public struct IssuedCertificate: Sendable {
    public let certificatePEM: String
    public let privateKeyPEM: String
}
