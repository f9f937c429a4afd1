/// A stored object of some type: the core every type shares, the `spec` its user writes and
/// the `status` its controller writes.
public struct Resource: Sendable, Hashable, Codable {
    /// The type's plural name, e.g. `namespaces`.
    public var type: String
    public var uid: String
    public var name: String
    /// The namespace, or nil for cluster-scoped types.
    public var namespace: String?
    public var labels: [String: String]
    public var annotations: [String: String]
    /// The principal that created the resource.
    public var owner: String?
    /// RFC 3339 timestamps.
    public var createdAt: String
    public var updatedAt: String
    /// Bumped on every change of spec, labels or annotations: the optimistic-concurrency token.
    public var version: Int64
    /// The store-wide revision of the last write of any part of this resource (status included).
    public var revision: Int64
    public var spec: JSONValue
    public var status: ResourceStatus

    public init(
        type: String, uid: String = "", name: String, namespace: String? = nil,
        labels: [String: String] = [:], annotations: [String: String] = [:], owner: String? = nil,
        createdAt: String = "", updatedAt: String = "", version: Int64 = 0, revision: Int64 = 0,
        spec: JSONValue = .object([:]), status: ResourceStatus = ResourceStatus()
    ) {
        self.type = type
        self.uid = uid
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
        self.owner = owner
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
        self.revision = revision
        self.spec = spec
        self.status = status
    }

    public var key: ResourceKey {
        ResourceKey(type: type, namespace: namespace ?? "", name: name)
    }
}
