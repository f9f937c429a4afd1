import HearthCore

/// The answer of `GET /v1/namespaces/{ns}/services/{svc}/instances`: the instances, their health,
/// and the service's modify index (also in the `X-Hearth-Index` header) for blocking queries.
struct DiscoveryAnswer: Codable, Sendable {
    var namespace: String
    var service: String
    /// The revision of the last change to the service or any of its instances (health included).
    var index: Int64
    var instances: [DiscoveredInstance]
}

/// One instance as discovery shows it.
struct DiscoveredInstance: Codable, Sendable {
    var id: String
    var address: String
    var port: Int?
    /// Every named port of the service, resolved for this instance.
    var ports: [String: Int]?
    var tags: [String]?
    var meta: [String: String]?
    var weight: Int
    var node: String?
    var health: HealthState
    var checks: [InstanceHealth.CheckReport]?
    var revision: Int64

    init(_ resource: Resource, spec: InstanceSpec, service: ServiceSpec?, health: HealthState) {
        id = resource.name
        address = spec.address
        port = spec.port
        var ports: [String: Int] = [:]
        for port in service?.ports ?? [] {
            if let number = spec.port(named: port.name, in: service) { ports[port.name] = number }
        }
        for (name, number) in spec.ports ?? [:] { ports[name] = number }
        self.ports = ports.isEmpty ? nil : ports
        tags = spec.tags
        meta = spec.meta
        weight = spec.effectiveWeight
        node = spec.node
        self.health = health
        checks = InstanceHealth.of(resource)?.checks
        revision = resource.revision
    }
}
