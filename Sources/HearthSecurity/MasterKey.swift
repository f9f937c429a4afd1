import Crypto
import Foundation
import HearthCore

/// A 256-bit AES key that wraps (encrypts) the data keys of sealed values, with the id that
/// sealed values name it by.
///
/// The id is derived from the key (a truncated SHA-256 of it, under a label of its own): short,
/// random-looking, and the same wherever the key goes, so values sealed while the key lived in
/// `DATA_DIR/master-key.json` still name it when the same key is later supplied as
/// `HEARTH_MASTER_KEY`. Key files may also give their own ids.
///
/// The key is secret: ``description`` and the reflection mirror never show it.
public struct MasterKey: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    /// The length of a master key: 32 bytes.
    public static let byteCount = 32

    /// The key id, 1 to 64 characters of `A-Z`, `a-z`, `0-9`, `_` and `-`.
    public let id: String
    /// The AES-256 key.
    public let key: SymmetricKey
    /// When the key was made (whole seconds).
    public let createdAt: Date

    /// A new random key, its id derived from it.
    public static func generate(now: Date = Date()) -> MasterKey {
        let key = SymmetricKey(size: .bits256)
        return MasterKey(uncheckedID: Self.derivedID(of: key), key: key, createdAt: now)
    }

    /// A key from its 32 raw bytes, named `id` or, without one, by the id derived from the key.
    /// - Throws: `HearthError(.badRequest)` for a malformed id or a key that is not 32 bytes.
    public init(id: String? = nil, rawKey: some ContiguousBytes, createdAt: Date) throws {
        let key = SymmetricKey(data: rawKey)
        guard key.bitCount == Self.byteCount * 8 else {
            throw HearthError(
                .badRequest,
                "a master key is \(Self.byteCount) bytes (base64 of 32 random bytes, e.g. `openssl rand -base64 32`); this one is \(key.bitCount / 8) bytes"
            )
        }
        let id = id ?? Self.derivedID(of: key)
        guard Self.isValidID(id) else {
            throw HearthError(.badRequest, "a master key id is 1 to 64 characters of A-Z, a-z, 0-9, '_' and '-'")
        }
        self.init(uncheckedID: id, key: key, createdAt: createdAt)
    }

    private init(uncheckedID id: String, key: SymmetricKey, createdAt: Date) {
        self.id = id
        self.key = key
        self.createdAt = Date(timeIntervalSince1970: createdAt.timeIntervalSince1970.rounded(.down))
    }

    /// The 32 raw bytes of the key: secret.
    var rawKey: [UInt8] { key.withUnsafeBytes { Array($0) } }

    /// The key in standard, padded base64, as key files and `HEARTH_MASTER_KEY` hold it: secret.
    var base64Key: String { key.withUnsafeBytes { Data($0).base64EncodedString() } }

    public var description: String { "MasterKey(\(id), AES-256, created \(Int64(createdAt.timeIntervalSince1970)))" }

    public var customMirror: Mirror { Mirror(self, children: ["id": id, "createdAt": createdAt]) }

    // MARK: - Helpers

    /// The id a key gets when none is given: 12 base64url characters (72 bits) of
    /// SHA-256("hearth master key id" 0x00 key). It says nothing usable about the key.
    public static func derivedID(of key: SymmetricKey) -> String {
        var hasher = SHA256()
        hasher.update(data: Array("hearth master key id".utf8) + [0])
        key.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return UnpaddedBase64.encode(hasher.finalize().prefix(9), alphabet: .url)
    }

    /// True for 1 to 64 characters of `A-Z`, `a-z`, `0-9`, `_` and `-` (no `.`: it separates
    /// the parts of a sealed value's encoding).
    static func isValidID(_ id: some StringProtocol) -> Bool {
        (1...64).contains(id.utf8.count)
            && id.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                    true
                default: false
                }
            }
    }

    /// The bytes of a key written in base64: standard or URL-safe alphabet, padded or not,
    /// surrounding whitespace ignored. Nil when it is not base64.
    static func decodeBase64(_ text: some StringProtocol) -> [UInt8]? {
        var trimmed = Substring(text).trimmingCharacters(in: .whitespacesAndNewlines)[...]
        while trimmed.last == "=" { trimmed.removeLast() }
        return UnpaddedBase64.decode(trimmed, alphabet: .standard) ?? UnpaddedBase64.decode(trimmed, alphabet: .url)
    }
}
