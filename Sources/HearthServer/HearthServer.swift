import Foundation
import HearthCore
import HearthDNS
import HearthSecurity
import HearthStore
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Prometheus
import ServiceLifecycle
import UnixSignals

/// A Hearth server: the store, the controllers and the HTTPS API, assembled from a
/// ``ServerConfiguration``.
public struct HearthServer: Sendable {
    public static let version = "0.1.0"

    public let configuration: ServerConfiguration
    public let registry: TypeRegistry
    public let store: Store
    /// The certificate authority as it is now (see ``CertificateAuthorityKeeper``).
    public var identity: ServerIdentity { authorities.identity }
    let authorities: CertificateAuthorityKeeper
    /// The master key ring, swappable at run time (rotation), and its rewrap job.
    let masterKeys: MasterKeyKeeper
    /// Seals what is kept secret at rest (private keys, secrets) under the ring as it is now.
    var cipher: EnvelopeCipher { masterKeys.cipher }
    public let controllers: ControllerManager
    public let metrics: PrometheusCollectorRegistry
    let directory: AccessDirectory
    let identityService: IdentityService
    let catalog: RegistryView
    let dnsCatalog: DNSCatalog
    let healthChecker: HealthChecker?
    /// Blocking reads of the key-value store, and its scoped tokens.
    let kvWaiters: KVWaiters
    /// Fired when the server begins to stop: watches and blocking reads end then.
    let draining = Draining()
    let kvTokens: KVTokens
    /// Certificates issued on request, and the CRL.
    let issuedCertificates: IssuedCertificates
    /// API calls authenticated by client certificates (mTLS).
    let clientCertificates: ClientCertificates
    /// Renews the server's TLS certificate at 2/3 of its life, without a restart.
    let serverCertificates: ServerCertificateRenewer
    let clusterDomain: DNSName
    let logger: Logger
    /// For the benchmark of what authentication and authorization cost (`hearth-bench`) only:
    /// requests run with no credentials checked and no policy. Package access: the `hearth`
    /// binary has no way to turn it on.
    package var openAccessForBenchmarks = false
    /// With ``openAccessForBenchmarks``: whether mutating requests are still audited (as the
    /// anonymous principal), so that the comparison is of authentication and authorization alone.
    package var openAccessAudited = true
    /// Called with the DNS server's address once it listens (the port, when 0 was asked for).
    public var onDNSListening: @Sendable (HostPort) -> Void = { _ in }

