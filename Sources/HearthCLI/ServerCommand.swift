import ArgumentParser
import Foundation
import HearthCore
import HearthServer
import Logging

/// `hearth server`: runs a Hearth server.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run a Hearth server.",
        discussion: """
            Each setting comes from, in order of precedence: the flag, the HEARTH_* environment
            variable named beside it, the config file (--config or HEARTH_CONFIG; YAML or JSON with
            the flag names as keys, e.g. `listen: 127.0.0.1:7443`), then the default.

            On first start the server creates its data directory, a cluster id and its own
            certificate authority, writes the CA bundle to DATA_DIR/ca.pem, and serves HTTPS with
            a certificate for localhost, 127.0.0.1 and ::1 (plus --tls-name) chained to it.
            SIGTERM or SIGINT shut it down gracefully.
            """
    )

    @Option(name: .long, help: "Config file (YAML or JSON). [HEARTH_CONFIG]")
    var config: String?

    @Option(name: .long, help: "API address HOST:PORT, e.g. 0.0.0.0:7443 for every interface. [HEARTH_LISTEN] (default: 127.0.0.1:7443)")
    var listen: String?

    @Option(name: .long, help: "Data directory. [HEARTH_DATA_DIR] (default: ~/.local/share/hearth)")
    var dataDir: String?

    @Option(name: .long, help: "postgres://user:password@host:port/db?sslmode=... to use PostgreSQL instead of embedded SQLite. [HEARTH_DATABASE]")
    var database: String?

    @Option(name: .long, parsing: .singleValue, help: "Extra DNS name or IP for the server certificate; repeatable. [HEARTH_TLS_NAMES, comma-separated]")
    var tlsName: [String] = []

    @Flag(name: .long, help: "Serve plain HTTP instead of HTTPS (loopback only; for benchmarks and debugging). [HEARTH_PLAIN_HTTP=1]")
    var plainHttp = false

    @Option(name: .long, help: "Largest request body in bytes. [HEARTH_MAX_BODY_BYTES] (default: 1048576)")
    var maxBodyBytes: Int?

    @Option(name: .long, help: "How long the change log keeps changes for watches to resume, e.g. 1h. [HEARTH_CHANGE_RETENTION] (default: 1h)")
    var changeRetention: String?

    @Option(name: .long, help: "How often the change log is compacted, e.g. 5m. [HEARTH_COMPACTION_INTERVAL] (default: 5m)")
    var compactionInterval: String?

    @Option(name: .long, help: "Events a watcher may fall behind before its watch is ended. [HEARTH_WATCH_BUFFER] (default: 1024)")
    var watchBuffer: Int?

    @Option(name: .long, help: "How long after the first start `hearth setup` may create the first admin, e.g. 30m. [HEARTH_SETUP_WINDOW] (default: 30m)")
    var setupWindow: String?

    @Option(name: .long, help: "How long an access token lives, e.g. 15m. [HEARTH_ACCESS_TOKEN_TTL] (default: 15m)")
    var accessTokenTtl: String?

    @Option(name: .long, help: "How long a login session (its refresh token) lives at most, e.g. 720h. [HEARTH_SESSION_TTL] (default: 720h)")
    var sessionTtl: String?

    @Option(name: .long, help: "How long audit entries are kept, e.g. 2160h. [HEARTH_AUDIT_RETENTION] (default: 2160h, 90 days)")
    var auditRetention: String?

    @Option(name: .long, help: "How often this server replaces its token signing key, e.g. 24h. [HEARTH_SIGNING_KEY_ROTATION] (default: 24h)")
    var signingKeyRotation: String?

    @Option(name: .long, help: "File with the master key that seals private keys and secrets at rest (then nothing in the data directory can open them); or set HEARTH_MASTER_KEY to the key itself (base64 of 32 bytes). (default: DATA_DIR/master-key.json, created on first start)")
    var masterKeyFile: String?

    @Option(name: .long, help: "How many versions of each secret are kept; older ones are destroyed when a new one is written. [HEARTH_SECRET_VERSIONS] (default: 10)")
    var secretVersions: Int?

    @Option(name: .long, help: "Largest value a key-value key may hold, in bytes, up to 16777216. [HEARTH_KV_MAX_VALUE_BYTES] (default: 524288)")
    var kvMaxValueBytes: Int?

    @Option(name: .long, help: "DNS server address HOST:PORT (UDP and TCP), e.g. 0.0.0.0:53; 'off' for none. [HEARTH_DNS_LISTEN] (default: 127.0.0.1:8053)")
    var dnsListen: String?

    @Option(name: .long, help: "Cluster domain: services answer as <svc>.<ns>.svc.<domain>. [HEARTH_DNS_DOMAIN] (default: hearth.internal)")
    var dnsDomain: String?

    @Option(name: .long, help: "TTL of DNS answers about services, e.g. 5s. [HEARTH_DNS_TTL] (default: 5s)")
    var dnsTtl: String?

    @Option(name: .long, parsing: .singleValue, help: "Resolver HOST:PORT for names outside Hearth's zones (else REFUSED); repeatable. [HEARTH_DNS_UPSTREAMS, comma-separated]")
    var dnsUpstream: [String] = []

    @Flag(name: .long, help: "Do not run health checks on this server (another replica may). [HEARTH_NO_HEALTH_CHECKS=1]")
    var noHealthChecks = false

    @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical. [HEARTH_LOG_LEVEL] (default: info)")
    var logLevel: String?

    @Option(name: .long, help: "text or json. [HEARTH_LOG_FORMAT] (default: text)")
    var logFormat: String?

    func run() async throws {
        let settings = try Settings(configFile: config ?? ProcessInfo.processInfo.environment["HEARTH_CONFIG"])
        let levelText = settings.value(logLevel, env: "HEARTH_LOG_LEVEL", key: "log-level") ?? "info"
        guard let level = Logger.Level(rawValue: levelText) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        let format = settings.value(logFormat, env: "HEARTH_LOG_FORMAT", key: "log-format") ?? "text"
        guard format == "text" || format == "json" else { throw ValidationError("--log-format must be text or json") }
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = format == "json" ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "hearth")

        let listenText = settings.value(listen, env: "HEARTH_LISTEN", key: "listen") ?? "127.0.0.1:7443"
        let (host, port) = try Self.parseListen(listenText)
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        let dataHome = ProcessInfo.processInfo.environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.local/share"
        let dataDirectory = settings.value(dataDir, env: "HEARTH_DATA_DIR", key: "data-dir") ?? dataHome + "/hearth"
        var tlsNames = tlsName
        if tlsNames.isEmpty, let names = settings.value(nil, env: "HEARTH_TLS_NAMES", key: "tls-names") {
            tlsNames = names.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        var configuration = ServerConfiguration(
            host: host, port: port, dataDirectory: dataDirectory,
            databaseURL: settings.value(database, env: "HEARTH_DATABASE", key: "database"), tlsNames: tlsNames)
        configuration.plainHTTP = plainHttp || ["1", "true"].contains(settings.value(nil, env: "HEARTH_PLAIN_HTTP", key: "plain-http") ?? "")
        // Passwords and tokens cross the wire: without TLS they stay on this machine.
        if configuration.plainHTTP, !Self.isLoopback(host) {
            throw ValidationError("--plain-http serves passwords and tokens unencrypted, so only on a loopback address (127.0.0.1, ::1, localhost), not \(host)")
        }
        if let bytes = try settings.int(maxBodyBytes, env: "HEARTH_MAX_BODY_BYTES", key: "max-body-bytes") {
            guard bytes >= 1024 else { throw ValidationError("--max-body-bytes must be at least 1024") }
            configuration.maxBodyBytes = bytes
        }
        if let text = settings.value(changeRetention, env: "HEARTH_CHANGE_RETENTION", key: "change-retention") {
            configuration.changeRetention = try Self.duration(text, flag: "--change-retention")
        }
        if let text = settings.value(compactionInterval, env: "HEARTH_COMPACTION_INTERVAL", key: "compaction-interval") {
            configuration.compactionInterval = try Self.duration(text, flag: "--compaction-interval")
        }
        if let limit = try settings.int(watchBuffer, env: "HEARTH_WATCH_BUFFER", key: "watch-buffer") {
            guard limit >= 16 else { throw ValidationError("--watch-buffer must be at least 16") }
            configuration.watchBufferLimit = limit
        }
        if let text = settings.value(setupWindow, env: "HEARTH_SETUP_WINDOW", key: "setup-window") {
            configuration.setupWindow = try Self.duration(text, flag: "--setup-window")
        }
        if let text = settings.value(accessTokenTtl, env: "HEARTH_ACCESS_TOKEN_TTL", key: "access-token-ttl") {
            configuration.accessTokenTTL = try Self.duration(text, flag: "--access-token-ttl")
            guard configuration.accessTokenTTL >= .seconds(30), configuration.accessTokenTTL <= .seconds(86_400) else {
                throw ValidationError("--access-token-ttl must be from 30s to 24h")
            }
        }
        if let text = settings.value(sessionTtl, env: "HEARTH_SESSION_TTL", key: "session-ttl") {
            configuration.sessionTTL = try Self.duration(text, flag: "--session-ttl")
            guard configuration.sessionTTL >= configuration.accessTokenTTL else {
                throw ValidationError("--session-ttl must be at least the access token's lifetime")
            }
        }
        if let text = settings.value(auditRetention, env: "HEARTH_AUDIT_RETENTION", key: "audit-retention") {
            configuration.auditRetention = try Self.duration(text, flag: "--audit-retention")
        }
        if let text = settings.value(signingKeyRotation, env: "HEARTH_SIGNING_KEY_ROTATION", key: "signing-key-rotation") {
            configuration.signingKeyRotation = try Self.duration(text, flag: "--signing-key-rotation")
            guard configuration.signingKeyRotation >= .seconds(3600) else {
                throw ValidationError("--signing-key-rotation must be at least 1h")
            }
        }
        configuration.masterKeyFile = settings.value(masterKeyFile, env: "HEARTH_MASTER_KEY_FILE", key: "master-key-file")
        if let bytes = try settings.int(kvMaxValueBytes, env: "HEARTH_KV_MAX_VALUE_BYTES", key: "kv-max-value-bytes") {
            guard (1...(16 << 20)).contains(bytes) else { throw ValidationError("--kv-max-value-bytes must be from 1 to 16777216") }
            configuration.kvMaxValueBytes = bytes
        }
        if let versions = try settings.int(secretVersions, env: "HEARTH_SECRET_VERSIONS", key: "secret-versions") {
            guard (1...1000).contains(versions) else { throw ValidationError("--secret-versions must be from 1 to 1000") }
            configuration.secretVersions = versions
        }
        let dnsText = settings.value(dnsListen, env: "HEARTH_DNS_LISTEN", key: "dns-listen") ?? "127.0.0.1:8053"
        if dnsText == "off" {
            configuration.dnsListen = nil
        } else {
            let (dnsHost, dnsPort) = try Self.parseListen(dnsText, flag: "--dns-listen")
            configuration.dnsListen = HostPort(host: dnsHost, port: dnsPort)
        }
        if let domain = settings.value(dnsDomain, env: "HEARTH_DNS_DOMAIN", key: "dns-domain") {
            guard Names.hostnameProblem(domain.hasSuffix(".") ? String(domain.dropLast()) : domain) == nil else {
                throw ValidationError("--dns-domain must be a domain name such as hearth.internal")
            }
            configuration.dnsDomain = domain
        }
        if let text = settings.value(dnsTtl, env: "HEARTH_DNS_TTL", key: "dns-ttl") {
            configuration.dnsTTL = try Self.duration(text, flag: "--dns-ttl")
            guard configuration.dnsTTL <= .seconds(86_400) else { throw ValidationError("--dns-ttl must be at most 24h") }
        }
        var upstreams = dnsUpstream
        if upstreams.isEmpty, let list = settings.value(nil, env: "HEARTH_DNS_UPSTREAMS", key: "dns-upstreams") {
            upstreams = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        configuration.dnsUpstreams = try upstreams.map { text in
            guard let upstream = HostPort.parse(text) ?? HostPort.parse(text + ":53") else {
                throw ValidationError("--dns-upstream must be HOST:PORT (or an address, port 53), not '\(text)'")
            }
            return upstream
        }
        configuration.healthChecks = !(noHealthChecks || ["1", "true"].contains(settings.value(nil, env: "HEARTH_NO_HEALTH_CHECKS", key: "no-health-checks") ?? ""))

        let registry = HearthServer.bootstrapMetrics()
        var server: HearthServer
        do {
            server = try HearthServer(configuration: configuration, logger: logger, metrics: registry)
        } catch let error as HearthError {
            throw ValidationError(error.message)
        }
        let domain = configuration.dnsDomain
        server.onDNSListening = { address in
            print("dns: \(domain) on \(address) (udp, tcp)")
            fflush(nil)
        }
        let fingerprint = try server.identity.authority.fingerprint
        let scheme = configuration.plainHTTP ? "http" : "https"
        let dataDirectoryPath = configuration.dataDirectory
        let storeName = server.store.backendName
        let configuredPort = configuration.port
        try await server.run(onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuredPort
            let shownHost = host.contains(":") ? "[\(host)]" : host
            print("hearth \(HearthServer.version) listening on \(scheme)://\(shownHost):\(port)")
            print("store: \(storeName), data directory: \(dataDirectoryPath)")
            print("CA bundle: \(dataDirectoryPath)/ca.pem")
            print("CA fingerprint: \(fingerprint)")
            fflush(nil)
        })
    }

    static func parseListen(_ text: String, flag: String = "--listen") throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":") else { throw ValidationError("\(flag) must be HOST:PORT, e.g. 127.0.0.1:7443") }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port), !host.isEmpty else {
            throw ValidationError("\(flag) must be HOST:PORT with a port from 0 to 65535")
        }
        return (host, port)
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || (host.hasPrefix("127.") && host.split(separator: ".").count == 4)
    }

    static func duration(_ text: String, flag: String) throws -> Duration {
        guard let duration = Duration.parse(text), duration > .zero else {
            throw ValidationError("\(flag) must be a duration such as 30s, 5m or 1h")
        }
        return duration
    }
}
