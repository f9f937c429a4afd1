/// The resource types of identity and access control. Their CRUD, watches and validation come
/// from the generic resource API; credentials (password hashes, API keys, sessions) are never part
/// of a resource: they live in the store's private records.
public enum IdentityTypes {
    public static let usersTypeName = "users"
    public static let groupsTypeName = "groups"
    public static let serviceAccountsTypeName = "serviceaccounts"
    public static let clusterRoleBindingsTypeName = "clusterrolebindings"

    /// The label that marks a namespaced resource readable by every authenticated caller.
    public static let publicLabel = "hearth.io/public"

    static let ready = ResourceStatus(
        phase: .ready, conditions: [Condition(type: "Ready", status: "True", reason: "Created")], observedVersion: 1)

    /// People (or anything that logs in with a password). The name is the username.
    public static let users = ResourceType(
        name: usersTypeName,
        kind: "User",
        scope: .cluster,
        description: "A person who logs in with a password. Create with POST /v1/users {username, password}; the password is never part of the resource.",
        schema: .object([
            "displayName": .string(description: "A human-friendly name.", maxLength: 128),
            "email": .string(description: "A contact address.", maxLength: 254),
            "disabled": .boolean(description: "A disabled user cannot log in, and its sessions and API keys stop working."),
        ]),
        createdStatus: ready
    )

    /// Named sets of users; role bindings to a group grant its members.
    public static let groups = ResourceType(
        name: groupsTypeName,
        kind: "Group",
        scope: .cluster,
        description: "A named set of users. A role binding whose subject is the group grants every member.",
        schema: .object([
            "description": .string(maxLength: 1024),
            "members": .array(of: .string(description: "A username.", maxLength: 253), description: "The usernames in the group.", maxItems: 10_000),
        ]),
        rules: { spec in
            var violations: [FieldViolation] = []
            for (index, member) in (spec["members"]?.arrayValue ?? []).enumerated() {
                if let name = member.stringValue, let problem = Names.dnsLabelProblem(name) {
                    violations.append(FieldViolation(field: "spec.members[\(index)]", reason: problem))
                }
            }
            return violations
        },
        createdStatus: ready
    )

    /// Non-human identities inside a namespace: programs that authenticate with API keys or
    /// certificates.
    public static let serviceAccounts = ResourceType(
        name: serviceAccountsTypeName,
        kind: "ServiceAccount",
        scope: .namespaced,
        description: "An identity for a program, in a namespace. Authenticates with API keys (POST /v1/apikeys).",
        schema: .object([
            "description": .string(maxLength: 1024),
            "disabled": .boolean(description: "A disabled service account's API keys stop working."),
        ]),
        createdStatus: ready
    )

    static let ruleSchema = JSONSchema.object(
        [
            "verbs": .array(of: .string(maxLength: 64), minItems: 1, maxItems: 32),
            "resources": .array(of: .string(maxLength: 63), minItems: 1, maxItems: 256),
            "resourceNames": .array(of: .string(maxLength: 253), minItems: 1, maxItems: 1024),
            "excludedResources": .array(of: .string(maxLength: 63), minItems: 1, maxItems: 256),
        ], required: ["verbs", "resources"])

    /// User-defined roles (the built-in ones always exist and cannot be redefined).
    public static let roles = ResourceType(
        name: Role.resourceTypeName,
        kind: "Role",
        scope: .cluster,
        description: "A named list of rules {verbs, resources, resourceNames, excludedResources}. Bound to subjects by rolebindings (in a namespace) or clusterrolebindings.",
        schema: .object(
            [
                "description": .string(maxLength: 1024),
                "rules": .array(of: ruleSchema, minItems: 1, maxItems: 256),
            ], required: ["rules"]),
        rules: { spec in
            guard let role = role(named: "x", spec: spec) else { return [] }
            return role.rules.enumerated().flatMap { index, rule in rule.validate(at: "spec.rules[\(index)]") }
        },
        createdStatus: ready
    )

    static let bindingSchema = JSONSchema.object(
        [
            "role": .string(description: "The role granted: a built-in role (cluster-admin, owner, editor, viewer) or a role resource.", maxLength: 63, format: "dns-label"),
            "subjects": .array(
                of: .string(description: "user:<name>, group:<name> or serviceaccount:<namespace>/<name>", maxLength: 300),
                minItems: 1, maxItems: 1000),
        ], required: ["role", "subjects"])

    static func bindingRules(_ spec: JSONValue) -> [FieldViolation] {
        Subject.violations(ofList: spec["subjects"], field: "spec.subjects")
    }

    /// Grants a role to subjects inside one namespace.
    public static let roleBindings = ResourceType(
        name: RoleBinding.resourceTypeName,
        kind: "RoleBinding",
        scope: .namespaced,
        description: "Grants a role to subjects in this namespace only.",
        schema: bindingSchema,
        rules: bindingRules,
        createdStatus: ready
    )

    /// Grants a role to subjects everywhere.
    public static let clusterRoleBindings = ResourceType(
        name: clusterRoleBindingsTypeName,
        kind: "ClusterRoleBinding",
        scope: .cluster,
        description: "Grants a role to subjects in every namespace and on cluster-scoped types.",
        schema: bindingSchema,
        rules: bindingRules,
        createdStatus: ready
    )

    public static var all: [ResourceType] { [users, groups, serviceAccounts, roles, roleBindings, clusterRoleBindings] }

    // MARK: Reading the resources back

    /// The role a `roles` resource defines, or nil when its spec is not a role.
    public static func role(named name: String, spec: JSONValue) -> Role? {
        guard let rules = spec["rules"]?.arrayValue else { return nil }
        var parsed: [PolicyRule] = []
        for rule in rules {
            let strings = { (key: String) -> [String]? in rule[key]?.arrayValue?.compactMap(\.stringValue) }
            guard let verbs = strings("verbs"), let resources = strings("resources") else { return nil }
            parsed.append(PolicyRule(verbs: verbs, resources: resources, resourceNames: strings("resourceNames"), excludedResources: strings("excludedResources")))
        }
        return Role(name: name, rules: parsed)
    }

    /// The binding a `rolebindings` or `clusterrolebindings` resource defines.
    public static func binding(_ resource: Resource) -> RoleBinding? {
        guard let role = resource.spec["role"]?.stringValue else { return nil }
        let subjects = (resource.spec["subjects"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap { try? Subject.parse($0) } }
        let scope: RoleBinding.Scope = resource.namespace.map { .namespace($0) } ?? .cluster
        return RoleBinding(name: resource.name, roleName: role, subjects: subjects, scope: scope)
    }
}
