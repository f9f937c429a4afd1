/// Reads DNS wire format from a byte array, checking every index against the end before using it
/// (no input can make it trap) and refusing compression pointers that do not point strictly
/// backward (which rules out loops).
struct DNSWireReader {
    let bytes: [UInt8]
    var position: Int = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The most compression pointers one name may follow. A name has at most 127 labels, so an
    /// honest message never needs more.
    static let maxPointerHops = 127

    var remaining: Int { bytes.count - position }

    mutating func u8() throws(DNSError) -> UInt8 {
        guard position < bytes.count else { throw Self.truncated(position) }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func u16() throws(DNSError) -> UInt16 {
        guard bytes.count - position >= 2 else { throw Self.truncated(position) }
        defer { position += 2 }
        return UInt16(bytes[position]) << 8 | UInt16(bytes[position + 1])
    }

    mutating func u32() throws(DNSError) -> UInt32 {
        guard bytes.count - position >= 4 else { throw Self.truncated(position) }
        defer { position += 4 }
        return UInt32(bytes[position]) << 24 | UInt32(bytes[position + 1]) << 16 | UInt32(bytes[position + 2]) << 8
            | UInt32(bytes[position + 3])
    }

    mutating func take(_ count: Int) throws(DNSError) -> [UInt8] {
        guard count >= 0, bytes.count - position >= count else { throw Self.truncated(position) }
        defer { position += count }
        return Array(bytes[position..<(position + count)])
    }

    static func truncated(_ offset: Int) -> DNSError {
        DNSError(.truncated, "the message ends early (at byte \(offset))")
    }

    /// Reads a possibly compressed name starting at ``position``, whose inline part must end by
    /// `end`. A pointer must point strictly before the start of the label run it ends, so every
    /// hop goes further back and the walk ends.
    mutating func name(end: Int) throws(DNSError) -> DNSName {
        var wire: [UInt8] = []
        wire.reserveCapacity(32)
        var index = position
        var runStart = position
        var limit = end
        var jumped = false
        var hops = 0
        while true {
            guard index < limit else { throw Self.truncated(index) }
            let byte = bytes[index]
            switch byte & 0xC0 {
            case 0x00:
                let length = Int(byte)
                if length == 0 {
                    wire.append(0)
                    if !jumped { position = index + 1 }
                    return DNSName(uncheckedWire: wire)
                }
                guard limit - index > length else { throw Self.truncated(index) }
                guard wire.count + length + 2 <= DNSName.maxWireLength else {
                    throw DNSError(.nameTooLong, "a name at byte \(position) is longer than 255 bytes")
                }
                wire.append(byte)
                for offset in (index + 1)...(index + length) {
                    let char = bytes[offset]
                    wire.append(char &- 0x41 < 26 ? char | 0x20 : char)
                }
                index += length + 1
            case 0xC0:
                guard limit - index >= 2 else { throw Self.truncated(index) }
                let target = Int(byte & 0x3F) << 8 | Int(bytes[index + 1])
                if !jumped {
                    position = index + 2
                    jumped = true
                    limit = bytes.count
                }
                guard target <= index else {
                    throw DNSError(.badPointer, "a compression pointer at byte \(index) points forward, to byte \(target)")
                }
                guard target < runStart else {
                    throw DNSError(.pointerLoop, "a compression pointer at byte \(index) points into its own name (byte \(target))")
                }
                hops += 1
                guard hops <= Self.maxPointerHops else {
                    throw DNSError(.pointerLoop, "a name at byte \(position) follows more than \(Self.maxPointerHops) pointers")
                }
                runStart = target
                index = target
            default:
                throw DNSError(.badLabel, "a label at byte \(index) uses the reserved label type 0x\(String(byte & 0xC0, radix: 16))")
            }
        }
    }

    /// Reads a question.
    mutating func question() throws(DNSError) -> DNSQuestion {
        let name = try name(end: bytes.count)
        let type = try u16()
        let klass = try u16()
        return DNSQuestion(name: name, type: DNSType(rawValue: type), class: DNSClass(rawValue: klass))
    }

    /// Parses record data of `type` from `rdata` alone (no compression pointers can resolve).
    static func recordData(type: DNSType, rdata: [UInt8]) throws(DNSError) -> DNSRecordData {
        var reader = DNSWireReader(rdata)
        return try reader.recordData(type: type, class: .in, end: rdata.count)
    }

    /// Parses the record data of `type` that runs from ``position`` to `end`, which it must fill
    /// exactly.
    mutating func recordData(type: DNSType, class klass: DNSClass, end: Int) throws(DNSError) -> DNSRecordData {
        let start = position
        let length = end - start
        // Dynamic update (RFC 2136) deletes with empty data in class ANY or NONE.
        if length == 0, klass == .any || klass == .none {
            return .unknown(type: type, rdata: [])
        }
        let data: DNSRecordData
        switch type {
        case .a:
            guard length == 4 else { throw Self.badLength(type, length, start) }
            data = .a(try take(4))
        case .aaaa:
            guard length == 16 else { throw Self.badLength(type, length, start) }
            data = .aaaa(try take(16))
        case .ns:
            data = .ns(try name(end: end))
        case .cname:
            data = .cname(try name(end: end))
        case .ptr:
            data = .ptr(try name(end: end))
        case .soa:
            let mname = try name(end: end)
            let rname = try name(end: end)
            guard end - position == 20 else { throw Self.badLength(type, length, start) }
            data = .soa(
                DNSSOA(
                    mname: mname, rname: rname, serial: try u32(), refresh: try u32(), retry: try u32(), expire: try u32(),
                    minimum: try u32()))
        case .mx:
            guard length >= 3 else { throw Self.badLength(type, length, start) }
            let preference = try u16()
            data = .mx(preference: preference, exchange: try name(end: end))
        case .txt:
            var strings: [[UInt8]] = []
            while position < end {
                let count = Int(bytes[position])
                guard end - position - 1 >= count else { throw Self.badLength(type, length, start) }
                position += 1
                strings.append(try take(count))
            }
            data = .txt(strings)
        case .srv:
            guard length >= 7 else { throw Self.badLength(type, length, start) }
            let priority = try u16()
            let weight = try u16()
            let port = try u16()
            data = .srv(priority: priority, weight: weight, port: port, target: try name(end: end))
        case .caa:
            guard length >= 2 else { throw Self.badLength(type, length, start) }
            let flags = try u8()
            let tagLength = Int(try u8())
            guard (1...15).contains(tagLength), end - position >= tagLength else {
                throw DNSError(.badRecordData, "CAA data at byte \(start) has a tag length of \(tagLength)")
            }
            let tag = try take(tagLength)
            guard tag.allSatisfy(DNSRecordData.isAlphanumeric) else {
                throw DNSError(.badRecordData, "CAA data at byte \(start) has a tag that is not letters and digits")
            }
            data = .caa(flags: flags, tag: String(decoding: tag, as: UTF8.self), value: try take(end - position))
        default:
            data = .unknown(type: type, rdata: try take(length))
        }
        guard position == end else { throw Self.badLength(type, length, start) }
        return data
    }

    static func badLength(_ type: DNSType, _ length: Int, _ offset: Int) -> DNSError {
        DNSError(.badRecordData, "\(type) data at byte \(offset) does not fit its length of \(length) bytes")
    }
}
