/// Decides whether a ``Principal`` may make an ``AccessRequest``, from a snapshot of roles and
/// role bindings.
///
/// ```swift
/// let evaluator = PolicyEvaluator(
///     roles: customRoles,
///     bindings: [RoleBinding(name: "alice-owns-a", roleName: "owner", subjects: [.user("alice")], scope: .namespace("a"))]
/// )
/// evaluator.decide(.user("alice"), AccessRequest(verb: "delete", resource: "widgets", namespace: "a", name: "w1")).isAllowed  // true
/// evaluator.decide(.user("alice"), AccessRequest(verb: "get", resource: "widgets", namespace: "b", name: "w1")).isAllowed     // false
/// ```
///
/// The rules:
/// - Access is denied unless a binding grants it. Anonymous callers are granted nothing.
/// - A binding's subject matches the caller directly (a user by name, a service account by
///   namespace and name) or through one of the caller's ``Principal/groups``. Group membership
///   is expanded by the caller; a group subject grants the group's members and nobody else.
/// - Cluster bindings apply to every request; namespace bindings only to requests in their
///   namespace and to their namespace object itself (except creating it).
/// - A binding to a role that does not exist grants nothing (see ``unresolvedBindings``). The
///   built-in roles (``Role/builtins``) always exist; user-defined roles with their names are
///   ignored.
/// - A request is allowed if any rule of a bound role matches it (``PolicyRule``).
///
/// The roles and bindings are indexed once, by subject, at construction; a decision does one
/// dictionary lookup for the caller and one per group, and checks only the bindings of those
/// subjects that apply where the request is. The evaluator is an immutable value: build a new one
/// when roles or bindings change, and share it freely across tasks.
public struct PolicyEvaluator: Sendable {
    /// The roles known to this evaluator by name: the built-ins and the user-defined ones.
    public let roles: [String: Role]
    /// Bindings that name a role that does not exist; they grant nothing.
    public let unresolvedBindings: [RoleBinding]

    private let index: [SubjectKey: SubjectGrants]

    /// Indexes `roles` (user-defined; the built-ins are added, and win over a role with the same
    /// name; among duplicates the later role wins) and `bindings`. Subjects that fail
    /// ``Subject/validate(at:)`` are skipped: they can match no principal safely.
    public init(roles: [Role] = [], bindings: [RoleBinding]) {
        var known: [String: Role] = [:]
        for role in roles { known[role.name] = role }
        for role in Role.builtins { known[role.name] = role }
        self.roles = known

        var compiled: [String: [CompiledRule]] = [:]
        for (name, role) in known { compiled[name] = role.rules.map(CompiledRule.init) }

        // A stable order, so that the grant reported does not depend on the order of the input:
        // cluster bindings first, then by namespace, then by name.
        let ordered = bindings.sorted { lhs, rhs in
            let left = (lhs.scope.namespace == nil ? 0 : 1, lhs.scope.namespace ?? "", lhs.name, lhs.roleName)
            let right = (rhs.scope.namespace == nil ? 0 : 1, rhs.scope.namespace ?? "", rhs.name, rhs.roleName)
            return left < right
        }

        var index: [SubjectKey: SubjectGrants] = [:]
        var unresolved: [RoleBinding] = []
        for binding in ordered {
            guard let rules = compiled[binding.roleName] else {
                unresolved.append(binding)
                continue
            }
            if rules.isEmpty { continue }
            var seen: Set<SubjectKey> = []
            for subject in binding.subjects where subject.validate().isEmpty {
                let key = SubjectKey(subject)
                guard seen.insert(key).inserted else { continue }
                let grant = SubjectGrant(
                    bindingName: binding.name, scope: binding.scope, roleName: binding.roleName, rules: rules, subject: subject)
                switch binding.scope {
                case .cluster:
                    index[key, default: SubjectGrants()].cluster.append(grant)
                case .namespace(let namespace):
                    index[key, default: SubjectGrants()].byNamespace[namespace, default: []].append(grant)
                }
            }
        }
        self.index = index
        self.unresolvedBindings = unresolved
    }

    /// Whether `principal` may make `request`, and why.
    ///
    /// The caller's own bindings are looked at first, then its groups' in name order; within a
    /// subject, cluster bindings before namespace bindings, each by name. The first rule that
    /// matches is reported.
    public func decide(_ principal: Principal, _ request: AccessRequest) -> AccessDecision {
        guard let key = SubjectKey(principal) else {
            return .denied(reason: "anonymous callers are granted nothing; authenticate first")
        }
        let namespace = request.scopeNamespace
        if let grants = index[key], let grant = grants.grant(for: request, in: namespace) {
            return .allowed(reason: grant)
        }
        for group in principal.groups {
            if let grants = index[.group(group)], let grant = grants.grant(for: request, in: namespace) {
                return .allowed(reason: grant)
            }
        }
        return .denied(reason: "no role binding allows \(principal) to \(request)")
    }

    /// True if `principal` may know that `namespace` exists: it has a namespace binding there,
    /// or a grant to read the namespace object. Callers for whom this is false should be told a
    /// namespace's resources do not exist (404) rather than that they are forbidden (403), so that
    /// namespace names do not leak. A cluster binding that grants something unrelated (say,
    /// creating namespaces) does not make every namespace visible.
    public func canSeeNamespace(_ principal: Principal, _ namespace: String) -> Bool {
        var found = false
        forEachSubject(of: principal) { grants in
            if grants.byNamespace[namespace] != nil {
                found = true
                return false
            }
            return true
        }
        if found { return true }
        return decide(principal, AccessRequest(verb: Verbs.get, resource: BuiltinTypes.namespaceTypeName, name: namespace)).isAllowed
    }

    /// The namespaces `principal` can see (see ``canSeeNamespace(_:_:)``): every one when a
    /// cluster binding lets it list namespaces, else those it has namespace bindings in.
    public func visibleNamespaces(_ principal: Principal) -> NamespaceVisibility {
        if decide(principal, AccessRequest(verb: Verbs.list, resource: BuiltinTypes.namespaceTypeName)).isAllowed {
            return .all
        }
        var namespaces: Set<String> = []
        forEachSubject(of: principal) { grants in
            namespaces.formUnion(grants.byNamespace.keys)
            return true
        }
        return .only(namespaces)
    }

    /// The role called `name`, built-in or user-defined.
    public func role(named name: String) -> Role? { roles[name] }

    /// Calls `body` with the grants of the principal and of each of its groups, until it returns
    /// false.
    private func forEachSubject(of principal: Principal, _ body: (SubjectGrants) -> Bool) {
        guard let key = SubjectKey(principal) else { return }
        if let grants = index[key], !body(grants) { return }
        for group in principal.groups {
            if let grants = index[.group(group)], !body(grants) { return }
        }
    }
}
