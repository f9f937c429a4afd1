import Testing

@testable import HearthCore

@Suite("PolicyEvaluator performance")
struct PolicyEvaluatorPerformanceTests {
    @Test("100k decisions against 100 bindings finish well under the bound")
    func hundredThousandDecisions() {
        // 100 bindings over 20 namespaces: users, groups and service accounts, every built-in role.
        var bindings: [RoleBinding] = []
        let roles = ["viewer", "editor", "owner", "viewer"]
        for index in 0..<100 {
            let namespace = "ns-\(index % 20)"
            let subjects: [Subject] = [
                .user("user-\(index)"), .group("group-\(index % 10)"), .serviceAccount("sa-\(index)", namespace: namespace),
            ]
            bindings.append(
                RoleBinding(
                    name: "binding-\(index)", roleName: roles[index % roles.count], subjects: subjects, scope: .namespace(namespace)))
        }
        let evaluator = PolicyEvaluator(bindings: bindings)

        let principals = (0..<50).map { Principal.user("user-\($0 * 2)", groups: ["group-\($0 % 10)", "group-x", "staff"]) }
        let verbs = ["get", "list", "create", "delete", "update-status"]
        let requests = (0..<64).map { index in
            AccessRequest(
                verb: verbs[index % verbs.count], resource: index % 7 == 0 ? "rolebindings" : "widgets",
                namespace: "ns-\(index % 23)", name: index % 3 == 0 ? nil : "w-\(index)")
        }

        let clock = ContinuousClock()
        var allowed = 0
        let elapsed = clock.measure {
            for index in 0..<100_000 {
                let principal = principals[index % principals.count]
                let request = requests[index % requests.count]
                if evaluator.decide(principal, request).isAllowed { allowed += 1 }
            }
        }
        // Both outcomes are exercised.
        #expect(allowed > 0)
        #expect(allowed < 100_000)
        #expect(elapsed < .seconds(2), "100k decisions took \(elapsed)")
        print("PolicyEvaluator: 100k decisions (\(allowed) allowed) in \(elapsed)")
    }
}
