import Crypto
import Foundation
import HearthCore
import HearthSecurity

/// Builds JWTs by hand, independently of the code under test: to take real tokens apart, change
/// their header or payload, and sign the result with any key (or not at all).
public enum JWTForge {
    /// Unpadded base64url.
    public static func base64URL(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes unpadded base64url (leniently: this is for reading our own tokens in tests).
    public static func decodeBase64URL(_ text: some StringProtocol) -> Data {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard)!
    }

    /// The base64url of the JSON of `object`.
    public static func encode(_ object: [String: JSONValue]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return base64URL(try! encoder.encode(JSONValue.object(object)))
    }

    /// The decoded header, payload and the signature text of a token.
    public static func split(_ token: String) -> (header: [String: JSONValue], payload: [String: JSONValue], signature: String) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        precondition(parts.count == 3)
        let header = try! JSONDecoder().decode(JSONValue.self, from: decodeBase64URL(parts[0])).objectValue!
        let payload = try! JSONDecoder().decode(JSONValue.self, from: decodeBase64URL(parts[1])).objectValue!
        return (header, payload, parts[2])
    }

    /// A token from already encoded parts, with the Ed25519 signature of `key` over them.
    public static func signed(header: String, payload: String, with key: SigningKey) -> String {
        let input = header + "." + payload
        let privateKey = try! Curve25519.Signing.PrivateKey(rawRepresentation: key.rawPrivateKey)
        return input + "." + base64URL(try! privateKey.signature(for: Data(input.utf8)))
    }

    /// A token with this header and payload, signed by `key`.
    public static func signed(header: [String: JSONValue], payload: [String: JSONValue], with key: SigningKey) -> String {
        signed(header: encode(header), payload: encode(payload), with: key)
    }

    /// A token with this header, payload and signature text, as given.
    public static func assemble(header: [String: JSONValue], payload: [String: JSONValue], signature: String) -> String {
        encode(header) + "." + encode(payload) + "." + signature
    }

    /// The header Hearth writes, for `kid`.
    public static func header(kid: String) -> [String: JSONValue] {
        ["alg": .string("EdDSA"), "typ": .string("JWT"), "kid": .string(kid)]
    }

    /// A payload with every claim, valid from `issuedAt` for `lifetime` seconds.
    public static func payload(cluster: String, issuedAt: Int64, lifetime: Int64 = 600) -> [String: JSONValue] {
        [
            "sub": .string("user:alice"), "cid": .string(cluster), "sid": .string("session-1"),
            "iat": .int(issuedAt), "nbf": .int(issuedAt), "exp": .int(issuedAt + lifetime), "jti": .string("token-1"),
        ]
    }
}
