import Testing

@testable import HearthCore

@Suite("Built-in roles")
struct BuiltinRoleTests {
    typealias F = AccessFixtures

    /// alice is viewer, bob editor, carol owner, all in namespace `a`.
    static let evaluator = PolicyEvaluator(bindings: [
        F.binding("alice-views", role: "viewer", [.user("alice")], in: "a"),
        F.binding("bob-edits", role: "editor", [.user("bob")], in: "a"),
        F.binding("carol-owns", role: "owner", [.user("carol")], in: "a"),
    ])

    static let resources = ["widgets", "secrets", "roles", "rolebindings"]

    static func allows(_ user: String, _ verb: String, _ resource: String, in namespace: String? = "a", name: String? = "x") -> Bool {
        F.allows(evaluator, .user(user), F.request(verb, resource, in: namespace, name: name))
    }

    @Test("the built-ins are the four documented roles, and their rules are valid")
    func builtins() {
        #expect(Role.builtins.map(\.name) == ["cluster-admin", "owner", "editor", "viewer"])
        for role in Role.builtins {
            #expect(Role.isBuiltin(role.name))
            #expect(!role.rules.isEmpty)
            for rule in role.rules { #expect(rule.validate().isEmpty) }
            // As a user-defined role it would be refused, for its name only.
            #expect(role.validate().map(\.field) == ["name"])
        }
        #expect(!Role.isBuiltin("admin"))
    }

    @Test("viewer: get, list and watch everything in its namespace; nothing else")
    func viewer() {
        for resource in Self.resources {
            #expect(Self.allows("alice", "get", resource))
            #expect(Self.allows("alice", "list", resource, name: nil))
            #expect(Self.allows("alice", "watch", resource, name: nil))
            for verb in Verbs.write {
                #expect(!Self.allows("alice", verb, resource), "viewer must not \(verb) \(resource)")
            }
        }
        #expect(Self.allows("alice", "get", "namespaces", in: nil, name: "a"))
        #expect(!Self.allows("alice", "delete", "namespaces", in: nil, name: "a"))
        #expect(!Self.allows("alice", "read-value", "secrets"))
    }

    @Test("editor: writes resources, reads secret values, but no roles, role bindings or namespace changes")
    func editor() {
        for verb in Verbs.known {
            #expect(Self.allows("bob", verb, "widgets"), "editor must be able to \(verb) widgets")
        }
        #expect(Self.allows("bob", "read-value", "secrets"))
        for resource in ["roles", "rolebindings"] {
            for verb in Verbs.read { #expect(Self.allows("bob", verb, resource)) }
            for verb in Verbs.write {
                #expect(!Self.allows("bob", verb, resource), "editor must not \(verb) \(resource)")
            }
        }
        #expect(Self.allows("bob", "get", "namespaces", in: nil, name: "a"))
        for verb in ["update", "patch", "delete", "update-status"] {
            #expect(!Self.allows("bob", verb, "namespaces", in: nil, name: "a"))
        }
    }

    @Test("owner: everything in its namespace, including role bindings and deleting the namespace")
    func owner() {
        for verb in Verbs.known {
            for resource in Self.resources {
                #expect(Self.allows("carol", verb, resource), "owner must be able to \(verb) \(resource)")
            }
        }
        #expect(Self.allows("carol", "create", "rolebindings", name: "give-dave-view"))
        #expect(Self.allows("carol", "delete", "namespaces", in: nil, name: "a"))
        #expect(Self.allows("carol", "update", "namespaces", in: nil, name: "a"))
    }

    @Test("owner of namespace a has nothing in namespace b, nor cluster-wide")
    func ownerIsConfined() {
        for verb in Verbs.known {
            for resource in Self.resources {
                #expect(!Self.allows("carol", verb, resource, in: "b"))
            }
        }
        #expect(!Self.allows("carol", "delete", "namespaces", in: nil, name: "b"))
        #expect(!Self.allows("carol", "get", "namespaces", in: nil, name: "b"))
        #expect(!Self.allows("carol", "create", "namespaces", in: nil, name: "c"))
        #expect(!Self.allows("carol", "list", "namespaces", in: nil, name: nil))
        #expect(!Self.allows("carol", "create", "roles", in: nil, name: "superuser"))
        #expect(!Self.evaluator.canSeeNamespace(.user("carol"), "b"))
        #expect(Self.evaluator.canSeeNamespace(.user("carol"), "a"))
    }

    @Test("editor and viewer bound cluster-wide still cannot touch roles, role bindings or namespaces")
    func clusterWideEditor() {
        let evaluator = PolicyEvaluator(bindings: [F.binding("e", role: "editor", [.user("bob")])])
        #expect(F.allows(evaluator, .user("bob"), F.request("create", "widgets", in: "z", name: "w")))
        #expect(!F.allows(evaluator, .user("bob"), F.request("create", "roles", in: nil, name: "r")))
        #expect(!F.allows(evaluator, .user("bob"), F.request("create", "rolebindings", in: "z", name: "r")))
        #expect(!F.allows(evaluator, .user("bob"), F.request("create", "namespaces", in: nil, name: "n")))
        #expect(!F.allows(evaluator, .user("bob"), F.request("delete", "namespaces", in: nil, name: "z")))
        #expect(F.allows(evaluator, .user("bob"), F.request("list", "namespaces", in: nil)))
    }
}
