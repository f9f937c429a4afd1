/// Where a resource lives: its type, its namespace (empty for cluster-scoped types) and its name.
public struct ResourceKey: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var type: String
    public var namespace: String
    public var name: String

    public init(type: String, namespace: String = "", name: String) {
        self.type = type
        self.namespace = namespace
        self.name = name
    }

    public var description: String {
        namespace.isEmpty ? "\(type)/\(name)" : "\(type)/\(namespace)/\(name)"
    }

    public static func < (lhs: ResourceKey, rhs: ResourceKey) -> Bool {
        (lhs.type, lhs.namespace, lhs.name) < (rhs.type, rhs.namespace, rhs.name)
    }

    /// The key of the namespace a namespaced resource lives in.
    public var namespaceKey: ResourceKey? {
        namespace.isEmpty ? nil : ResourceKey(type: BuiltinTypes.namespaceTypeName, name: namespace)
    }
}
