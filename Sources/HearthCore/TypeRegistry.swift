/// Every resource type the server knows, by plural name.
public struct TypeRegistry: Sendable {
    private var types: [String: ResourceType] = [:]

    public init(_ types: [ResourceType] = []) {
        for type in types { register(type) }
    }

    /// Adds a type. Registering two types with one name is a programming error.
    public mutating func register(_ type: ResourceType) {
        precondition(types[type.name] == nil, "resource type '\(type.name)' registered twice")
        precondition(type.name != "status", "'status' is reserved for the status subresource")
        types[type.name] = type
    }

    public subscript(name: String) -> ResourceType? { types[name] }

    /// True when a type of that name is registered (without copying the type out).
    public func contains(_ name: String) -> Bool { types.index(forKey: name) != nil }

    public var all: [ResourceType] { types.values.sorted { $0.name < $1.name } }

    /// Looks a type up, or throws the 404 a user should see.
    public func require(_ name: String) throws(HearthError) -> ResourceType {
        guard let type = types[name] else {
            throw HearthError(.notFound, "unknown resource type '\(name)'; GET /v1/resource-types lists the types")
        }
        return type
    }

    /// The registry of a server with only the built-in types.
    public static var builtin: TypeRegistry { TypeRegistry(BuiltinTypes.all) }
}
