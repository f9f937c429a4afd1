/// Why a request was allowed: the binding, the role, the rule and the subject that matched.
/// Recorded in the audit trail.
public struct AccessGrant: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The name of the binding that granted the request.
    public let bindingName: String
    /// Where that binding applies.
    public let bindingScope: RoleBinding.Scope
    /// The role it binds.
    public let roleName: String
    /// The index of the matching rule in the role's rules.
    public let ruleIndex: Int
    /// The binding's subject that matched the caller (the caller itself, or one of its groups).
    public let subject: Subject

    /// A grant, as the evaluator reports it.
    public init(bindingName: String, bindingScope: RoleBinding.Scope, roleName: String, ruleIndex: Int, subject: Subject) {
        self.bindingName = bindingName
        self.bindingScope = bindingScope
        self.roleName = roleName
        self.ruleIndex = ruleIndex
        self.subject = subject
    }

    public var description: String {
        "role binding '\(bindingName)' (\(bindingScope)) grants role '\(roleName)' (rule \(ruleIndex)) to \(subject)"
    }
}
