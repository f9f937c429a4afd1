import HTTPTypes
import HearthCore
import HearthStore
import Hummingbird

/// Registers the API's routes. The only way to add a route, so every route has a declared
/// permission, passes the request guard before its handler runs, and is audited when it changes
/// something.
public final class APIRouter {
    let router: Router<HearthRequestContext>
    let requestGuard: any RequestGuard
    let audit: AuditTrail
    public private(set) var routes: [APIRoute] = []

    init(router: Router<HearthRequestContext>, requestGuard: any RequestGuard, audit: AuditTrail) {
        self.router = router
        self.requestGuard = requestGuard
        self.audit = audit
    }

    func add(
        _ method: HTTPRequest.Method, _ path: String, routerPath: String? = nil, permission: RoutePermission, resourceType: String? = nil,
        summary: String,
        handler: @escaping @Sendable (Request, HearthRequestContext) async throws -> Response
    ) {
        let route = APIRoute(method: method, path: path, permission: permission, summary: summary, resourceType: resourceType)
        precondition(!routes.contains(route), "route \(route) registered twice")
        routes.append(route)
        let requestGuard = self.requestGuard
        let audit = self.audit
        router.on(RouterPath(routerPath ?? path), method: method) { request, context in
            context.access = try await requestGuard.check(permission, route: route, request: request, context: context)
            guard route.isMutating else { return try await handler(request, context) }
            let note = AuditNote()
            context.auditNote = note
            do {
                let response = try await handler(request, context)
                if !note.recorded { try await audit.record(route: route, context: context, note: note, status: Int(response.status.code)) }
                return response
            } catch {
                if !note.recorded {
                    let failure = error as? HearthError
                    try? await audit.record(route: route, context: context, note: note, status: failure?.code.status ?? 500, failure: failure)
                }
                throw error
            }
        }
    }
}
