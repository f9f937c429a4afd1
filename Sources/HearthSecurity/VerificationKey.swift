import Crypto
import Foundation
import HearthCore

/// The public half of another signer's ``SigningKey``: enough to verify its tokens. Replicas
/// publish theirs so that a token signed on one verifies on all.
public struct VerificationKey: Sendable, Hashable {
    public let id: String
    public let rawPublicKey: Data

    /// A key from its id and 32 raw Ed25519 public-key bytes.
    /// - Throws: `HearthError(.invalid)` when the bytes are not an Ed25519 public key.
    public init(id: String, rawPublicKey: Data) throws {
        guard !id.isEmpty, (try? Curve25519.Signing.PublicKey(rawRepresentation: rawPublicKey)) != nil else {
            throw HearthError(.invalid, "not an Ed25519 public key")
        }
        self.id = id
        self.rawPublicKey = rawPublicKey
    }

    /// The public half of `key`.
    public init(_ key: SigningKey) {
        id = key.id
        rawPublicKey = key.rawPublicKey
    }

    /// A key from its JSON Web Key (as ``publicJWK`` writes it).
    /// - Throws: `HearthError(.invalid)` for anything but an Ed25519 OKP key with a `kid`.
    public init(jwk: JSONValue) throws {
        guard jwk["kty"]?.stringValue == "OKP", jwk["crv"]?.stringValue == "Ed25519", let id = jwk["kid"]?.stringValue,
            let x = jwk["x"]?.stringValue, let bytes = UnpaddedBase64.decode(Substring(x), alphabet: .url)
        else { throw HearthError(.invalid, "not an Ed25519 JSON Web Key") }
        try self.init(id: id, rawPublicKey: Data(bytes))
    }

    /// The key as a JSON Web Key (`kty` OKP, `crv` Ed25519, `alg` EdDSA, `use` sig).
    public var publicJWK: JSONValue {
        .object([
            "kty": .string("OKP"),
            "crv": .string("Ed25519"),
            "x": .string(UnpaddedBase64.encode(rawPublicKey, alphabet: .url)),
            "kid": .string(id),
            "alg": .string("EdDSA"),
            "use": .string("sig"),
        ])
    }
}
