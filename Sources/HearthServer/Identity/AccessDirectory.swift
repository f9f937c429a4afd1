import HearthCore
import HearthStore
import Logging
import ServiceLifecycle
import Synchronization

/// This replica's view of who exists and who may do what: users, groups, service accounts,
/// roles, role bindings and the namespaces' member lists, kept current from the change feed.
///
/// Requests never touch the store for a decision. The view is updated change by change, at a cost
/// that does not grow with the number of namespaces or users: each namespace's members form a
/// small evaluator of their own, users and service accounts are dictionary entries, and only a
/// change to a role or a role binding rebuilds the main ``PolicyEvaluator``. Lookups take the lock
/// for one element, never copy the dictionaries, so a change never copies them either.
final class AccessDirectory: Service, Sendable {
    static let watchedTypes: Set<String> = [
        IdentityTypes.usersTypeName, IdentityTypes.groupsTypeName, IdentityTypes.serviceAccountsTypeName, Role.resourceTypeName,
        RoleBinding.resourceTypeName, IdentityTypes.clusterRoleBindingsTypeName, BuiltinTypes.namespaceTypeName,
    ]

    /// The types whose changes alter who a principal is (exists, disabled, groups).
    static let principalTypes: Set<String> = [IdentityTypes.usersTypeName, IdentityTypes.groupsTypeName, IdentityTypes.serviceAccountsTypeName]

    private struct State {
        /// Users by name: true when disabled.
        var users: [String: Bool] = [:]
        /// Service accounts by `namespace/name`: true when disabled.
        var serviceAccounts: [String: Bool] = [:]
        /// Each group's members, and each user's groups (sorted).
        var groupMembers: [String: [String]] = [:]
        var groupsOfUser: [String: [String]] = [:]
        var roles: [String: Role] = [:]
        var bindings: [ResourceKey: RoleBinding] = [:]
        /// Roles and bindings, compiled; rebuilt when they change.
        var evaluator = PolicyEvaluator(bindings: [])
        /// Each namespace: its version in the view and its owners, editors and viewers. One
        /// entry per namespace, in place of one in ``versions`` and one more for its members:
        /// a cluster may have hundreds of thousands, and every one created passes through here.
        var namespaces: [String: NamespaceEntry] = [:]
        /// The namespaces each subject (`user:alice`, `group:ops`, ...) is a member of.
        var memberOf: [String: Set<String>] = [:]
        /// The version of each resource in the view (namespaces: in ``namespaces``), -1 once
        /// deleted: a change that keeps it (a status update) changes nothing here.
        var versions: [ResourceKey: (version: Int64, revision: Int64)] = [:]
        var revision: Int64 = 0
        var loaded = false
        var waiters: [(id: Int, revision: Int64, continuation: CheckedContinuation<Void, Never>)] = []
        var nextWaiterID = 0

        /// The version and revision of `key` in the view.
        func seen(_ key: ResourceKey) -> (version: Int64, revision: Int64)? {
            if let namespace = Self.namespaceName(key) { return namespaces[namespace].map { ($0.version, $0.revision) } }
            return versions[key]
        }

        mutating func see(_ key: ResourceKey, version: Int64, revision: Int64) {
            if let namespace = Self.namespaceName(key) {
                namespaces[namespace, default: NamespaceEntry()].see(version: version, revision: revision)
            } else {
                versions[key] = (version, revision)
            }
        }

        /// The namespace `key` names, if it is a namespace's key (kept in ``namespaces``).
        private static func namespaceName(_ key: ResourceKey) -> String? {
            key.type == BuiltinTypes.namespaceTypeName && key.namespace.isEmpty ? key.name : nil
        }
    }

    /// A namespace in the view.
    private struct NamespaceEntry {
        var version: Int64 = -1
        var revision: Int64 = -1
        /// Nil when it has no members (or is deleted).
        var members: NamespaceMembership?

        mutating func see(version: Int64, revision: Int64) {
            self.version = version
            self.revision = revision
        }
    }

    /// Who was disabled or deleted (subject text, deleted?), for ``IdentityService`` to revoke
    /// their sessions and forget their credentials.
    let deactivations: AsyncStream<(subject: String, deleted: Bool)>
    private let deactivated: AsyncStream<(subject: String, deleted: Bool)>.Continuation
    private let store: Store
    private let logger: Logger
    private let state = Mutex(State())
    private let generationCounter = Atomic<UInt64>(0)
    private let loadedFlag = Atomic<Bool>(false)

