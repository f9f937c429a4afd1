import HearthCore

/// Decides whether a request may reach its handler, given the route's declared permission.
/// One guard serves every route; ``APIRouter`` runs it before each handler.
public protocol RequestGuard: Sendable {
    func check(_ permission: RoutePermission, route: APIRoute, context: HearthRequestContext) async throws
}

/// The guard until identity exists: the API serves its own machine only. The listener is bound
/// to loopback; this refuses any request that nevertheless arrives from elsewhere.
public struct LoopbackGuard: RequestGuard {
    public init() {}

    public func check(_ permission: RoutePermission, route: APIRoute, context: HearthRequestContext) async throws {
        if permission == .anonymous { return }
        guard context.isLoopbackPeer else {
            throw HearthError(.forbidden, "this server accepts API requests from its own machine only")
        }
    }
}
