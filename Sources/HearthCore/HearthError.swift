/// The one error type of Hearth's API. It carries an opaque ``Code`` that decides the HTTP status,
/// a message meant for the person who made the request, and, for validation failures, the fields
/// at fault. Errors compare by code only.
public struct HearthError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. New codes may be added; match on the ones you handle.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public let status: Int

        init(_ name: String, _ status: Int) {
            self.name = name
            self.status = status
        }

        public var description: String { name }

        public static let badRequest = Code("bad-request", 400)
        public static let unauthorized = Code("unauthorized", 401)
        public static let forbidden = Code("forbidden", 403)
        public static let notFound = Code("not-found", 404)
        public static let methodNotAllowed = Code("method-not-allowed", 405)
        public static let notAcceptable = Code("not-acceptable", 406)
        public static let conflict = Code("conflict", 409)
        public static let alreadyExists = Code("already-exists", 409)
        public static let gone = Code("gone", 410)
        public static let payloadTooLarge = Code("payload-too-large", 413)
        public static let unsupportedMediaType = Code("unsupported-media-type", 415)
        public static let invalid = Code("invalid", 422)
        public static let tooManyRequests = Code("too-many-requests", 429)
        public static let internalError = Code("internal", 500)
        public static let unavailable = Code("unavailable", 503)
    }

    public let code: Code
    public let message: String
    public let violations: [FieldViolation]
    public let file: String
    public let line: Int

    public init(
        _ code: Code, _ message: String, violations: [FieldViolation] = [],
        file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.violations = violations
        self.file = file
        self.line = line
    }

    public var description: String {
        if violations.isEmpty { return "\(code): \(message)" }
        return "\(code): \(message) (" + violations.map(\.description).joined(separator: "; ") + ")"
    }

    public static func invalid(_ violations: [FieldViolation], file: String = #fileID, line: Int = #line) -> HearthError {
        let summary = violations.prefix(3).map(\.description).joined(separator: "; ")
        let more = violations.count > 3 ? " and \(violations.count - 3) more" : ""
        return HearthError(.invalid, "invalid resource: \(summary)\(more)", violations: violations, file: file, line: line)
    }
}

extension HearthError: Equatable {
    public static func == (lhs: HearthError, rhs: HearthError) -> Bool { lhs.code == rhs.code }
}
