import HearthCore
import HearthStore
import Logging
import ServiceLifecycle
import Synchronization

/// This replica's view of who exists and who may do what: users, groups, service accounts,
/// roles, role bindings and the namespaces' owner lists, kept current from the change feed.
///
/// Requests read an immutable ``AccessSnapshot``; the directory swaps in a new one after each
/// change to an identity type, so a decision never touches the store.
final class AccessDirectory: Service, Sendable {
    static let watchedTypes: Set<String> = [
        IdentityTypes.usersTypeName, IdentityTypes.groupsTypeName, IdentityTypes.serviceAccountsTypeName, Role.resourceTypeName,
        RoleBinding.resourceTypeName, IdentityTypes.clusterRoleBindingsTypeName, BuiltinTypes.namespaceTypeName,
    ]

    private struct State {
        var resources: [ResourceKey: Resource] = [:]
        var snapshot = AccessSnapshot.empty
        var loaded = false
        var waiters: [(revision: Int64, continuation: CheckedContinuation<Void, Never>)] = []
    }

    /// Who was disabled or deleted (subject text, deleted?), for ``IdentityService`` to revoke
    /// their sessions and forget their credentials.
    let deactivations: AsyncStream<(subject: String, deleted: Bool)>
    private let deactivated: AsyncStream<(subject: String, deleted: Bool)>.Continuation
    private let store: Store
    private let logger: Logger
    private let state = Mutex(State())

    init(store: Store, logger: Logger) {
        self.store = store
        self.logger = logger
        (deactivations, deactivated) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(10_000))
    }

    /// The current view.
    var snapshot: AccessSnapshot { state.withLock { $0.snapshot } }

    /// Loads everything, then follows the change feed until cancelled. Reloads from scratch when
    /// it falls behind the feed.
    func run() async throws {
        try? await cancelWhenGracefulShutdown { await self.follow() }
    }

    private func follow() async {
        while !Task.isCancelled {
            let subscription = await store.feed.subscribe()
            do {
                try await load()
                for await item in subscription.stream {
                    guard case .change(let event) = item else { continue }
                    apply([event])
                }
            } catch {
                if !Task.isCancelled {
                    logger.warning("access directory: reload failed", metadata: ["error": "\(error)"])
                }
            }
            await store.feed.unsubscribe(subscription)
            if Task.isCancelled { break }
            try? await Task.sleep(for: .milliseconds(200))
        }
        // Release anyone still waiting: shutdown.
        let waiters = state.withLock { state in
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.continuation.resume() }
    }

    /// Waits until the view includes every change up to `revision` (this replica's own write).
    func waitUntilApplied(_ revision: Int64) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.loaded && state.snapshot.revision >= revision { return true }
                state.waiters.append((revision, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    private func load() async throws {
        try await store.waitUntilReady()
        var resources: [ResourceKey: Resource] = [:]
        var revision: Int64 = 0
        for type in Self.watchedTypes {
            var options = ListOptions(type: type, limit: ListOptions.maxLimit)
            while true {
                let page = try await store.list(options)
                for resource in page.items { resources[resource.key] = resource }
                revision = max(revision, page.revision)
                guard let next = page.next else { break }
                options.after = next
            }
        }
        let snapshot = AccessSnapshot(resources: resources.values, revision: revision)
        let ready = state.withLock { state in
            state.resources = resources
            state.snapshot = snapshot
            state.loaded = true
            return takeReadyWaiters(&state)
        }
        for waiter in ready { waiter.resume() }
    }

    private func apply(_ events: [ChangeEvent]) {
        var gone: [(subject: String, deleted: Bool)] = []
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            var changed = false
            var revision = state.snapshot.revision
            for event in events {
                revision = max(revision, event.revision)
                guard Self.watchedTypes.contains(event.object.type) else { continue }
                let key = event.object.key
                if let subject = Self.credentialSubject(event.object) {
                    let wasDisabled = state.resources[key]?.spec["disabled"]?.boolValue ?? false
                    if event.kind == .deleted {
                        gone.append((subject, true))
                    } else if event.object.spec["disabled"]?.boolValue == true, !wasDisabled {
                        gone.append((subject, false))
                    }
                }
                if event.kind == .deleted {
                    if state.resources.removeValue(forKey: key) != nil { changed = true }
                } else if (state.resources[key]?.revision ?? 0) < event.object.revision {
                    state.resources[key] = event.object
                    changed = true
                }
            }
            if changed {
                state.snapshot = AccessSnapshot(resources: state.resources.values, revision: revision)
            } else {
                state.snapshot.revision = revision
            }
            return takeReadyWaiters(&state)
        }
        for waiter in ready { waiter.resume() }
        for item in gone { deactivated.yield(item) }
    }

    /// The subject a user or service account authenticates as; nil for other types.
    private static func credentialSubject(_ resource: Resource) -> String? {
        switch resource.type {
        case IdentityTypes.usersTypeName: Subject.user(resource.name).text
        case IdentityTypes.serviceAccountsTypeName: Subject.serviceAccount(resource.name, namespace: resource.namespace ?? "").text
        default: nil
        }
    }

    private func takeReadyWaiters(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        guard state.loaded else { return [] }
        let revision = state.snapshot.revision
        var ready: [CheckedContinuation<Void, Never>] = []
        state.waiters.removeAll { waiter in
            if waiter.revision <= revision {
                ready.append(waiter.continuation)
                return true
            }
            return false
        }
        return ready
    }
}

