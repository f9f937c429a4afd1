/// One page of a list: the items, the store revision it was read at, and where to continue.
public struct ListPage: Sendable, Hashable {
    public var items: [Resource]
    public var revision: Int64
    /// The last key of this page when more may follow.
    public var next: ResourceKey?

    public init(items: [Resource], revision: Int64, next: ResourceKey?) {
        self.items = items
        self.revision = revision
        self.next = next
    }
}
