/// What a route requires of its caller. Every route declares one: ``APIRouter`` refuses to
/// register a route without it, and the request guard checks it before the handler runs.
public enum RoutePermission: Sendable, Hashable, CustomStringConvertible {
    /// Anyone may call it: health, readiness, the OpenAPI document, the CA bundle.
    case anonymous
    /// Any authenticated caller.
    case authenticated
    /// A verb on the resource type (and namespace, and name) named by the path.
    case resource(ResourceVerb)
    /// Cluster administrators only.
    case clusterAdmin

    public var description: String {
        switch self {
        case .anonymous: "anonymous"
        case .authenticated: "authenticated"
        case .resource(let verb): "resource:\(verb.rawValue)"
        case .clusterAdmin: "cluster-admin"
        }
    }
}

/// The verbs of the resource API, as roles will name them.
public enum ResourceVerb: String, Sendable, Hashable, CaseIterable {
    case get, list, watch, create, update, patch, delete
    case updateStatus = "update-status"
}