    /// Advances whenever a user, group or service account changes: a principal built before is
    /// stale once it moves.
    var generation: UInt64 { generationCounter.load(ordering: .acquiring) }

    /// Waits for the view end when the server begins to stop.
    let draining: Draining?

    init(store: Store, logger: Logger, draining: Draining? = nil) {
        self.draining = draining
        self.store = store
        self.logger = logger
        (deactivations, deactivated) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(10_000))
    }

    // MARK: Decisions

    /// Whether `principal` may make `request`: a role binding, a cluster role binding, or the
    /// membership lists of the request's namespace.
    func decide(_ principal: Principal, _ request: AccessRequest) -> AccessDecision {
        let (evaluator, members) = state.withLock { state in
            (state.evaluator, request.namespaceForMembership.flatMap { state.namespaces[$0]?.members })
        }
        let decision = evaluator.decide(principal, request)
        if decision.isAllowed { return decision }
        if let grant = members?.decide(principal, request) { return .allowed(reason: grant) }
        return decision
    }

    /// True if `principal` may know that `namespace` exists (see ``PolicyEvaluator/canSeeNamespace(_:_:)``).
    func canSeeNamespace(_ principal: Principal, _ namespace: String) -> Bool {
        let (evaluator, members) = state.withLock { ($0.evaluator, $0.namespaces[namespace]?.members) }
        if members?.includes(principal) == true { return true }
        return evaluator.canSeeNamespace(principal, namespace)
    }

    /// The namespaces `principal` can see.
    func visibleNamespaces(_ principal: Principal) -> NamespaceVisibility {
        let subjects = ([principal.subject?.text] + principal.groups.map { Subject.group($0).text }).compactMap { $0 }
        let (evaluator, memberships) = state.withLock { state in
            (state.evaluator, subjects.reduce(into: Set<String>()) { $0.formUnion(state.memberOf[$1] ?? []) })
        }
        switch evaluator.visibleNamespaces(principal) {
        case .all: return .all
        case .only(let namespaces): return .only(namespaces.union(memberships))
        }
    }

    /// The principal a credential's subject (`user:alice`, `serviceaccount:ns/name`) stands for,
    /// with its groups; nil when it does not exist or is disabled.
    func principal(forSubject text: String, sessionID: String?) -> Principal? {
        guard let subject = try? Subject.parse(text) else { return nil }
        switch subject.kind {
        case .user:
            let (disabled, groups) = state.withLock { ($0.users[subject.name], $0.groupsOfUser[subject.name]) }
            guard disabled == false else { return nil }
            return .user(subject.name, groups: groups ?? [], sessionID: sessionID)
        case .serviceAccount:
            let namespace = subject.namespace ?? ""
            guard state.withLock({ $0.serviceAccounts["\(namespace)/\(subject.name)"] }) == false else { return nil }
            return .serviceAccount(subject.name, namespace: namespace, sessionID: sessionID)
        case .group:
            return nil
        }
    }

    /// True once the first load is done: before, every decision would be a refusal.
    var isLoaded: Bool { loadedFlag.load(ordering: .acquiring) }

    /// True when the user exists (disabled or not).
    func userExists(_ name: String) -> Bool { state.withLock { $0.users[name] != nil } }

    /// True when the user exists and is not disabled.
    func userIsActive(_ name: String) -> Bool { state.withLock { $0.users[name] == false } }

    /// True if the namespace exists (as of the last change this replica applied).
    func namespaceExists(_ name: String) -> Bool {
        state.withLock { ($0.namespaces[name]?.version ?? -1) >= 0 }
    }

    func serviceAccountExists(namespace: String, name: String) -> Bool {
        state.withLock { $0.serviceAccounts["\(namespace)/\(name)"] != nil }
    }

    // MARK: Following the store

    /// Loads everything, then follows the change feed until shutdown. Reloads from scratch when it
    /// falls behind the feed.
    func run() async throws {
        await cancelWhenGracefulShutdown { await self.follow() }
    }

    private func follow() async {
        await store.follow("access directory", logger: logger, load: load, apply: { self.apply($0) })
        // Release anyone still waiting: shutdown.
        let waiters = state.withLock { state in
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.continuation.resume() }
    }

    /// Waits until the view includes every change up to `revision` (this replica's own write);
    /// bounded (5 s), in case the feed stalls, and ended when the server begins to stop, so a
    /// request never hangs on it (the write is committed either way).
    func waitUntilApplied(_ revision: Int64) async {
        let id = state.withLock { state -> Int in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        await TimedWait.suspend(
            timeout: .seconds(5), draining: draining,
            park: { continuation in
                self.state.withLock { state -> Bool in
                    if Task.isCancelled || (state.loaded && state.revision >= revision) { return true }
                    state.waiters.append((id, revision, continuation))
                    return false
                }
            },
            release: {
                let waiter = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
                    guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                    return state.waiters.remove(at: index).continuation
                }
                waiter?.resume()
            })
    }

    private func load() async throws {
        try await store.waitUntilReady()
        var fresh = State()
        var revision: Int64 = 0
        for type in Self.watchedTypes {
            var options = ListOptions(type: type, limit: ListOptions.maxLimit)
            while true {
                let page = try await store.list(options)
                for resource in page.items {
                    Self.put(resource, into: &fresh)
                    fresh.see(resource.key, version: resource.version, revision: resource.revision)
                }
                revision = max(revision, page.revision)
                guard let next = page.next else { break }
                options.after = next
            }
        }
        fresh.evaluator = PolicyEvaluator(roles: Array(fresh.roles.values), bindings: Array(fresh.bindings.values))
        fresh.revision = revision
        fresh.loaded = true
        let ready = state.withLock { state in
            fresh.waiters = state.waiters
            state = fresh
            return Self.takeReadyWaiters(&state)
        }
        generationCounter.add(1, ordering: .releasing)
        loadedFlag.store(true, ordering: .releasing)
        for waiter in ready { waiter.resume() }
    }

    /// Applies this replica's own committed write at once, before the change feed brings it, so
    /// that the writer's next request is decided with it. The feed's copy is then skipped.
    func applyCommitted(_ resource: Resource) {
        guard Self.watchedTypes.contains(resource.type) else { return }
        apply(ChangeEvent(revision: resource.revision, kind: .modified, object: resource), fromFeed: false)
    }

    private func apply(_ event: ChangeEvent, fromFeed: Bool = true) {
        var gone: (subject: String, deleted: Bool)?
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            if fromFeed { state.revision = max(state.revision, event.revision) }
            let key = event.object.key
            let last = state.seen(key)
            // Not older than what the view has (a write applied directly arrives again from the
            // feed), and not a change that keeps the version (a status update).
            if Self.watchedTypes.contains(event.object.type), (last?.revision ?? -1) < event.revision,
                event.kind == .deleted || last?.version != event.object.version
            {
                state.see(key, version: event.kind == .deleted ? -1 : event.object.version, revision: event.revision)
                if Self.principalTypes.contains(event.object.type) { generationCounter.add(1, ordering: .releasing) }
                gone = Self.deactivation(event, in: state)
                let policyChanged: Bool
                if event.kind == .deleted {
                    policyChanged = Self.remove(event.object, from: &state)
                } else {
                    policyChanged = Self.put(event.object, into: &state)
                }
                if policyChanged {
                    state.evaluator = PolicyEvaluator(roles: Array(state.roles.values), bindings: Array(state.bindings.values))
                }
            }
            return Self.takeReadyWaiters(&state)
        }
        for waiter in ready { waiter.resume() }
        if let gone { deactivated.yield(gone) }
    }

    /// A user or service account that this change disables or deletes.
    private static func deactivation(_ event: ChangeEvent, in state: State) -> (subject: String, deleted: Bool)? {
        let resource = event.object
        let subject: String
        let wasDisabled: Bool?
        switch resource.type {
        case IdentityTypes.usersTypeName:
            subject = Subject.user(resource.name).text
            wasDisabled = state.users[resource.name]
        case IdentityTypes.serviceAccountsTypeName:
            subject = Subject.serviceAccount(resource.name, namespace: resource.namespace ?? "").text
            wasDisabled = state.serviceAccounts["\(resource.namespace ?? "")/\(resource.name)"]
        default:
            return nil
        }
        if event.kind == .deleted { return (subject, true) }
        if resource.spec["disabled"]?.boolValue == true, wasDisabled != true { return (subject, false) }
        return nil
    }

    /// Adds or replaces a resource in the view; true when roles or bindings changed.
    @discardableResult
    private static func put(_ resource: Resource, into state: inout State) -> Bool {
        switch resource.type {
        case IdentityTypes.usersTypeName:
            state.users[resource.name] = resource.spec["disabled"]?.boolValue ?? false
        case IdentityTypes.serviceAccountsTypeName:
            state.serviceAccounts["\(resource.namespace ?? "")/\(resource.name)"] = resource.spec["disabled"]?.boolValue ?? false
        case IdentityTypes.groupsTypeName:
            let members = Set((resource.spec["members"]?.arrayValue ?? []).compactMap(\.stringValue))
            setGroup(resource.name, members: members, in: &state)
        case Role.resourceTypeName:
            let role = IdentityTypes.role(named: resource.name, spec: resource.spec)
            guard state.roles[resource.name] != role else { return false }
            state.roles[resource.name] = role
            return true
        case RoleBinding.resourceTypeName, IdentityTypes.clusterRoleBindingsTypeName:
            let binding = IdentityTypes.binding(resource)
            guard state.bindings[resource.key] != binding else { return false }
            state.bindings[resource.key] = binding
            return true
        case BuiltinTypes.namespaceTypeName:
            setNamespace(NamespaceMembership(namespace: resource), in: &state)
        default:
            break
        }
        return false
    }

    /// Removes a deleted resource from the view; true when roles or bindings changed.
    private static func remove(_ resource: Resource, from state: inout State) -> Bool {
        switch resource.type {
        case IdentityTypes.usersTypeName:
            state.users[resource.name] = nil
        case IdentityTypes.serviceAccountsTypeName:
            state.serviceAccounts["\(resource.namespace ?? "")/\(resource.name)"] = nil
        case IdentityTypes.groupsTypeName:
            setGroup(resource.name, members: [], in: &state)
            state.groupMembers[resource.name] = nil
        case Role.resourceTypeName:
            return state.roles.removeValue(forKey: resource.name) != nil
        case RoleBinding.resourceTypeName, IdentityTypes.clusterRoleBindingsTypeName:
            return state.bindings.removeValue(forKey: resource.key) != nil
        case BuiltinTypes.namespaceTypeName:
            setNamespace(NamespaceMembership(namespace: resource.name, bindings: []), in: &state)
        default:
            break
        }
        return false
    }

    private static func setGroup(_ group: String, members: Set<String>, in state: inout State) {
        let old = Set(state.groupMembers[group] ?? [])
        guard old != members else { return }
        for user in old.subtracting(members) {
            state.groupsOfUser[user]?.removeAll { $0 == group }
            if state.groupsOfUser[user]?.isEmpty == true { state.groupsOfUser[user] = nil }
        }
        for user in members.subtracting(old) {
            state.groupsOfUser[user, default: []].append(group)
            state.groupsOfUser[user]?.sort()
        }
        state.groupMembers[group] = members.sorted()
    }

    private static func setNamespace(_ members: NamespaceMembership, in state: inout State) {
        let namespace = members.namespace
        let old = state.namespaces[namespace]?.members
        guard old != members else { return }
        if let old {
            for subject in old.subjectTexts {
                state.memberOf[subject]?.remove(namespace)
                if state.memberOf[subject]?.isEmpty == true { state.memberOf[subject] = nil }
            }
        }
        for subject in members.subjectTexts {
            state.memberOf[subject, default: []].insert(namespace)
        }
        state.namespaces[namespace, default: NamespaceEntry()].members = members.isEmpty ? nil : members
    }

    private static func takeReadyWaiters(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        guard state.loaded else { return [] }
        let revision = state.revision
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

extension AccessRequest {
    /// The namespace whose member lists apply: the request's namespace, or the namespace object's
    /// own name (except when creating it).
    var namespaceForMembership: String? {
        if resource == BuiltinTypes.namespaceTypeName { return verb == Verbs.create ? nil : name }
        return namespace
    }
}
