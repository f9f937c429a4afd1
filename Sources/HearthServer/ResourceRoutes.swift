import Foundation
import HTTPTypes
import HearthCore
import HearthStore
import Hummingbird

/// The generic resource API: one set of handlers serves every registered type.
struct ResourceRoutes: Sendable {
    let store: Store
    let registry: TypeRegistry
    let directory: AccessDirectory
    let identity: IdentityService
    let audit: AuditTrail
    let maxBodyBytes: Int
    let watchHeartbeat: Duration
    /// The registry's view: a write to a registry type is answered once the view has it.
    let catalog: RegistryView?
    /// Checks across resources that a type's schema and rules cannot make (DNS conflicts).
    let admission: (any ResourceAdmission)?

    func register(on api: APIRouter) {
        let cluster = "/v1/{type}"
        let namespaced = "/v1/namespaces/{namespace}/{type}"
        for (base, scope) in [(cluster, "cluster"), (namespaced, "namespaced")] {
            let isNamespaced = scope == "namespaced"
            api.add(.get, base, permission: .resource(.list), summary: "List (or watch with ?watch=true) \(scope) resources of a type") {
                try await list($0, $1, namespaced: isNamespaced)
            }
            api.add(.post, base, permission: .resource(.create), summary: "Create a \(scope) resource") {
                try await create($0, $1, namespaced: isNamespaced)
            }
            api.add(.get, base + "/{name}", permission: .resource(.get), summary: "Read a \(scope) resource") {
                try await get($0, $1, namespaced: isNamespaced)
            }
            api.add(.put, base + "/{name}", permission: .resource(.update), summary: "Create or replace a \(scope) resource") {
                try await put($0, $1, namespaced: isNamespaced)
            }
            api.add(.patch, base + "/{name}", permission: .resource(.patch), summary: "Merge-patch (RFC 7396) a \(scope) resource") {
                try await patch($0, $1, namespaced: isNamespaced)
            }
            api.add(.delete, base + "/{name}", permission: .resource(.delete), summary: "Delete a \(scope) resource (?cascade=true deletes referrers)") {
                try await delete($0, $1, namespaced: isNamespaced)
            }
            api.add(.put, base + "/{name}/status", permission: .resource(.updateStatus), summary: "Replace the status of a \(scope) resource") {
                try await putStatus($0, $1, namespaced: isNamespaced, merge: false)
            }
            api.add(.patch, base + "/{name}/status", permission: .resource(.updateStatus), summary: "Merge-patch the status of a \(scope) resource") {
                try await putStatus($0, $1, namespaced: isNamespaced, merge: true)
            }
        }
        // The namespaces type has paths of its own: under the `namespaces` segment, the router
        // does not fall back to `/v1/{type}`.
        let namespaces = BuiltinTypes.namespaceTypeName
        api.add(.get, "/v1/namespaces", permission: .resource(.list), resourceType: namespaces, summary: "List (or watch) namespaces") {
            try await list($0, $1, namespaced: false, fixedType: namespaces)
        }
        api.add(.post, "/v1/namespaces", permission: .resource(.create), resourceType: namespaces, summary: "Create a namespace") {
            try await create($0, $1, namespaced: false, fixedType: namespaces)
        }
        api.add(.get, "/v1/namespaces/{namespace}", permission: .resource(.get), resourceType: namespaces, summary: "Read a namespace") {
            try await get($0, $1, namespaced: false, fixedType: namespaces)
        }
        api.add(.put, "/v1/namespaces/{namespace}", permission: .resource(.update), resourceType: namespaces, summary: "Create or replace a namespace") {
            try await put($0, $1, namespaced: false, fixedType: namespaces)
        }
        api.add(.patch, "/v1/namespaces/{namespace}", permission: .resource(.patch), resourceType: namespaces, summary: "Merge-patch a namespace") {
            try await patch($0, $1, namespaced: false, fixedType: namespaces)
        }
        api.add(.delete, "/v1/namespaces/{namespace}", permission: .resource(.delete), resourceType: namespaces, summary: "Delete a namespace (only when empty, or with ?cascade=true)") {
            try await delete($0, $1, namespaced: false, fixedType: namespaces)
        }
        // A namespace's own status: `/v1/namespaces/{ns}/status` would otherwise read as a type.
        api.add(.put, "/v1/namespaces/{namespace}/status", permission: .resource(.updateStatus), resourceType: namespaces, summary: "Replace the status of a namespace") {
            try await putStatus($0, $1, namespaced: false, merge: false, fixedType: namespaces)
        }
        api.add(.patch, "/v1/namespaces/{namespace}/status", permission: .resource(.updateStatus), resourceType: namespaces, summary: "Merge-patch the status of a namespace") {
            try await putStatus($0, $1, namespaced: false, merge: true, fixedType: namespaces)
        }
        // Users have literal paths too (for POST /v1/users with a password, and
        // /v1/users/{name}/password), so every user route is registered under them.
        let users = IdentityTypes.usersTypeName
        api.add(.post, "/v1/users", permission: .resource(.create), resourceType: users, summary: "Create a user {username, password, displayName, email}") {
            try await createUser($0, $1)
        }
        registerLiteral(users, base: "/v1/users", nameParameter: "name", namespaced: false, withCreate: false, on: api)
        // Services have literal paths (their instances live under them), so every service route
        // is registered under them.
        // The service's parameter is `service`, as in the instance routes below it.
        registerLiteral(
            RegistryTypes.servicesTypeName, base: "/v1/namespaces/{namespace}/services", nameParameter: "service", namespaced: true, withCreate: true,
            on: api)
    }