/// One consistent view of the directory: everything a request's authentication and
/// authorization need.
struct AccessSnapshot: Sendable {
    /// Users by name: true when disabled.
    let users: [String: Bool]
    /// Service accounts by `namespace/name`: true when disabled.
    let serviceAccounts: [String: Bool]
    /// Each user's groups, sorted.
    let groupsOfUser: [String: [String]]
    let evaluator: PolicyEvaluator
    /// The store revision this view includes.
    var revision: Int64

    static let empty = AccessSnapshot(resources: [], revision: 0)

    init(resources: some Sequence<Resource>, revision: Int64) {
        var users: [String: Bool] = [:]
        var serviceAccounts: [String: Bool] = [:]
        var groups: [String: Set<String>] = [:]
        var roles: [Role] = []
        var bindings: [RoleBinding] = []
        for resource in resources {
            switch resource.type {
            case IdentityTypes.usersTypeName:
                users[resource.name] = resource.spec["disabled"]?.boolValue ?? false
            case IdentityTypes.serviceAccountsTypeName:
                serviceAccounts["\(resource.namespace ?? "")/\(resource.name)"] = resource.spec["disabled"]?.boolValue ?? false
            case IdentityTypes.groupsTypeName:
                for member in resource.spec["members"]?.arrayValue ?? [] {
                    if let name = member.stringValue { groups[name, default: []].insert(resource.name) }
                }
            case Role.resourceTypeName:
                if let role = IdentityTypes.role(named: resource.name, spec: resource.spec) { roles.append(role) }
            case RoleBinding.resourceTypeName, IdentityTypes.clusterRoleBindingsTypeName:
                if let binding = IdentityTypes.binding(resource) { bindings.append(binding) }
            case BuiltinTypes.namespaceTypeName:
                bindings += IdentityTypes.namespaceBindings(resource)
            default:
                break
            }
        }
        self.users = users
        self.serviceAccounts = serviceAccounts
        self.groupsOfUser = groups.mapValues { $0.sorted() }
        self.evaluator = PolicyEvaluator(roles: roles, bindings: bindings)
        self.revision = revision
    }

    /// The principal a credential's subject (`user:alice`, `serviceaccount:ns/name`) stands for,
    /// with its groups; nil when it does not exist or is disabled.
    func principal(forSubject text: String, sessionID: String?) -> Principal? {
        guard let subject = try? Subject.parse(text) else { return nil }
        switch subject.kind {
        case .user:
            guard users[subject.name] == false else { return nil }
            return .user(subject.name, groups: groupsOfUser[subject.name] ?? [], sessionID: sessionID)
        case .serviceAccount:
            let namespace = subject.namespace ?? ""
            guard serviceAccounts["\(namespace)/\(subject.name)"] == false else { return nil }
            return .serviceAccount(subject.name, namespace: namespace, sessionID: sessionID)
        case .group:
            return nil
        }
    }

    /// True when there is at least one user: the setup path is closed for good.
    var hasUsers: Bool { !users.isEmpty }
}
