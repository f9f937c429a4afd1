/// The members of one namespace with a built-in role each (its `owners`, `editors` and
/// `viewers`), ready for decisions: a few bytes a member, so that a cluster with many namespaces
/// does not hold a ``PolicyEvaluator`` for each.
///
/// ```swift
/// let members = NamespaceMembership(namespace: "shop", bindings: [
///     RoleBinding(name: "namespace-owners", roleName: "owner", subjects: [.user("alice")], scope: .namespace("shop")),
/// ])
/// members.decide(.user("alice"), AccessRequest(verb: "delete", resource: "widgets", namespace: "shop", name: "w"))  // a grant
/// ```
public struct NamespaceMembership: Sendable, Equatable {
    struct Member: Sendable, Equatable {
        let key: SubjectKey
        let subject: Subject
        /// ``Subject/text``, made once: the access view indexes members by it.
        let text: String
        let bindingName: String
        let roleName: String

        init(subject: Subject, bindingName: String, roleName: String) {
            key = SubjectKey(subject)
            self.subject = subject
            text = subject.text
            self.bindingName = bindingName
            self.roleName = roleName
        }
    }

    public let namespace: String
    let members: [Member]

    /// The built-in roles, compiled once for every namespace.
    static let builtinRules: [String: [CompiledRule]] = Dictionary(
        uniqueKeysWithValues: Role.builtins.map { ($0.name, $0.rules.map(CompiledRule.init)) })

    /// The members that `bindings` (in `namespace`, to built-in roles) name; bindings to other
    /// roles or with invalid subjects are left out.
    public init(namespace: String, bindings: [RoleBinding]) {
        self.namespace = namespace
        var members: [Member] = []
        for binding in bindings where Self.builtinRules[binding.roleName] != nil && binding.scope == .namespace(namespace) {
            for subject in binding.subjects where subject.validate().isEmpty {
                members.append(Member(subject: subject, bindingName: binding.name, roleName: binding.roleName))
            }
        }
        self.members = members
    }

    /// The lists of a namespace's spec that name its members, with the binding name and the
    /// built-in role each implies.
    static let memberLists: [(field: String, bindingName: String, roleName: String)] = [
        ("owners", "namespace-owners", Role.owner.name), ("editors", "namespace-editors", Role.editor.name),
        ("viewers", "namespace-viewers", Role.viewer.name),
    ]

    /// The members a namespace's own `owners`, `editors` and `viewers` lists name (subjects as
    /// text, `user:alice`); entries that are not valid subjects are left out. The same members as
    /// `init(namespace:bindings:)` with those lists as bindings named `namespace-owners`, ...,
    /// without making the bindings: every namespace created passes through here.
    public init(namespace: Resource) {
        self.namespace = namespace.name
        var members: [Member] = []
        for list in Self.memberLists {
            guard let entries = namespace.spec[list.field]?.arrayValue else { continue }
            for case .string(let text) in entries {
                guard let subject = try? Subject.parse(text) else { continue }
                members.append(Member(subject: subject, bindingName: list.bindingName, roleName: list.roleName))
            }
        }
        self.members = members
    }

    /// True when there are no members.
    public var isEmpty: Bool { members.isEmpty }

    /// The grant that lets `principal` make `request` here, if any. Requests outside this
    /// namespace (or creating a namespace) get nil.
    public func decide(_ principal: Principal, _ request: AccessRequest) -> AccessGrant? {
        guard request.scopeNamespace == namespace else { return nil }
        for member in members where includes(principal, member.key) {
            let rules = Self.builtinRules[member.roleName] ?? []
            for index in rules.indices where rules[index].matches(request) {
                return AccessGrant(
                    bindingName: member.bindingName, bindingScope: .namespace(namespace), roleName: member.roleName, ruleIndex: index,
                    subject: member.subject)
            }
        }
        return nil
    }

    /// True when `principal` (or one of its groups) is a member.
    public func includes(_ principal: Principal) -> Bool {
        members.contains { includes(principal, $0.key) }
    }

    private func includes(_ principal: Principal, _ key: SubjectKey) -> Bool {
        if case .group(let group) = key { return principal.groups.contains(group) }
        return SubjectKey(principal) == key
    }

    /// The members' subjects as text (`user:alice`), each once, in the order listed: for indexing
    /// who belongs where. (An array, not a set: a namespace has a few members, and every one
    /// created passes through here.)
    public var subjectTexts: [String] {
        var texts: [String] = []
        texts.reserveCapacity(members.count)
        for member in members where !texts.contains(member.text) { texts.append(member.text) }
        return texts
    }
}
