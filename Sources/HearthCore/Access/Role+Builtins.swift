/// The built-in roles. They always exist, a ``PolicyEvaluator`` knows them without being told, and
/// a user-defined role with one of their names is ignored (``Role/validate(at:)`` refuses it).
extension Role {
    /// Every verb on every resource type. Bound cluster-wide, this is the administrator of the
    /// whole installation; it is the only way to be one.
    public static let clusterAdmin = Role(
        name: "cluster-admin",
        rules: [PolicyRule(verbs: [PolicyRule.wildcard], resources: [PolicyRule.wildcard])]
    )

    /// Everything inside a namespace: every resource in it, its role bindings (so an owner can
    /// give others access), reading secret values, and the namespace object itself (updating and
    /// deleting it). Meant to be bound in a namespace; bound cluster-wide it amounts to
    /// ``clusterAdmin``.
    public static let owner = Role(
        name: "owner",
        rules: [PolicyRule(verbs: [PolicyRule.wildcard], resources: [PolicyRule.wildcard])]
    )

    /// Reads everything in a namespace and writes its resources, but cannot change roles, role
    /// bindings, issuance policies or the namespace object (so cannot grant access, widen the
    /// certificates the namespace may be issued, or delete the namespace).
    public static let editor = Role(
        name: "editor",
        rules: [
            PolicyRule(verbs: Verbs.read, resources: [PolicyRule.wildcard]),
            PolicyRule(
                verbs: Verbs.write, resources: [PolicyRule.wildcard],
                excludedResources: [Role.resourceTypeName, RoleBinding.resourceTypeName, BuiltinTypes.namespaceTypeName, "issuancepolicies"]),
        ]
    )

    /// Reads (get, list, watch) everything in a namespace; no writes, no secret values.
    public static let viewer = Role(
        name: "viewer",
        rules: [PolicyRule(verbs: Verbs.read, resources: [PolicyRule.wildcard])]
    )

    /// The built-in roles: cluster-admin, owner, editor, viewer.
    public static let builtins: [Role] = [clusterAdmin, owner, editor, viewer]

    /// True if `name` is a built-in role's name.
    public static func isBuiltin(_ name: String) -> Bool {
        builtins.contains { $0.name == name }
    }
}
