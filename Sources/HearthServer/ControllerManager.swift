import Foundation
import HearthCore
import HearthStore
import Logging
import ServiceLifecycle

/// Runs the reconciler of every type that has one.
///
/// Per type, the replica that holds the lease `controller/<type>` (renewed every third of its
/// time to live) lists the type, then follows its changes, and calls the reconciler for every
/// resource whose `status.observedVersion` lags its `version` or whose last attempt failed, with
/// up to ``workers`` reconciles at once (never two of one resource). Failures retry with
/// exponential backoff (100 ms doubling to 30 s). If the lease is lost, the
/// replica stops reconciling that type until it wins the lease again.
public final class ControllerManager: Service {
    let store: Store
    let registry: TypeRegistry
    let holder: String
    let leaseTTL: Duration
    let logger: Logger
    /// Reconciles of one type that may run at once.
    static let workers = 8

    public init(store: Store, registry: TypeRegistry, holder: String, leaseTTL: Duration = .seconds(15), logger: Logger) {
        self.store = store
        self.registry = registry
        self.holder = holder
        self.leaseTTL = leaseTTL
        self.logger = logger
    }

    public func run() async throws {
        try await store.waitUntilReady()
        await withTaskGroup(of: Void.self) { group in
            for type in registry.all {
                guard let reconciler = type.reconciler else { continue }
                group.addTask { await self.runController(type: type, reconciler: reconciler) }
            }
            try? await gracefulShutdown()
            group.cancelAll()
        }
    }

    private func runController(type: ResourceType, reconciler: any Reconciler) async {
        let lease = "controller/\(type.name)"
        while !Task.isCancelled {
            let held = (try? await store.tryAcquireLease(lease, holder: holder, ttl: leaseTTL)) ?? false
            if held {
                logger.info("controller started", metadata: ["type": "\(type.name)", "holder": "\(holder)"])
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await self.reconcileLoop(type: type, reconciler: reconciler) }
                    group.addTask {
                        // Renew; when renewal fails, end the session.
                        while !Task.isCancelled {
                            try? await Task.sleep(for: self.leaseTTL / 3)
                            if Task.isCancelled { return }
                            let renewed = (try? await self.store.tryAcquireLease(lease, holder: self.holder, ttl: self.leaseTTL)) ?? false
                            if !renewed {
                                self.logger.warning("controller lost its lease", metadata: ["type": "\(type.name)"])
                                return
                            }
                        }
                    }
                    await group.next()
                    group.cancelAll()
                }
                if Task.isCancelled {
                    try? await store.releaseLease(lease, holder: holder)
                    return
                }
            }
            try? await Task.sleep(for: leaseTTL / 3)
        }
    }

    private func reconcileLoop(type: ResourceType, reconciler: any Reconciler) async {
        let queue = ReconcileQueue()
        let subscription = await store.feed.subscribe()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // Everything that exists now, then every change.
                var options = ListOptions(type: type.name, limit: 1000)
                while !Task.isCancelled {
                    guard let page = try? await self.store.list(options) else {
                        try? await Task.sleep(for: .seconds(1))
                        continue
                    }
                    for resource in page.items where Self.needsReconcile(resource) { queue.add(resource.key) }
                    guard let next = page.next else { break }
                    options.after = next
                }
                for await item in subscription.stream {
                    // A change whose object is already reconciled (a creation with the type's
                    // created status, this controller's own status write) needs no read.
                    if case .change(let event) = item, event.object.type == type.name, event.kind != .deleted,
                        Self.needsReconcile(event.object)
                    {
                        queue.add(event.key)
                    }
                }
            }
            // Several workers, so that status writes share group commits.
            for _ in 0..<Self.workers {
                group.addTask {
                    while let key = await queue.next() {
                        let ok = await self.reconcile(key, type: type, reconciler: reconciler)
                        queue.done(key, succeeded: ok)
                    }
                }
            }
            await group.next()
            group.cancelAll()
        }
        await store.feed.unsubscribe(subscription)
    }

    /// Whether the controller has work on `resource`: its status has not observed its version, or
    /// the last attempt failed.
    static func needsReconcile(_ resource: Resource) -> Bool {
        resource.status.observedVersion != resource.version || resource.status.phase == .failed
    }

    /// One attempt; false to retry with backoff.
    private func reconcile(_ key: ResourceKey, type: ResourceType, reconciler: any Reconciler) async -> Bool {
        guard let resource = try? await store.get(key) else { return false }
        if !Self.needsReconcile(resource) { return true }
        var status: ResourceStatus
        var succeeded = true
        do {
            status = try await reconciler.reconcile(resource)
            status.setCondition(Condition(type: "Reconciled", status: "True", reason: "Success"), now: Timestamp.now())
        } catch {
            succeeded = false
            status = resource.status
            status.phase = .failed
            status.message = "\(error)"
            status.setCondition(
                Condition(type: "Reconciled", status: "False", reason: "Error", message: "\(error)"), now: Timestamp.now())
            logger.info("reconcile failed; will retry", metadata: ["resource": "\(key)", "error": "\(error)"])
        }
        status.observedVersion = resource.version
        let observed = resource.version
        let newStatus = status
        do {
            _ = try await store.mutate(.put(key, mode: .update, transform: { current in
                guard var current, current.version == observed else {
                    // The spec moved on while we worked: the change event brings it back.
                    throw HearthError(.conflict, "\(key) changed during reconcile")
                }
                current.status = newStatus
                return current
            }))
        } catch let error as HearthError where error.code == .conflict || error.code == .notFound {
            return true
        } catch {
            return false
        }
        return succeeded
    }
}
