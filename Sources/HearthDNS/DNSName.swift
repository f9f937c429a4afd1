/// A domain name, stored as its uncompressed wire format (length-prefixed labels ending with the
/// zero-length root label) with ASCII letters lowercased, so that comparing and hashing are byte
/// operations. DNS names compare case-insensitively (RFC 4343); Hearth answers in lowercase.
///
/// Names built from text accept letters, digits, `-` and `_` in labels, and `*` as a whole label.
/// Names read from the wire may hold any bytes in their labels (they are escaped in
/// ``description``).
public struct DNSName: Hashable, Sendable, CustomStringConvertible {
    /// The wire format: labels as a length byte and that many bytes, then a zero byte.
    public let wire: [UInt8]

    /// The longest label, in bytes.
    public static let maxLabelLength = 63
    /// The longest name in wire format, in bytes, including length bytes and the root label.
    public static let maxWireLength = 255

    /// The root name, `.`.
    public static let root = DNSName(uncheckedWire: [0])

    /// Hashes the wire bytes in one go (the synthesized conformance would feed them one by one).
    /// The wire format is prefix-free, so no length is needed.
    public func hash(into hasher: inout Hasher) {
        wire.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    public static func == (lhs: DNSName, rhs: DNSName) -> Bool { lhs.wire == rhs.wire }

    /// Wraps bytes already known to be a valid lowercase wire-format name.
    init(uncheckedWire: [UInt8]) { self.wire = uncheckedWire }

    /// Parses a name such as `www.example.org`, `www.example.org.` (the trailing dot changes
    /// nothing: the name is always absolute) or `.` (the root).
    public init(_ text: String) throws(DNSError) {
        if text == "." {
            self = .root
            return
        }
        var utf8 = Array(text.utf8)
        if utf8.last == UInt8(ascii: ".") { utf8.removeLast() }
        guard !utf8.isEmpty else { throw DNSError(.badLabel, "a name must not be empty (write '.' for the root)") }
        var wire: [UInt8] = []
        wire.reserveCapacity(utf8.count + 2)
        var start = 0
        while start <= utf8.count {
            var end = start
            while end < utf8.count, utf8[end] != UInt8(ascii: ".") { end += 1 }
            try Self.appendLabel(utf8[start..<end], to: &wire, name: text)
            start = end + 1
        }
        wire.append(0)
        guard wire.count <= Self.maxWireLength else {
            throw DNSError(.nameTooLong, "'\(text)' is \(wire.count) bytes long in wire format; a name can have at most 255")
        }
        self.wire = wire
    }

    /// Builds a name from its labels, most specific first (`["www", "example", "org"]`); no
    /// labels is the root.
    public init(labels: [String]) throws(DNSError) {
        var wire: [UInt8] = []
        for label in labels {
            try Self.appendLabel(ArraySlice(label.utf8), to: &wire, name: labels.joined(separator: "."))
        }
        wire.append(0)
        guard wire.count <= Self.maxWireLength else {
            throw DNSError(
                .nameTooLong,
                "'\(labels.joined(separator: "."))' is \(wire.count) bytes long in wire format; a name can have at most 255")
        }
        self.wire = wire
    }

    private static func appendLabel(_ label: ArraySlice<UInt8>, to wire: inout [UInt8], name: String) throws(DNSError) {
        guard !label.isEmpty else { throw DNSError(.badLabel, "'\(name)' has an empty label") }
        let text = String(decoding: label, as: UTF8.self)
        guard label.count <= maxLabelLength else {
            throw DNSError(.labelTooLong, "label '\(text)' is \(label.count) bytes long; a label can have at most 63")
        }
        if label.count == 1, label.first == UInt8(ascii: "*") {
            wire.append(1)
            wire.append(UInt8(ascii: "*"))
            return
        }
        wire.append(UInt8(label.count))
        for byte in label {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                wire.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                wire.append(byte | 0x20)
            default:
                throw DNSError(
                    .badLabel, "label '\(text)' may contain only letters, digits, '-' and '_' (or be '*' on its own)")
            }
        }
    }

    /// True for the root name.
    public var isRoot: Bool { wire.count == 1 }

    /// True if the first label is `*` (a wildcard owner, RFC 4592).
    public var isWildcard: Bool { wire.count >= 3 && wire[0] == 1 && wire[1] == UInt8(ascii: "*") }

