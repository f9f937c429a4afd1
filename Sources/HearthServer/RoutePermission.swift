/// What a route requires of its caller. Every route declares one: ``APIRouter`` refuses to
/// register a route without it, and the request guard checks it before the handler runs.
public enum RoutePermission: Sendable, Hashable, CustomStringConvertible {
    /// Anyone may call it: health, readiness, the OpenAPI document, the CA bundle, login.
    case anonymous
    /// Any authenticated caller (the handler may check more, e.g. "yourself or an admin").
    case authenticated
    /// A verb on the resource type (and namespace, and name) named by the path.
    case resource(ResourceVerb)
    /// A verb on an API area that is not a resource type (e.g. `list` on `audit`), granted by
    /// roles like any resource.
    case action(verb: String, resource: String)
    /// A verb on a namespaced API area that is not a resource type (`kv`, `secrets`), in the
    /// path's `{namespace}` (and on its `{name}`, if it has one), granted by roles like a resource
    /// of that name: `PolicyRule(verbs: ["read-value"], resources: ["secrets"])`.
    case namespaced(verb: String, area: String)

    public var description: String {
        switch self {
        case .anonymous: "anonymous"
        case .authenticated: "authenticated"
        case .resource(let verb): "resource:\(verb.rawValue)"
        case .action(let verb, let resource): "\(verb):\(resource)"
        case .namespaced(let verb, let area): "\(verb):\(area) in namespace"
        }
    }
}

/// The verbs of the resource API, as roles name them.
public enum ResourceVerb: String, Sendable, Hashable, CaseIterable {
    case get, list, watch, create, update, patch, delete
    case updateStatus = "update-status"
    case heartbeat
}
