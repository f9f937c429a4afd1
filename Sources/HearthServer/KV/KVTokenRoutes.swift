import HearthCore
import Hummingbird

/// `/v1/namespaces/{namespace}/kv-tokens`: tokens for machines that may only read and/or write
/// keys under one prefix, until they expire (renewable, revocable).
struct KVTokenRoutes: Sendable {
    static let area = "kv-tokens"
    /// A token's life when the request names none.
    static let defaultTTL: Duration = .seconds(3600)

    let tokens: KVTokens
    let directory: AccessDirectory
    let maxBodyBytes: Int

    private struct CreateBody: Decodable {
        var prefix: String
        var verbs: [String]
        var ttl: String?
        var description: String?
    }

    private struct RenewBody: Decodable {
        var ttl: String?
    }

    private struct Created: Encodable {
        var token: String
        var id: String
        var namespace: String
        var prefix: String
        var verbs: [String]
        var expiresAt: String
    }

    func register(on api: APIRouter) {
        let base = "/v1/namespaces/{namespace}/kv-tokens"
        api.add(
            .post, base, permission: .namespaced(verb: Verbs.create, area: Self.area),
            summary: "Make a token that may only read and/or write keys under a prefix until it expires (shown once)"
        ) { try await create($0, $1) }
        api.add(.get, base, permission: .namespaced(verb: Verbs.list, area: Self.area), summary: "List the namespace's live KV tokens") {
            _, context in
            try JSONResponse.make(try await tokens.list(namespace: context.parameters.get("namespace") ?? ""))
        }
        api.add(.delete, base + "/{name}", permission: .namespaced(verb: Verbs.delete, area: Self.area), summary: "Revoke a KV token") {
            _, context in
            let namespace = context.parameters.get("namespace") ?? ""
            let id = context.parameters.get("name") ?? ""
            guard try await tokens.revoke(namespace: namespace, id: id) else {
                throw HearthError(.notFound, "no KV token '\(id)' in namespace '\(namespace)'")
            }
            return Response(status: .noContent)
        }
        api.add(
            .post, base + "/{name}/renew", permission: .namespaced(verb: Verbs.update, area: Self.area),
            summary: "Extend a live KV token by its lifetime (or {ttl}) from now; a token may renew itself"
        ) { try await renew($0, $1) }
    }

    private func create(_ request: Request, _ context: HearthRequestContext) async throws -> Response {
        let namespace = context.parameters.get("namespace") ?? ""
        let body = try await JSONResponse.decode(CreateBody.self, from: request, limit: maxBodyBytes)
        if let reason = KVKey.prefixViolation(of: body.prefix) { throw HearthError(.invalid, "prefix '\(body.prefix)': \(reason)") }
        let verbs = Set(body.verbs)
        guard !verbs.isEmpty, verbs.isSubset(of: ["read", "write"]) else {
            throw HearthError(.invalid, "verbs must be read and/or write, not \(body.verbs)")
        }
        let ttl = try Self.ttl(body.ttl) ?? Self.defaultTTL
        // A token never does more than its maker may.
        let principal = context.principal
        for (verb, needs) in [("read", [Verbs.get, Verbs.list]), ("write", [Verbs.update, Verbs.delete])] where verbs.contains(verb) {
            for need in needs where directory.decide(principal, AccessRequest(verb: need, resource: KVRoutes.area, namespace: namespace)).grant == nil {
                throw HearthError(.forbidden, "\(principal) may not \(need) keys in namespace '\(namespace)', so cannot hand out a token that does")
            }
        }
        guard let maker = principal.subject?.text else { throw HearthError(.forbidden, "anonymous callers cannot make tokens") }
        let (record, token) = try await tokens.create(
            namespace: namespace, prefix: body.prefix, read: verbs.contains("read"), write: verbs.contains("write"), ttl: ttl,
            description: body.description, createdBy: maker)
        context.auditNote?.name = record.id
        return try JSONResponse.make(
            Created(token: token, id: record.id, namespace: namespace, prefix: record.prefix, verbs: record.verbs, expiresAt: record.expiresAt),
            status: .created)
    }

    private func renew(_ request: Request, _ context: HearthRequestContext) async throws -> Response {
        let namespace = context.parameters.get("namespace") ?? ""
        let id = context.parameters.get("name") ?? ""
        let body = request.headers[.contentLength] == "0" ? RenewBody() : try await JSONResponse.decode(RenewBody.self, from: request, limit: maxBodyBytes)
        return try JSONResponse.make(try await tokens.renew(namespace: namespace, id: id, ttl: try Self.ttl(body.ttl)))
    }

    static func ttl(_ text: String?) throws -> Duration? {
        guard let text else { return nil }
        guard let ttl = Duration.parse(text), ttl >= .seconds(1), ttl <= KVTokens.maxTTL else {
            throw HearthError(.invalid, "ttl must be a duration from 1s to 720h, such as 10m, not '\(text)'")
        }
        return ttl
    }
}
