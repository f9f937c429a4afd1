/// One binding as seen from one of its subjects: the role's compiled rules and what to report
/// when they match.
struct SubjectGrant: Sendable {
    let bindingName: String
    let scope: RoleBinding.Scope
    let roleName: String
    let rules: [CompiledRule]
    let subject: Subject

    /// The grant for `request`, if one of the rules matches it.
    func grant(for request: AccessRequest) -> AccessGrant? {
        for index in rules.indices where rules[index].matches(request) {
            return AccessGrant(bindingName: bindingName, bindingScope: scope, roleName: roleName, ruleIndex: index, subject: subject)
        }
        return nil
    }
}
