/// One operation of a key-value transaction. A transaction's operations apply together or not at
/// all: every condition (`cas`, ``check(key:version:)``) is tested before anything is written.
public enum KVOperation: Sendable, Hashable {
    /// Writes `value`. With `cas`, only if the key is at that version (0: only if absent).
    /// With `ttlMillis`, the key expires that long after the write.
    case put(key: String, value: [UInt8], cas: Int64? = nil, ttlMillis: Int64? = nil)
    /// Deletes the key (absent keys are not an error). With `cas`, only if it is at that version.
    case delete(key: String, cas: Int64? = nil)
    /// Deletes every key under the prefix.
    case deletePrefix(prefix: String)
    /// Fails the transaction unless the key is at `version` (0: absent).
    case check(key: String, version: Int64)
    /// Reads the key as of the transaction.
    case get(key: String)

    /// The key or prefix the operation touches.
    public var key: String {
        switch self {
        case .put(let key, _, _, _), .delete(let key, _), .check(let key, _), .get(let key): key
        case .deletePrefix(let prefix): prefix
        }
    }

    /// True for operations that write.
    public var writes: Bool {
        switch self {
        case .put, .delete, .deletePrefix: true
        case .check, .get: false
        }
    }
}

/// What one operation of a committed transaction did.
public enum KVOperationResult: Sendable, Hashable {
    /// The key's new entry (value included).
    case put(KVEntry)
    /// How many keys were deleted.
    case deleted(Int)
    case checked
    /// The entry, nil if absent.
    case got(KVEntry?)
}

/// A committed key-value transaction.
public struct KVTransactionOutcome: Sendable {
    /// The KV revision after the transaction (unchanged if it wrote nothing).
    public let revision: Int64
    public let results: [KVOperationResult]

    public init(revision: Int64, results: [KVOperationResult]) {
        self.revision = revision
        self.results = results
    }
}
