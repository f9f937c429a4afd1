import Foundation
import HearthCore

/// The rules a new password must meet, following NIST SP 800-63B: a minimum length rather than
/// character-class rules, a maximum so hashing cost stays bounded, and a refusal of passwords that
/// are easy to guess (the user name, one repeated character, the most common passwords).
public struct PasswordPolicy: Sendable {
    /// The fewest characters (Unicode code points, after NFC normalisation) a password may have.
    public var minimumLength: Int
    /// The most UTF-8 bytes a password may have.
    public var maximumBytes: Int

    /// A policy; the defaults are 12 characters and 1024 bytes.
    public init(minimumLength: Int = 12, maximumBytes: Int = 1024) {
        self.minimumLength = minimumLength
        self.maximumBytes = maximumBytes
    }

    /// What is wrong with `password` for the user `username`, as violations of the field
    /// `password`; empty when it is acceptable.
    ///
    /// The user name is compared case-insensitively: the password may not equal it, nor contain
    /// it when the name has three characters or more (shorter names would refuse too much).
    public func check(password: String, username: String?) -> [FieldViolation] {
        let normalized = password.precomposedStringWithCanonicalMapping
        var reasons: [String] = []
        let length = normalized.unicodeScalars.count
        if length < minimumLength {
            reasons.append("must be at least \(minimumLength) characters long")
        }
        if normalized.utf8.count > maximumBytes {
            reasons.append("must be at most \(maximumBytes) bytes long")
        }
        let lowered = normalized.lowercased()
        if let username = username?.precomposedStringWithCanonicalMapping.lowercased(), !username.isEmpty {
            if lowered == username {
                reasons.append("must not be the user name")
            } else if username.unicodeScalars.count >= 3, lowered.contains(username) {
                reasons.append("must not contain the user name")
            }
        }
        if length > 1, Set(normalized.unicodeScalars).count == 1 {
            reasons.append("must not be one character repeated")
        }
        if Self.commonPasswords.contains(lowered) {
            reasons.append("is one of the most commonly used passwords")
        }
        return reasons.map { FieldViolation(field: "password", reason: $0) }
    }

    /// Common passwords of twelve characters or more (shorter ones already fail the length rule),
    /// compared in lower case.
    static let commonPasswords: Set<String> = [
        "password1234", "password12345", "password123456", "passwordpassword", "password1234!",
        "123456789012", "1234567890123", "12345678901234", "123456123456", "123123123123",
        "111111111111", "000000000000", "098765432109", "123456789abc", "1q2w3e4r5t6y",
        "qwertyuiopas", "qwertyuiop12", "qwertyuiop123", "qwerty123456", "qwertyqwerty",
        "asdfghjkl123", "zxcvbnm12345", "1qaz2wsx3edc", "iloveyou1234", "letmein12345",
        "welcome12345", "admin1234567", "administrator", "changeme1234", "trustno1trustno1",
        "abc123abc123", "abcdefghijkl", "football1234", "sunshine1234", "princess1234",
    ]
}
