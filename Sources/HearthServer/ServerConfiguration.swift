import HearthStore

/// Everything `hearth server` is configured with, after flags, environment and config file
/// have been merged.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var dataDirectory: String
    /// nil for embedded SQLite in the data directory.
    public var databaseURL: String?
    /// Extra names (DNS names or IP addresses) for the server certificate.
    public var tlsNames: [String]
    /// Serve plain HTTP instead of HTTPS (loopback only).
    public var plainHTTP: Bool
    public var maxBodyBytes: Int
    public var changeRetention: Duration
    public var compactionInterval: Duration
    public var watchBufferLimit: Int
    public var heartbeatInterval: Duration
    /// How long an access token lives (15 minutes by default).
    public var accessTokenTTL: Duration = .seconds(900)
    /// How long a login session (its refresh token) lives at most.
    public var sessionTTL: Duration = .seconds(30 * 86_400)
    /// How long after the first start `POST /v1/setup` accepts the setup code.
    public var setupWindow: Duration = .seconds(1800)
    /// How long audit entries are kept.
    public var auditRetention: Duration = .seconds(90 * 86_400)
    /// How often this replica's token signing key is replaced.
    public var signingKeyRotation: Duration = .seconds(86_400)
    /// How long a replica trusts its cached view of a session or API key before it reads it again
    /// (revocations made on this replica apply at once; on others within this time).
    public var credentialCacheTTL: Duration = .seconds(5)

    public init(
        host: String = "127.0.0.1", port: Int = 7443, dataDirectory: String, databaseURL: String? = nil, tlsNames: [String] = [],
        plainHTTP: Bool = false, maxBodyBytes: Int = 1 << 20, changeRetention: Duration = .seconds(3600),
        compactionInterval: Duration = .seconds(300), watchBufferLimit: Int = 1024, heartbeatInterval: Duration = .seconds(15)
    ) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.databaseURL = databaseURL
        self.tlsNames = tlsNames
        self.plainHTTP = plainHTTP
        self.maxBodyBytes = maxBodyBytes
        self.changeRetention = changeRetention
        self.compactionInterval = compactionInterval
        self.watchBufferLimit = watchBufferLimit
        self.heartbeatInterval = heartbeatInterval
    }

    public var storeConfiguration: StoreConfiguration {
        StoreConfiguration(
            backend: databaseURL.map { .postgres(url: $0) } ?? .sqlite(path: dataDirectory + "/hearth.db"),
            changeRetention: changeRetention, compactionInterval: compactionInterval,
            watchBufferLimit: watchBufferLimit, heartbeatInterval: heartbeatInterval, auditRetention: auditRetention)
    }
}
