/// Everything bound to one subject, split by where it applies so a decision looks only at the
/// bindings that can apply to the request.
struct SubjectGrants: Sendable {
    /// Cluster bindings, in the evaluator's order.
    var cluster: [SubjectGrant] = []
    /// Namespace bindings by namespace, in the evaluator's order.
    var byNamespace: [String: [SubjectGrant]] = [:]

    /// The first grant for `request`, whose bindings in `namespace` (if any) also apply.
    func grant(for request: AccessRequest, in namespace: String?) -> AccessGrant? {
        for candidate in cluster {
            if let grant = candidate.grant(for: request) { return grant }
        }
        if let namespace, let candidates = byNamespace[namespace] {
            for candidate in candidates {
                if let grant = candidate.grant(for: request) { return grant }
            }
        }
        return nil
    }
}
