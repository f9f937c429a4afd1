/// One binding as seen from one of its subjects: the role's compiled rules and what to report
/// when they match.
struct SubjectGrant: Sendable {
    let rules: [CompiledRule]
    /// What to report for each rule, made (and described) once when the policy is compiled.
    let grants: [AccessGrant]

    init(bindingName: String, scope: RoleBinding.Scope, roleName: String, rules: [CompiledRule], subject: Subject) {
        self.rules = rules
        grants = rules.indices.map { index in
            AccessGrant(
                describing: AccessGrant(bindingName: bindingName, bindingScope: scope, roleName: roleName, ruleIndex: index, subject: subject))
        }
    }

    /// The grant for `request`, if one of the rules matches it.
    func grant(for request: AccessRequest) -> AccessGrant? {
        for index in rules.indices where rules[index].matches(request) {
            return grants[index]
        }
        return nil
    }
}
