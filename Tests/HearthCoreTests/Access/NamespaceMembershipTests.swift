import HearthCore
import Testing

@Suite("NamespaceMembership")
struct NamespaceMembershipTests {
    static let members = NamespaceMembership(
        namespace: "shop",
        bindings: [
            RoleBinding(name: "namespace-owners", roleName: "owner", subjects: [.user("alice")], scope: .namespace("shop")),
            RoleBinding(name: "namespace-editors", roleName: "editor", subjects: [.group("devs")], scope: .namespace("shop")),
            RoleBinding(name: "namespace-viewers", roleName: "viewer", subjects: [.serviceAccount("bot", namespace: "shop")], scope: .namespace("shop")),
            // Ignored: another namespace, a role that is not built in, an invalid subject.
            RoleBinding(name: "elsewhere", roleName: "owner", subjects: [.user("mallory")], scope: .namespace("other")),
            RoleBinding(name: "custom", roleName: "widget-admin", subjects: [.user("mallory")], scope: .namespace("shop")),
            RoleBinding(name: "bad", roleName: "owner", subjects: [.user("")], scope: .namespace("shop")),
        ])

    @Test("members get their built-in role's rules in their namespace only")
    func decisions() {
        let alice = Principal.user("alice")
        let dev = Principal.user("dan", groups: ["devs"])
        let bot = Principal.serviceAccount("bot", namespace: "shop")
        let mallory = Principal.user("mallory")
        let write = AccessRequest(verb: "update", resource: "widgets", namespace: "shop", name: "w")
        let grant = Self.members.decide(alice, AccessRequest(verb: "create", resource: "rolebindings", namespace: "shop"))
        #expect(grant?.roleName == "owner")
        #expect(grant?.bindingName == "namespace-owners")
        #expect(grant?.bindingScope == .namespace("shop"))
        #expect(Self.members.decide(dev, write)?.subject == .group("devs"))
        #expect(Self.members.decide(dev, AccessRequest(verb: "create", resource: "rolebindings", namespace: "shop")) == nil)
        #expect(Self.members.decide(bot, AccessRequest(verb: "get", resource: "widgets", namespace: "shop", name: "w")) != nil)
        #expect(Self.members.decide(bot, write) == nil)
        #expect(Self.members.decide(mallory, write) == nil)
        // The namespace object itself, but not creating one, nor anything elsewhere.
        #expect(Self.members.decide(alice, AccessRequest(verb: "delete", resource: "namespaces", name: "shop")) != nil)
        #expect(Self.members.decide(alice, AccessRequest(verb: "create", resource: "namespaces", name: "shop")) == nil)
        #expect(Self.members.decide(alice, AccessRequest(verb: "get", resource: "widgets", namespace: "other", name: "w")) == nil)
        #expect(Self.members.decide(.anonymous(), AccessRequest(verb: "get", resource: "widgets", namespace: "shop", name: "w")) == nil)
    }

    @Test("who is a member, and the subjects for indexing")
    func membership() {
        #expect(Self.members.includes(.user("alice")))
        #expect(Self.members.includes(.user("dan", groups: ["devs"])))
        #expect(!Self.members.includes(.user("mallory")))
        #expect(!Self.members.includes(.anonymous()))
        #expect(Self.members.subjectTexts == ["user:alice", "group:devs", "serviceaccount:shop/bot"])
        #expect(NamespaceMembership(namespace: "x", bindings: []).isEmpty)
        // A subject in two lists is indexed once.
        let twice = NamespaceMembership(
            namespace: Resource(
                type: BuiltinTypes.namespaceTypeName, name: "x",
                spec: .object(["owners": .array([.string("user:a")]), "editors": .array([.string("user:a"), .string("user:b")])])))
        #expect(twice.subjectTexts == ["user:a", "user:b"])
    }

    @Test("a namespace resource's owners, editors and viewers lists are its members")
    func fromNamespaceResource() {
        let namespace = Resource(
            type: "namespaces", name: "shop",
            spec: .object([
                "owners": .array([.string("user:alice"), .string("not a subject"), .int(3)]),
                "editors": .array([.string("group:devs")]),
                "viewers": .array([.string("serviceaccount:shop/bot"), .string("user:")]),
                "description": .string("not a member list"),
            ]))
        // The same members as the lists made into bindings, invalid entries left out.
        let expected = NamespaceMembership(
            namespace: "shop",
            bindings: [
                RoleBinding(name: "namespace-owners", roleName: "owner", subjects: [.user("alice")], scope: .namespace("shop")),
                RoleBinding(name: "namespace-editors", roleName: "editor", subjects: [.group("devs")], scope: .namespace("shop")),
                RoleBinding(name: "namespace-viewers", roleName: "viewer", subjects: [.serviceAccount("bot", namespace: "shop")], scope: .namespace("shop")),
            ])
        #expect(NamespaceMembership(namespace: namespace) == expected)
        #expect(NamespaceMembership(namespace: namespace).subjectTexts == ["user:alice", "group:devs", "serviceaccount:shop/bot"])
        #expect(NamespaceMembership(namespace: Resource(type: "namespaces", name: "empty")).isEmpty)
    }
}
