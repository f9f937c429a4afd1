import HearthCore
import HearthSecurity
import HearthStore
import Hummingbird
import Metrics

/// Writes the audit trail: every mutating request (allowed or refused, with its outcome) and every
/// denied request. Entries carry names and outcomes only, never a body, so never a secret.
///
/// Refusals of callers without valid credentials are recorded up to a rate per source address
/// (a burst of 50, then 10 a second): beyond it an unauthenticated flood would turn into a flood of
/// durable writes. What is not recorded is counted in `hearth_audit_suppressed_total`.
struct AuditTrail: Sendable {
    /// Where entries go; nil only in the benchmark mode without access control.
    let store: Store?
    private let anonymousLimiter = RateLimiter(capacity: 50, refillPerSecond: 10)
    private let suppressed = Counter(label: "hearth_audit_suppressed_total", dimensions: [("reason", "unauthenticated-flood")])

    init(store: Store?) {
        self.store = store
    }

    /// The entry for a request, before its outcome is known. An entry about a namespace object is
    /// filed under that namespace (as Kubernetes' audit does), so that `hearth audit --namespace
    /// shop` shows shop's creation, changes and deletion with what happened inside it.
    func entry(
        context: HearthRequestContext, verb: String, resource: String, namespace: String?, name: String?, decision: String, reason: String
    ) -> AuditEntry {
        AuditEntry(
            principal: context.principalText, source: context.sourceAddress, requestID: context.requestID, verb: verb, resource: resource,
            namespace: namespace ?? (resource == BuiltinTypes.namespaceTypeName ? name : nil), name: name, decision: decision, reason: reason)
    }

    /// The entry a resource handler hands to ``Store/mutate(_:audit:)``, so that it commits with
    /// the write. Marks the request's note as recorded.
    func mutationEntry(context: HearthRequestContext, verb: String, key: ResourceKey) -> AuditEntry? {
        guard store != nil, let note = context.auditNote else { return nil }
        note.recorded = true
        return entry(
            context: context, verb: verb, resource: key.type, namespace: key.namespace.isEmpty ? nil : key.namespace, name: key.name,
            decision: AuditEntry.allowed, reason: context.access?.reason ?? "")
    }

    /// Records a mutating request once its handler has answered.
    func record(route: APIRoute, context: HearthRequestContext, note: AuditNote, status: Int, failure: HearthError? = nil) async throws {
        guard let store else { return }
        var entry: AuditEntry
        if case .resource(let verb) = route.permission {
            let target = ResourceTarget(route: route, verb: verb, context: context)
            entry = self.entry(
                context: context, verb: target.verb, resource: target.type, namespace: target.namespace, name: note.name ?? target.name,
                decision: AuditEntry.allowed, reason: context.access?.reason ?? "")
        } else if case .namespaced(let verb, let area) = route.permission {
            entry = self.entry(
                context: context, verb: verb, resource: area, namespace: context.parameters.get("namespace"),
                name: note.name ?? context.parameters.get("name"), decision: AuditEntry.allowed, reason: context.access?.reason ?? "")
        } else if case .action(let verb, let resource) = route.permission {
            entry = self.entry(
                context: context, verb: verb, resource: resource, namespace: nil, name: note.name ?? context.parameters.get("name"),
                decision: status == 401 || status == 403 ? AuditEntry.denied : AuditEntry.allowed, reason: context.access?.reason ?? "")
        } else {
            entry = self.entry(
                context: context, verb: route.action, resource: route.area, namespace: nil, name: note.name ?? context.parameters.get("name"),
                decision: status == 401 || status == 403 ? AuditEntry.denied : AuditEntry.allowed,
                reason: context.access?.reason ?? "")
        }
        if let principal = note.principal { entry.principal = principal }
        if let failure { entry.reason = failure.message }
        entry.status = status
        try await store.appendAudit([entry])
    }

    /// Records a request the guard refused.
    func denied(context: HearthRequestContext, verb: String, resource: String, namespace: String?, name: String?, error: HearthError) async {
        if context.principal.kind == .anonymous, !anonymousLimiter.allow(context.sourceAddress) {
            suppressed.increment()
            return
        }
        var entry = self.entry(
            context: context, verb: verb, resource: resource, namespace: namespace, name: name, decision: AuditEntry.denied,
            reason: error.message)
        entry.status = error.code.status
        try? await store?.appendAudit([entry])
    }
}
