import Testing

@testable import HearthCore

@Suite("PolicyEvaluator")
struct PolicyEvaluatorTests {
    typealias F = AccessFixtures

    static let alice = Principal.user("alice")
    static let bob = Principal.user("bob")

    // MARK: Deny by default

    @Test("with no bindings every request is denied, with a reason")
    func denyByDefault() throws {
        let evaluator = PolicyEvaluator(bindings: [])
        let decision = evaluator.decide(Self.alice, F.request("get", "widgets", in: "a", name: "w"))
        #expect(!decision.isAllowed)
        #expect(decision.grant == nil)
        guard case .denied(let reason) = decision else { Issue.record("expected a denial"); return }
        #expect(reason.contains("user 'alice'"))
        #expect(reason.contains("get widgets 'w' in namespace 'a'"))
    }

    @Test("a binding for someone else grants nothing")
    func otherUsersBinding() {
        let evaluator = PolicyEvaluator(bindings: [F.binding("b", role: "owner", [.user("bob")], in: "a")])
        #expect(!F.allows(evaluator, Self.alice, F.request("get", "widgets", in: "a", name: "w")))
        #expect(F.allows(evaluator, Self.bob, F.request("get", "widgets", in: "a", name: "w")))
    }

    @Test("anonymous callers are denied even with a cluster-admin binding to a user of the same name")
    func anonymous() {
        let evaluator = PolicyEvaluator(bindings: [F.binding("b", role: "cluster-admin", [.user("anonymous"), .group("everyone")])])
        let decision = evaluator.decide(.anonymous(), F.request("get", "widgets", in: "a"))
        #expect(decision == .denied(reason: "anonymous callers are granted nothing; authenticate first"))
        #expect(!evaluator.canSeeNamespace(.anonymous(), "a"))
        #expect(evaluator.visibleNamespaces(.anonymous()) == .only([]))
    }

    @Test("a user subject does not match a service account of the same name, nor the reverse")
    func kindsAreDistinct() {
        let evaluator = PolicyEvaluator(bindings: [
            F.binding("u", role: "viewer", [.user("builder")], in: "a"),
            F.binding("s", role: "viewer", [.serviceAccount("alice", namespace: "a")], in: "b"),
            F.binding("g", role: "viewer", [.group("carol")], in: "c"),
        ])
        #expect(!F.allows(evaluator, .serviceAccount("builder", namespace: "a"), F.request("get", "widgets", in: "a")))
        #expect(!F.allows(evaluator, Self.alice, F.request("get", "widgets", in: "b")))
        // A group subject is matched through groups only, never by the user's own name.
        #expect(!F.allows(evaluator, .user("carol"), F.request("get", "widgets", in: "c")))
    }

    // MARK: Groups

    @Test("a binding to a group grants its members, and only them")
    func groupExpansion() throws {
        let evaluator = PolicyEvaluator(bindings: [F.binding("devs-edit", role: "editor", [.group("devs")], in: "a")])
        let member = Principal.user("alice", groups: ["ops", "devs"])
        let outsider = Principal.user("bob", groups: ["ops"])
        let request = F.request("create", "widgets", in: "a", name: "w")

        let decision = evaluator.decide(member, request)
        let grant = try #require(decision.grant)
        #expect(grant.subject == .group("devs"))
        #expect(grant.bindingName == "devs-edit")
        #expect(grant.roleName == "editor")
        #expect(grant.bindingScope == .namespace("a"))

        #expect(!F.allows(evaluator, outsider, request))
        #expect(!F.allows(evaluator, .user("devs"), request))
        #expect(F.allows(evaluator, .serviceAccount("ci", namespace: "tools", groups: ["devs"]), request))
    }

    @Test("groups are sorted and deduplicated, so the grant reported is deterministic")
    func groupOrder() throws {
        let evaluator = PolicyEvaluator(bindings: [
            F.binding("zeta", role: "viewer", [.group("z")], in: "a"),
            F.binding("alpha", role: "viewer", [.group("b")], in: "a"),
        ])
        let principal = Principal.user("alice", groups: ["z", "b", "z"])
        #expect(principal.groups == ["b", "z"])
        let grant = try #require(evaluator.decide(principal, F.request("get", "widgets", in: "a")).grant)
        #expect(grant.subject == .group("b"))
    }

