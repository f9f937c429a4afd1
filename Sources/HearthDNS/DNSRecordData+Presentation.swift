import HearthCore

extension DNSRecordData {
    /// Parses record data in zone-file syntax (RFC 1035 §5) for `type`:
    ///
    /// - A `192.0.2.1`; AAAA `2001:db8::1`
    /// - NS, CNAME, PTR `host`: relative to `origin` unless it ends with `.`; `@` is the origin
    /// - MX `10 mail`; SRV `10 5 8080 target`
    /// - TXT one or more quoted strings (`"v=spf1 -all"`); text without any quotes is one string.
    ///   Strings longer than 255 bytes are split into several character-strings.
    /// - CAA `0 issue "letsencrypt.org"`
    /// - SOA `ns1 hostmaster 2024010101 7200 3600 1209600 300` (times may use s/m/h/d/w units)
    /// - any type in the generic form `\# 4 c0000201` (RFC 3597)
    public static func parse(presentation text: String, type: DNSType, origin: DNSName) throws(DNSError) -> DNSRecordData {
        if type == .txt, !text.utf8.contains(UInt8(ascii: "\"")) {
            return try parseBareTXT(text)
        }
        let tokens = try PresentationToken.tokenize(text, type: type)
        if let first = tokens.first, !first.quoted, first.raw == "\\#" {
            return try parseGeneric(tokens, type: type)
        }
        switch type {
        case .a:
            guard tokens.count == 1, let bytes = IPAddressBytes.parse(tokens[0].text), bytes.count == 4 else {
                throw DNSError(.badPresentation, "A needs one IPv4 address such as '192.0.2.1', got '\(text)'")
            }
            return .a(bytes)
        case .aaaa:
            guard tokens.count == 1, let bytes = IPAddressBytes.parse(tokens[0].text), bytes.count == 16 else {
                throw DNSError(.badPresentation, "AAAA needs one IPv6 address such as '2001:db8::1', got '\(text)'")
            }
            return .aaaa(bytes)
        case .ns, .cname, .ptr:
            guard tokens.count == 1 else {
                throw DNSError(.badPresentation, "\(type) needs exactly one host name, as in 'host.example.org.', got '\(text)'")
            }
            let name = try hostName(tokens[0], origin: origin, what: "\(type) host")
            switch type {
            case .ns: return .ns(name)
            case .cname: return .cname(name)
            default: return .ptr(name)
            }
        case .mx:
            guard tokens.count == 2 else {
                throw DNSError(.badPresentation, "MX needs a preference and a host, as in '10 mail.example.org.', got '\(text)'")
            }
            let preference = try number(tokens[0], as: UInt16.self, what: "MX preference")
            return .mx(preference: preference, exchange: try hostName(tokens[1], origin: origin, what: "MX host"))
        case .txt:
            guard !tokens.isEmpty else {
                throw DNSError(.badPresentation, "TXT needs at least one string, as in '\"v=spf1 -all\"'")
            }
            var strings: [[UInt8]] = []
            for token in tokens { appendSplit(token.bytes, to: &strings) }
            return .txt(strings)
        case .srv:
            guard tokens.count == 4 else {
                throw DNSError(
                    .badPresentation,
                    "SRV needs a priority, a weight, a port and a target, as in '10 5 8080 host.example.org.', got '\(text)'")
            }
            return .srv(
                priority: try number(tokens[0], as: UInt16.self, what: "SRV priority"),
                weight: try number(tokens[1], as: UInt16.self, what: "SRV weight"),
                port: try number(tokens[2], as: UInt16.self, what: "SRV port"),
                target: try hostName(tokens[3], origin: origin, what: "SRV target"))
        case .caa:
            guard tokens.count == 3 else {
                throw DNSError(.badPresentation, "CAA needs flags, a tag and a value, as in '0 issue \"letsencrypt.org\"', got '\(text)'")
            }
            let flags = try number(tokens[0], as: UInt8.self, what: "CAA flags")
            let tag = tokens[1].bytes
            guard (1...15).contains(tag.count), tag.allSatisfy(isAlphanumeric) else {
                throw DNSError(
                    .badPresentation, "CAA tag must be 1 to 15 letters or digits (issue, issuewild, iodef), got '\(tokens[1].raw)'")
            }
            return .caa(flags: flags, tag: String(decoding: tag, as: UTF8.self), value: tokens[2].bytes)
        case .soa:
            guard tokens.count == 7 else {
                throw DNSError(
                    .badPresentation,
                    "SOA needs a primary server, a mailbox and five numbers (serial, refresh, retry, expire, minimum), "
                        + "as in 'ns1 hostmaster 1 7200 3600 1209600 300', got '\(text)'")
            }
            return .soa(
                DNSSOA(
                    mname: try hostName(tokens[0], origin: origin, what: "SOA primary server"),
                    rname: try hostName(tokens[1], origin: origin, what: "SOA mailbox"),
                    serial: try number(tokens[2], as: UInt32.self, what: "SOA serial"),
                    refresh: try duration(tokens[3], what: "SOA refresh"),
                    retry: try duration(tokens[4], what: "SOA retry"),
                    expire: try duration(tokens[5], what: "SOA expire"),
                    minimum: try duration(tokens[6], what: "SOA minimum")))
        default:
            throw DNSError(.badPresentation, "\(type) data must be in the generic form '\\# LENGTH HEX' (RFC 3597), got '\(text)'")
        }
    }

