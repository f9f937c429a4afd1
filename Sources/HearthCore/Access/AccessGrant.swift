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

    /// ``description``, when made in advance: the evaluator makes each of its grants' once, not
    /// on every audited request. Not part of the value (equality, hashing, coding).
    private let text: String?

    /// A grant, as the evaluator reports it.
    public init(bindingName: String, bindingScope: RoleBinding.Scope, roleName: String, ruleIndex: Int, subject: Subject) {
        self.bindingName = bindingName
        self.bindingScope = bindingScope
        self.roleName = roleName
        self.ruleIndex = ruleIndex
        self.subject = subject
        self.text = nil
    }

    /// `grant` with its description made now, for a grant handed out many times.
    init(describing grant: AccessGrant) {
        self.bindingName = grant.bindingName
        self.bindingScope = grant.bindingScope
        self.roleName = grant.roleName
        self.ruleIndex = grant.ruleIndex
        self.subject = grant.subject
        self.text = grant.description
    }

    public var description: String {
        text ?? "role binding '\(bindingName)' (\(bindingScope)) grants role '\(roleName)' (rule \(ruleIndex)) to \(subject)"
    }

    private enum CodingKeys: String, CodingKey { case bindingName, bindingScope, roleName, ruleIndex, subject }

    public static func == (lhs: AccessGrant, rhs: AccessGrant) -> Bool {
        lhs.bindingName == rhs.bindingName && lhs.bindingScope == rhs.bindingScope && lhs.roleName == rhs.roleName
            && lhs.ruleIndex == rhs.ruleIndex && lhs.subject == rhs.subject
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(bindingName)
        hasher.combine(bindingScope)
        hasher.combine(roleName)
        hasher.combine(ruleIndex)
        hasher.combine(subject)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            bindingName: try container.decode(String.self, forKey: .bindingName),
            bindingScope: try container.decode(RoleBinding.Scope.self, forKey: .bindingScope),
            roleName: try container.decode(String.self, forKey: .roleName), ruleIndex: try container.decode(Int.self, forKey: .ruleIndex),
            subject: try container.decode(Subject.self, forKey: .subject))
    }
}
