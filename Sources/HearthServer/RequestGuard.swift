import HearthCore
import Hummingbird

/// Decides whether a request may reach its handler, given the route's declared permission.
/// One guard serves every route; ``APIRouter`` runs it before each handler.
protocol RequestGuard: Sendable {
    /// What the request may do; throws the refusal (401, 403, or 404 where existence must not leak).
    func check(_ permission: RoutePermission, route: APIRoute, request: Request, context: HearthRequestContext) async throws
        -> RequestAccess
}

/// Lets every request through: for `hearth-bench`'s baseline only (see
/// ``HearthServer/openAccessForBenchmarks``).
struct OpenAccessGuard: RequestGuard {
    func check(_ permission: RoutePermission, route: APIRoute, request: Request, context: HearthRequestContext) async throws -> RequestAccess {
        RequestAccess(note: "benchmark baseline: no access control")
    }
}
