/// The typed data of a resource record. Types without a case here travel as ``unknown(type:rdata:)``
/// with their raw bytes (RFC 3597).
public enum DNSRecordData: Hashable, Sendable {
    /// An IPv4 address: 4 bytes in network order.
    case a([UInt8])
    /// An IPv6 address: 16 bytes in network order.
    case aaaa([UInt8])
    case ns(DNSName)
    case cname(DNSName)
    case ptr(DNSName)
    case soa(DNSSOA)
    case mx(preference: UInt16, exchange: DNSName)
    /// One or more character-strings of at most 255 bytes each (longer ones are split when
    /// written).
    case txt([[UInt8]])
    /// A service location (RFC 2782); a target of `.` means the service is not available.
    case srv(priority: UInt16, weight: UInt16, port: UInt16, target: DNSName)
    /// A certification authority authorization (RFC 8659): flags (128 = critical), a tag of 1 to
    /// 15 letters and digits (`issue`, `issuewild`, `iodef`) and the value's bytes.
    case caa(flags: UInt8, tag: String, value: [UInt8])
    /// Any other type, with the raw record data.
    case unknown(type: DNSType, rdata: [UInt8])

    /// The record type this data belongs to.
    public var type: DNSType {
        switch self {
        case .a: .a
        case .aaaa: .aaaa
        case .ns: .ns
        case .cname: .cname
        case .ptr: .ptr
        case .soa: .soa
        case .mx: .mx
        case .txt: .txt
        case .srv: .srv
        case .caa: .caa
        case .unknown(let type, _): type
        }
    }

    /// The data in presentation (zone file) format, names absolute with a trailing dot:
    /// `192.0.2.1`, `10 mail.example.org.`, `"v=spf1 -all"`, `0 issue "letsencrypt.org"`, and
    /// `\# 3 abcdef` (RFC 3597) for unknown types. ``parse(presentation:type:origin:)`` reads it
    /// back.
    public var presentation: String {
        switch self {
        case .a(let bytes):
            guard bytes.count == 4 else { return Self.generic(bytes) }
            return bytes.map { String($0) }.joined(separator: ".")
        case .aaaa(let bytes):
            guard bytes.count == 16 else { return Self.generic(bytes) }
            return Self.ipv6Text(bytes)
        case .ns(let name), .cname(let name), .ptr(let name):
            return name.description
        case .soa(let soa):
            return "\(soa.mname) \(soa.rname) \(soa.serial) \(soa.refresh) \(soa.retry) \(soa.expire) \(soa.minimum)"
        case .mx(let preference, let exchange):
            return "\(preference) \(exchange)"
        case .txt(let strings):
            return strings.map { Self.quoted($0) }.joined(separator: " ")
        case .srv(let priority, let weight, let port, let target):
            return "\(priority) \(weight) \(port) \(target)"
        case .caa(let flags, let tag, let value):
            return "\(flags) \(tag) \(Self.quoted(value))"
        case .unknown(_, let rdata):
            return Self.generic(rdata)
        }
    }

    /// `\# length hex` (RFC 3597 §5).
    static func generic(_ bytes: [UInt8]) -> String {
        if bytes.isEmpty { return "\\# 0" }
        return "\\# \(bytes.count) " + hex(bytes)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A character-string in double quotes, with `"` and `\` escaped and bytes outside printable
    /// ASCII as `\DDD`.
    static func quoted(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        out.reserveCapacity(bytes.count + 2)
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            case 0x20...0x7E:
                out.append(byte)
            default:
                DNSName.appendDecimalEscape(byte, to: &out)
            }
        }
        out.append(UInt8(ascii: "\""))
        return String(decoding: out, as: UTF8.self)
    }

    /// An IPv6 address in RFC 5952 form: lowercase hex, leading zeros dropped, the longest run of
    /// two or more zero groups (the first of equal runs) written as `::`.
    static func ipv6Text(_ bytes: [UInt8]) -> String {
        var groups: [UInt16] = []
        groups.reserveCapacity(8)
        for index in stride(from: 0, to: 16, by: 2) {
            groups.append(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]))
        }
        var bestStart = -1
        var bestLength = 0
        var index = 0
        while index < 8 {
            if groups[index] == 0 {
                var end = index
                while end < 8, groups[end] == 0 { end += 1 }
                if end - index > bestLength {
                    bestStart = index
                    bestLength = end - index
                }
                index = end
            } else {
                index += 1
            }
        }
        if bestLength < 2 { bestStart = -1 }
        var text = ""
        index = 0
        while index < 8 {
            if index == bestStart {
                text += "::"
                index += bestLength
                continue
            }
            if !text.isEmpty, !text.hasSuffix(":") { text += ":" }
            text += String(groups[index], radix: 16)
            index += 1
        }
        return text
    }
}
