/// Why DNS data was refused: a wire message that does not parse, a name or a piece of
/// presentation-format record data that is not valid, or a record that does not belong in a zone.
///
/// Errors compare by ``code`` only; ``message`` says exactly what is wrong, for people.
public struct DNSError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: String, Hashable, Sendable {
        /// The message ends before a header, a count, a name or a record says it should.
        case truncated
        /// A compression pointer points at or after the start of the name that contains it, or a
        /// name takes too many pointer hops.
        case pointerLoop
        /// A compression pointer points forward or past the end of the message.
        case badPointer
        /// A label is longer than 63 bytes.
        case labelTooLong
        /// A name is longer than 255 bytes in wire format.
        case nameTooLong
        /// A label is empty, uses a character outside letters, digits, `-` and `_`, or uses a
        /// reserved label type (0x40, 0x80) on the wire.
        case badLabel
        /// More than one OPT pseudo-record.
        case duplicateOPT
        /// An OPT pseudo-record outside the additional section.
        case optNotInAdditional
        /// An OPT pseudo-record whose owner is not the root.
        case badOPTOwner
        /// Record data whose length or content does not match its type.
        case badRecordData
        /// Presentation-format (zone file) text that does not parse.
        case badPresentation
        /// A record whose owner is not at or below the zone's origin.
        case outOfZone
        /// A CNAME next to other data at the same name, or a second CNAME.
        case cnameConflict
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    public static func == (lhs: DNSError, rhs: DNSError) -> Bool { lhs.code == rhs.code }
}
