import HearthCore
import Hummingbird

/// What a resource route's request addresses, as access control sees it: the verb, the type, the
/// namespace and the name, read from the route and its path parameters.
struct ResourceTarget: Sendable {
    let verb: String
    let type: String
    let namespace: String?
    let name: String?

    init(route: APIRoute, verb: ResourceVerb, watch: Bool = false, context: HearthRequestContext) {
        let type = route.resourceType ?? context.parameters.get("type") ?? ""
        self.verb = verb == .list && watch ? Verbs.watch : verb.rawValue
        self.type = type
        if type == BuiltinTypes.namespaceTypeName {
            namespace = nil
            name = context.parameters.get("namespace")
        } else {
            namespace = context.parameters.get("namespace")
            // A service's own routes name it by `service`; below it, `name` is the instance.
            name = context.parameters.get("name") ?? (type == RegistryTypes.servicesTypeName ? context.parameters.get("service") : nil)
        }
    }

    /// True when a list request asks for a watch (`?watch=true`).
    static func isWatch(_ request: Request) -> Bool {
        guard let watch = request.uri.queryParameters["watch"] else { return false }
        return watch == "true" || watch == "1"
    }

    var accessRequest: AccessRequest {
        AccessRequest(verb: verb, resource: type, namespace: namespace, name: name)
    }

    /// The namespace whose visibility decides between 404 and 403.
    var scopeNamespace: String? {
        type == BuiltinTypes.namespaceTypeName ? name : namespace
    }
}
