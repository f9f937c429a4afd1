/// A field of a type's `spec` that names other resources. Hearth refuses a write that references
/// something missing and a delete of something still referenced (unless the delete cascades).
public struct ReferenceField: Sendable, Hashable, Codable {
    /// Object keys from `spec` down to the field; the field holds a name or an array of names.
    public var path: [String]
    /// The referenced type. A namespaced target is looked up in the referrer's namespace.
    public var targetType: String

    public init(path: [String], targetType: String) {
        self.path = path
        self.targetType = targetType
    }

    /// The names this field holds in `spec`.
    public func names(in spec: JSONValue) -> [String] {
        switch spec.value(at: path) {
        case .string(let name): [name]
        case .array(let values): values.compactMap(\.stringValue)
        default: []
        }
    }
}
