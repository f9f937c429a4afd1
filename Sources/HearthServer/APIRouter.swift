import HTTPTypes
import Hummingbird

/// Registers the API's routes. The only way to add a route, so every route has a declared
/// permission and passes the request guard before its handler runs.
public final class APIRouter {
    let router: Router<HearthRequestContext>
    let requestGuard: any RequestGuard
    public private(set) var routes: [APIRoute] = []

    init(router: Router<HearthRequestContext>, requestGuard: any RequestGuard) {
        self.router = router
        self.requestGuard = requestGuard
    }

    func add(
        _ method: HTTPRequest.Method, _ path: String, permission: RoutePermission, summary: String,
        handler: @escaping @Sendable (Request, HearthRequestContext) async throws -> Response
    ) {
        let route = APIRoute(method: method, path: path, permission: permission, summary: summary)
        precondition(!routes.contains(route), "route \(route) registered twice")
        routes.append(route)
        let requestGuard = self.requestGuard
        router.on(RouterPath(path), method: method) { request, context in
            try await requestGuard.check(permission, route: route, context: context)
            return try await handler(request, context)
        }
    }
}
