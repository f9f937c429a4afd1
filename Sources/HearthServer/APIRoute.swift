import HTTPTypes
import HearthCore

/// One route of the API: what the OpenAPI document and the permission checks are built from.
public struct APIRoute: Sendable, Hashable, CustomStringConvertible {
    public let method: HTTPRequest.Method
    /// The path in OpenAPI form, e.g. `/v1/namespaces/{namespace}/{type}/{name}`.
    public let path: String
    public let permission: RoutePermission
    public let summary: String
    /// The resource type a resource route serves when the path names it literally
    /// (`/v1/namespaces`, `/v1/users`); nil when it comes from the `{type}` parameter.
    public let resourceType: String?

    public var description: String { "\(method) \(path)" }

    /// True for the methods that change something: their requests are audited.
    public var isMutating: Bool { method != .get && method != .head && method != .options }

    /// The API area for the audit trail: the path's segment after `/v1` (`auth`, `setup`, ...).
    var area: String {
        let segments = path.split(separator: "/")
        if segments.first == "v1", segments.count > 1 { return String(segments[1]) }
        return segments.first.map(String.init) ?? "/"
    }

    /// The action for the audit trail of a non-resource route: its last literal segment below the
    /// area (`login`, `logout`, `password`), else the verb of its method (`create`, `delete`, ...).
    var action: String {
        let segments = path.split(separator: "/")
        if let last = segments.last, !last.hasPrefix("{"), segments.count > 2 { return String(last) }
        switch method {
        case .post: return Verbs.create
        case .put: return Verbs.update
        case .patch: return Verbs.patch
        case .delete: return Verbs.delete
        default: return Verbs.get
        }
    }
}
