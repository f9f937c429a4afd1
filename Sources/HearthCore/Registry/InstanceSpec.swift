/// The `spec` of a service instance: where one copy of a service answers.
public struct InstanceSpec: Sendable, Hashable, Codable {
    /// The service (in the same namespace) this is an instance of.
    public var service: String
    /// An IP address or a host name.
    public var address: String
    /// The instance's main port.
    public var port: Int?
    /// Ports by the service's port names, where they differ from the service's.
    public var ports: [String: Int]?
    public var tags: [String]?
    public var meta: [String: String]?
    /// Relative share of traffic (1 to 65535, default 1), honoured by SRV answers and
    /// ``WeightedSelection``.
    public var weight: Int?
    /// The node the instance runs on, if it is known.
    public var node: String?
    /// Checks of this instance; when absent, the service's checks apply.
    public var checks: [HealthCheckSpec]?
    /// The state before the first check result: critical by default, so no traffic reaches an
    /// instance before it has proven itself.
    public var initialState: HealthState?
    /// Remove the instance once it has been critical this long.
    public var deregisterAfter: String?

    public init(service: String, address: String, port: Int? = nil) {
        self.service = service
        self.address = address
        self.port = port
    }

    public var effectiveWeight: Int { weight ?? 1 }

    /// The port for the service's port `name`: the instance's own entry, else the service's
    /// port, else the instance's main port.
    public func port(named name: String, in service: ServiceSpec?) -> Int? {
        if let port = ports?[name] { return port }
        if let port = service?.ports?.first(where: { $0.name == name })?.port { return port }
        return port
    }
}