    @Test("the caller's own bindings are reported before its groups'")
    func directBeforeGroups() throws {
        let evaluator = PolicyEvaluator(bindings: [
            F.binding("by-group", role: "viewer", [.group("devs")], in: "a"),
            F.binding("by-name", role: "viewer", [.user("alice")], in: "a"),
        ])
        let grant = try #require(evaluator.decide(.user("alice", groups: ["devs"]), F.request("get", "widgets", in: "a")).grant)
        #expect(grant.bindingName == "by-name")
        #expect(grant.subject == .user("alice"))
    }

    // MARK: Service accounts

    @Test("service account subjects are namespace-qualified")
    func serviceAccounts() throws {
        let evaluator = PolicyEvaluator(bindings: [
            F.binding("ci", role: "editor", [.serviceAccount("builder", namespace: "ci")], in: "apps")
        ])
        let request = F.request("update", "widgets", in: "apps", name: "w")
        let grant = try #require(evaluator.decide(.serviceAccount("builder", namespace: "ci"), request).grant)
        #expect(grant.subject == .serviceAccount("builder", namespace: "ci"))
        #expect(!F.allows(evaluator, .serviceAccount("builder", namespace: "apps"), request))
        #expect(!F.allows(evaluator, .user("builder"), request))
    }

    // MARK: Scope

    @Test("namespace bindings apply only in their namespace; cluster bindings everywhere")
    func scopes() {
        let evaluator = PolicyEvaluator(bindings: [
            F.binding("alice-a", role: "viewer", [.user("alice")], in: "a"),
            F.binding("bob-all", role: "viewer", [.user("bob")]),
        ])
        #expect(F.allows(evaluator, Self.alice, F.request("get", "widgets", in: "a")))
        #expect(!F.allows(evaluator, Self.alice, F.request("get", "widgets", in: "b")))
        #expect(!F.allows(evaluator, Self.alice, F.request("list", "nodes", in: nil)))
        #expect(F.allows(evaluator, Self.bob, F.request("get", "widgets", in: "a")))
        #expect(F.allows(evaluator, Self.bob, F.request("get", "widgets", in: "zzz")))
        #expect(F.allows(evaluator, Self.bob, F.request("list", "nodes", in: nil)))
    }

    @Test("a namespace binding covers its namespace object but not others, and never creating it")
    func namespaceObject() {
        let evaluator = PolicyEvaluator(bindings: [F.binding("own", role: "owner", [.user("alice")], in: "a")])
        #expect(F.allows(evaluator, Self.alice, F.request("get", "namespaces", in: nil, name: "a")))
        #expect(F.allows(evaluator, Self.alice, F.request("delete", "namespaces", in: nil, name: "a")))
        #expect(!F.allows(evaluator, Self.alice, F.request("delete", "namespaces", in: nil, name: "b")))
        #expect(!F.allows(evaluator, Self.alice, F.request("create", "namespaces", in: nil, name: "a")))
        #expect(!F.allows(evaluator, Self.alice, F.request("list", "namespaces", in: nil)))
        // A namespace given on a request for another namespace object does not smuggle access in.
        #expect(!F.allows(evaluator, Self.alice, F.request("delete", "namespaces", in: "a", name: "b")))
    }

    @Test("an empty namespace or name counts as absent")
    func emptyStrings() {
        let request = AccessRequest(verb: "list", resource: "widgets", namespace: "", name: "")
        #expect(request.namespace == nil)
        #expect(request.name == nil)
    }

    // MARK: Rules

    @Test("resourceNames restrict by name; requests without a name do not match")
    func resourceNames() {
        let role = Role(
            name: "token-reader",
            rules: [
                PolicyRule(verbs: ["get", "read-value", "list", "create"], resources: ["secrets"], resourceNames: ["registry-token"])
            ])
        let evaluator = PolicyEvaluator(roles: [role], bindings: [F.binding("t", role: "token-reader", [.user("alice")], in: "a")])
        #expect(F.allows(evaluator, Self.alice, F.request("read-value", "secrets", in: "a", name: "registry-token")))
        #expect(F.allows(evaluator, Self.alice, F.request("get", "secrets", in: "a", name: "registry-token")))
        #expect(!F.allows(evaluator, Self.alice, F.request("get", "secrets", in: "a", name: "db-password")))
        #expect(!F.allows(evaluator, Self.alice, F.request("list", "secrets", in: "a")))
        #expect(!F.allows(evaluator, Self.alice, F.request("watch", "secrets", in: "a")))
        #expect(!F.allows(evaluator, Self.alice, F.request("create", "secrets", in: "a")))
        #expect(F.allows(evaluator, Self.alice, F.request("create", "secrets", in: "a", name: "registry-token")))
        #expect(!F.allows(evaluator, Self.alice, F.request("delete", "secrets", in: "a", name: "registry-token")))
        #expect(!F.allows(evaluator, Self.alice, F.request("get", "configs", in: "a", name: "registry-token")))
    }

