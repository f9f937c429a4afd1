import HearthCore
import HearthSecurity
import HearthStore
import Hummingbird

extension ResourceRoutes {
    /// `POST /v1/users {username, password, displayName, email, disabled, groups...}`: the user
    /// resource and its password hash are written in one transaction. The password never enters
    /// the resource, the change feed or the audit trail.
    func createUser(_ request: Request, _ context: HearthRequestContext) async throws -> Response {
        let body = try await JSONResponse.body(of: request, limit: maxBodyBytes)
        guard var object = body.objectValue else { throw HearthError(.badRequest, "the request body must be a JSON object") }
        guard case .string(let password)? = object.removeValue(forKey: "password") else {
            throw HearthError.invalid([FieldViolation(field: "password", reason: "is required (a string)")])
        }
        if let username = object.removeValue(forKey: "username") {
            if let name = object["name"], name != username {
                throw HearthError.invalid([FieldViolation(field: "username", reason: "and name differ; send one of them")])
            }
            object["name"] = username
        }
        // Shorthand: the spec's fields may be given at the top level.
        var spec = object["spec"]?.objectValue ?? [:]
        for field in ["displayName", "email", "disabled"] {
            if let value = object.removeValue(forKey: field) { spec[field] = value }
        }
        object["spec"] = .object(spec)
        let type = try registry.require(IdentityTypes.usersTypeName)
        let write = try ResourceWrite.parse(.object(object), type: type, namespace: nil, name: nil)
        let username = write.name!
        try identity.checkPolicy(password, username: username)
        let hasher = identity.hasher
        let hash = try await IdentityService.offloaded { try hasher.hash(password) }
        let key = ResourceKey(type: type.name, name: username)
        context.auditNote?.name = username
        let owner = context.principalText
        let result = try await store.write(
            .put(key, mode: .create, transform: { current in try write.applied(to: current, key: key, owner: owner) }),
            audit: audit.mutationEntry(context: context, verb: Verbs.create, key: key),
            records: [StoredRecord(kind: IdentityService.passwordKind, key: username, subject: Subject.user(username).text, value: hash)])
        return try await answer(result, request: request)
    }
}
