/// Writes JSON by hand exactly as ``APIJSON`` encodes it (compact, keys sorted, slashes left as
/// they are, absent optionals left out), for the values encoded on every write: a resource and
/// its `spec`, an audit entry. `JSONEncoder` goes through `Encodable`'s containers and boxes every
/// value, which made it most of the store writer's time. Tests keep each writer equal to
/// ``APIJSON/encodeString(_:)``.
public struct JSONText {
    public private(set) var text: String
    private var first = true

    /// An object's writer: call the members in key order, then ``close()``.
    public init() {
        text = "{"
    }

    private mutating func key(_ name: String) {
        if !first { text += "," }
        first = false
        text += "\""
        text += name
        text += "\":"
    }

    public mutating func string(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        Self.appendQuoted(value, to: &text)
    }

    public mutating func integer(_ name: String, _ value: Int64?) {
        guard let value else { return }
        key(name)
        text += String(value)
    }

    public mutating func strings(_ name: String, _ value: [String: String]) {
        key(name)
        text += "{"
        for (index, key) in Self.sortedKeys(value.keys).enumerated() {
            if index > 0 { text += "," }
            Self.appendQuoted(key, to: &text)
            text += ":"
            Self.appendQuoted(value[key]!, to: &text)
        }
        text += "}"
    }

    public mutating func value(_ name: String, _ value: JSONValue?) throws {
        guard let value else { return }
        key(name)
        try Self.append(value, to: &text)
    }

    /// A member whose value is already JSON.
    public mutating func raw(_ name: String, _ json: String) {
        key(name)
        text += json
    }

    /// Ends the object; returns its text.
    public mutating func close() -> String {
        text += "}"
        return text
    }

    /// `value` as JSON, objects' keys sorted.
    public static func append(_ value: JSONValue, to out: inout String) throws {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += try number(d)
        case .string(let s): appendQuoted(s, to: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                try append(item, to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, key) in sortedKeys(members.keys).enumerated() {
                if index > 0 { out += "," }
                appendQuoted(key, to: &out)
                out += ":"
                try append(members[key]!, to: &out)
            }
            out += "}"
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
    public static func appendQuoted(_ value: String, to out: inout String) {
        out += "\""
        var plain = true
        for byte in value.utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            plain = false
            break
        }
        if plain {
            out += value
        } else {
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "\u{08}": out += "\\b"
                case "\u{0C}": out += "\\f"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
