import Foundation
import HearthCore
import HearthStore
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Runs the health checks of every instance and records the results in the instances' status.
///
/// One replica runs them (the holder of the lease `health-checker`). Each check of each instance
/// runs in a task of its own, first at a random point of its interval (so 1,000 instances with a
/// 10 s interval make a steady 100 checks a second, not a burst), then every interval. A result
/// goes through the check's ``CheckProgress`` (thresholds); the status is written when a state
/// changes, on the first result, and when the output changed and was last written more than
/// ``outputRefresh`` ago, so steady checks cost no writes. TTL checks turn critical when no
/// heartbeat came for their TTL. An instance critical for longer than its `deregisterAfter` is
/// deleted.
final class HealthChecker: Service, Sendable {
    let store: Store
    let view: RegistryView
    let probes: HealthProbes
    let holder: String
    let leaseTTL: Duration
    let logger: Logger
    /// How often a check's unchanged-state output is refreshed in the status at most.
    static let outputRefresh = Duration.seconds(60)
    let checksRun = Counter(label: "hearth_health_checks_total")
    let statusWrites = Counter(label: "hearth_health_status_writes_total")

    init(store: Store, view: RegistryView, probes: HealthProbes, holder: String, leaseTTL: Duration = .seconds(15), logger: Logger) {
        self.store = store
        self.view = view
        self.probes = probes
        self.holder = holder
        self.leaseTTL = leaseTTL
        self.logger = logger
    }

    func run() async throws {
        await cancelWhenGracefulShutdown { await self.campaign() }
        await probes.shutdown()
    }