    /// The standard routes of one type under a literal path: needed where the type has routes of
    /// its own below it, as the router does not fall back from a literal segment to `{type}`.
    private func registerLiteral(_ typeName: String, base: String, nameParameter: String, namespaced: Bool, withCreate: Bool, on api: APIRouter) {
        let named = base + "/{\(nameParameter)}"
        let kind = registry[typeName]?.kind.lowercased() ?? typeName
        let plural = typeName
        api.add(.get, base, permission: .resource(.list), resourceType: typeName, summary: "List (or watch) \(plural)") {
            try await list($0, $1, namespaced: namespaced, fixedType: typeName)
        }
        if withCreate {
            api.add(.post, base, permission: .resource(.create), resourceType: typeName, summary: "Create a \(kind)") {
                try await create($0, $1, namespaced: namespaced, fixedType: typeName)
            }
        }
        api.add(.get, named, permission: .resource(.get), resourceType: typeName, summary: "Read a \(kind)") {
            try await get($0, $1, namespaced: namespaced, fixedType: typeName)
        }
        api.add(.put, named, permission: .resource(.update), resourceType: typeName, summary: "Create or replace a \(kind)") {
            try await put($0, $1, namespaced: namespaced, fixedType: typeName)
        }
        api.add(.patch, named, permission: .resource(.patch), resourceType: typeName, summary: "Merge-patch a \(kind)") {
            try await patch($0, $1, namespaced: namespaced, fixedType: typeName)
        }
        api.add(.delete, named, permission: .resource(.delete), resourceType: typeName, summary: "Delete a \(kind)") {
            try await delete($0, $1, namespaced: namespaced, fixedType: typeName)
        }
        api.add(.put, named + "/status", permission: .resource(.updateStatus), resourceType: typeName, summary: "Replace the status of a \(kind)") {
            try await putStatus($0, $1, namespaced: namespaced, merge: false, fixedType: typeName)
        }
        api.add(.patch, named + "/status", permission: .resource(.updateStatus), resourceType: typeName, summary: "Merge-patch the status of a \(kind)") {
            try await putStatus($0, $1, namespaced: namespaced, merge: true, fixedType: typeName)
        }
    }

    // MARK: Path resolution

