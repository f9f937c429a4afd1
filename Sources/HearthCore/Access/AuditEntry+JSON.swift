extension AuditEntry {
    /// The entry in the API's JSON encoding (compact, keys sorted, absent fields left out), written
    /// by hand: an entry is encoded with every audited write, and `JSONEncoder` costs more than the
    /// rest of the row. A test keeps it equal to ``APIJSON/encodeString(_:)``.
    public var json: String {
        var out = "{"
        var first = true
        func key(_ name: String) {
            if !first { out += "," }
            first = false
            out += "\"" + name + "\":"
        }
        func string(_ name: String, _ value: String?) {
            guard let value else { return }
            key(name)
            Self.appendQuoted(value, to: &out)
        }
        func integer(_ name: String, _ value: Int64?) {
            guard let value else { return }
            key(name)
            out += String(value)
        }
        string("decision", decision)
        integer("id", id)
        string("name", name)
        string("namespace", namespace)
        string("principal", principal)
        string("reason", reason)
        string("requestID", requestID)
        string("resource", resource)
        string("source", source)
        integer("status", status.map(Int64.init))
        string("time", time)
        string("verb", verb)
        out += "}"
        return out
    }

    /// `value` as a JSON string, escaped as `JSONEncoder` escapes (slashes left as they are).
    static func appendQuoted(_ value: String, to out: inout String) {
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
