/// The kinds of public key a certificate Hearth issues may carry, as policies and requests name them.
public enum CertificateKeyType: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case ecdsaP256 = "ecdsa-p256"
    case ecdsaP384 = "ecdsa-p384"
    case ecdsaP521 = "ecdsa-p521"
    case ed25519
    case rsa2048 = "rsa-2048"
    case rsa3072 = "rsa-3072"
    case rsa4096 = "rsa-4096"

    /// The key types Hearth generates itself (`generate: true`).
    public static let generatable: [CertificateKeyType] = [.ecdsaP256, .ecdsaP384]

    public var description: String { rawValue }
}

/// What a certificate may be used for: TLS servers, TLS clients.
public enum CertificateUsage: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case server, client

    public var description: String { rawValue }
}
