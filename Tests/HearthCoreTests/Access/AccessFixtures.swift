@testable import HearthCore

/// Short-hands shared by the access-control tests.
enum AccessFixtures {
    /// A request on a namespaced resource.
    static func request(_ verb: String, _ resource: String, in namespace: String?, name: String? = nil) -> AccessRequest {
        AccessRequest(verb: verb, resource: resource, namespace: namespace, name: name)
    }

    /// A binding of `role` to `subjects` in `namespace` (cluster-wide when nil).
    static func binding(_ name: String, role: String, _ subjects: [Subject], in namespace: String? = nil) -> RoleBinding {
        RoleBinding(name: name, roleName: role, subjects: subjects, scope: namespace.map { .namespace($0) } ?? .cluster)
    }

    /// True if `evaluator` allows `principal` to make `request`.
    static func allows(_ evaluator: PolicyEvaluator, _ principal: Principal, _ request: AccessRequest) -> Bool {
        evaluator.decide(principal, request).isAllowed
    }
}