    /// The number of labels, not counting the root (the root has 0).
    public var labelCount: Int {
        var count = 0
        var index = 0
        while wire[index] != 0 {
            count += 1
            index += Int(wire[index]) + 1
        }
        return count
    }

    /// The labels, most specific first. Bytes that are not UTF-8 are replaced.
    public var labels: [String] {
        var result: [String] = []
        var index = 0
        while wire[index] != 0 {
            let length = Int(wire[index])
            result.append(String(decoding: wire[(index + 1)..<(index + 1 + length)], as: UTF8.self))
            index += length + 1
        }
        return result
    }

    /// The name in presentation format with a trailing dot (`www.example.org.`; the root is `.`).
    /// Bytes other than letters, digits and unremarkable punctuation are escaped (RFC 1035 §5.1).
    public var description: String {
        if isRoot { return "." }
        var out: [UInt8] = []
        out.reserveCapacity(wire.count + 1)
        var index = 0
        while wire[index] != 0 {
            let length = Int(wire[index])
            for byte in wire[(index + 1)..<(index + 1 + length)] {
                Self.appendEscaped(byte, to: &out)
            }
            out.append(UInt8(ascii: "."))
            index += length + 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func appendEscaped(_ byte: UInt8, to out: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "."), UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: ";"), UInt8(ascii: "@"), UInt8(ascii: "$"):
            out.append(UInt8(ascii: "\\"))
            out.append(byte)
        case 0x21...0x7E:
            out.append(byte)
        default:
            appendDecimalEscape(byte, to: &out)
        }
    }

    /// `\DDD`, the zone-file escape of a byte by its decimal value (RFC 1035 §5.1).
    static func appendDecimalEscape(_ byte: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        out.append(UInt8(ascii: "0") + byte / 100)
        out.append(UInt8(ascii: "0") + (byte / 10) % 10)
        out.append(UInt8(ascii: "0") + byte % 10)
    }

    /// True if this name is `other` or below it, label by label (`www.example.org` is a
    /// subdomain of `example.org` and of itself, not of `ample.org`).
    public func isSubdomain(of other: DNSName) -> Bool {
        let offset = wire.count - other.wire.count
        guard offset >= 0 else { return false }
        var index = 0
        while index < offset { index += Int(wire[index]) + 1 }
        guard index == offset else { return false }
        return wire[offset...].elementsEqual(other.wire)
    }

    /// This name with one more label in front (`example.org` prepending `www`).
    public func prepending(_ label: String) throws(DNSError) -> DNSName {
        var wire: [UInt8] = []
        wire.reserveCapacity(self.wire.count + label.utf8.count + 1)
        try Self.appendLabel(ArraySlice(label.utf8), to: &wire, name: label + "." + description)
        wire.append(contentsOf: self.wire)
        guard wire.count <= Self.maxWireLength else {
            throw DNSError(
                .nameTooLong, "'\(label).\(description)' is \(wire.count) bytes long in wire format; a name can have at most 255")
        }
        return DNSName(uncheckedWire: wire)
    }

    /// This name followed by `origin` (a relative name made absolute): `www` + `example.org`.
    public func appending(_ origin: DNSName) throws(DNSError) -> DNSName {
        if origin.isRoot { return self }
        var wire = self.wire
        wire.removeLast()
        wire.append(contentsOf: origin.wire)
        guard wire.count <= Self.maxWireLength else {
            throw DNSError(.nameTooLong, "'\(self)\(origin)' is \(wire.count) bytes long in wire format; a name can have at most 255")
        }
        return DNSName(uncheckedWire: wire)
    }

    /// The name without its first label; nil for the root.
    public var parent: DNSName? {
        if isRoot { return nil }
        return DNSName(uncheckedWire: Array(wire[(Int(wire[0]) + 1)...]))
    }

    /// The ancestor of this name that has `count` labels (`count` must be at most ``labelCount``).
    func suffix(labelCount count: Int) -> DNSName {
        var skip = labelCount - count
        if skip <= 0 { return self }
        var index = 0
        while skip > 0 {
            index += Int(wire[index]) + 1
            skip -= 1
        }
        return DNSName(uncheckedWire: Array(wire[index...]))
    }
}
