extension DNSMessage {
    /// Parses a message in wire format. Refuses a message shorter than its header, counts that run
    /// past the end, names longer than allowed, compression pointers that do not point strictly
    /// back before the name that holds them (or take more than 127 hops), reserved label types,
    /// record data that does not match its type, and OPT records that are repeated, outside the
    /// additional section or not owned by the root. Bytes after the last record are ignored.
    /// Never traps, whatever the input.
    public static func parse(_ bytes: [UInt8]) throws(DNSError) -> DNSMessage {
        var reader = DNSWireReader(bytes)
        return try parse(&reader)
    }

    /// Parses a message from raw memory (copied first).
    public static func parse(_ buffer: UnsafeRawBufferPointer) throws(DNSError) -> DNSMessage {
        try parse(Array(buffer))
    }

    /// Parses a message from any collection of bytes (an `ArraySlice`, a NIO `ByteBufferView`).
    public static func parse<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws(DNSError) -> DNSMessage {
        try parse(Array(bytes))
    }

    private static func parse(_ reader: inout DNSWireReader) throws(DNSError) -> DNSMessage {
        guard reader.bytes.count >= 12 else {
            throw DNSError(.truncated, "a message needs a 12-byte header; this one has \(reader.bytes.count) bytes")
        }
        let id = try reader.u16()
        let flags = try reader.u16()
        let questionCount = Int(try reader.u16())
        let answerCount = Int(try reader.u16())
        let authorityCount = Int(try reader.u16())
        let additionalCount = Int(try reader.u16())

        var message = DNSMessage(
            id: id, isResponse: flags & 0x8000 != 0, opcode: UInt8((flags >> 11) & 0x0F), authoritative: flags & 0x0400 != 0,
            truncated: flags & 0x0200 != 0, recursionDesired: flags & 0x0100 != 0, recursionAvailable: flags & 0x0080 != 0,
            authenticData: flags & 0x0020 != 0, checkingDisabled: flags & 0x0010 != 0,
            rcode: DNSResponseCode(rawValue: flags & 0x000F))

        // A question takes at least 5 bytes and a record at least 11: never reserve more than the
        // bytes could hold.
        message.questions.reserveCapacity(min(questionCount, reader.remaining / 5))
        for _ in 0..<questionCount {
            message.questions.append(try reader.question())
        }
        var extendedRcode: UInt16 = 0
        message.answers.reserveCapacity(min(answerCount, reader.remaining / 11))
        for _ in 0..<answerCount {
            message.answers.append(try record(&reader, section: 1, message: &message, extendedRcode: &extendedRcode))
        }
        message.authorities.reserveCapacity(min(authorityCount, reader.remaining / 11))
        for _ in 0..<authorityCount {
            message.authorities.append(try record(&reader, section: 2, message: &message, extendedRcode: &extendedRcode))
        }
        message.additionals.reserveCapacity(min(additionalCount, reader.remaining / 11))
        for _ in 0..<additionalCount {
            // The OPT record is read into `message.edns` and not kept as a record.
            if let record = try optionalRecord(&reader, section: 3, message: &message, extendedRcode: &extendedRcode) {
                message.additionals.append(record)
            }
        }
        if message.edns != nil {
            message.rcode = DNSResponseCode(rawValue: extendedRcode << 4 | message.rcode.rawValue)
        }
        return message
    }

    private static func record(
        _ reader: inout DNSWireReader, section: Int, message: inout DNSMessage, extendedRcode: inout UInt16
    ) throws(DNSError) -> DNSRecord {
        let offset = reader.position
        guard let record = try optionalRecord(&reader, section: section, message: &message, extendedRcode: &extendedRcode) else {
            throw DNSError(.optNotInAdditional, "an OPT record at byte \(offset) is outside the additional section")
        }
        return record
    }

    /// Reads one record; returns nil for the OPT record, which it stores in `message.edns`.
    private static func optionalRecord(
        _ reader: inout DNSWireReader, section: Int, message: inout DNSMessage, extendedRcode: inout UInt16
    ) throws(DNSError) -> DNSRecord? {
        let offset = reader.position
        let name = try reader.name(end: reader.bytes.count)
        let type = DNSType(rawValue: try reader.u16())
        let klass = try reader.u16()
        let ttl = try reader.u32()
        let length = Int(try reader.u16())
        guard reader.remaining >= length else {
            throw DNSError(
                .truncated, "the record at byte \(offset) says it has \(length) bytes of data; only \(reader.remaining) are left")
        }
        let end = reader.position + length
        if type == .opt {
            guard section == 3 else { return nil }
            guard message.edns == nil else {
                throw DNSError(.duplicateOPT, "the message has a second OPT record at byte \(offset)")
            }
            guard name.isRoot else {
                throw DNSError(.badOPTOwner, "the OPT record at byte \(offset) is owned by \(name), not the root")
            }
            var options: [EDNSOption] = []
            while reader.position < end {
                guard end - reader.position >= 4 else {
                    throw DNSError(.badRecordData, "the OPT record at byte \(offset) has a cut-off option")
                }
                let code = try reader.u16()
                let optionLength = Int(try reader.u16())
                guard end - reader.position >= optionLength else {
                    throw DNSError(.badRecordData, "the OPT record at byte \(offset) has an option longer than its data")
                }
                options.append(EDNSOption(code: code, data: try reader.take(optionLength)))
            }
            extendedRcode = UInt16(ttl >> 24)
            message.edns = EDNS(
                udpPayloadSize: klass, version: UInt8(truncatingIfNeeded: ttl >> 16), dnssecOK: ttl & 0x8000 != 0,
                options: options)
            return nil
        }
        let data = try reader.recordData(type: type, class: DNSClass(rawValue: klass), end: end)
        return DNSRecord(name: name, class: DNSClass(rawValue: klass), ttl: ttl, data: data)
    }

    /// A FORMERR response to a query that did not parse: its id, opcode and RD flag, no sections.
    /// Nil if the bytes are too short for a header or are themselves a response (never answer
    /// those).
    public static func formatErrorResponse(to bytes: [UInt8]) -> [UInt8]? {
        guard bytes.count >= 12, bytes[2] & 0x80 == 0 else { return nil }
        // QR set, opcode and RD kept; AA, TC, RA, Z, AD, CD cleared; rcode FORMERR.
        return [bytes[0], bytes[1], 0x80 | (bytes[2] & 0x79), 0x01, 0, 0, 0, 0, 0, 0, 0, 0]
    }
}
