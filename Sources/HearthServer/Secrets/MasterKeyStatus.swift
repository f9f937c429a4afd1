import HearthCore
import HearthSecurity

/// The answer of `GET /v1/admin/master-key`: ids and dates, never key material.
struct MasterKeyStatus: Encodable, Sendable {
    struct Key: Encodable, Sendable {
        var id: String
        var createdAt: String
        var current: Bool
        /// Stored secret values sealed under it.
        var secrets: Int
    }

    var current: String
    /// `data-directory`, `key-file`, `environment` or `memory`.
    var source: String
    /// True when the operator supplied the ring: it is rotated by supplying a new one.
    var supplied: Bool
    var keys: [Key]
    /// Stored values sealed under keys this replica does not hold (another replica's own key),
    /// by key id: this replica cannot open them.
    var foreignKeys: [String: Int]
    var rewrap: RewrapProgress

    init(ring: MasterKeyRing, usage: [String: Int], progress: RewrapProgress) {
        current = ring.current.id
        switch ring.source {
        case .dataDirectory: source = "data-directory"
        case .keyFile: source = "key-file"
        case .environment: source = "environment"
        case .memory: source = "memory"
        }
        supplied = ring.source.isSupplied
        keys = ring.keys.map {
            Key(id: $0.id, createdAt: Timestamp.string(from: $0.createdAt), current: $0.id == ring.current.id, secrets: usage[$0.id] ?? 0)
        }
        foreignKeys = usage.filter { ring.key(id: $0.key) == nil }
        rewrap = progress
    }
}
