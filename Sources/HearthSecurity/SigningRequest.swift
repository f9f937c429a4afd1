import Crypto
import Foundation
import HearthCore
import SwiftASN1
import X509

/// A PEM certificate signing request (PKCS#10), parsed and its signature checked: proof that the
/// requester holds the private key. Only the public key and the subject's common name are used;
/// the names a certificate gets come from the request body, judged by policy.
public struct SigningRequest: Sendable {
    public let publicKey: Certificate.PublicKey
    public let keyType: CertificateKeyType
    public let commonName: String?

    /// - Throws: `HearthError(.invalid)` naming what is wrong: not PEM, not a CSR, a signature
    ///   that does not match its key, a key type Hearth does not issue for.
    public init(pem: String) throws {
        let request: CertificateSigningRequest
        do {
            request = try CertificateSigningRequest(pemEncoded: pem.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            throw HearthError(
                .invalid, "csr is not a PEM certificate signing request (-----BEGIN CERTIFICATE REQUEST-----): \(Self.reason(error))",
                violations: [FieldViolation(field: "csr", reason: "not a PEM certificate signing request")])
        }
        guard request.publicKey.isValidSignature(request.signature, for: request) else {
            throw HearthError(
                .invalid, "the CSR's signature does not verify with its public key: it was not signed by that key's holder",
                violations: [FieldViolation(field: "csr", reason: "signature does not match the public key")])
        }
        guard let keyType = CertificateIssuer.keyType(of: request.publicKey) else {
            throw HearthError(
                .invalid, "the CSR's key is of a type Hearth does not issue for (\(CertificateKeyType.allCases.map(\.rawValue).joined(separator: ", ")))",
                violations: [FieldViolation(field: "csr", reason: "unsupported key type")])
        }
        publicKey = request.publicKey
        self.keyType = keyType
        commonName = request.subject.lazy.flatMap { $0 }.first { $0.type == .RDNAttributeType.commonName }.flatMap { String($0.value) }
    }

    private static func reason(_ error: any Error) -> String {
        String(describing: error).prefix(200).description
    }
}
