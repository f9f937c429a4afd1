import Foundation
import HTTPTypes
import HearthCore
import HearthStore
import Hummingbird

/// The service registry's own routes: instances under their service, discovery with blocking
/// queries, and the heartbeat of TTL checks. Instances are ordinary resources (type `instances`,
/// named by their id, unique in the namespace); these paths add the service to the picture.
struct RegistryRoutes: Sendable {
    let resources: ResourceRoutes
    let store: Store
    let catalog: RegistryView
    let audit: AuditTrail
    let maxBodyBytes: Int

    func register(on api: APIRouter) {
        let instances = RegistryTypes.instancesTypeName
        let base = "/v1/namespaces/{namespace}/services/{service}/instances"
        api.add(
            .get, base, permission: .resource(.list), resourceType: instances,
            summary: "Discover a service's instances (?healthy=true, ?tag=, blocking with ?index=N&wait=30s)"
        ) { try await discover($0, $1) }
        api.add(.get, base + "/{name}", permission: .resource(.get), resourceType: instances, summary: "Read one instance of a service") {
            try await getInstance($0, $1)
        }
        api.add(
            .put, base + "/{name}", permission: .resource(.update), resourceType: instances,
            summary: "Register (create or replace) an instance of a service; idempotent"
        ) { try await register($0, $1) }
        api.add(.delete, base + "/{name}", permission: .resource(.delete), resourceType: instances, summary: "Deregister an instance") {
            try await deregister($0, $1)
        }
        api.add(
            .put, base + "/{name}/checks/{check}/{result}", permission: .resource(.heartbeat), resourceType: instances,
            summary: "Report a TTL check's result: pass, warn or fail (body: optional note)"
        ) { try await heartbeat($0, $1) }
    }

    // MARK: Handlers

    private func path(_ context: HearthRequestContext) throws -> (namespace: String, service: String) {
        let namespace = context.parameters.get("namespace") ?? ""
        let service = context.parameters.get("service") ?? ""
        if let problem = Names.dnsLabelProblem(namespace) {
            throw HearthError(.notFound, "namespace '\(namespace)' not found: a namespace name \(problem)")
        }
        if let problem = Names.dnsLabelProblem(service) {
            throw HearthError(.notFound, "service '\(service)' not found: a service name \(problem)")
        }
        return (namespace, service)
    }

    private func instanceKey(_ context: HearthRequestContext, namespace: String, forWrite: Bool = false) throws -> ResourceKey {
        ResourceKey(type: RegistryTypes.instancesTypeName, namespace: namespace, name: try resources.name(context, forWrite: forWrite))
    }

    private func discover(_ request: Request, _ context: HearthRequestContext) async throws -> Response {
        let (namespace, service) = try path(context)
        let query = request.uri.queryParameters
        let healthyOnly = try query.flag("healthy")
        let tag = query["tag"].map(String.init)
        let blocking = try BlockingQuery(request)
        if context.access?.publicOnly == true {
            if !resources.directory.canSeeNamespace(context.principal, namespace) {
                throw HearthError(.notFound, "namespace '\(namespace)' not found")
            }
            throw HearthError(.forbidden, "\(context.principal) may not list instances in namespace '\(namespace)'")
        }
        if !catalog.isLoaded { throw HearthError(.unavailable, "the registry is loading; retry in a moment") }
        if let index = blocking.index {
            await catalog.wait(service: (namespace, service), after: index, timeout: blocking.timeout)
        }
        let (serviceResource, instances, modifyIndex) = catalog.service(namespace: namespace, name: service)
        guard let serviceResource else {
            try await resources.requireNamespace(namespace)
            throw HearthError(.notFound, "service '\(service)' not found in namespace '\(namespace)'")
        }
        let serviceSpec = try? APIJSON.decode(ServiceSpec.self, from: serviceResource.spec)
        var answer = DiscoveryAnswer(namespace: namespace, service: service, index: max(modifyIndex, serviceResource.revision), instances: [])
        for resource in instances {
            guard let spec = try? APIJSON.decode(InstanceSpec.self, from: resource.spec) else { continue }
            let health = InstanceHealth.state(of: resource, spec: spec, service: serviceSpec)
            if healthyOnly, !health.isHealthy { continue }
            if let tag, !(spec.tags ?? []).contains(tag) { continue }
            answer.instances.append(DiscoveredInstance(resource, spec: spec, service: serviceSpec, health: health))
        }
        return try JSONResponse.make(answer, headers: [BlockingQuery.indexHeader: String(answer.index)])
    }

    private func getInstance(_ request: Request, _ context: HearthRequestContext) async throws -> Response {
        let (namespace, service) = try path(context)
        let key = try instanceKey(context, namespace: namespace)
        guard let resource = try await store.get(key), resource.spec["service"]?.stringValue == service else {
            try await resources.requireNamespace(namespace)
            throw HearthError(.notFound, "instance '\(key.name)' of service '\(service)' not found in namespace '\(namespace)'")
        }
        return try ResourceRoutes.resourceResponse(resource)
    }

