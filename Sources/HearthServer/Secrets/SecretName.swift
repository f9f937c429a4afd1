/// What a secret may be named: 1 to 253 characters of `A-Z`, `a-z`, `0-9`, `.`, `_` and `-`,
/// starting with a letter or digit (`db-password`, `REGISTRY_TOKEN`, `tls.key`). No `/` or `:`,
/// so the sealing context `secret:<namespace>/<name>:v<version>` names one secret only.
enum SecretName {
    static let maxLength = 253

    /// Why `name` is not a secret name, or nil when it is one.
    static func problem(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        if bytes.isEmpty { return "must not be empty" }
        if bytes.count > maxLength { return "must be at most \(maxLength) characters long" }
        guard let first = bytes.first, isAlphanumeric(first) else { return "must start with a letter or a digit" }
        guard bytes.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }) else {
            return "may hold only letters, digits, '.', '_' and '-'"
        }
        return nil
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
