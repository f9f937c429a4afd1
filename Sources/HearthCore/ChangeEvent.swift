/// One entry of the change log: what happened to which resource at which revision.
public struct ChangeEvent: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable {
        case added = "ADDED"
        case modified = "MODIFIED"
        case deleted = "DELETED"
    }

    public var revision: Int64
    public var kind: Kind
    /// The resource after the change; for deletions, its last state.
    public var object: Resource

    public init(revision: Int64, kind: Kind, object: Resource) {
        self.revision = revision
        self.kind = kind
        self.object = object
    }

    public var key: ResourceKey { object.key }
}
