/// What a list asks for: a type, optionally a namespace, filters and a page.
public struct ListOptions: Sendable, Hashable {
    public var type: String
    /// nil lists every namespace (or a cluster-scoped type).
    public var namespace: String?
    public var selector: LabelSelector?
    public var namePrefix: String?
    public var limit: Int
    /// Resume after this key (from a continue token).
    public var after: ResourceKey?

    public static let defaultLimit = 500
    public static let maxLimit = 5000

    public init(
        type: String, namespace: String? = nil, selector: LabelSelector? = nil, namePrefix: String? = nil,
        limit: Int = ListOptions.defaultLimit, after: ResourceKey? = nil
    ) {
        self.type = type
        self.namespace = namespace
        self.selector = selector
        self.namePrefix = namePrefix
        self.limit = limit
        self.after = after
    }

    /// Whether a resource passes the filters (not the page bounds).
    public func matches(_ resource: Resource) -> Bool {
        if let namespace, resource.namespace ?? "" != namespace { return false }
        if let namePrefix, !resource.name.hasPrefix(namePrefix) { return false }
        if let selector, !selector.matches(resource.labels) { return false }
        return true
    }
}
