/// One token of presentation-format record data: a bare word or a quoted string, with escapes
/// (`\X`, `\DDD`) resolved in ``bytes`` and the source text kept in ``raw``.
struct PresentationToken {
    var bytes: [UInt8]
    var raw: String
    var quoted: Bool

    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Splits record data into tokens (RFC 1035 §5.1): whitespace separates, double quotes group,
    /// `(` and `)` are ignored (they only continue lines in zone files) and `;` starts a comment.
    static func tokenize(_ text: String, type: DNSType) throws(DNSError) -> [PresentationToken] {
        let source = Array(text.utf8)
        var tokens: [PresentationToken] = []
        var index = 0
        while index < source.count {
            let byte = source[index]
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"), UInt8(ascii: "("),
                UInt8(ascii: ")"):
                index += 1
            case UInt8(ascii: ";"):
                while index < source.count, source[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "\""):
                let start = index
                index += 1
                var bytes: [UInt8] = []
                var closed = false
                while index < source.count {
                    let current = source[index]
                    if current == UInt8(ascii: "\"") {
                        closed = true
                        index += 1
                        break
                    }
                    if current == UInt8(ascii: "\\") {
                        bytes.append(try unescape(source, &index, type: type))
                    } else {
                        bytes.append(current)
                        index += 1
                    }
                }
                guard closed else {
                    throw DNSError(.badPresentation, "\(type) data has an unterminated quoted string: \(text)")
                }
                tokens.append(PresentationToken(bytes: bytes, raw: String(decoding: source[start..<index], as: UTF8.self), quoted: true))
            default:
                let start = index
                var bytes: [UInt8] = []
                while index < source.count {
                    let current = source[index]
                    if current == UInt8(ascii: " ") || current == UInt8(ascii: "\t") || current == UInt8(ascii: "\r")
                        || current == UInt8(ascii: "\n") || current == UInt8(ascii: "\"") || current == UInt8(ascii: "(")
                        || current == UInt8(ascii: ")") || current == UInt8(ascii: ";")
                    {
                        break
                    }
                    if current == UInt8(ascii: "\\") {
                        bytes.append(try unescape(source, &index, type: type))
                    } else {
                        bytes.append(current)
                        index += 1
                    }
                }
                tokens.append(PresentationToken(bytes: bytes, raw: String(decoding: source[start..<index], as: UTF8.self), quoted: false))
            }
        }
        return tokens
    }

    /// Resolves the escape at `index` (which holds the backslash): `\DDD` is a byte in decimal,
    /// `\X` is X itself.
    static func unescape(_ source: [UInt8], _ index: inout Int, type: DNSType) throws(DNSError) -> UInt8 {
        index += 1
        guard index < source.count else {
            throw DNSError(.badPresentation, "\(type) data ends with a lone backslash")
        }
        let first = source[index]
        guard first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else {
            index += 1
            return first
        }
        guard index + 2 < source.count,
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(source[index + 1]),
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(source[index + 2])
        else {
            throw DNSError(
                .badPresentation, "\(type) data has a bad escape: a backslash and a digit must be followed by two more digits (\\DDD)")
        }
        let value = Int(first - 48) * 100 + Int(source[index + 1] - 48) * 10 + Int(source[index + 2] - 48)
        guard value <= 255 else {
            throw DNSError(.badPresentation, "\(type) data has a bad escape: \\\(value) is above \\255")
        }
        index += 3
        return UInt8(value)
    }
}
