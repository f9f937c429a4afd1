/// The service registry's resource types: services and their instances, per namespace. Their
/// CRUD, watches and validation come from the generic resource API; instances also have paths
/// under their service (`/v1/namespaces/{ns}/services/{svc}/instances/{id}`), discovery with
/// blocking queries, and health checks run by Hearth.
public enum RegistryTypes {
    public static let servicesTypeName = "services"
    public static let instancesTypeName = "instances"

    static let ready = ResourceStatus(
        phase: .ready, conditions: [Condition(type: "Ready", status: "True", reason: "Created")], observedVersion: 1)

    static let tags = JSONSchema.array(of: .string(maxLength: 128), description: "Free-form tags; discovery filters on them (?tag=).", maxItems: 64)
    static let meta = JSONSchema.map(of: .string(maxLength: 1024), description: "Free-form key/value metadata.")
    static let checks = JSONSchema.array(of: HealthCheckSpec.schema, maxItems: 16)

    public static let services = ResourceType(
        name: servicesTypeName,
        kind: "Service",
        scope: .namespaced,
        description: "A named service: its ports, tags, metadata and the default health checks of its instances. Instances live at /v1/namespaces/{ns}/services/{svc}/instances/{id}.",
        schema: .object([
            "ports": .array(
                of: .object(
                    [
                        "name": .string(description: "The port's name (a DNS label); SRV answers use it: _<name>._<tcp|udp>.<svc>.<ns>.svc.<domain>.", format: "dns-label"),
                        "port": .integer(description: "The port, unless every instance says its own.", minimum: 1, maximum: 65535),
                        "protocol": .string(description: "tcp (default), udp, http, https or grpc.", enum: ServicePort.TransportProtocol.allCases.map(\.rawValue)),
                    ], required: ["name"]),
                maxItems: 32),
            "tags": tags,
            "meta": meta,
            "checks": checks,
        ]),
        rules: { spec in
            guard let service = try? APIJSON.decode(ServiceSpec.self, from: spec) else { return [] }
            var violations = HealthCheckSpec.violations(of: service.checks ?? [], field: "spec.checks")
            let names = (service.ports ?? []).map(\.name)
            for (index, name) in names.enumerated() where names[..<index].contains(name) {
                violations.append(FieldViolation(field: "spec.ports[\(index)].name", reason: "'\(name)' names two ports"))
            }
            return violations
        },
        createdStatus: ready
    )

    public static let instances = ResourceType(
        name: instancesTypeName,
        kind: "Instance",
        scope: .namespaced,
        description: "One running copy of a service: address, ports, tags, weight and health checks. Its name (the instance id) is unique in the namespace; status.details carries its health.",
        schema: .object(
            [
                "service": .string(description: "The service this is an instance of (in the same namespace).", format: "dns-label"),
                "address": .string(description: "An IP address or a host name.", minLength: 1, maxLength: 253),
                "port": .integer(description: "The instance's main port.", minimum: 1, maximum: 65535),
                "ports": .map(of: .integer(minimum: 1, maximum: 65535), description: "Ports by the service's port names, where they differ from the service's."),
                "tags": tags,
                "meta": meta,
                "weight": .integer(description: "Relative share of traffic (default 1).", minimum: 1, maximum: 65535),
                "node": .string(description: "The node the instance runs on.", format: "dns-label"),
                "checks": checks,
                "initialState": .string(description: "The state before the first check result (default critical).", enum: HealthState.allCases.map(\.rawValue)),
                "deregisterAfter": .string(description: "Remove the instance once it has been critical this long.", format: "duration"),
            ], required: ["service", "address"]),
        references: [ReferenceField(path: ["service"], targetType: servicesTypeName)],
        rules: { spec in
            guard let instance = try? APIJSON.decode(InstanceSpec.self, from: spec) else { return [] }
            var violations = HealthCheckSpec.violations(of: instance.checks ?? [], field: "spec.checks")
            if IPAddressBytes.parse(instance.address) == nil, let problem = Names.hostnameProblem(instance.address) {
                violations.append(FieldViolation(field: "spec.address", reason: "must be an IP address or a host name: \(problem)"))
            }
            for name in (instance.ports ?? [:]).keys.sorted() where !Names.isDNSLabel(name) {
                violations.append(FieldViolation(field: "spec.ports.\(name)", reason: "port names are DNS labels"))
            }
            if let text = instance.deregisterAfter, let after = Duration.parse(text), after < .seconds(1) {
                violations.append(FieldViolation(field: "spec.deregisterAfter", reason: "must be at least 1s"))
            }
            return violations
        },
        createdStatus: ResourceStatus(
            phase: .ready, conditions: [Condition(type: "Ready", status: "True", reason: "Registered")], observedVersion: 1)
    )

    public static var all: [ResourceType] { [services, instances] }
}
