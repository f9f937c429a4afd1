extension DNSMessage {
    /// Writes the message in wire format, compressing names, with the OPT record last in the
    /// additional section when ``edns`` is set.
    ///
    /// If it does not fit in `maxSize` bytes (at most 65535), the header, the questions and the
    /// OPT record are kept, then as many whole record sets of the answer section, and after it
    /// the authority section, as fit; if any of those had to be left out, TC is set and nothing
    /// follows. Additional records that do not fit are left out without setting TC (RFC 2181 §9).
    /// A record set here is a run of consecutive records with the same name, type and class.
    public func serialize(maxSize: Int = 65535) -> [UInt8] {
        let limit = min(maxSize, 65535)
        var writer = DNSWireWriter(capacity: min(limit, 512))
        writer.bytes.append(contentsOf: repeatElement(0, count: 12))
        for question in questions {
            writer.name(question.name, compress: true)
            writer.u16(question.type.rawValue)
            writer.u16(question.class.rawValue)
        }
        let budget = limit - (edns?.wireSize ?? 0)
        var truncated = self.truncated
        var answerCount = 0
        var authorityCount = 0
        var additionalCount = 0
        var complete: Bool
        (answerCount, complete) = Self.write(answers, into: &writer, budget: budget)
        if complete {
            (authorityCount, complete) = Self.write(authorities, into: &writer, budget: budget)
            if complete {
                (additionalCount, _) = Self.write(additionals, into: &writer, budget: budget)
            } else {
                truncated = true
            }
        } else {
            truncated = true
        }
        if let edns {
            writeOPT(edns, into: &writer)
            additionalCount += 1
        }

        var flags = UInt16(opcode & 0x0F) << 11 | (rcode.rawValue & 0x0F)
        if isResponse { flags |= 0x8000 }
        if authoritative { flags |= 0x0400 }
        if truncated { flags |= 0x0200 }
        if recursionDesired { flags |= 0x0100 }
        if recursionAvailable { flags |= 0x0080 }
        if authenticData { flags |= 0x0020 }
        if checkingDisabled { flags |= 0x0010 }
        let header: [UInt16] = [
            id, flags, UInt16(truncatingIfNeeded: questions.count), UInt16(answerCount), UInt16(authorityCount),
            UInt16(additionalCount),
        ]
        for (index, value) in header.enumerated() {
            writer.bytes[index * 2] = UInt8(value >> 8)
            writer.bytes[index * 2 + 1] = UInt8(truncatingIfNeeded: value)
        }
        return writer.bytes
    }

    /// Writes whole record sets while they fit in `budget` bytes (and 65534 records, leaving room
    /// for the OPT record). Returns how many records were written and whether all of them were.
    private static func write(_ records: [DNSRecord], into writer: inout DNSWireWriter, budget: Int) -> (Int, Bool) {
        var count = 0
        var setStart = writer.mark
        var setCount = 0
        for index in records.indices {
            let record = records[index]
            if index > 0 {
                let previous = records[index - 1]
                if previous.name != record.name || previous.type != record.type || previous.class != record.class {
                    setStart = writer.mark
                    setCount = count
                }
            }
            guard writer.record(record) else { continue }
            count += 1
            if writer.bytes.count > budget || count > 65534 {
                writer.rollBack(to: setStart)
                return (setCount, false)
            }
        }
        return (count, true)
    }

    private func writeOPT(_ edns: EDNS, into writer: inout DNSWireWriter) {
        writer.bytes.append(0)
        writer.u16(DNSType.opt.rawValue)
        writer.u16(edns.udpPayloadSize)
        var ttl = UInt32(rcode.rawValue >> 4) << 24 | UInt32(edns.version) << 16
        if edns.dnssecOK { ttl |= 0x8000 }
        writer.u32(ttl)
        let lengthAt = writer.bytes.count
        writer.u16(0)
        for option in edns.options where writer.bytes.count - lengthAt - 2 + 4 + option.data.count <= 0xFFFF {
            writer.u16(option.code)
            writer.u16(UInt16(option.data.count))
            writer.bytes.append(contentsOf: option.data)
        }
        let length = writer.bytes.count - lengthAt - 2
        writer.bytes[lengthAt] = UInt8(length >> 8)
        writer.bytes[lengthAt + 1] = UInt8(truncatingIfNeeded: length)
    }
}
