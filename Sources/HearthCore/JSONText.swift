/// Writes JSON by hand exactly as ``APIJSON`` encodes it (compact, keys sorted, slashes left as
/// they are, absent optionals left out), for the values encoded on every write: a resource and
/// its `spec`. `JSONEncoder` goes through `Encodable`'s containers and boxes every
/// value, which made it most of the store writer's time. Tests keep each writer equal to
/// ``APIJSON/encodeString(_:)``.
public struct JSONText {
    /// The UTF-8 written so far (bytes, not a `String`: appending to a byte array is a copy, where
    /// each append to a `String` also does its bookkeeping).
    private var bytes: [UInt8] = []
    private var first = true

    /// An object's writer: call the members in key order, then ``close()``.
    public init() {
        bytes.reserveCapacity(512)
        bytes.append(UInt8(ascii: "{"))
    }

    private mutating func key(_ name: StaticString) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    public mutating func string(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        Self.appendQuoted(value, to: &bytes)
    }

    public mutating func integer(_ name: StaticString, _ value: Int64?) {
        guard let value else { return }
        key(name)
        Self.appendInteger(value, to: &bytes)
    }

    public mutating func strings(_ name: StaticString, _ value: [String: String]) {
        key(name)
        bytes.append(UInt8(ascii: "{"))
        for (index, key) in Self.sortedKeys(value.keys).enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            Self.appendQuoted(key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            Self.appendQuoted(value[key]!, to: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    public mutating func value(_ name: StaticString, _ value: JSONValue?) throws {
        guard let value else { return }
        key(name)
        try Self.append(value, to: &bytes)
    }

    /// A member whose value is already JSON.
    public mutating func raw(_ name: StaticString, _ json: String) {
        key(name)
        bytes.append(contentsOf: json.utf8)
    }

    /// Ends the object; returns its text.
    public mutating func close() -> String {
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `value` as JSON, objects' keys sorted.
    public static func append(_ value: JSONValue, to out: inout String) throws {
        var bytes: [UInt8] = []
        try append(value, to: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }

    static func append(_ value: JSONValue, to out: inout [UInt8]) throws {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: b ? "true".utf8 : "false".utf8)
        case .int(let i): appendInteger(i, to: &out)
        case .double(let d): out.append(contentsOf: try number(d).utf8)
        case .string(let s): appendQuoted(s, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                try append(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, key) in sortedKeys(members.keys).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                appendQuoted(key, to: &out)
                out.append(UInt8(ascii: ":"))
                try append(members[key]!, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value >= 0, value < 10 {
            out.append(UInt8(ascii: "0") + UInt8(value))
        } else {
            out.append(contentsOf: String(value).utf8)
        }
    }

    /// Keys in `JSONEncoder`'s `.sortedKeys` order: by their UTF-8 bytes (not by `String`'s `<`,
    /// which compares canonical equivalents: `e\u{301}` and `é` order differently).
    static func sortedKeys(_ keys: some Collection<String>) -> [String] {
        keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// A number as `JSONEncoder` writes it: Swift's shortest round-trip form, without a `.0` for
    /// whole numbers. JSON has no infinities or NaN, so those throw, as with `JSONEncoder`.
    static func number(_ value: Double) throws -> String {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, EncodingError.Context(codingPath: [], debugDescription: "\(value) is not a JSON number"))
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }

    /// `value` as a JSON string, escaped as `JSONEncoder` escapes (slashes left as they are).
    static func appendQuoted(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        let utf8 = value.utf8
        if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out.append(contentsOf: utf8)
        } else {
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
                case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
                case 0x0A: out.append(contentsOf: #"\n"#.utf8)
                case 0x0D: out.append(contentsOf: #"\r"#.utf8)
                case 0x09: out.append(contentsOf: #"\t"#.utf8)
                case 0x08: out.append(contentsOf: #"\b"#.utf8)
                case 0x0C: out.append(contentsOf: #"\f"#.utf8)
                case 0..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: #"\u00"#.utf8)
                    out.append(hex[Int(byte >> 4)])
                    out.append(hex[Int(byte & 0x0F)])
                default: out.append(byte)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
