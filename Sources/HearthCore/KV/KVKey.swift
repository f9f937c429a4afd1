/// The rules for key-value keys and prefixes.
///
/// A key is a path: segments separated by `/`, each made of letters, digits and
/// `-._~!$&'()*+,;=:@` (the characters a URL path carries without escaping), at most
/// ``maxBytes`` bytes in all. No empty segment (so no leading, trailing or double `/`), and no `.`
/// or `..` segment. A prefix follows the same rules, except that it may be empty (the whole
/// namespace) and may end with `/`.
public enum KVKey {
    public static let maxBytes = 512

    /// Why `key` is not a valid key, or nil if it is.
    public static func violation(of key: String) -> String? {
        if key.isEmpty { return "a key must not be empty" }
        if let reason = charactersViolation(key) { return reason }
        if key.hasSuffix("/") { return "a key must not end with '/'" }
        return segmentsViolation(key)
    }

    /// Why `prefix` is not a valid prefix, or nil if it is.
    public static func prefixViolation(of prefix: String) -> String? {
        if prefix.isEmpty { return nil }
        if let reason = charactersViolation(prefix) { return reason }
        return segmentsViolation(prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix)
    }

    /// True if `key` is `prefix` or lies under it (plain string prefix, as Consul and etcd do).
    public static func key(_ key: String, hasPrefix prefix: String) -> Bool {
        key.utf8.starts(with: prefix.utf8)
    }

    /// The least string greater than every key that starts with `prefix`: keys only use bytes
    /// below 0x7F, so `prefix + "\u{7F}"` bounds them.
    public static func prefixEnd(_ prefix: String) -> String {
        prefix + "\u{7F}"
    }

    private static func charactersViolation(_ text: String) -> String? {
        if text.utf8.count > maxBytes { return "must be at most \(maxBytes) bytes, not \(text.utf8.count)" }
        for byte in text.utf8 where !allowed(byte) {
            let shown = byte >= 0x21 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
            return "may use letters, digits, '/' and -._~!$&'()*+,;=:@ only, not \(shown)"
        }
        if text.hasPrefix("/") { return "must not start with '/'" }
        return nil
    }

    private static func segmentsViolation(_ text: String) -> String? {
        for segment in text.split(separator: "/", omittingEmptySubsequences: false) {
            if segment.isEmpty { return "must not contain an empty segment ('//')" }
            if segment == "." || segment == ".." { return "must not contain a '\(segment)' segment" }
        }
        return nil
    }

    private static func allowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "/"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "!"),
            UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"),
            UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "@"):
            true
        default: false
        }
    }
}
