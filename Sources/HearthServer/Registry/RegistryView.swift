import HearthCore
import HearthStore
import Logging
import ServiceLifecycle
import Synchronization

/// This replica's copy of the registry's resources (services, instances, DNS zones and records),
/// kept current from the change feed. Discovery answers from it, DNS is built from it, and the
/// health checker follows it.
///
/// Each service has a modify index: the revision of the last change to it or to one of its
/// instances (status included, so a health change counts). Blocking queries wait on it.
final class RegistryView: Service, Sendable {
    static let watchedTypes: Set<String> = [
        RegistryTypes.servicesTypeName, RegistryTypes.instancesTypeName,
        DNSResourceTypes.zonesTypeName, DNSResourceTypes.recordsTypeName,
    ]

    /// A change the view took in, for followers (the health checker, the DNS builder).
    enum Event: Sendable {
        /// A full (re)load: everything is in the snapshot.
        case reloaded
        case changed(ChangeEvent)
    }

    private struct Waiter {
        let id: Int
        let serviceKey: String?
        let revision: Int64
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var resources: [ResourceKey: Resource] = [:]
        /// `namespace/service` → instance keys.
        var instancesOfService: [String: Set<ResourceKey>] = [:]
        /// `namespace/service` → revision of the last change to the service or its instances.
        var serviceIndex: [String: Int64] = [:]
        var revision: Int64 = 0
        var loaded = false
        var waiters: [Waiter] = []
        var nextWaiterID = 0
        var followers: [Int: AsyncStream<Event>.Continuation] = [:]
    }

    private let store: Store
    private let logger: Logger
    private let state = Mutex(State())

    /// Blocking queries end when the server begins to stop.
    let draining: Draining

    init(store: Store, logger: Logger, draining: Draining) {
        self.draining = draining
        self.store = store
        self.logger = logger
    }

    // MARK: Reading

    var isLoaded: Bool { state.withLock { $0.loaded } }
    var revision: Int64 { state.withLock { $0.revision } }

    func resource(_ key: ResourceKey) -> Resource? { state.withLock { $0.resources[key] } }

    /// Every resource of `type` (all namespaces), unordered.
    func all(_ type: String) -> [Resource] {
        state.withLock { state in state.resources.values.filter { $0.type == type } }
    }

    /// A service, its instances (by name) and its modify index.
    func service(namespace: String, name: String) -> (service: Resource?, instances: [Resource], index: Int64) {
        let serviceKey = "\(namespace)/\(name)"
        return state.withLock { state in
            let service = state.resources[ResourceKey(type: RegistryTypes.servicesTypeName, namespace: namespace, name: name)]
            let instances = (state.instancesOfService[serviceKey] ?? []).compactMap { state.resources[$0] }.sorted { $0.name < $1.name }
            return (service, instances, state.serviceIndex[serviceKey] ?? 0)
        }
    }

    /// Waits until the service's modify index passes `index`, the view's revision passes
    /// `revision` (for this replica's own writes), or `timeout` ends (or the task is cancelled).
    func wait(service: (namespace: String, name: String)?, after index: Int64, timeout: Duration) async {
        let serviceKey = service.map { "\($0.namespace)/\($0.name)" }
        let id = state.withLock { state -> Int in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        await TimedWait.suspend(
            timeout: timeout,
            draining: draining,
            park: { continuation in
                self.state.withLock { state -> Bool in
                    if Task.isCancelled { return true }
                    let current = serviceKey.map { state.serviceIndex[$0] ?? 0 } ?? state.revision
                    if state.loaded && current > index { return true }
                    state.waiters.append(Waiter(id: id, serviceKey: serviceKey, revision: index, continuation: continuation))
                    return false
                }
            },
            release: { self.release(id) })
    }

    /// Waits until the view has every change up to `revision` (bounded, in case the feed stalls).
    func waitUntilApplied(_ revision: Int64) async {
        await wait(service: nil, after: revision - 1, timeout: .seconds(5))
    }

    private func release(_ id: Int) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume()
    }

