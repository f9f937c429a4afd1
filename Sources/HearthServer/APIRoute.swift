import HTTPTypes

/// One route of the API: what the OpenAPI document and the permission checks are built from.
public struct APIRoute: Sendable, Hashable, CustomStringConvertible {
    public let method: HTTPRequest.Method
    /// The path in OpenAPI form, e.g. `/v1/namespaces/{namespace}/{type}/{name}`.
    public let path: String
    public let permission: RoutePermission
    public let summary: String

    public var description: String { "\(method) \(path)" }
}
