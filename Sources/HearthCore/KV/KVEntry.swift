/// A key and its value, as stored.
public struct KVEntry: Sendable, Hashable {
    public var namespace: String
    public var key: String
    public var value: [UInt8]
    /// 1 when created, +1 at every write; a deleted and recreated key starts again at 1.
    public var version: Int64
    /// The KV revision that created the key.
    public var createRevision: Int64
    /// The KV revision of its last write.
    public var modifyRevision: Int64
    /// When it expires (milliseconds since 1970), if it has a TTL.
    public var expiresAtMillis: Int64?

    public init(
        namespace: String, key: String, value: [UInt8], version: Int64, createRevision: Int64, modifyRevision: Int64,
        expiresAtMillis: Int64? = nil
    ) {
        self.namespace = namespace
        self.key = key
        self.value = value
        self.version = version
        self.createRevision = createRevision
        self.modifyRevision = modifyRevision
        self.expiresAtMillis = expiresAtMillis
    }

    /// True if the key has expired at `nowMillis` (it is gone, even before the sweeper removes it).
    public func isExpired(atMillis nowMillis: Int64) -> Bool {
        guard let expiresAtMillis else { return false }
        return expiresAtMillis <= nowMillis
    }
}
