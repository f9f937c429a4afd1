import HearthCore
import HearthStore
import Hummingbird

/// The request guard: authorization by roles and bindings (``PolicyEvaluator``), failing closed.
///
/// - Anonymous routes pass. Every other route needs an authenticated caller (401 otherwise).
/// - A resource route is decided on its verb, type, namespace and name. A caller who cannot see the
///   namespace (no binding there, no grant to read it) gets 404, so names do not leak; one who can
///   gets 403.
/// - A namespaced resource labelled `hearth.io/public=true` can be read by every authenticated
///   caller; a list the caller may not make returns only such resources.
/// - Listing namespaces returns the ones the caller can see.
/// - Every refusal is written to the audit trail.
struct PolicyGuard: RequestGuard {
    let directory: AccessDirectory
    let store: Store
    let registry: TypeRegistry
    let audit: AuditTrail

    func check(_ permission: RoutePermission, route: APIRoute, request: Request, context: HearthRequestContext) async throws -> RequestAccess {
        if permission == .anonymous {
            return RequestAccess(note: "anonymous route")
        }
        let principal: Principal
        switch context.identity {
        case .authenticated(let caller):
            principal = caller.principal
        case .failed(let error):
            if error.code == .unavailable { throw error }
            await audit.denied(context: context, verb: route.action, resource: route.area, namespace: nil, name: nil, error: error)
            throw error
        case .anonymous:
            let error = HearthError(.unauthorized, "authentication required: send 'Authorization: Bearer <access token or API key>' (see `hearth login`)")
            await audit.denied(context: context, verb: route.action, resource: route.area, namespace: nil, name: nil, error: error)
            throw error
        }
        if case .authenticated(let caller) = context.identity, let scope = caller.kvScope {
            try await checkTokenRoute(scope, permission: permission, route: route, context: context)
        }
        switch permission {
        case .anonymous, .authenticated:
            return RequestAccess(note: "authenticated")
        case .action(let verb, let resource):
            let decision = directory.decide(principal, AccessRequest(verb: verb, resource: resource))
            if let grant = decision.grant { return RequestAccess(grant: grant) }
            let error = HearthError(.forbidden, "\(principal) may not \(verb) \(resource)")
            await audit.denied(context: context, verb: verb, resource: resource, namespace: nil, name: nil, error: error)
            throw error
        case .resource(let verb):
            // Only a list can be a watch: other requests skip parsing the query.
            let target = ResourceTarget(route: route, verb: verb, watch: verb == .list && ResourceTarget.isWatch(request), context: context)
            return try await checkResource(target, principal: principal, context: context)
        case .namespaced(let verb, let area):
            return try await checkNamespaced(verb: verb, area: area, principal: principal, context: context)
        }
    }

    /// A key-value token reaches the key-value routes and its own renewal, nothing else. (Its keys
    /// are checked by the handlers, which parse them; its maker's roles by the checks that follow.)
    private func checkTokenRoute(_ scope: KVTokenScope, permission: RoutePermission, route: APIRoute, context: HearthRequestContext) async throws {
        switch permission {
        case .namespaced(_, let area) where area == KVRoutes.area:
            return
        case .namespaced(Verbs.update, let area)
        where area == KVTokenRoutes.area && route.path.hasSuffix("/renew") && context.parameters.get("name") == scope.tokenID:
            return
        default:
            let error = HearthError(.forbidden, "a KV token may only read or write keys (\(scope)), not call \(route)")
            await audit.denied(
                context: context, verb: route.action, resource: route.area, namespace: context.parameters.get("namespace"), name: nil,
                error: error)
            throw error
        }
    }

    /// A verb on a namespaced area (`kv`, `secrets`): decided like a resource of that type in the
    /// path's namespace, 404 where the namespace is not visible or does not exist.
    private func checkNamespaced(verb: String, area: String, principal: Principal, context: HearthRequestContext) async throws -> RequestAccess {
        let namespace = context.parameters.get("namespace") ?? ""
        let name = context.parameters.get("name")
        let request = AccessRequest(verb: verb, resource: area, namespace: namespace, name: name)
        let decision = directory.decide(principal, request)
        if let grant = decision.grant {
            guard directory.namespaceExists(namespace) else { throw HearthError(.notFound, "namespace '\(namespace)' not found") }
            return RequestAccess(grant: grant)
        }
        let error =
            directory.canSeeNamespace(principal, namespace)
            ? HearthError(.forbidden, "\(principal) may not \(request)") : HearthError(.notFound, "namespace '\(namespace)' not found")
        await audit.denied(context: context, verb: verb, resource: area, namespace: namespace, name: name, error: error)
        throw error
    }

    private func checkResource(
        _ target: ResourceTarget, principal: Principal, context: HearthRequestContext
    ) async throws -> RequestAccess {
        guard registry.contains(target.type) else {
            throw HearthError(.notFound, "unknown resource type '\(target.type)'; GET /v1/resource-types lists them")
        }
        let decision = directory.decide(principal, target.accessRequest)
        if let grant = decision.grant { return RequestAccess(grant: grant) }

        // Listing namespaces shows the visible ones.
        if target.type == BuiltinTypes.namespaceTypeName, target.verb == Verbs.list {
            return RequestAccess(note: "lists the namespaces the caller can see", visibleOnly: true)
        }
        if let namespace = target.namespace, target.type != BuiltinTypes.namespaceTypeName {
            if target.verb == Verbs.get, let name = target.name,
                let resource = try? await store.get(ResourceKey(type: target.type, namespace: namespace, name: name)),
                resource.labels[IdentityTypes.publicLabel] == "true"
            {
                return RequestAccess(note: "the resource is public")
            }
            if target.verb == Verbs.list {
                return RequestAccess(note: "lists the public resources", publicOnly: true)
            }
        }
        let error: HearthError
        if let namespace = target.scopeNamespace, !directory.canSeeNamespace(principal, namespace) {
            error = HearthError(.notFound, "namespace '\(namespace)' not found")
        } else {
            error = HearthError(.forbidden, "\(principal) may not \(target.accessRequest)")
        }
        await audit.denied(context: context, verb: target.verb, resource: target.type, namespace: target.namespace, name: target.name, error: error)
        throw error
    }
}