    public init(
        configuration: ServerConfiguration, registry: TypeRegistry = .standard, logger: Logger,
        metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry()
    ) throws {
        if configuration.plainHTTP, !IPAddressBytes.isLoopback(configuration.host) {
            throw HearthError(
                .badRequest, "--plain-http serves loopback addresses only (127.0.0.1, ::1, localhost); \(configuration.host) needs HTTPS")
        }
        self.configuration = configuration
        self.registry = registry
        self.logger = logger
        self.metrics = metrics
        store = try Store(configuration: configuration.storeConfiguration, registry: registry, logger: logger)
        var dnsNames = ["localhost"]
        var ips = ["127.0.0.1", "::1"]
        for name in configuration.tlsNames {
            if IPAddressBytes.parse(name) != nil {
                if !ips.contains(name) { ips.append(name) }
            } else if !dnsNames.contains(name) {
                dnsNames.append(name)
            }
        }
        // Keys at rest are sealed under the master key: DATA_DIR/master-key.json unless one is
        // supplied (--master-key-file or HEARTH_MASTER_KEY), in which case nothing on disk opens them.
        let ring = try MasterKeyRing.resolve(dataDirectory: configuration.dataDirectory, keyFile: configuration.masterKeyFile)
        masterKeys = MasterKeyKeeper(ring: ring, store: store, dataDirectory: configuration.dataDirectory, logger: logger)
        let identity = try ServerIdentity.loadOrCreate(
            dataDirectory: configuration.dataDirectory, clusterName: ProcessInfo.processInfo.hostName, dnsNames: dnsNames, ipAddresses: ips,
            cipher: masterKeys.cipher)
        for note in identity.upgradeNotes { logger.notice("\(note)") }
        let holder = "\(ProcessInfo.processInfo.hostName)/\(getpid())/\(UUID().uuidString.prefix(8))"
        authorities = CertificateAuthorityKeeper(
            identity: identity, store: store, holder: holder, dataDirectory: configuration.dataDirectory, clusterName: ProcessInfo.processInfo.hostName,
            cipher: { [masterKeys] in masterKeys.cipher }, liveIssuers: { [store] in try await IssuedCertificates.liveIssuers(in: store, now: $0) }, logger: logger)
        issuedCertificates = IssuedCertificates(store: store, authorities: authorities, logger: logger)
        clientCertificates = ClientCertificates(
            certificates: issuedCertificates, authorities: authorities,
            clusterDomain: configuration.trustDomain,
            cacheTTL: configuration.credentialCacheTTL)
        serverCertificates = try ServerCertificateRenewer(
            identity: identity, dataDirectory: configuration.dataDirectory, dnsNames: dnsNames, ipAddresses: ips,
            cipher: { [masterKeys] in masterKeys.cipher }, logger: logger, hierarchy: { [authorities] in authorities.identity })
        authorities.attachServerCertificate(leaf: { [serverCertificates] in serverCertificates.leaf }, renew: { [serverCertificates] in try serverCertificates.renew() })
        masterKeys.alsoSealing { [authorities] in try await authorities.rewrapShared() }
        controllers = ControllerManager(store: store, registry: registry, holder: holder, logger: logger)
        directory = AccessDirectory(store: store, logger: logger, draining: draining)
        identityService = IdentityService(store: store, directory: directory, configuration: configuration, logger: logger)
        do {
            clusterDomain = try DNSName(configuration.dnsDomain)
        } catch {
            throw HearthError(.badRequest, "--dns-domain: '\(configuration.dnsDomain)' is not a domain name: \(error.message)")
        }
        catalog = RegistryView(store: store, logger: logger, draining: draining)
        kvWaiters = KVWaiters(store: store, draining: draining)
        kvTokens = KVTokens(store: store, identity: identityService, cacheTTL: configuration.credentialCacheTTL)
        let listenAddress = configuration.dnsListen.flatMap { IPAddressBytes.parse($0.host) }.flatMap { $0.allSatisfy { $0 == 0 } ? nil : $0 }
        dnsCatalog = DNSCatalog(
            view: catalog,
            builder: DNSZoneBuilder(
                domain: clusterDomain, serviceTTL: UInt32(clamping: Int64(configuration.dnsTTL.inSeconds)),
                nameserverAddress: listenAddress ?? [127, 0, 0, 1]),
            logger: logger)
        healthChecker = configuration.healthChecks
            ? HealthChecker(
                store: store, view: catalog, probes: try HealthProbes(trustedCAPEM: try identity.trustBundlePEM), holder: holder, logger: logger)
            : nil
    }

    /// The DNS server, if `--dns-listen` asks for one.
    func makeDNSServer() throws -> DNSServer? {
        guard let listen = configuration.dnsListen else { return nil }
        let forwarder = configuration.dnsUpstreams.isEmpty ? nil : try DNSForwarder(upstreams: configuration.dnsUpstreams)
        let threads = configuration.dnsThreads > 0 ? configuration.dnsThreads : max(1, System.coreCount / 2)
        return DNSServer(
            host: listen.host, port: listen.port, responder: DNSResponder(catalog: dnsCatalog, forwarding: forwarder != nil),
            forwarder: forwarder, threads: threads, logger: logger, onListening: onDNSListening)
    }

