import Foundation
import HearthCore

/// A value sealed by ``EnvelopeCipher``: the value encrypted under its own data key, and the data
/// key encrypted (wrapped) under a master key, which the value names.
///
/// Its text form, for storage, is
///
/// ```
/// hev1.<master key id>.<wrapped data key>.<ciphertext>
/// ```
///
/// where both binary parts are unpadded base64url of AES-256-GCM's combined form (12-byte nonce,
/// encrypted bytes, 16-byte tag): the wrapped key is 60 bytes, the ciphertext 28 bytes more than
/// the value. It is `Codable` as that string.
public struct SealedValue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The version prefix of the encoding.
    public static let version = "hev1"
    /// The size of an AES-GCM nonce plus tag: what the combined form adds to what it encrypts.
    static let overhead = 12 + 16
    /// The size of a wrapped data key.
    static let wrappedKeySize = overhead + 32

    /// The id of the master key that wrapped the data key: the one needed to open the value.
    public let masterKeyID: String
    /// The data key, sealed with AES-256-GCM under the master key (nonce, ciphertext, tag).
    public let wrappedKey: [UInt8]
    /// The value, sealed with AES-256-GCM under the data key (nonce, ciphertext, tag).
    public let ciphertext: [UInt8]

    init(masterKeyID: String, wrappedKey: [UInt8], ciphertext: [UInt8]) {
        self.masterKeyID = masterKeyID
        self.wrappedKey = wrappedKey
        self.ciphertext = ciphertext
    }

    /// A sealed value from its text form (``encoded``).
    /// - Throws: `HearthError(.invalid)` when the text is not a well-formed `hev1` sealed value
    ///   (the message says which part is wrong). Whether it opens is for ``EnvelopeCipher`` to say.
    public init(encoded text: String) throws {
        let parts = Self.parts(of: text)
        guard parts.first == Self.version[...] else {
            let prefix = text.prefix { $0 != "." }
            if prefix.count <= 8, prefix.hasPrefix("hev"), prefix.dropFirst(3).allSatisfy(\.isNumber), prefix.count > 3 {
                throw HearthError(.invalid, "sealed value version '\(prefix)' is not supported (this server reads \(Self.version))")
            }
            throw HearthError(.invalid, "not a sealed value: it should start with '\(Self.version).'")
        }
        guard parts.count == 4 else {
            throw HearthError(
                .invalid, "not a sealed value: it should have 4 parts separated by '.', \(Self.version).KEY_ID.WRAPPED_KEY.CIPHERTEXT")
        }
        let id = parts[1]
        guard MasterKey.isValidID(id) else {
            throw HearthError(
                .invalid, "malformed sealed value: the master key id should be 1 to 64 characters of A-Z, a-z, 0-9, '_' and '-'")
        }
        guard let wrapped = Base64URL.decode(parts[2]), wrapped.count == Self.wrappedKeySize else {
            throw HearthError(
                .invalid, "malformed sealed value: the wrapped key should be \(Self.wrappedKeySize) bytes of unpadded base64url")
        }
        guard let ciphertext = Base64URL.decode(parts[3]), ciphertext.count >= Self.overhead else {
            throw HearthError(
                .invalid, "malformed sealed value: the ciphertext should be at least \(Self.overhead) bytes of unpadded base64url")
        }
        self.init(masterKeyID: String(id), wrappedKey: wrapped, ciphertext: ciphertext)
    }

    /// `text` split at its first four '.' (a fifth part holds the rest): byte-wise, as a sealed
    /// value of a mebibyte is too long to split character by character.
    private static func parts(of text: String) -> [Substring] {
        var parts = [Substring]()
        var start = text.utf8.startIndex
        var index = start
        while index < text.utf8.endIndex, parts.count < 4 {
            if text.utf8[index] == UInt8(ascii: ".") {
                parts.append(text[start..<index])
                start = text.utf8.index(after: index)
            }
            text.utf8.formIndex(after: &index)
        }
        parts.append(text[start...])
        return parts
    }

    /// The text form: `hev1.<master key id>.<base64url wrapped key>.<base64url ciphertext>`.
    public var encoded: String {
        Self.version + "." + masterKeyID + "." + Base64URL.encode(wrappedKey) + "." + Base64URL.encode(ciphertext)
    }

    public var description: String {
        "SealedValue(\(Self.version), master key \(masterKeyID), \(max(0, ciphertext.count - Self.overhead)) bytes)"
    }

    public init(from decoder: any Decoder) throws {
        try self.init(encoded: decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(encoded)
    }
}
