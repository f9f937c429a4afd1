import HearthCore

/// What the store keeps of a certificate issued on request (a private record of kind
/// `certificate`, keyed by serial): never the certificate's key, which Hearth does not keep.
struct CertificateRecord: Codable, Sendable {
    /// Uppercase hex, as `openssl x509 -serial` prints it.
    var serial: String
    var namespace: String
    var commonName: String
    var dnsNames: [String]
    var ipAddresses: [String]
    var uris: [String]
    var serviceAccount: String?
    /// For a user's own client certificate: the user's name.
    var user: String?
    var usages: [String]
    var keyType: String
    /// The issuance policy the request was judged by.
    var policy: String
    var issuedBy: String
    /// The serial of the intermediate CA that signed it (absent in records from before rotation).
    var issuer: String?
    var notBefore: String
    var notAfter: String
    var revokedAt: String?
    var revokedBy: String?
    var revocationReason: String?
    /// Whether it is revoked (answers only; derived from revokedAt).
    var revoked: Bool?
}

/// A revoked certificate as the CRL needs it (a private record of kind `certificate-revocation`,
/// keyed by serial, kept until the certificate expires).
struct RevocationRecord: Codable, Sendable {
    var serial: String
    var namespace: String
    var revokedAt: String
    var notAfter: String
}