    /// Holds the lease and runs the checks while it is held.
    private func campaign() async {
        let lease = "health-checker"
        while !Task.isCancelled {
            if (try? await store.tryAcquireLease(lease, holder: holder, ttl: leaseTTL)) == true {
                logger.info("health checker started", metadata: ["holder": "\(holder)"])
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await self.checkAll() }
                    group.addTask {
                        while !Task.isCancelled {
                            try? await Task.sleep(for: self.leaseTTL / 3)
                            if Task.isCancelled { return }
                            if (try? await self.store.tryAcquireLease(lease, holder: self.holder, ttl: self.leaseTTL)) != true {
                                self.logger.warning("health checker lost its lease")
                                return
                            }
                        }
                    }
                    await group.next()
                    group.cancelAll()
                }
                try? await store.releaseLease(lease, holder: holder)
            }
            try? await Task.sleep(for: leaseTTL / 3)
        }
    }

    // MARK: Following the registry

    /// What an instance's checks were started from: restart them when it changes.
    private struct Plan: Equatable {
        var instanceVersion: Int64
        var serviceVersion: Int64?
    }

    private func checkAll() async {
        let (_, events, cancel) = view.follow()
        defer { cancel() }
        var running: [ResourceKey: (plan: Plan, task: Task<Void, Never>)] = [:]
        func sync(_ keys: [ResourceKey]) {
            for key in keys {
                guard let instance = view.resource(key) else {
                    running.removeValue(forKey: key)?.task.cancel()
                    continue
                }
                let serviceName = instance.spec["service"]?.stringValue ?? ""
                let service = view.resource(ResourceKey(type: RegistryTypes.servicesTypeName, namespace: key.namespace, name: serviceName))
                let plan = Plan(instanceVersion: instance.version, serviceVersion: service?.version)
                if running[key]?.plan == plan { continue }
                running.removeValue(forKey: key)?.task.cancel()
                running[key] = (plan, Task { await self.runChecks(of: key) })
            }
        }
        if view.isLoaded { sync(view.all(RegistryTypes.instancesTypeName).map(\.key)) }
        for await event in events {
            switch event {
            case .reloaded:
                sync(Array(Set(running.keys).union(view.all(RegistryTypes.instancesTypeName).map(\.key))))
            case .changed(let change):
                switch change.object.type {
                case RegistryTypes.instancesTypeName:
                    sync([change.key])
                case RegistryTypes.servicesTypeName:
                    let instances = view.service(namespace: change.object.namespace ?? "", name: change.object.name).instances
                    sync(instances.map(\.key) + running.keys.filter { $0.namespace == change.object.namespace })
                default:
                    break
                }
            }
        }
        for (_, entry) in running { entry.task.cancel() }
    }

    // MARK: One instance

    private func runChecks(of key: ResourceKey) async {
        guard let instance = view.resource(key), let spec = try? APIJSON.decode(InstanceSpec.self, from: instance.spec) else { return }
        let serviceResource = view.resource(ResourceKey(type: RegistryTypes.servicesTypeName, namespace: key.namespace, name: spec.service))
        let service = serviceResource.flatMap { try? APIJSON.decode(ServiceSpec.self, from: $0.spec) }
        let checks = spec.checks ?? service?.checks ?? []
        let names = HealthCheckSpec.names(of: checks)
        let recorded = InstanceHealth.of(instance)
        let context = InstanceContext(key: key, version: instance.version, spec: spec, names: names)
        if checks.isEmpty {
            // Nothing to run; an instance without checks is passing. Clear stale check reports.
            if recorded != nil, recorded?.checks.isEmpty == false {
                await write(context) { _, _ in InstanceHealth(health: .passing) }
            }
            return
        }
        await withTaskGroup(of: Void.self) { group in
            for (index, check) in checks.enumerated() {
                let name = names[index]
                let previous = recorded?.checks.first { $0.name == name && $0.type == check.type }
                group.addTask {
                    if check.type == .ttl {
                        await self.watchTTL(check, name: name, previous: previous, context: context)
                    } else {
                        await self.probe(check, name: name, previous: previous, context: context)
                    }
                }
            }
            if let text = spec.deregisterAfter, let after = Duration.parse(text) {
                group.addTask { await self.reap(context, after: after) }
            }
        }
    }

    private struct InstanceContext: Sendable {
        let key: ResourceKey
        let version: Int64
        let spec: InstanceSpec
        let names: [String]
    }

    private func probe(_ check: HealthCheckSpec, name: String, previous: InstanceHealth.CheckReport?, context: InstanceContext) async {
        let interval = check.intervalDuration
        var progress = CheckProgress(
            initial: previous?.state ?? context.spec.initialState ?? .critical,
            successThreshold: check.successThreshold, failureThreshold: check.failureThreshold)
        var lastOutput = previous?.output
        var lastWrite: ContinuousClock.Instant? = previous == nil ? nil : .now
        // Spread the first run over the interval.
        try? await Task.sleep(for: .milliseconds(Int64(Double.random(in: 0..<1) * interval.inSeconds * 1000)))
        while !Task.isCancelled {
            let started = ContinuousClock.now
            let result = await probes.run(check, address: context.spec.address, port: context.spec.port)
            checksRun.increment()
            if Task.isCancelled { return }
            let changed = progress.record(result.state)
            let outputDue = result.output != lastOutput && (lastWrite.map { ContinuousClock.now - $0 >= Self.outputRefresh } ?? true)
            if changed || lastWrite == nil || outputDue {
                let report = InstanceHealth.CheckReport(
                    name: name, type: check.type, state: progress.state, output: result.output, checkedAt: Timestamp.now())
                await record(report, context: context)
                lastOutput = result.output
                lastWrite = .now
            }
            try? await Task.sleep(until: started + interval)
        }
    }

    /// A TTL check: critical once its last heartbeat is older than its TTL.
    private func watchTTL(_ check: HealthCheckSpec, name: String, previous: InstanceHealth.CheckReport?, context: InstanceContext) async {
        let ttl = check.ttlDuration
        while !Task.isCancelled {
            let report = view.resource(context.key).flatMap(InstanceHealth.of)?.checks.first { $0.name == name }
            let last = report?.checkedAt.flatMap(Timestamp.date(from:)) ?? Date()
            let expires = last.addingTimeInterval(ttl.inSeconds)
            let remaining = expires.timeIntervalSinceNow
            if remaining <= 0 {
                if report?.state != .critical || report == nil {
                    let expired = InstanceHealth.CheckReport(
                        name: name, type: .ttl, state: .critical,
                        output: "TTL expired: no heartbeat for \(ttl)", checkedAt: report?.checkedAt)
                    await record(expired, context: context)
                }
                try? await Task.sleep(for: ttl)
            } else {
                try? await Task.sleep(for: .milliseconds(Int64(remaining * 1000) + 50))
            }
        }
    }

    /// Deletes the instance once it has been critical for `after`.
    private func reap(_ context: InstanceContext, after: Duration) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: min(after / 4, .seconds(15)))
            guard let instance = view.resource(context.key), let health = InstanceHealth.of(instance), health.health == .critical,
                let since = health.criticalSince.flatMap(Timestamp.date(from:))
            else { continue }
            if Date().timeIntervalSince(since) >= after.inSeconds {
                do {
                    _ = try await store.mutate(
                        .delete(context.key, expectedVersion: context.version, cascade: false),
                        audit: AuditEntry(
                            principal: "system:health-checker", source: nil, requestID: "health-checker", verb: Verbs.delete,
                            resource: context.key.type, namespace: context.key.namespace, name: context.key.name, decision: AuditEntry.allowed,
                            reason: "critical for longer than deregisterAfter (\(after))", status: 200))
                    logger.info("deregistered a critical instance", metadata: ["instance": "\(context.key)"])
                } catch {
                    logger.debug("deregistering failed", metadata: ["instance": "\(context.key)", "error": "\(error)"])
                }
                return
            }
        }
    }

    private func record(_ report: InstanceHealth.CheckReport, context: InstanceContext) async {
        await write(context) { current, now in
            InstanceHealth.merging(report, into: current, checkNames: context.names, initial: context.spec.initialState ?? .critical, now: now)
        }
    }

    /// Writes the instance's status, if the instance is still the version the checks run for.
    private func write(_ context: InstanceContext, _ update: @escaping @Sendable (InstanceHealth?, String) -> InstanceHealth) async {
        do {
            _ = try await store.mutate(.put(context.key, mode: .update, transform: { current in
                guard var current, current.version == context.version else { throw StaleInstance() }
                let now = Timestamp.now()
                let health = update(InstanceHealth.of(current), now)
                current.status = health.status(from: current.status, now: now)
                return current
            }))
            statusWrites.increment()
        } catch is StaleInstance {
            return
        } catch let error as HearthError where error.code == .notFound {
            return
        } catch {
            logger.warning("health status write failed", metadata: ["instance": "\(context.key)", "error": "\(error)"])
        }
    }

    private struct StaleInstance: Error {}
}