    /// Resolves a host name token: `@` is the origin, a trailing dot makes it absolute, anything
    /// else is relative to the origin.
    static func hostName(_ token: PresentationToken, origin: DNSName, what: String) throws(DNSError) -> DNSName {
        let raw = token.raw
        if raw == "@" { return origin }
        do throws(DNSError) {
            if raw.hasSuffix(".") { return try DNSName(raw) }
            return try DNSName(raw).appending(origin)
        } catch {
            throw DNSError(error.code, "\(what) '\(raw)' is not a valid name: \(error.message)")
        }
    }

    static func number<Value: FixedWidthInteger>(_ token: PresentationToken, as: Value.Type, what: String) throws(DNSError) -> Value {
        guard !token.quoted, let value = Value(token.raw, radix: 10), !token.raw.hasPrefix("+"), !token.raw.hasPrefix("-") else {
            throw DNSError(.badPresentation, "\(what) must be a number from 0 to \(Value.max), got '\(token.raw)'")
        }
        return value
    }

    /// A number of seconds, optionally with units as BIND writes them: `3600`, `1h`, `1h30m`,
    /// `2d`, `1w`.
    static func duration(_ token: PresentationToken, what: String) throws(DNSError) -> UInt32 {
        let raw = token.raw
        var valid = !token.quoted && !raw.isEmpty
        var total: UInt64 = 0
        var current: UInt64 = 0
        var sawDigit = false
        for byte in raw.utf8 where valid {
            if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                current = current * 10 + UInt64(byte - 48)
                sawDigit = true
                valid = current <= UInt64(UInt32.max)
                continue
            }
            let unit: UInt64? =
                switch byte | 0x20 {
                case UInt8(ascii: "s"): 1
                case UInt8(ascii: "m"): 60
                case UInt8(ascii: "h"): 3600
                case UInt8(ascii: "d"): 86400
                case UInt8(ascii: "w"): 604_800
                default: nil
                }
            guard sawDigit, let unit else {
                valid = false
                break
            }
            total += current * unit
            current = 0
            sawDigit = false
            valid = total <= UInt64(UInt32.max)
        }
        // Digits at the end are plain seconds only when there was no unit at all.
        if sawDigit { total += current }
        guard valid, total <= UInt64(UInt32.max) else {
            throw DNSError(.badPresentation, "\(what) must be a number of seconds (or like 1h, 2d, 1w), got '\(raw)'")
        }
        return UInt32(total)
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// Appends `bytes` as character-strings of at most 255 bytes (one empty string if empty).
    static func appendSplit(_ bytes: [UInt8], to strings: inout [[UInt8]]) {
        if bytes.count <= 255 {
            strings.append(bytes)
            return
        }
        var start = 0
        while start < bytes.count {
            let end = min(start + 255, bytes.count)
            strings.append(Array(bytes[start..<end]))
            start = end
        }
    }

    /// TXT data without quotes: the whole text, trimmed, is one string (escapes resolved).
    static func parseBareTXT(_ text: String) throws(DNSError) -> DNSRecordData {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        let source = Array(text.utf8)
        guard let first = source.firstIndex(where: { !isSpace($0) }), let last = source.lastIndex(where: { !isSpace($0) }) else {
            throw DNSError(.badPresentation, "TXT needs at least one string, as in '\"v=spf1 -all\"'")
        }
        var bytes: [UInt8] = []
        let trimmed = Array(source[first...last])
        var index = 0
        while index < trimmed.count {
            if trimmed[index] == UInt8(ascii: "\\") {
                bytes.append(try PresentationToken.unescape(trimmed, &index, type: .txt))
            } else {
                bytes.append(trimmed[index])
                index += 1
            }
        }
        var strings: [[UInt8]] = []
        appendSplit(bytes, to: &strings)
        return .txt(strings)
    }

    /// `\# LENGTH HEX...` (RFC 3597 §5); for known types the bytes must be valid data of that type.
    static func parseGeneric(_ tokens: [PresentationToken], type: DNSType) throws(DNSError) -> DNSRecordData {
        guard tokens.count >= 2, let length = Int(tokens[1].raw, radix: 10), length >= 0, length <= 65535 else {
            throw DNSError(.badPresentation, "generic \(type) data needs a length and hex bytes, as in '\\# 4 c0000201'")
        }
        var hex: [UInt8] = []
        for token in tokens.dropFirst(2) { hex.append(contentsOf: token.bytes) }
        guard hex.count % 2 == 0 else {
            throw DNSError(.badPresentation, "generic \(type) data has an odd number of hex digits")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.count / 2)
        var index = 0
        while index < hex.count {
            guard let high = hexValue(hex[index]), let low = hexValue(hex[index + 1]) else {
                throw DNSError(.badPresentation, "generic \(type) data has a character that is not a hex digit")
            }
            bytes.append(high << 4 | low)
            index += 2
        }
        guard bytes.count == length else {
            throw DNSError(.badPresentation, "generic \(type) data says \(length) bytes but has \(bytes.count)")
        }
        if type == .opt || type.isMetaType {
            throw DNSError(.badPresentation, "\(type) is not a record type that can hold data")
        }
        do throws(DNSError) {
            return try DNSWireReader.recordData(type: type, rdata: bytes)
        } catch {
            throw DNSError(.badPresentation, "generic \(type) data is not valid \(type) data: \(error.message)")
        }
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - 48
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - 87
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - 55
        default: nil
        }
    }
}
