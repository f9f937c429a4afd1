import Crypto
import Foundation
import HearthCore
import _CryptoExtras

/// Hashes and checks passwords with scrypt, a memory-hard key derivation function.
///
/// A hash is a self-describing PHC-style string that carries its own parameters and salt:
///
///     $scrypt$ln=15,r=8,p=1$<base64 salt>$<base64 hash>
///
/// where `ln` is log2 of the cost N, `r` the block size and `p` the parallelism; salt and hash use
/// the standard base64 alphabet without padding. Because every hash records its parameters, the
/// defaults can be raised later: ``verify(_:against:)`` still accepts old hashes, and
/// ``needsRehash(_:)`` says when to store a new one after a successful login.
///
/// Passwords are normalised to Unicode NFC before hashing, so the same password typed on systems
/// that compose accents differently still matches.
public struct PasswordHasher: Sendable {
    /// The scrypt cost and the sizes of the salt and the derived hash.
    public struct Parameters: Sendable, Hashable {
        /// log2 of the CPU/memory cost N (N = 2^logN).
        public var logN: Int
        /// The block size r.
        public var blockSize: Int
        /// The parallelism p.
        public var parallelism: Int
        /// Length of the derived hash in bytes.
        public var outputLength: Int
        /// Length of the random salt in bytes.
        public var saltLength: Int

        /// N = 2^15, r = 8, p = 1 (32 MiB, tens of milliseconds), a 32-byte hash and a 16-byte salt.
        public static let `default` = Parameters(logN: 15, blockSize: 8, parallelism: 1, outputLength: 32, saltLength: 16)

        public init(logN: Int, blockSize: Int, parallelism: Int, outputLength: Int = 32, saltLength: Int = 16) {
            self.logN = logN
            self.blockSize = blockSize
            self.parallelism = parallelism
            self.outputLength = outputLength
            self.saltLength = saltLength
        }

        /// The memory scrypt needs for one derivation, in bytes: 128 · r · N.
        public var memoryBytes: Int { 128 * blockSize << logN }

        /// True for parameters that are safe to run: the limits below also bound what a stored
        /// (possibly corrupted or hostile) hash can make ``verify(_:against:)`` spend.
        var isWithinLimits: Bool {
            (1...Self.maximumLogN).contains(logN) && (1...32).contains(blockSize) && (1...16).contains(parallelism)
                && (16...64).contains(outputLength) && (4...64).contains(saltLength)
                && memoryBytes <= Self.maximumMemoryBytes
        }

        static let maximumLogN = 22
        static let maximumMemoryBytes = 512 << 20
    }

    /// The parameters new hashes are made with.
    public let parameters: Parameters

    /// A hasher for the given parameters.
    /// - Precondition: the parameters are within the supported limits (log N in 1...22, r in 1...32,
    ///   p in 1...16, at most 512 MiB, a 16–64 byte hash and a 4–64 byte salt).
    public init(parameters: Parameters = .default) {
        precondition(parameters.isWithinLimits, "scrypt parameters out of range: \(parameters)")
        self.parameters = parameters
    }

    /// Hashes a password with a fresh random salt.
    /// - Throws: `HearthError(.invalid)` for an empty password; `HearthError(.internalError)` when
    ///   the key derivation fails (out of memory).
    public func hash(_ password: String) throws -> String {
        let bytes = Self.passwordBytes(password)
        guard !bytes.isEmpty else {
            throw HearthError.invalid([FieldViolation(field: "password", reason: "must not be empty")])
        }
        let salt = SecureRandom.bytes(parameters.saltLength)
        guard let derived = Self.derive(bytes, salt: salt, parameters: parameters) else {
            throw HearthError(.internalError, "password hashing failed")
        }
        return Self.encode(EncodedHash(parameters: parameters, salt: salt, hash: derived))
    }

    /// True when `password` is the one `encoded` was made from. The derived bytes are compared in
    /// constant time. Returns false, never throws, for malformed or out-of-range encodings.
    public func verify(_ password: String, against encoded: String) -> Bool {
        guard let stored = Self.decode(encoded) else { return false }
        let bytes = Self.passwordBytes(password)
        guard !bytes.isEmpty, let derived = Self.derive(bytes, salt: stored.salt, parameters: stored.parameters) else {
            return false
        }
        return ConstantTime.equals(derived, stored.hash)
    }