    /// The type, namespace and (optionally) name a path addresses, checked against the type's scope.
    func target(_ context: HearthRequestContext, namespaced: Bool, fixedType: String? = nil) throws -> (ResourceType, String?) {
        let typeName = fixedType ?? context.parameters.get("type") ?? ""
        let type = try registry.require(typeName)
        if namespaced {
            let namespace = context.parameters.get("namespace") ?? ""
            guard type.scope == .namespaced else {
                throw HearthError(.notFound, "\(type.name) are cluster-scoped: use /v1/\(type.name)")
            }
            if let problem = Names.dnsLabelProblem(namespace) {
                throw HearthError(.notFound, "namespace '\(namespace)' not found: a namespace name \(problem)")
            }
            return (type, namespace)
        }
        return (type, nil)
    }

    /// The name in the path. An invalid name cannot exist, so reads answer 404; a write that
    /// would create it answers 422 naming the field.
    func name(_ context: HearthRequestContext, forWrite: Bool) throws -> String {
        // A namespace's own routes name the namespace by the `namespace` parameter.
        // A service's own routes name it by `service` (the parameter its instance routes share).
        let name = context.parameters.get("name") ?? context.parameters.get("service") ?? context.parameters.get("namespace") ?? ""
        if let problem = Names.dnsLabelProblem(name) {
            if forWrite { throw HearthError.invalid([FieldViolation(field: "name", reason: problem)]) }
            throw HearthError(.notFound, "'\(name)' is not a valid resource name: a name \(problem)")
        }
        return name
    }

    func key(_ type: ResourceType, _ namespace: String?, _ context: HearthRequestContext, forWrite: Bool = false) throws -> ResourceKey {
        if namespace == nil, type.scope == .namespaced {
            throw HearthError(.notFound, "\(type.name) are namespaced: use /v1/namespaces/{namespace}/\(type.name)/{name}")
        }
        return ResourceKey(type: type.name, namespace: namespace ?? "", name: try name(context, forWrite: forWrite))
    }

    func requireNamespace(_ namespace: String?) async throws {
        guard let namespace else { return }
        if try await store.get(ResourceKey(type: BuiltinTypes.namespaceTypeName, name: namespace)) == nil {
            throw HearthError(.notFound, "namespace '\(namespace)' not found")
        }
    }

    // MARK: Handlers

    func list(_ request: Request, _ context: HearthRequestContext, namespaced: Bool, fixedType: String? = nil) async throws -> Response {
        let (type, namespace) = try target(context, namespaced: namespaced, fixedType: fixedType)
        try await requireNamespace(namespace)
        let query = request.uri.queryParameters
        var options = ListOptions(type: type.name, namespace: namespace)
        if let selector = query["labelSelector"] { options.selector = try LabelSelector.parse(String(selector)) }
        if let prefix = query["namePrefix"].map(String.init), !prefix.isEmpty {
            guard prefix.utf8.allSatisfy({ Names.isLowerAlnumOrDash($0) }) else {
                throw HearthError(.badRequest, "namePrefix may contain only lowercase letters, digits and '-'")
            }
            options.namePrefix = prefix
        }
        if query["watch"].map(String.init) == "true" || query["watch"].map(String.init) == "1" {
            if context.access?.publicOnly == true || context.access?.visibleOnly == true {
                throw HearthError(.forbidden, "\(context.principal) may not watch \(type.name) here")
            }
            let revision = try EventStream<ChangeEvent>.requestedRevision(request)
            return try await WatchStream(store: store, options: options, heartbeat: watchHeartbeat, draining: directory.draining).response(from: revision)
        }
        if let limit = query["limit"] {
            guard let n = Int(limit), n >= 1, n <= ListOptions.maxLimit else {
                throw HearthError(.badRequest, "limit must be an integer from 1 to \(ListOptions.maxLimit)")
            }
            options.limit = n
        }
        if let token = query["continue"].map(String.init), !token.isEmpty {
            options.after = try ContinueToken.decode(token, type: type.name)
        }
        let access = context.access
        if access?.publicOnly == true {
            options.selector = LabelSelector(
                requirements: (options.selector?.requirements ?? []) + (try LabelSelector.parse("\(IdentityTypes.publicLabel)=true")).requirements)
        }
        var page = try await store.list(options)
        if access?.visibleOnly == true {
            let visible = directory.visibleNamespaces(context.principal)
            page.items.removeAll { !visible.contains($0.name) }
        }
        if access?.publicOnly == true, page.items.isEmpty, let namespace,
            !directory.canSeeNamespace(context.principal, namespace)
        {
            let error = HearthError(.notFound, "namespace '\(namespace)' not found")
            await audit.denied(context: context, verb: Verbs.list, resource: type.name, namespace: namespace, name: nil, error: error)
            throw error
        }
        return try JSONResponse.make(
            ResourceList(type: type.name, items: page.items, revision: page.revision, continue: page.next.map { ContinueToken.encode($0) }))
    }

