import Crypto
import Foundation
import HearthCore

/// An Ed25519 key that signs access tokens, with the key id (`kid`) that names it in token
/// headers and in the published key set.
///
/// The caller stores it: it is `Codable` as `{"kid": ..., "d": <base64url private key>,
/// "createdAt": <unix seconds>}`, and ``serialized()`` / ``init(serialized:)`` give the same JSON
/// as a string. The private key is secret: ``description`` never shows it.
public struct SigningKey: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The key id, `[A-Za-z0-9._-]`, 1 to 128 characters.
    public let id: String
    /// When the key was made (whole seconds).
    public let createdAt: Date
    let privateKey: Curve25519.Signing.PrivateKey

    /// A new random key. Its id is the first 16 characters (96 bits) of the RFC 7638 thumbprint
    /// of its public key unless one is given: unique among a cluster's keys, and short, since it
    /// rides in the header of every token.
    public static func generate(id: String? = nil, now: Date = Date()) throws -> SigningKey {
        let key = Curve25519.Signing.PrivateKey()
        return try SigningKey(id: id ?? String(Self.thumbprint(of: key.publicKey).prefix(16)), rawPrivateKey: key.rawRepresentation, createdAt: now)
    }

    /// A key from its id and the 32 raw bytes of its Ed25519 private key (the seed).
    /// - Throws: `HearthError(.invalid)` for a malformed id or key.
    public init(id: String, rawPrivateKey: some ContiguousBytes, createdAt: Date) throws {
        guard Self.isValidID(id) else {
            throw HearthError(.invalid, "a signing key id is 1 to 128 characters of A-Z, a-z, 0-9, '.', '_' and '-'")
        }
        do {
            privateKey = try Curve25519.Signing.PrivateKey(rawRepresentation: rawPrivateKey)
        } catch {
            throw HearthError(.invalid, "a signing key is 32 bytes of Ed25519 private key")
        }
        self.id = id
        self.createdAt = Date(timeIntervalSince1970: createdAt.timeIntervalSince1970.rounded(.down))
    }

    /// The 32 raw bytes of the private key: secret.
    public var rawPrivateKey: Data { privateKey.rawRepresentation }

    /// The 32 raw bytes of the public key.
    public var rawPublicKey: Data { privateKey.publicKey.rawRepresentation }

    /// The public key as a JSON Web Key (`kty` OKP, `crv` Ed25519, `alg` EdDSA, `use` sig).
    public var publicJWK: JSONValue { VerificationKey(self).publicJWK }

    /// The key as a JSON string, for storage; restore it with ``init(serialized:)``.
    public func serialized() -> String {
        // Encoding a struct of strings and an integer cannot fail.
        String(decoding: (try? JSONEncoder().encode(self)) ?? Data(), as: UTF8.self)
    }

    /// A key from the string ``serialized()`` made.
    /// - Throws: `HearthError(.invalid)` when the text is not a serialized signing key.
    public init(serialized text: String) throws {
        do {
            self = try JSONDecoder().decode(SigningKey.self, from: Data(text.utf8))
        } catch let error as HearthError {
            throw error
        } catch {
            throw HearthError(.invalid, "not a serialized signing key")
        }
    }

    public var description: String { "SigningKey(\(id), Ed25519, created \(Int64(createdAt.timeIntervalSince1970)))" }

    public static func == (lhs: SigningKey, rhs: SigningKey) -> Bool {
        lhs.id == rhs.id && lhs.createdAt == rhs.createdAt
            && ConstantTime.equals(lhs.rawPrivateKey, rhs.rawPrivateKey)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(rawPublicKey)
    }

    // MARK: - Codable

    private enum CodingKeys: String, CodingKey {
        case id = "kid"
        case privateKey = "d"
        case createdAt
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let id = try container.decode(String.self, forKey: .id)
        let d = try container.decode(String.self, forKey: .privateKey)
        let created = try container.decode(Int64.self, forKey: .createdAt)
        guard let raw = UnpaddedBase64.decode(d, alphabet: .url) else {
            throw HearthError(.invalid, "a signing key's 'd' is base64url without padding")
        }
        try self.init(id: id, rawPrivateKey: raw, createdAt: Date(timeIntervalSince1970: TimeInterval(created)))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(UnpaddedBase64.encode(rawPrivateKey, alphabet: .url), forKey: .privateKey)
        try container.encode(Int64(createdAt.timeIntervalSince1970), forKey: .createdAt)
    }

    // MARK: - Helpers

    static func isValidID(_ id: String) -> Bool {
        (1...128).contains(id.utf8.count)
            && id.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                    true
                default: false
                }
            }
    }

    /// The RFC 7638 JWK thumbprint: base64url(SHA-256 of `{"crv":"Ed25519","kty":"OKP","x":"..."}`).
    static func thumbprint(of publicKey: Curve25519.Signing.PublicKey) -> String {
        let x = UnpaddedBase64.encode(publicKey.rawRepresentation, alphabet: .url)
        let canonical = #"{"crv":"Ed25519","kty":"OKP","x":""# + x + #""}"#
        return UnpaddedBase64.encode(SHA256.hash(data: Data(canonical.utf8)), alphabet: .url)
    }
}
