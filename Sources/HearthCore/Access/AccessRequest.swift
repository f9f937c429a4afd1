/// What a caller wants to do: a verb on a resource type, in a namespace (nil for cluster-scoped
/// types), optionally on one named resource.
///
/// Requests about the namespace objects themselves use the cluster-scoped type `namespaces` with
/// the namespace's name: `AccessRequest(verb: "delete", resource: "namespaces", name: "team-a")`.
public struct AccessRequest: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The verb, e.g. `get` or `update-status` (see ``Verbs``).
    public let verb: String
    /// The resource type name, e.g. `widgets`.
    public let resource: String
    /// The namespace for namespaced types; nil for cluster-scoped ones.
    public let namespace: String?
    /// The resource's name; nil for list, watch and collection-wide requests.
    public let name: String?

    /// A request; an empty `namespace` or `name` counts as absent.
    public init(verb: String, resource: String, namespace: String? = nil, name: String? = nil) {
        self.verb = verb
        self.resource = resource
        self.namespace = namespace?.isEmpty == true ? nil : namespace
        self.name = name?.isEmpty == true ? nil : name
    }

    /// The namespace whose bindings apply to this request: its namespace, or for a request on a
    /// namespace object (other than creating it), that namespace's name.
    var scopeNamespace: String? {
        if resource == BuiltinTypes.namespaceTypeName {
            return verb == Verbs.create ? nil : name
        }
        return namespace
    }

    public var description: String {
        var text = "\(verb) \(resource)"
        if let name { text += " '\(name)'" }
        if let namespace { text += " in namespace '\(namespace)'" }
        return text
    }
}