    @Test("'*' matches any verb and any resource type, even unknown ones")
    func wildcards() {
        let roles = [
            Role(name: "all-verbs-widgets", rules: [PolicyRule(verbs: ["*"], resources: ["widgets"])]),
            Role(name: "get-anything", rules: [PolicyRule(verbs: ["get"], resources: ["*"])]),
        ]
        let evaluator = PolicyEvaluator(
            roles: roles,
            bindings: [
                F.binding("w", role: "all-verbs-widgets", [.user("alice")], in: "a"),
                F.binding("g", role: "get-anything", [.user("bob")], in: "a"),
            ])
        for verb in Verbs.known + ["frobnicate"] {
            #expect(F.allows(evaluator, Self.alice, F.request(verb, "widgets", in: "a", name: "w")))
        }
        #expect(!F.allows(evaluator, Self.alice, F.request("get", "gadgets", in: "a", name: "g")))
        for resource in ["widgets", "gadgets", "secrets", "rolebindings", "brand-new-type"] {
            #expect(F.allows(evaluator, Self.bob, F.request("get", resource, in: "a", name: "x")))
        }
        #expect(!F.allows(evaluator, Self.bob, F.request("list", "widgets", in: "a")))
    }

    @Test("excludedResources carve types out of a wildcard")
    func excludedResources() {
        let rule = PolicyRule(verbs: ["*"], resources: ["*"], excludedResources: ["secrets"])
        #expect(rule.matches(F.request("delete", "widgets", in: "a", name: "w")))
        #expect(!rule.matches(F.request("get", "secrets", in: "a", name: "s")))
    }

    @Test("a binding to an unknown role grants nothing and is reported")
    func unknownRole() {
        let binding = F.binding("ghost", role: "does-not-exist", [.user("alice")])
        let evaluator = PolicyEvaluator(bindings: [binding, F.binding("v", role: "viewer", [.user("bob")], in: "a")])
        #expect(!F.allows(evaluator, Self.alice, F.request("get", "widgets", in: "a", name: "w")))
        #expect(!evaluator.canSeeNamespace(Self.alice, "a"))
        #expect(evaluator.unresolvedBindings == [binding])
        #expect(evaluator.role(named: "does-not-exist") == nil)
        #expect(evaluator.role(named: "viewer") == Role.viewer)
    }

    @Test("a user-defined role cannot replace a built-in one")
    func builtinsWin() {
        let impostor = Role(name: "viewer", rules: [PolicyRule(verbs: ["*"], resources: ["*"])])
        let evaluator = PolicyEvaluator(roles: [impostor], bindings: [F.binding("v", role: "viewer", [.user("alice")], in: "a")])
        #expect(evaluator.role(named: "viewer") == Role.viewer)
        #expect(!F.allows(evaluator, Self.alice, F.request("delete", "widgets", in: "a", name: "w")))
        #expect(F.allows(evaluator, Self.alice, F.request("get", "widgets", in: "a", name: "w")))
    }

    @Test("a role without rules grants nothing and makes nothing visible")
    func emptyRole() {
        let evaluator = PolicyEvaluator(
            roles: [Role(name: "empty", rules: [])], bindings: [F.binding("e", role: "empty", [.user("alice")])])
        #expect(!F.allows(evaluator, Self.alice, F.request("get", "widgets", in: "a")))
        #expect(!evaluator.canSeeNamespace(Self.alice, "a"))
        #expect(evaluator.unresolvedBindings.isEmpty)
    }

    @Test("invalid subjects are skipped rather than matched loosely")
    func invalidSubjectsSkipped() {
        // A service account subject without a namespace must not match a service account whose
        // namespace is empty.
        let evaluator = PolicyEvaluator(bindings: [
            F.binding("bad", role: "cluster-admin", [Subject(kind: .serviceAccount, name: "root")])
        ])
        #expect(!F.allows(evaluator, .serviceAccount("root", namespace: ""), F.request("get", "widgets", in: "a")))
    }

