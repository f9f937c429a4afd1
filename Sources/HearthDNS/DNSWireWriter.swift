/// Writes DNS wire format into one growing byte array, compressing names (RFC 1035 §4.1.4)
/// against a small linear table of the name suffixes already written.
struct DNSWireWriter {
    /// A name suffix written at `offset`, `length` bytes long uncompressed (the length is a cheap
    /// first filter before comparing bytes).
    struct Suffix {
        var offset: UInt16
        var length: UInt16
    }

    var bytes: [UInt8]
    var suffixes: [Suffix]

    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
        suffixes = []
        suffixes.reserveCapacity(16)
    }

    struct Mark {
        var byteCount: Int
        var suffixCount: Int
    }

    var mark: Mark { Mark(byteCount: bytes.count, suffixCount: suffixes.count) }

    mutating func rollBack(to mark: Mark) {
        bytes.removeSubrange(mark.byteCount...)
        suffixes.removeSubrange(mark.suffixCount...)
    }

    @inline(__always)
    mutating func u16(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    @inline(__always)
    mutating func u32(_ value: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    /// Writes `name`, ending it with a pointer to the longest suffix already written if
    /// `compress` is set. Either way the suffixes written out in full are remembered as targets
    /// for later names (a pointer may point anywhere earlier in the message).
    mutating func name(_ name: DNSName, compress: Bool) {
        let wire = name.wire
        let total = wire.count
        var literalEnd = total - 1
        var pointer = -1
        if compress, !suffixes.isEmpty {
            var start = 0
            search: while wire[start] != 0 {
                let length = total - start
                for suffix in suffixes where Int(suffix.length) == length {
                    if matches(Int(suffix.offset), wire, start) {
                        pointer = Int(suffix.offset)
                        literalEnd = start
                        break search
                    }
                }
                start += Int(wire[start]) + 1
            }
        }
        let base = bytes.count
        var index = 0
        while index < literalEnd, base + index < 0x4000 {
            suffixes.append(Suffix(offset: UInt16(base + index), length: UInt16(total - index)))
            index += Int(wire[index]) + 1
        }
        if pointer >= 0 {
            bytes.append(contentsOf: wire[0..<literalEnd])
            bytes.append(0xC0 | UInt8(pointer >> 8))
            bytes.append(UInt8(truncatingIfNeeded: pointer))
        } else {
            bytes.append(contentsOf: wire)
        }
    }

    /// True if the name written at `offset` (following pointers) is the suffix of `wire` that
    /// starts at `start`.
    private func matches(_ offset: Int, _ wire: [UInt8], _ start: Int) -> Bool {
        var written = offset
        var index = start
        while true {
            var length = bytes[written]
            while length >= 0xC0 {
                written = Int(length & 0x3F) << 8 | Int(bytes[written + 1])
                length = bytes[written]
            }
            guard length == wire[index] else { return false }
            if length == 0 { return true }
            var step = 1
            while step <= Int(length) {
                if bytes[written + step] != wire[index + step] { return false }
                step += 1
            }
            written += Int(length) + 1
            index += Int(length) + 1
        }
    }

    /// Writes a record. Returns false, having written nothing, if its data is over 65535 bytes.
    mutating func record(_ record: DNSRecord) -> Bool {
        let start = mark
        name(record.name, compress: true)
        u16(record.type.rawValue)
        u16(record.class.rawValue)
        u32(record.ttl)
        let lengthAt = bytes.count
        u16(0)
        recordData(record.data)
        let length = bytes.count - lengthAt - 2
        guard length <= 0xFFFF else {
            rollBack(to: start)
            return false
        }
        bytes[lengthAt] = UInt8(length >> 8)
        bytes[lengthAt + 1] = UInt8(truncatingIfNeeded: length)
        return true
    }

    /// Writes record data. Names in NS, CNAME, PTR, SOA and MX data are compressed (RFC 1035
    /// types, RFC 3597 §4); the SRV target is not (RFC 2782).
    mutating func recordData(_ data: DNSRecordData) {
        switch data {
        case .a(let address), .aaaa(let address):
            bytes.append(contentsOf: address)
        case .ns(let host), .cname(let host), .ptr(let host):
            name(host, compress: true)
        case .soa(let soa):
            name(soa.mname, compress: true)
            name(soa.rname, compress: true)
            u32(soa.serial)
            u32(soa.refresh)
            u32(soa.retry)
            u32(soa.expire)
            u32(soa.minimum)
        case .mx(let preference, let exchange):
            u16(preference)
            name(exchange, compress: true)
        case .txt(let strings):
            for string in strings { characterStrings(string) }
        case .srv(let priority, let weight, let port, let target):
            u16(priority)
            u16(weight)
            u16(port)
            name(target, compress: false)
        case .caa(let flags, let tag, let value):
            bytes.append(flags)
            let tagBytes = Array(tag.utf8.prefix(255))
            bytes.append(UInt8(tagBytes.count))
            bytes.append(contentsOf: tagBytes)
            bytes.append(contentsOf: value)
        case .unknown(_, let rdata):
            bytes.append(contentsOf: rdata)
        }
    }

    /// Writes one character-string, or several if it is longer than 255 bytes.
    private mutating func characterStrings(_ string: [UInt8]) {
        if string.count <= 255 {
            bytes.append(UInt8(string.count))
            bytes.append(contentsOf: string)
            return
        }
        var start = 0
        while start < string.count {
            let end = min(start + 255, string.count)
            bytes.append(UInt8(end - start))
            bytes.append(contentsOf: string[start..<end])
            start = end
        }
    }
}
