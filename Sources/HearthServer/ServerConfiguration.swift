import Foundation
import HearthCore
import HearthSecurity
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
    /// The scrypt cost of new password hashes (N = 2^15, r = 8: 32 MiB). Not a command-line
    /// setting: tests that create hundreds of accounts lower it; a stored hash made with other
    /// parameters still verifies, and is made again at the next login.
    public var passwordHashing: PasswordHasher.Parameters = .default

    /// The cluster domain as SPIFFE IDs and certificate names use it: lower case, no dots at
    /// either end (`hearth.internal`).
    var trustDomain: String { dnsDomain.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".")) }
    /// A file with the master key that seals keys and secrets at rest; nil: `HEARTH_MASTER_KEY`, or
    /// else `DATA_DIR/master-key.json` (created on first start).
    public var masterKeyFile: String?
    /// How many versions of each secret are kept; writing one more destroys the oldest.
    public var secretVersions: Int = 10
    /// Where the DNS server listens (UDP and TCP); nil: no DNS server. Port 0 picks a free port.
    public var dnsListen: HostPort? = HostPort(host: "127.0.0.1", port: 8053)
    /// The cluster domain: services answer as `<svc>.<ns>.svc.<domain>`.
    public var dnsDomain: String = "hearth.internal"
    /// TTL of the answers about services.
    public var dnsTTL: Duration = .seconds(5)
    /// Resolvers that get queries for names outside Hearth's zones; none: such queries are refused.
    public var dnsUpstreams: [HostPort] = []
    /// Event loop threads of the DNS server (0: half the cores, at least one).
    public var dnsThreads: Int = 0
    /// Run the health checks of registered instances (one replica at a time runs them).
    public var healthChecks: Bool = true
    /// The largest value a key-value key may hold.
    public var kvMaxValueBytes: Int = 512 * 1024

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