    /// Spends the same time as ``verify(_:against:)`` on a hash made with the current parameters,
    /// and returns false. Call it when the user does not exist, so that the response time of a
    /// login does not tell whether the name is taken.
    @discardableResult
    public func verifyDummy(_ password: String) -> Bool {
        let bytes = Self.passwordBytes(password)
        guard !bytes.isEmpty else { return false }
        let derived = Self.derive(bytes, salt: [UInt8](repeating: 0x5a, count: parameters.saltLength), parameters: parameters)
        _ = derived.map { ConstantTime.equals($0, [UInt8](repeating: 0, count: parameters.outputLength)) }
        return false
    }

    /// True when `encoded` should be replaced by a hash made with the current parameters: it is
    /// malformed, or any of its cost or size parameters is below the current one.
    public func needsRehash(_ encoded: String) -> Bool {
        guard let stored = Self.decode(encoded) else { return true }
        let old = stored.parameters
        return old.logN < parameters.logN || old.blockSize < parameters.blockSize
            || old.parallelism < parameters.parallelism || old.outputLength < parameters.outputLength
            || old.saltLength < parameters.saltLength
    }

    // MARK: - Encoding

    /// The parts of a PHC string.
    struct EncodedHash {
        var parameters: Parameters
        var salt: [UInt8]
        var hash: [UInt8]
    }

    static func encode(_ value: EncodedHash) -> String {
        let p = value.parameters
        return "$scrypt$ln=\(p.logN),r=\(p.blockSize),p=\(p.parallelism)$"
            + UnpaddedBase64.encode(value.salt, alphabet: .standard) + "$"
            + UnpaddedBase64.encode(value.hash, alphabet: .standard)
    }

    /// The parts of a PHC scrypt string, or nil when it is malformed or its parameters are out of range.
    static func decode(_ encoded: String) -> EncodedHash? {
        guard encoded.utf8.count <= 512 else { return nil }
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0].isEmpty, parts[1] == "scrypt" else { return nil }
        let fields = parts[2].split(separator: ",", omittingEmptySubsequences: false)
        guard fields.count == 3,
            let logN = integer(fields[0], named: "ln"),
            let blockSize = integer(fields[1], named: "r"),
            let parallelism = integer(fields[2], named: "p"),
            let salt = UnpaddedBase64.decode(parts[3], alphabet: .standard),
            let hash = UnpaddedBase64.decode(parts[4], alphabet: .standard)
        else { return nil }
        let parameters = Parameters(
            logN: logN, blockSize: blockSize, parallelism: parallelism, outputLength: hash.count, saltLength: salt.count)
        guard parameters.isWithinLimits else { return nil }
        return EncodedHash(parameters: parameters, salt: salt, hash: hash)
    }

    /// The value of `name=<digits>`, at most three digits, no sign or leading zeros.
    private static func integer(_ field: Substring, named name: String) -> Int? {
        guard field.hasPrefix(name + "=") else { return nil }
        let digits = field.dropFirst(name.count + 1)
        guard (1...3).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            digits.first != "0" || digits.count == 1
        else { return nil }
        return Int(digits)
    }

    // MARK: - Derivation

    /// The UTF-8 bytes of the NFC form of the password.
    static func passwordBytes(_ password: String) -> [UInt8] {
        Array(password.precomposedStringWithCanonicalMapping.utf8)
    }

    /// scrypt, or nil when BoringSSL refuses (out of memory). `password` must not be empty.
    static func derive(_ password: [UInt8], salt: [UInt8], parameters: Parameters) -> [UInt8]? {
        guard
            let key = try? KDF.Scrypt.deriveKey(
                from: password, salt: salt, outputByteCount: parameters.outputLength,
                rounds: 1 << parameters.logN, blockSize: parameters.blockSize, parallelism: parameters.parallelism)
        else { return nil }
        return key.withUnsafeBytes { Array($0) }
    }
}
