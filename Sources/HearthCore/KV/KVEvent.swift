/// One entry of the key-value change log.
public struct KVEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case put = "PUT"
        case delete = "DELETE"
        /// Deleted because its TTL ran out.
        case expire = "EXPIRE"
    }

    /// The KV revision of the change.
    public var revision: Int64
    public var kind: Kind
    public var namespace: String
    public var key: String
    /// The key's version after a put; the version it had for a deletion.
    public var version: Int64
    /// The value written (puts only).
    public var value: [UInt8]?
    public var expiresAtMillis: Int64?

    public init(revision: Int64, kind: Kind, namespace: String, key: String, version: Int64, value: [UInt8]? = nil, expiresAtMillis: Int64? = nil) {
        self.revision = revision
        self.kind = kind
        self.namespace = namespace
        self.key = key
        self.version = version
        self.value = value
        self.expiresAtMillis = expiresAtMillis
    }

    /// True if the change is to `key`, or under `prefix` when `prefix` is true.
    public func concerns(namespace: String, key: String, prefix: Bool) -> Bool {
        self.namespace == namespace && (prefix ? KVKey.key(self.key, hasPrefix: key) : self.key == key)
    }
}
