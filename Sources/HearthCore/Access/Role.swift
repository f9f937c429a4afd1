/// A named set of ``PolicyRule``s. A role grants nothing by itself: a ``RoleBinding`` gives it to
/// subjects, cluster-wide or inside one namespace.
///
/// Roles are defined once for the whole cluster and referred to by name. Four are built in and
/// cannot be redefined: ``clusterAdmin``, ``owner``, ``editor`` and ``viewer`` (see
/// `Role+Builtins.swift`).
public struct Role: Sendable, Hashable, Codable {
    /// The resource type name under which roles are stored and authorised.
    public static let resourceTypeName = "roles"

    /// The role's name (a DNS label), which bindings refer to.
    public let name: String
    /// What the role grants: a request is allowed if any rule matches it.
    public let rules: [PolicyRule]

    /// A role as stored; ``validate(at:)`` says whether it is well formed.
    public init(name: String, rules: [PolicyRule]) {
        self.name = name
        self.rules = rules
    }

    /// The index of the first rule that grants `request`, or nil.
    public func firstMatchingRule(_ request: AccessRequest) -> Int? {
        rules.firstIndex { $0.matches(request) }
    }

    /// What is wrong with this role as a user-defined role; `path` prefixes the fields.
    ///
    /// The name must be a DNS label and not one of the built-in names; there must be at least one
    /// rule, and every rule must be valid.
    public func validate(at path: String = "") -> [FieldViolation] {
        var violations: [FieldViolation] = []
        if let problem = Names.dnsLabelProblem(name) {
            violations.append(FieldViolation(field: AccessPath.join(path, "name"), reason: problem))
        } else if Self.isBuiltin(name) {
            violations.append(
                FieldViolation(field: AccessPath.join(path, "name"), reason: "'\(name)' is a built-in role and cannot be redefined"))
        }
        if rules.isEmpty {
            violations.append(FieldViolation(field: AccessPath.join(path, "rules"), reason: "must have at least one rule"))
        }
        for (index, rule) in rules.enumerated() {
            violations += rule.validate(at: AccessPath.index(path, "rules", index))
        }
        return violations
    }
}
