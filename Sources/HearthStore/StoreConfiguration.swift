/// How a ``Store`` is opened and kept.
public struct StoreConfiguration: Sendable {
    public enum Backend: Sendable, Equatable {
        /// Embedded SQLite in WAL mode, in a file.
        case sqlite(path: String)
        /// A PostgreSQL URL: `postgres://user:password@host:port/database?sslmode=...`.
        case postgres(url: String)
    }

    public var backend: Backend
    /// Changes older than this leave the change log at compaction; a watch from before them gets 410.
    public var changeRetention: Duration
    public var compactionInterval: Duration
    /// Events a watcher may have unread before the server ends its watch (it resumes by revision).
    public var watchBufferLimit: Int
    public var heartbeatInterval: Duration
    /// How long audit entries are kept (pruned with the change log's compaction).
    public var auditRetention: Duration

    public init(
        backend: Backend, changeRetention: Duration = .seconds(3600), compactionInterval: Duration = .seconds(300),
        watchBufferLimit: Int = 1024, heartbeatInterval: Duration = .seconds(15), auditRetention: Duration = .seconds(90 * 86_400)
    ) {
        self.auditRetention = auditRetention
        self.backend = backend
        self.changeRetention = changeRetention
        self.compactionInterval = compactionInterval
        self.watchBufferLimit = watchBufferLimit
        self.heartbeatInterval = heartbeatInterval
    }
}