    private func register(_ request: Request, _ context: HearthRequestContext) async throws -> Response {
        let (namespace, service) = try path(context)
        let key = try instanceKey(context, namespace: namespace, forWrite: true)
        guard case .object(var body) = try await JSONResponse.body(of: request, limit: maxBodyBytes) else {
            throw HearthError(.badRequest, "the request body must be a JSON object {spec: {address, port, ...}}")
        }
        var spec = body["spec"]?.objectValue ?? [:]
        if let named = spec["service"], named != .string(service) {
            throw HearthError.invalid([FieldViolation(field: "spec.service", reason: "must be '\(service)' to match the path (or be left out)")])
        }
        spec["service"] = .string(service)
        body["spec"] = .object(spec)
        let type = try resources.registry.require(RegistryTypes.instancesTypeName)
        return try await resources.upsert(key, type: type, body: .object(body), request: request, context: context) { current, _ in
            if let current, let other = current.spec["service"]?.stringValue, other != service {
                throw HearthError(
                    .conflict, "instance id '\(key.name)' is registered to service '\(other)' in namespace '\(namespace)'; instance ids are unique in a namespace")
            }
        }
    }

    private func deregister(_ request: Request, _ context: HearthRequestContext) async throws -> Response {
        let (namespace, service) = try path(context)
        let key = try instanceKey(context, namespace: namespace)
        guard let current = try await store.get(key), current.spec["service"]?.stringValue == service else {
            try await resources.requireNamespace(namespace)
            throw HearthError(.notFound, "instance '\(key.name)' of service '\(service)' not found in namespace '\(namespace)'")
        }
        let outcome = try await store.mutate(
            .delete(key, expectedVersion: current.version, cascade: false),
            audit: audit.mutationEntry(context: context, verb: Verbs.delete, key: key))
        return try await resources.answer(outcome, request: request)
    }

    private func heartbeat(_ request: Request, _ context: HearthRequestContext) async throws -> Response {
        let (namespace, service) = try path(context)
        let key = try instanceKey(context, namespace: namespace)
        let checkName = context.parameters.get("check") ?? ""
        let state: HealthState =
            switch context.parameters.get("result") ?? "" {
            case "pass": .passing
            case "warn": .warning
            case "fail": .critical
            case let other: throw HearthError(.notFound, "'\(other)' is not a check result: use pass, warn or fail")
            }
        let note = try await Self.note(of: request, limit: HealthCheckSpec.maxOutputBytes * 2)
        let outcome = try await store.mutate(
            .put(key, mode: .update, transform: { current in
                guard var current, current.spec["service"]?.stringValue == service else {
                    throw HearthError(.notFound, "instance '\(key.name)' of service '\(service)' not found in namespace '\(namespace)'")
                }
                let spec = try APIJSON.decode(InstanceSpec.self, from: current.spec)
                guard let checks = spec.checks else {
                    throw HearthError(
                        .conflict, "instance '\(key.name)' has no checks of its own; TTL checks are declared in the instance's spec.checks")
                }
                let names = HealthCheckSpec.names(of: checks)
                guard let index = names.firstIndex(of: checkName) else {
                    throw HearthError(.notFound, "instance '\(key.name)' has no check '\(checkName)' (it has: \(names.joined(separator: ", ")))")
                }
                guard checks[index].type == .ttl else {
                    throw HearthError(.conflict, "check '\(checkName)' is a \(checks[index].type.rawValue) check that Hearth runs; only ttl checks take results")
                }
                let now = Timestamp.now()
                let report = InstanceHealth.CheckReport(
                    name: checkName, type: .ttl, state: state, output: InstanceHealth.truncate(note ?? "TTL check \(state.rawValue) reported"),
                    checkedAt: now)
                let health = InstanceHealth.merging(
                    report, into: InstanceHealth.of(current), checkNames: names, initial: spec.initialState ?? .critical, now: now)
                current.status = health.status(from: current.status, now: now)
                return current
            }),
            audit: audit.mutationEntry(context: context, verb: Verbs.heartbeat, key: key))
        return try await resources.answer(outcome, request: request)
    }

    // MARK: Helpers

    /// A heartbeat's note: a JSON `{"output": "..."}` or plain text.
    static func note(of request: Request, limit: Int) async throws -> String? {
        let buffer = try await request.body.collect(upTo: limit)
        guard buffer.readableBytes > 0 else { return nil }
        let text = String(buffer: buffer)
        if request.headers[.contentType]?.hasPrefix("application/json") == true {
            guard let data = text.data(using: .utf8), let value = try? JSONDecoder().decode(JSONValue.self, from: data) else {
                throw HearthError(.badRequest, "the body must be JSON {\"output\": \"...\"} or plain text")
            }
            return value["output"]?.stringValue
        }
        return text
    }
}
