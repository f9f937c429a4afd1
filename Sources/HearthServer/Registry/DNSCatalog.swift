import HearthCore
import HearthDNS
import Logging
import ServiceLifecycle
import Synchronization

/// What the DNS server answers from: a ``DNSAuthority`` rebuilt from the registry's view whenever
/// it changes (changes arriving together are built once, at most every `debounce`, 50 ms by default).
final class DNSCatalog: Service, Sendable {
    private let view: RegistryView
    private let builder: DNSZoneBuilder
    private let logger: Logger
    private let current: Mutex<DNSAuthority>
    private let debounce: Duration
    private let builtRevision = Atomic<Int64>(-1)
    private let specs = Mutex(RegistrySpecs())

    init(view: RegistryView, builder: DNSZoneBuilder, debounce: Duration = .milliseconds(50), logger: Logger) {
        self.view = view
        self.builder = builder
        self.debounce = debounce
        self.logger = logger
        current = Mutex(DNSAuthority(zones: builder.build([], revision: 0).zones))
    }

    var authority: DNSAuthority { current.withLock { $0 } }

    /// The view revision the served zones were built at (-1 before the first build).
    var revision: Int64 { builtRevision.load(ordering: .acquiring) }

    func run() async throws {
        let (_, events, cancel) = view.follow()
        defer { cancel() }
        let (signal, signalled) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    signalled.yield()
                    for await _ in events { signalled.yield() }
                    signalled.finish()
                }
                group.addTask {
                    for await _ in signal {
                        self.rebuild()
                        try? await Task.sleep(for: self.debounce)
                    }
                }
                await group.waitForAll()
            }
        }
    }

    private func rebuild() {
        guard view.isLoaded else { return }
        let revision = view.revision
        let resources = RegistryView.watchedTypes.flatMap { view.all($0) }
        let (zones, conflicts) = specs.withLock { specs in
            specs.retain(Set(resources.map(\.key)))
            return builder.build(resources, revision: revision, specs: &specs)
        }
        if !conflicts.isEmpty {
            logger.debug("dns: zones left out (their domain belongs to another zone)", metadata: ["zones": "\(conflicts)"])
        }
        let authority = DNSAuthority(zones: zones)
        current.withLock { $0 = authority }
        builtRevision.store(revision, ordering: .releasing)
    }
}