    /// The router with every route, and the list of routes (for the OpenAPI check).
    public func makeRouter() throws -> (Router<HearthRequestContext>, [APIRoute]) {
        let router = Router(context: HearthRequestContext.self)
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: ProblemMiddleware())
        let audit: AuditTrail
        let requestGuard: any RequestGuard
        if openAccessForBenchmarks {
            audit = AuditTrail(store: openAccessAudited ? store : nil)
            requestGuard = OpenAccessGuard()
        } else {
            router.add(
                middleware: AuthenticationMiddleware(
                    identity: identityService, directory: directory, kvTokens: kvTokens,
                    clientCertificates: configuration.plainHTTP ? nil : clientCertificates))
            audit = AuditTrail(store: store)
            requestGuard = PolicyGuard(directory: directory, store: store, registry: registry, audit: audit)
        }
        let api = APIRouter(router: router, requestGuard: requestGuard, audit: audit)
        let store = self.store
        let openAPI = ByteBuffer(string: OpenAPIDocument.json)
        // The root can change once, when a replica takes the CA its database's replicas share.
        let authorities = self.authorities
        SystemRoutes(
            store: store, registry: registry, metrics: metrics,
            clusterInfo: {
                ClusterInfo(
                    clusterId: store.clusterID, caFingerprint: (try? authorities.identity.authority.fingerprint) ?? "", version: Self.version,
                    store: store.backendName, revision: nil)
            },
            caPEM: { try authorities.identity.authority.certificatePEM }, openAPI: { openAPI },
            accessReady: { [directory, identityService, openAccessForBenchmarks] in
                openAccessForBenchmarks || (directory.isLoaded && identityService.isReady && authorities.sharing != .pending)
            }
        ).register(on: api)
        let resources = ResourceRoutes(
            store: store, registry: registry, directory: directory, identity: identityService, audit: audit,
            maxBodyBytes: configuration.maxBodyBytes, watchHeartbeat: configuration.heartbeatInterval,
            catalog: catalog, admission: DNSAdmission(catalog: catalog, clusterDomain: clusterDomain))
        resources.register(on: api)
        RegistryRoutes(resources: resources, store: store, catalog: catalog, audit: audit, maxBodyBytes: configuration.maxBodyBytes)
            .register(on: api)
        IdentityRoutes(identity: identityService, directory: directory, store: store, maxBodyBytes: configuration.maxBodyBytes)
            .register(on: api)
        KVRoutes(store: store, waiters: kvWaiters, audit: audit, maxValueBytes: configuration.kvMaxValueBytes, maxBodyBytes: configuration.maxBodyBytes)
            .register(on: api)
        KVTokenRoutes(tokens: kvTokens, directory: directory, maxBodyBytes: configuration.maxBodyBytes).register(on: api)
        SecretRoutes(store: store, keys: masterKeys, audit: audit, maxVersions: configuration.secretVersions).register(on: api)
        MasterKeyRoutes(keys: masterKeys, store: store).register(on: api)
        PKIAdminRoutes(
            authorities: authorities, serverCertificate: { [serverCertificates] in serverCertificates.leaf }, maxBodyBytes: configuration.maxBodyBytes
        ).register(on: api)
        try PKIRoutes(
            store: store, authorities: authorities, certificates: issuedCertificates, clientCertificates: clientCertificates,
            clusterDomain: configuration.trustDomain,
            maxBodyBytes: configuration.maxBodyBytes
        ).register(on: api)
        return (router, api.routes)
    }

    /// The Hummingbird application: the API server with the store and controllers as its services.
    public func makeApplication(onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        let (router, _) = try makeRouter()
        let server: HTTPServerBuilder
        if configuration.plainHTTP {
            server = .http1()
        } else {
            var tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(identity.serverCertificateChainPEM.utf8)).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(identity.serverPrivateKeyPEM.utf8), format: .pem)))
            tls.minimumTLSVersion = .tlsv12
            // mTLS: ask every client for a certificate, require none.
            tls.certificateVerification = .optionalVerification
            // The certificate of each handshake comes from the renewer (renewed without a restart).
            tls.sslContextCallback = serverCertificates.contextCallback
            // A presented client certificate must be signed by a published intermediate (current
            // or rotated out) and be valid now: the keeper judges it, so a rotation takes effect
            // at once.
            let authorities = self.authorities
            server = try .tls(
                .http1(),
                configuration: TLSChannelConfiguration(
                    tlsConfiguration: tls,
                    customVerificationCallback: { chain, promise in promise.succeed(authorities.verifyClientChain(chain)) }))
        }
        return Application(
            router: router,
            server: server,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: "hearth/\(Self.version)"),
            services: [
                store, controllers, directory, identityService, catalog, dnsCatalog, masterKeys, kvWaiters, KVExpiry(store: store, logger: logger),
                authorities, issuedCertificates,
            ] + (healthChecker.map { [$0] } ?? [])
                + (configuration.plainHTTP ? [] : [serverCertificates])
                + (try makeDNSServer().map { [$0] } ?? []),
            onServerRunning: onServerRunning,
            logger: logger)
    }

    /// Runs until SIGTERM or SIGINT, then shuts down gracefully: stop accepting, drain requests,
    /// end watches, finish queued writes, close the store.
    public func run(onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }) async throws {
        let app = try makeApplication(onServerRunning: onServerRunning)
        // The drain service stands after the application, so it hears of the shutdown first and
        // ends watches and blocking reads before the HTTP server waits for answers in flight.
        var configuration = ServiceGroupConfiguration(
            services: [.init(service: app), .init(service: DrainService(draining: draining))], gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        // A service that ignores the shutdown cannot keep the process alive.
        configuration.maximumGracefulShutdownDuration = .seconds(60)
        let group = ServiceGroup(configuration: configuration)
        try await group.run()
    }

    /// Begins to stop: ends watches and blocking reads (their clients reconnect), so that a
    /// graceful shutdown is not held up by them. `run()` does this at SIGTERM/SIGINT; a caller
    /// that runs the application in a service group of its own calls it first.
    public func drain() {
        draining.fire()
    }
}
