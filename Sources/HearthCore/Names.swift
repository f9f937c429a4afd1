/// The naming rules, in one place.
///
/// Resource names, namespace names and type names are DNS labels (RFC 1123): 1 to 63 characters,
/// lowercase letters, digits and `-`, starting and ending with a letter or digit. That keeps every
/// name usable in a DNS name, a URL path segment and a file name without escaping.
public enum Names {
    public static let maxLabelLength = 63

    /// Why `name` is not a valid DNS label, or nil if it is.
    public static func dnsLabelProblem(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        if bytes.isEmpty { return "must not be empty" }
        if bytes.count > maxLabelLength { return "must be at most \(maxLabelLength) characters long" }
        if let bad = name.first(where: { c in !(c.asciiValue.map { isLowerAlnum($0) || $0 == UInt8(ascii: "-") } ?? false) }) {
            return "must consist of lowercase letters, digits and '-' (found '\(bad)')"
        }
        if !isLowerAlnum(bytes.first!) || !isLowerAlnum(bytes.last!) {
            return "must start and end with a lowercase letter or digit"
        }
        return nil
    }

    public static func isDNSLabel(_ name: String) -> Bool { dnsLabelProblem(name) == nil }

    /// Why `name` is not a valid host name (dot-separated DNS labels, 253 characters at most).
    public static func hostnameProblem(_ name: String) -> String? {
        if name.utf8.count > 253 { return "must be at most 253 characters long" }
        for label in name.split(separator: ".", omittingEmptySubsequences: false) {
            if let problem = dnsLabelProblem(String(label)) { return "each dot-separated part \(problem)" }
        }
        return nil
    }

    /// Why `key` is not a valid label or annotation key: an optional host-name prefix and `/`,
    /// then a name of at most 63 letters, digits, `-`, `_` and `.`, starting and ending alphanumeric.
    public static func labelKeyProblem(_ key: String) -> String? {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count > 2 { return "must contain at most one '/'" }
        if parts.count == 2 {
            if let problem = hostnameProblem(String(parts[0])) { return "prefix \(problem)" }
        }
        let name = String(parts.last!)
        if name.isEmpty { return "must not be empty" }
        return qualifiedValueProblem(name)
    }

    /// Why `value` is not a valid label value (may be empty).
    public static func labelValueProblem(_ value: String) -> String? {
        value.isEmpty ? nil : qualifiedValueProblem(value)
    }

    private static func qualifiedValueProblem(_ value: String) -> String? {
        let bytes = Array(value.utf8)
        if bytes.count > maxLabelLength { return "must be at most \(maxLabelLength) characters long" }
        for byte in bytes where !(isAlnum(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")) {
            return "must consist of letters, digits, '-', '_' and '.'"
        }
        if !isAlnum(bytes.first!) || !isAlnum(bytes.last!) {
            return "must start and end with a letter or digit"
        }
        return nil
    }

    @inline(__always)
    static func isLowerAlnum(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
    }

    @inline(__always)
    static func isAlnum(_ b: UInt8) -> Bool {
        isLowerAlnum(b) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
    }
}

extension Names {
    /// True for the bytes a DNS label may contain.
    public static func isLowerAlnumOrDash(_ byte: UInt8) -> Bool {
        isLowerAlnum(byte) || byte == UInt8(ascii: "-")
    }
}
