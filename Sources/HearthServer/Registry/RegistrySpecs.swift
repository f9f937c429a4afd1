import HearthCore

/// Decoded specs of services and instances, kept by resource version so that rebuilding DNS
/// after a health change (a status write: same version) decodes nothing again.
struct RegistrySpecs: Sendable {
    private var instances: [ResourceKey: (version: Int64, spec: InstanceSpec?)] = [:]
    private var services: [ResourceKey: (version: Int64, spec: ServiceSpec?)] = [:]

    mutating func instance(_ resource: Resource) -> InstanceSpec? {
        if let cached = instances[resource.key], cached.version == resource.version { return cached.spec }
        let spec = try? APIJSON.decode(InstanceSpec.self, from: resource.spec)
        instances[resource.key] = (resource.version, spec)
        return spec
    }

    mutating func service(_ resource: Resource) -> ServiceSpec? {
        if let cached = services[resource.key], cached.version == resource.version { return cached.spec }
        let spec = try? APIJSON.decode(ServiceSpec.self, from: resource.spec)
        services[resource.key] = (resource.version, spec)
        return spec
    }

    /// Forgets the specs of resources no longer present.
    mutating func retain(_ keys: Set<ResourceKey>) {
        instances = instances.filter { keys.contains($0.key) }
        services = services.filter { keys.contains($0.key) }
    }
}