    @Test("the grant names the binding, the role, the rule and the subject")
    func grantDetails() throws {
        let evaluator = PolicyEvaluator(bindings: [F.binding("edit-a", role: "editor", [.user("alice")], in: "a")])
        let read = try #require(evaluator.decide(Self.alice, F.request("get", "widgets", in: "a", name: "w")).grant)
        #expect(read.ruleIndex == 0)
        let write = try #require(evaluator.decide(Self.alice, F.request("patch", "widgets", in: "a", name: "w")).grant)
        #expect(write.ruleIndex == 1)
        #expect(
            write.description
                == "role binding 'edit-a' (in namespace 'a') grants role 'editor' (rule 1) to user 'alice'")
    }

    @Test("the grant reported does not depend on the order of the bindings")
    func orderIndependent() throws {
        let bindings = [
            F.binding("c", role: "viewer", [.user("alice")], in: "a"),
            F.binding("b", role: "viewer", [.user("alice")]),
            F.binding("a", role: "viewer", [.user("alice")], in: "a"),
        ]
        let request = F.request("get", "widgets", in: "a")
        let forward = try #require(PolicyEvaluator(bindings: bindings).decide(Self.alice, request).grant)
        let backward = try #require(PolicyEvaluator(bindings: bindings.reversed()).decide(Self.alice, request).grant)
        #expect(forward == backward)
        #expect(forward.bindingName == "b")
        #expect(forward.bindingScope == .cluster)
    }

    // MARK: cluster-admin

    @Test("a cluster-admin binding allows everything everywhere")
    func clusterAdmin() throws {
        let evaluator = PolicyEvaluator(bindings: [F.binding("admins", role: "cluster-admin", [.group("admins")])])
        let admin = Principal.user("root", groups: ["admins"])
        let requests = [
            F.request("delete", "namespaces", in: nil, name: "a"),
            F.request("create", "namespaces", in: nil, name: "new"),
            F.request("list", "namespaces", in: nil),
            F.request("create", "rolebindings", in: "a", name: "x"),
            F.request("update", "roles", in: nil, name: "custom"),
            F.request("read-value", "secrets", in: "b", name: "s"),
            F.request("update-status", "widgets", in: "c", name: "w"),
        ]
        for request in requests {
            let grant = try #require(evaluator.decide(admin, request).grant)
            #expect(grant.roleName == "cluster-admin")
            #expect(!F.allows(evaluator, Self.alice, request))
        }
        #expect(evaluator.visibleNamespaces(admin) == .all)
    }

    @Test("cluster-admin bound in a namespace is confined to it")
    func clusterAdminInNamespace() {
        let evaluator = PolicyEvaluator(bindings: [F.binding("local", role: "cluster-admin", [.user("alice")], in: "a")])
        #expect(F.allows(evaluator, Self.alice, F.request("delete", "widgets", in: "a", name: "w")))
        #expect(!F.allows(evaluator, Self.alice, F.request("delete", "widgets", in: "b", name: "w")))
        #expect(!F.allows(evaluator, Self.alice, F.request("create", "namespaces", in: nil, name: "c")))
        #expect(!F.allows(evaluator, Self.alice, F.request("update", "roles", in: nil, name: "custom")))
    }

    // MARK: Namespace visibility

    @Test("canSeeNamespace: namespace bindings show their namespace, cluster bindings every namespace")
    func canSeeNamespace() {
        let evaluator = PolicyEvaluator(bindings: [
            F.binding("alice-a", role: "viewer", [.user("alice")], in: "a"),
            F.binding("devs-b", role: "editor", [.group("devs")], in: "b"),
            F.binding("auditors", role: "viewer", [.group("auditors")]),
        ])
        #expect(evaluator.canSeeNamespace(Self.alice, "a"))
        #expect(!evaluator.canSeeNamespace(Self.alice, "b"))
        #expect(evaluator.visibleNamespaces(Self.alice) == .only(["a"]))

        let dev = Principal.user("alice", groups: ["devs"])
        #expect(evaluator.canSeeNamespace(dev, "a"))
        #expect(evaluator.canSeeNamespace(dev, "b"))
        #expect(!evaluator.canSeeNamespace(dev, "c"))
        #expect(evaluator.visibleNamespaces(dev) == .only(["a", "b"]))
        #expect(evaluator.visibleNamespaces(dev).contains("b"))
        #expect(!evaluator.visibleNamespaces(dev).contains("c"))

        let auditor = Principal.user("carol", groups: ["auditors"])
        #expect(evaluator.canSeeNamespace(auditor, "anything"))
        #expect(evaluator.visibleNamespaces(auditor) == .all)

        #expect(!evaluator.canSeeNamespace(Self.bob, "a"))
        #expect(evaluator.visibleNamespaces(Self.bob) == .only([]))
    }
}
