import Crypto
import Foundation
import HearthCore

/// A random bearer secret that means nothing by itself: a refresh token or an API key.
///
/// - Refresh tokens: `hth_rt_<secret>`.
/// - API keys: `hth_<keyid>_<secret>`, where the key id is 12 lowercase hex characters that users
///   see as the key's visible prefix (in lists, audit entries, leaked-key reports).
/// - Scoped key-value tokens: `hkv_<tokenid>_<secret>`, shaped like API keys.
///
/// The secret is 32 random bytes in unpadded base64url (43 characters). Only ``digest`` (SHA-256,
/// lowercase hex) is stored; a presented token is checked with ``matches(digest:)``, in constant
/// time. The value is shown once, when made; ``description`` hides the secret.
public struct OpaqueToken: Sendable, Hashable, CustomStringConvertible {
    /// What a token is for.
    public enum Kind: Sendable, Hashable {
        /// A refresh token, exchanged for new access tokens.
        case refreshToken
        /// An API key, with its public key id.
        case apiKey(keyID: String)
        /// A key-value token, limited to a prefix of one namespace, with its public id.
        case kvToken(tokenID: String)
    }

    /// What this token is for.
    public let kind: Kind
    /// The whole token: the secret to hand to its owner once.
    public let value: String

    static let prefix = "hth_"
    static let kvPrefix = "hkv_"
    static let refreshMarker = "rt"
    static let keyIDLength = 12
    static let secretLength = 43

    /// A new refresh token.
    public static func newRefreshToken() -> OpaqueToken {
        OpaqueToken(kind: .refreshToken, value: prefix + refreshMarker + "_" + newSecret())
    }

    /// A new API key with a new random key id.
    public static func newAPIKey() -> OpaqueToken {
        let keyID = newKeyID()
        return OpaqueToken(kind: .apiKey(keyID: keyID), value: prefix + keyID + "_" + newSecret())
    }

    /// A new key-value token with a new random id.
    public static func newKVToken() -> OpaqueToken {
        let tokenID = newKeyID()
        return OpaqueToken(kind: .kvToken(tokenID: tokenID), value: kvPrefix + tokenID + "_" + newSecret())
    }

    private static func newKeyID() -> String {
        SecureRandom.bytes(keyIDLength / 2).map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }

    /// A token presented by a client, checked for the right shape (not yet against any digest).
    /// - Throws: `HearthError(.unauthorized, "malformed token")` when `text` is not a Hearth
    ///   refresh token or API key.
    public init(parsing text: String) throws {
        let malformed = HearthError(.unauthorized, "malformed token")
        let utf8 = Array(text.utf8)
        guard
            utf8.count == Self.prefix.utf8.count + Self.keyIDLength + 1 + Self.secretLength
                || utf8.count == Self.prefix.utf8.count + Self.refreshMarker.utf8.count + 1 + Self.secretLength,
            text.hasPrefix(Self.prefix) || text.hasPrefix(Self.kvPrefix)
        else { throw malformed }
        let scoped = text.hasPrefix(Self.kvPrefix)
        let rest = text.dropFirst(Self.prefix.count)
        let kind: Kind
        let secret: Substring
        if !scoped, rest.hasPrefix(Self.refreshMarker + "_"), rest.count == Self.refreshMarker.count + 1 + Self.secretLength {
            kind = .refreshToken
            secret = rest.dropFirst(Self.refreshMarker.count + 1)
        } else {
            let keyID = rest.prefix(Self.keyIDLength)
            let afterID = rest.dropFirst(Self.keyIDLength)
            guard Self.isValidKeyID(keyID), afterID.first == "_", afterID.count == 1 + Self.secretLength else { throw malformed }
            kind = scoped ? .kvToken(tokenID: String(keyID)) : .apiKey(keyID: String(keyID))
            secret = afterID.dropFirst()
        }
        guard let bytes = UnpaddedBase64.decode(secret, alphabet: .url), bytes.count == 32 else { throw malformed }
        self.init(kind: kind, value: text)
    }

    private init(kind: Kind, value: String) {
        self.kind = kind
        self.value = value
    }

    /// The key id of an API key (its visible prefix), nil for a refresh token.
    public var keyID: String? {
        if case .apiKey(let keyID) = kind { return keyID }
        return nil
    }

    /// The id of a key-value token, nil for other tokens.
    public var kvTokenID: String? {
        if case .kvToken(let tokenID) = kind { return tokenID }
        return nil
    }

    /// The SHA-256 of the whole token, in lowercase hex: what to store.
    public var digest: String { Self.digest(of: value) }

    /// True when this token is the one `digest` was taken of. Constant time in the digest contents.
    public func matches(digest stored: String) -> Bool {
        ConstantTime.equals(Array(digest.utf8), Array(stored.utf8))
    }

    /// The SHA-256 of `text`, in lowercase hex.
    public static func digest(of text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }

    /// The token with its secret hidden: `hth_rt_…` or `hth_<keyid>_…`.
    public var description: String {
        switch kind {
        case .refreshToken: Self.prefix + Self.refreshMarker + "_…"
        case .apiKey(let keyID): Self.prefix + keyID + "_…"
        case .kvToken(let tokenID): Self.kvPrefix + tokenID + "_…"
        }
    }

    /// 32 random bytes, unpadded base64url.
    private static func newSecret() -> String {
        UnpaddedBase64.encode(SecureRandom.bytes(32), alphabet: .url)
    }

    /// Twelve characters of lowercase letters and digits.
    static func isValidKeyID(_ keyID: Substring) -> Bool {
        keyID.count == keyIDLength
            && keyID.utf8.allSatisfy {
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
            }
    }
}