    func get(_ request: Request, _ context: HearthRequestContext, namespaced: Bool, fixedType: String? = nil) async throws -> Response {
        let (type, namespace) = try target(context, namespaced: namespaced, fixedType: fixedType)
        let key = try key(type, namespace, context)
        // The stored bytes are the answer: no decoding and re-encoding on the hottest path.
        guard let (version, json) = try await store.getEncoded(key) else {
            try await requireNamespace(namespace)
            throw HearthError(.notFound, "\(type.kind.lowercased()) '\(key.name)' not found\(namespace.map { " in namespace '\($0)'" } ?? "")")
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json", .eTag: "\"\(version)\""],
            body: .init(byteBuffer: ByteBuffer(string: json)))
    }

    func create(_ request: Request, _ context: HearthRequestContext, namespaced: Bool, fixedType: String? = nil) async throws -> Response {
        let (type, namespace) = try target(context, namespaced: namespaced, fixedType: fixedType)
        if namespace == nil, type.scope == .namespaced {
            throw HearthError(.notFound, "\(type.name) are namespaced: POST to /v1/namespaces/{namespace}/\(type.name)")
        }
        let body = try await JSONResponse.body(of: request, limit: maxBodyBytes)
        var write = try ResourceWrite.parse(body, type: type, namespace: namespace, name: nil)
        if type.name == BuiltinTypes.namespaceTypeName { write = Self.withCreatorAsOwner(write, context.principal) }
        let key = ResourceKey(type: type.name, namespace: namespace ?? "", name: write.name!)
        try await admission?.admit(key: key, spec: write.spec)
        context.auditNote?.name = key.name
        let owner = context.principalText
        let finalWrite = write
        let result = try await store.write(
            .put(key, mode: .create, transform: { current in try finalWrite.applied(to: current, key: key, owner: owner) }),
            audit: audit.mutationEntry(context: context, verb: Verbs.create, key: key))
        return try await answer(result, request: request)
    }

    func put(_ request: Request, _ context: HearthRequestContext, namespaced: Bool, fixedType: String? = nil) async throws -> Response {
        let (type, namespace) = try target(context, namespaced: namespaced, fixedType: fixedType)
        let key = try key(type, namespace, context, forWrite: true)
        let body = try await JSONResponse.body(of: request, limit: maxBodyBytes)
        return try await upsert(key, type: type, body: body, request: request, context: context)
    }

    /// Creates or replaces the resource at `key` from a write body; `check` sees the stored
    /// resource (nil if none) and the write inside the transaction, and may refuse.
    func upsert(
        _ key: ResourceKey, type: ResourceType, body: JSONValue, request: Request, context: HearthRequestContext,
        check: (@Sendable (Resource?, ResourceWrite) throws -> Void)? = nil
    ) async throws -> Response {
        let namespace = type.scope == .namespaced ? key.namespace : nil
        var write = try ResourceWrite.parse(body, type: type, namespace: namespace, name: key.name)
        write.version = try Self.ifMatch(request) ?? write.version
        try await admission?.admit(key: key, spec: write.spec)
        let principal = context.principal
        let owner = context.principalText
        let finalWrite = write
        let result = try await store.write(
            .put(key, mode: .upsert, transform: { current in
                try check?(current, finalWrite)
                // A namespace made by PUT is owned by its maker, as one made by POST.
                let write = current == nil && type.name == BuiltinTypes.namespaceTypeName ? Self.withCreatorAsOwner(finalWrite, principal) : finalWrite
                return try write.applied(to: current, key: key, owner: owner)
            }),
            audit: audit.mutationEntry(context: context, verb: Verbs.update, key: key))
        return try await answer(result, request: request)
    }

    func patch(_ request: Request, _ context: HearthRequestContext, namespaced: Bool, fixedType: String? = nil) async throws -> Response {
        let (type, namespace) = try target(context, namespaced: namespaced, fixedType: fixedType)
        let key = try key(type, namespace, context)
        let patch = try await JSONResponse.body(of: request, limit: maxBodyBytes, mediaTypes: ["application/merge-patch+json", "application/json"])
        guard case .object(let patchObject) = patch else {
            throw HearthError(.badRequest, "a merge patch must be a JSON object")
        }
        let precondition = try Self.ifMatch(request)
        if let admission, let current = try await store.get(key) {
            let merged = MergePatch.apply(.object(patchObject), to: ResourceWrite.writableDocument(of: current))
            try await admission.admit(key: key, spec: merged["spec"] ?? .object([:]))
        }
        let result = try await store.write(.put(key, mode: .update, transform: { current in
            guard let current else { throw HearthError(.notFound, "\(key) not found") }
            var merged = MergePatch.apply(.object(patchObject.filter { $0.key != "version" }), to: ResourceWrite.writableDocument(of: current))
            if case .object(var object) = merged, let version = patchObject["version"] {
                object["version"] = version
                merged = .object(object)
            }
            var write = try ResourceWrite.parse(merged, type: type, namespace: namespace, name: key.name)
            write.version = precondition ?? write.version
            return try write.applied(to: current, key: key, owner: nil)
        }), audit: audit.mutationEntry(context: context, verb: Verbs.patch, key: key))
        return try await answer(result, request: request)
    }

    func delete(_ request: Request, _ context: HearthRequestContext, namespaced: Bool, fixedType: String? = nil) async throws -> Response {
        let (type, namespace) = try target(context, namespaced: namespaced, fixedType: fixedType)
        let key = try key(type, namespace, context)
        let query = request.uri.queryParameters
        let cascade = query["cascade"].map(String.init) == "true"
        // Deleting a namespace with everything in it is for cluster admins, not its owners.
        if cascade, type.name == BuiltinTypes.namespaceTypeName,
            !directory.decide(context.principal, AccessRequest(verb: Verbs.delete, resource: BuiltinTypes.namespaceTypeName)).isAllowed
        {
            throw HearthError(.forbidden, "only a cluster admin may delete a namespace with everything in it (?cascade=true); empty it first")
        }
        var version = try Self.ifMatch(request)
        if let text = query["version"] {
            guard let v = Int64(text) else { throw HearthError(.badRequest, "version must be an integer") }
            version = v
        }
        do {
            let outcome = try await store.mutate(
                .delete(key, expectedVersion: version, cascade: cascade), audit: audit.mutationEntry(context: context, verb: Verbs.delete, key: key))
            guard case .deleted = outcome else { throw HearthError(.internalError, "unexpected outcome") }
            return try await answer(outcome, request: request)
        } catch let error as HearthError where error.code == .notFound {
            try await requireNamespace(namespace)
            throw error
        }
    }

    func putStatus(
        _ request: Request, _ context: HearthRequestContext, namespaced: Bool, merge: Bool, fixedType: String? = nil
    ) async throws -> Response {
        let (type, namespace) = try target(context, namespaced: namespaced, fixedType: fixedType)
        let key = try key(type, namespace, context)
        let body = try await JSONResponse.body(
            of: request, limit: maxBodyBytes, mediaTypes: merge ? ["application/merge-patch+json", "application/json"] : ["application/json"])
        let precondition = try Self.ifMatch(request)
        let result = try await store.write(.put(key, mode: .update, transform: { current in
            guard var current else { throw HearthError(.notFound, "\(key) not found") }
            var document = body
            if merge {
                guard case .object(let patch) = body else { throw HearthError(.badRequest, "a merge patch must be a JSON object") }
                let currentStatus = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(current.status))
                var merged: [String: JSONValue] = ["status": MergePatch.apply(patch["status"] ?? .object([:]), to: currentStatus)]
                if let version = patch["version"] { merged["version"] = version }
                document = .object(merged)
            }
            let write = try StatusWrite.parse(document)
            if let expected = precondition ?? write.version, expected != current.version {
                throw HearthError(.conflict, "\(key) has version \(current.version), not \(expected)")
            }
            current.status = write.status
            return current
        }), audit: audit.mutationEntry(context: context, verb: Verbs.updateStatus, key: key))
        return try await answer(result, request: request)
    }

    // MARK: Answers

    /// The answer to a write; a write to an identity type waits until this replica's access
    /// directory has it, so the caller's next request is decided with it.
    func answer(_ result: MutationResult, request: Request) async throws -> Response {
        try await answer(result.outcome, request: request, json: result.json)
    }

    /// - Parameter json: the stored JSON of the resource written, sent as it is when given.
    func answer(_ outcome: MutationOutcome, request: Request, json: String? = nil) async throws -> Response {
        let changed: [Resource] =
            switch outcome {
            case .created(let resource), .updated(let resource): [resource]
            case .unchanged: []
            case .deleted(let resources): resources
            }
        switch outcome {
        case .created, .updated:
            for resource in changed { directory.applyCommitted(resource) }
        case .deleted, .unchanged:
            if let revision = changed.filter({ AccessDirectory.watchedTypes.contains($0.type) }).map(\.revision).max() {
                await directory.waitUntilApplied(revision)
            }
        }
        if let catalog, let revision = changed.filter({ RegistryView.watchedTypes.contains($0.type) }).map(\.revision).max() {
            await catalog.waitUntilApplied(revision)
        }
        return try Self.outcomeResponse(outcome, request: request, json: json)
    }

    /// A namespace's write with `principal` added to its owners.
    static func withCreatorAsOwner(_ write: ResourceWrite, _ principal: Principal) -> ResourceWrite {
        guard let subject = principal.subject?.text else { return write }
        var write = write
        var spec = write.spec.objectValue ?? [:]
        var owners = spec["owners"]?.arrayValue ?? []
        if !owners.contains(.string(subject)) { owners.append(.string(subject)) }
        spec["owners"] = .array(owners)
        write.spec = .object(spec)
        return write
    }

    static func ifMatch(_ request: Request) throws -> Int64? {
        guard let value = request.headers[.ifMatch] else { return nil }
        let trimmed = value.trimmingCharacters(in: CharacterSet(charactersIn: "\" W/"))
        guard let version = Int64(trimmed) else {
            throw HearthError(.badRequest, "If-Match must carry a resource version, e.g. \"3\"")
        }
        return version
    }

    /// - Parameter json: `resource` as stored, if at hand: sent instead of encoding it again.
    static func resourceResponse(_ resource: Resource, status: HTTPResponse.Status = .ok, extra: HTTPFields = [:], json: String? = nil) throws
        -> Response
    {
        var headers = extra
        headers[.eTag] = "\"\(resource.version)\""
        guard let json else { return try JSONResponse.make(resource, status: status, headers: headers) }
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: json)))
    }

    static func outcomeResponse(_ outcome: MutationOutcome, request: Request, json: String? = nil) throws -> Response {
        switch outcome {
        case .created(let resource):
            let location = resource.namespace.map { "/v1/namespaces/\($0)/\(resource.type)/\(resource.name)" } ?? "/v1/\(resource.type)/\(resource.name)"
            return try resourceResponse(resource, status: .created, extra: [.location: location], json: json)
        case .updated(let resource), .unchanged(let resource):
            return try resourceResponse(resource, json: json)
        case .deleted(let resources):
            return try JSONResponse.make(DeleteResult(deleted: resources, revision: resources.last?.revision ?? 0))
        }
    }
}

/// The answer of a list.
struct ResourceList: Codable, Sendable {
    var type: String
    var items: [Resource]
    /// The store revision the list was read at: watch from here to miss nothing.
    var revision: Int64
    var `continue`: String?
}

/// The answer of a delete: what was deleted (referrers first when cascading).
struct DeleteResult: Codable, Sendable {
    var deleted: [Resource]
    var revision: Int64
}
