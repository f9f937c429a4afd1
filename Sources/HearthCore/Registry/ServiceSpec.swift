/// The `spec` of a service.
public struct ServiceSpec: Sendable, Hashable, Codable {
    public var ports: [ServicePort]?
    public var tags: [String]?
    public var meta: [String: String]?
    /// The checks of instances that declare none of their own.
    public var checks: [HealthCheckSpec]?

    public init(ports: [ServicePort]? = nil, tags: [String]? = nil, meta: [String: String]? = nil, checks: [HealthCheckSpec]? = nil) {
        self.ports = ports
        self.tags = tags
        self.meta = meta
        self.checks = checks
    }
}
