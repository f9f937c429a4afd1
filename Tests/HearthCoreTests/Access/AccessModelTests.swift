import Foundation
import Testing

@testable import HearthCore

@Suite("Access model: validation and encoding")
struct AccessModelTests {
    static func fields(_ violations: [FieldViolation]) -> [String] { violations.map(\.field) }

    // MARK: PolicyRule

    @Test("a rule with known verbs and DNS-label resources is valid")
    func validRule() {
        #expect(PolicyRule(verbs: Verbs.known, resources: ["widgets", "namespaces"]).validate().isEmpty)
        #expect(PolicyRule(verbs: ["*"], resources: ["*"]).validate().isEmpty)
        #expect(
            PolicyRule(verbs: ["get"], resources: ["secrets"], resourceNames: ["a", "b"], excludedResources: ["x"]).validate().isEmpty)
    }

    @Test("empty verbs or resources are refused")
    func emptyLists() {
        let violations = PolicyRule(verbs: [], resources: []).validate(at: "rules[0]")
        #expect(violations.map(\.description) == ["rules[0].verbs: must not be empty", "rules[0].resources: must not be empty"])
    }

    @Test("unknown verbs are refused, naming the index")
    func unknownVerbs() {
        let violations = PolicyRule(verbs: ["get", "delte", "GET", "all"], resources: ["widgets"]).validate()
        #expect(Self.fields(violations) == ["verbs[1]", "verbs[2]", "verbs[3]"])
        #expect(violations[0].reason.hasPrefix("unknown verb 'delte' (known: get, list, watch,"))
    }

    @Test("resource types must be DNS labels or '*'")
    func badResources() {
        let violations = PolicyRule(verbs: ["get"], resources: ["Widgets", "*", "a/b", ""]).validate()
        #expect(Self.fields(violations) == ["resources[0]", "resources[2]", "resources[3]"])
    }

    @Test("resourceNames and excludedResources must be non-empty when present, without '*'")
    func optionalLists() {
        let empty = PolicyRule(verbs: ["get"], resources: ["*"], resourceNames: [], excludedResources: []).validate()
        #expect(Self.fields(empty) == ["resourceNames", "excludedResources"])
        let bad = PolicyRule(verbs: ["get"], resources: ["*"], resourceNames: ["*", "Ok"], excludedResources: ["*"]).validate()
        #expect(Self.fields(bad) == ["resourceNames[0]", "resourceNames[1]", "excludedResources[0]"])
        #expect(bad[0].reason.contains("omit resourceNames"))
    }

    // MARK: Role

    @Test("roles need a DNS-label name that is not built in, and at least one valid rule")
    func roleValidation() {
        #expect(Role(name: "deployer", rules: [PolicyRule(verbs: ["create"], resources: ["widgets"])]).validate().isEmpty)
        #expect(Self.fields(Role(name: "Deployer", rules: []).validate(at: "spec")) == ["spec.name", "spec.rules"])
        let nested = Role(name: "x", rules: [PolicyRule(verbs: ["get"], resources: ["w"]), PolicyRule(verbs: ["nope"], resources: ["w"])])
        #expect(Self.fields(nested.validate()) == ["rules[1].verbs[0]"])
        let builtin = Role(name: "owner", rules: [PolicyRule(verbs: ["get"], resources: ["w"])]).validate()
        #expect(builtin.map(\.description) == ["name: 'owner' is a built-in role and cannot be redefined"])
    }

    // MARK: Subject

    @Test("user and group names allow e-mail addresses; service accounts need a DNS label and a namespace")
    func subjectValidation() {
        #expect(Subject.user("alice@example.com").validate().isEmpty)
        #expect(Subject.user("Alice.Smith+ops").validate().isEmpty)
        #expect(Subject.group("platform_team").validate().isEmpty)
        #expect(Subject.serviceAccount("builder", namespace: "ci").validate().isEmpty)

        #expect(Self.fields(Subject.user("").validate()) == ["name"])
        #expect(Self.fields(Subject.user("-alice").validate()) == ["name"])
        #expect(Self.fields(Subject.user("al ice").validate()) == ["name"])
        #expect(Self.fields(Subject.user(String(repeating: "a", count: 254)).validate()) == ["name"])
        #expect(Self.fields(Subject(kind: .group, name: "devs", namespace: "a").validate()) == ["namespace"])
        #expect(Self.fields(Subject(kind: .serviceAccount, name: "builder").validate(at: "s")) == ["s.namespace"])
        #expect(Self.fields(Subject.serviceAccount("Builder", namespace: "CI").validate()) == ["name", "namespace"])
    }

    // MARK: RoleBinding

    @Test("bindings need valid names, at least one valid subject and a valid namespace")
    func bindingValidation() {
        let good = RoleBinding(name: "b", roleName: "viewer", subjects: [.user("alice")], scope: .namespace("a"))
        #expect(good.validate().isEmpty)
        let bad = RoleBinding(name: "B", roleName: "", subjects: [], scope: .namespace("A"))
        #expect(Self.fields(bad.validate()) == ["name", "roleName", "subjects", "scope.namespace"])
        let badSubject = RoleBinding(name: "b", roleName: "viewer", subjects: [.user("ok"), .user("")], scope: .cluster)
        #expect(Self.fields(badSubject.validate()) == ["subjects[1].name"])
    }

    // MARK: Encoding

    @Test("subjects, rules, roles and bindings round-trip through JSON")
    func roundTrip() throws {
        let binding = RoleBinding(
            name: "b", roleName: "editor",
            subjects: [.user("alice"), .group("devs"), .serviceAccount("builder", namespace: "ci")],
            scope: .namespace("a"))
        let cluster = RoleBinding(name: "c", roleName: "cluster-admin", subjects: [.group("admins")], scope: .cluster)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for value in [binding, cluster] {
            #expect(try JSONDecoder().decode(RoleBinding.self, from: encoder.encode(value)) == value)
        }
        for role in Role.builtins {
            #expect(try JSONDecoder().decode(Role.self, from: encoder.encode(role)) == role)
        }
        let subject = String(decoding: try encoder.encode(Subject.serviceAccount("builder", namespace: "ci")), as: UTF8.self)
        #expect(subject == #"{"kind":"serviceAccount","name":"builder","namespace":"ci"}"#)
        let user = String(decoding: try encoder.encode(Subject.user("alice")), as: UTF8.self)
        #expect(user == #"{"kind":"user","name":"alice"}"#)
        let scope = String(decoding: try encoder.encode(cluster.scope), as: UTF8.self)
        #expect(scope == #"{"kind":"cluster"}"#)
        let namespaced = String(decoding: try encoder.encode(binding.scope), as: UTF8.self)
        #expect(namespaced == #"{"kind":"namespace","namespace":"a"}"#)
        let rule = String(decoding: try encoder.encode(PolicyRule(verbs: ["get"], resources: ["w"])), as: UTF8.self)
        #expect(rule == #"{"resources":["w"],"verbs":["get"]}"#)
    }

    @Test("a cluster scope with a namespace, or a namespace scope without one, does not decode")
    func badScopes() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(RoleBinding.Scope.self, from: Data(#"{"kind":"cluster","namespace":"a"}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(RoleBinding.Scope.self, from: Data(#"{"kind":"namespace"}"#.utf8))
        }
    }

    @Test("principals round-trip, and impossible shapes do not decode")
    func principals() throws {
        let principals: [Principal] = [
            .user("alice", groups: ["devs", "ops"], sessionID: "s1"),
            .serviceAccount("builder", namespace: "ci"),
            .anonymous(sessionID: "s2"),
        ]
        for principal in principals {
            #expect(try JSONDecoder().decode(Principal.self, from: JSONEncoder().encode(principal)) == principal)
        }
        #expect(principals.map(\.description) == ["user 'alice'", "service account 'ci/builder'", "anonymous"])
        #expect(principals.map(\.subject) == [.user("alice"), .serviceAccount("builder", namespace: "ci"), nil])
        for json in [
            #"{"kind":"serviceAccount","name":"builder"}"#,
            #"{"kind":"user","name":"alice","namespace":"a"}"#,
            #"{"kind":"anonymous","name":"root"}"#,
            #"{"kind":"anonymous","groups":["admins"]}"#,
            #"{"kind":"admin","name":"root"}"#,
        ] {
            #expect(throws: DecodingError.self) { try JSONDecoder().decode(Principal.self, from: Data(json.utf8)) }
        }
    }

    @Test("decisions encode with their reasons, for the audit trail")
    func decisions() throws {
        let grant = AccessGrant(bindingName: "b", bindingScope: .cluster, roleName: "viewer", ruleIndex: 0, subject: .group("devs"))
        for decision in [AccessDecision.allowed(reason: grant), .denied(reason: "no")] {
            #expect(try JSONDecoder().decode(AccessDecision.self, from: JSONEncoder().encode(decision)) == decision)
        }
        #expect(AccessDecision.denied(reason: "no").description == "denied: no")
        #expect(
            AccessRequest(verb: "get", resource: "widgets", namespace: "a", name: "w").description == "get widgets 'w' in namespace 'a'")
    }
}