    /// A stream of the view's changes, starting with `.reloaded` when the view is loaded.
    func follow() -> (snapshot: [Resource], events: AsyncStream<Event>, cancel: @Sendable () -> Void) {
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .unbounded)
        let (id, snapshot) = state.withLock { state -> (Int, [Resource]) in
            state.nextWaiterID += 1
            state.followers[state.nextWaiterID] = continuation
            return (state.nextWaiterID, state.loaded ? Array(state.resources.values) : [])
        }
        return (snapshot, stream, { [weak self] in
            let continuation = self?.state.withLock { $0.followers.removeValue(forKey: id) }
            continuation?.finish()
        })
    }

    // MARK: Following the store

    func run() async throws {
        await cancelWhenGracefulShutdown { await self.followStore() }
        let (waiters, followers) = state.withLock { state in
            defer {
                state.waiters.removeAll()
                state.followers.removeAll()
            }
            return (state.waiters, state.followers)
        }
        for waiter in waiters { waiter.continuation.resume() }
        for follower in followers.values { follower.finish() }
    }

    private func followStore() async {
        await store.follow("registry view", logger: logger, load: load, apply: apply)
    }

    private func load() async throws {
        try await store.waitUntilReady()
        var fresh = State()
        for type in Self.watchedTypes {
            var options = ListOptions(type: type, limit: ListOptions.maxLimit)
            while true {
                let page = try await store.list(options)
                for resource in page.items { Self.put(resource, revision: resource.revision, into: &fresh) }
                fresh.revision = max(fresh.revision, page.revision)
                guard let next = page.next else { break }
                options.after = next
            }
        }
        fresh.loaded = true
        let (ready, followers) = state.withLock { state -> ([CheckedContinuation<Void, Never>], [AsyncStream<Event>.Continuation]) in
            fresh.waiters = state.waiters
            fresh.followers = state.followers
            fresh.nextWaiterID = state.nextWaiterID
            state = fresh
            return (Self.takeReady(&state), Array(state.followers.values))
        }
        for follower in followers { follower.yield(.reloaded) }
        for continuation in ready { continuation.resume() }
    }

    private func apply(_ event: ChangeEvent) {
        let (ready, followers) = state.withLock { state -> ([CheckedContinuation<Void, Never>], [AsyncStream<Event>.Continuation]) in
            state.revision = max(state.revision, event.revision)
            guard Self.watchedTypes.contains(event.object.type) else { return (Self.takeReady(&state), []) }
            if event.kind == .deleted {
                Self.remove(event.object.key, revision: event.revision, from: &state)
            } else {
                Self.put(event.object, revision: event.revision, into: &state)
            }
            return (Self.takeReady(&state), Array(state.followers.values))
        }
        for follower in followers { follower.yield(.changed(event)) }
        for continuation in ready { continuation.resume() }
    }

    private static func serviceKey(of resource: Resource) -> String? {
        switch resource.type {
        case RegistryTypes.servicesTypeName: return "\(resource.namespace ?? "")/\(resource.name)"
        case RegistryTypes.instancesTypeName:
            guard let service = resource.spec["service"]?.stringValue else { return nil }
            return "\(resource.namespace ?? "")/\(service)"
        default: return nil
        }
    }

    private static func put(_ resource: Resource, revision: Int64, into state: inout State) {
        if let previous = state.resources[resource.key], previous.revision > resource.revision { return }
        remove(resource.key, revision: revision, from: &state)
        state.resources[resource.key] = resource
        if let serviceKey = serviceKey(of: resource) {
            if resource.type == RegistryTypes.instancesTypeName { state.instancesOfService[serviceKey, default: []].insert(resource.key) }
            state.serviceIndex[serviceKey] = max(state.serviceIndex[serviceKey] ?? 0, revision)
        }
    }

    private static func remove(_ key: ResourceKey, revision: Int64, from state: inout State) {
        guard let previous = state.resources.removeValue(forKey: key) else { return }
        if let serviceKey = serviceKey(of: previous) {
            state.instancesOfService[serviceKey]?.remove(key)
            if state.instancesOfService[serviceKey]?.isEmpty == true { state.instancesOfService[serviceKey] = nil }
            state.serviceIndex[serviceKey] = max(state.serviceIndex[serviceKey] ?? 0, revision)
        }
    }

    private static func takeReady(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        guard state.loaded, !state.waiters.isEmpty else { return [] }
        var ready: [CheckedContinuation<Void, Never>] = []
        state.waiters.removeAll { waiter in
            let current = waiter.serviceKey.map { state.serviceIndex[$0] ?? 0 } ?? state.revision
            if current > waiter.revision {
                ready.append(waiter.continuation)
                return true
            }
            return false
        }
        return ready
    }
}
