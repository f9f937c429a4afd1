/// One reason a request body was refused: the field (a dotted path such as `spec.ports[0].port`)
/// and what is wrong with it.
public struct FieldViolation: Sendable, Hashable, Codable, CustomStringConvertible {
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { field.isEmpty ? reason : "\(field): \(reason)" }
}
