import Foundation
import HTTPTypes
import HearthCore
import HearthSecurity
import HearthStore
import Hummingbird

/// Setup, login, tokens, API keys, password changes and the audit trail.
struct IdentityRoutes: Sendable {
    let identity: IdentityService
    let directory: AccessDirectory
    let store: Store
    let maxBodyBytes: Int

    func register(on api: APIRouter) {
        api.add(.post, "/v1/setup", permission: .anonymous, summary: "Create the first admin with the one-time setup code (loopback only, first 30 minutes)") {
            try await setup($0, $1)
        }
        api.add(.post, "/v1/auth/login", permission: .anonymous, summary: "Log in with a username and password") {
            try await login($0, $1)
        }
        api.add(.post, "/v1/auth/refresh", permission: .anonymous, summary: "Exchange a refresh token for new tokens (the old one is spent)") {
            try await refresh($0, $1)
        }
        api.add(.post, "/v1/auth/token", permission: .anonymous, summary: "Token endpoint: grant_type password, refresh_token or api_key") {
            try await token($0, $1)
        }
        api.add(.post, "/v1/auth/logout", permission: .authenticated, summary: "End the caller's session") {
            try await logout($0, $1)
        }
        api.add(.get, "/v1/auth/whoami", permission: .authenticated, summary: "Who the caller is") {
            try await whoami($0, $1)
        }
        api.add(.get, "/.well-known/jwks.json", permission: .anonymous, summary: "The public keys that verify Hearth access tokens (JWKS)") { _, _ in
            try JSONResponse.make(identity.jwks())
        }
        api.add(.post, "/v1/users/{name}/password", permission: .authenticated, summary: "Change a password (your own with the current one, or any as an admin)") {
            try await changePassword($0, $1)
        }
        api.add(.post, "/v1/apikeys", permission: .authenticated, summary: "Make an API key for yourself or a service account (shown once)") {
            try await createAPIKey($0, $1)
        }
        api.add(.get, "/v1/apikeys", permission: .authenticated, summary: "List your API keys, or a service account's (?serviceAccount=ns/name)") {
            try await listAPIKeys($0, $1)
        }
        api.add(.delete, "/v1/apikeys/{id}", permission: .authenticated, summary: "Revoke an API key") {
            try await deleteAPIKey($0, $1)
        }
        api.add(.get, "/v1/audit", permission: .action(verb: Verbs.list, resource: "audit"), summary: "Read the audit trail, newest first, with filters") {
            try await auditLog($0, $1)
        }
    }

    // MARK: Setup and login

    private struct SetupBody: Decodable {
        var code: String
        var username: String
        var password: String
    }

    private func setup(_ request: Request, _ context: HearthRequestContext) async throws -> Response {
        let body = try await JSONResponse.decode(SetupBody.self, from: request, limit: maxBodyBytes)
        context.auditNote?.principal = Subject.user(body.username).text
        try await identity.setup(
            code: body.code, username: body.username, password: body.password, fromLoopback: context.isLoopbackPeer, source: context.sourceAddress)
        let grant = try await identity.startSession(subject: Subject.user(body.username).text)
        return try JSONResponse.make(grant, status: .created)
    }

    private struct LoginBody: Decodable {
        var username: String
        var password: String
    }

    private func login(_ request: Request, _ context: HearthRequestContext) async throws -> Response {
        let body = try await JSONResponse.decode(LoginBody.self, from: request, limit: maxBodyBytes)
        return try JSONResponse.make(try await passwordGrant(username: body.username, password: body.password, context: context))
    }

    private func passwordGrant(username: String, password: String, context: HearthRequestContext) async throws -> TokenGrant {
        context.auditNote?.principal = Subject.userOrGroupNameProblem(username) == nil ? Subject.user(username).text : "user:(invalid name)"
        guard identity.sourceLimiter.allow("login:" + context.sourceAddress), identity.accountLimiter.allow(username.lowercased()) else {
            throw HearthError(.tooManyRequests, "too many login attempts; wait a minute and try again")
        }
        let subject = try await identity.checkPassword(username: username, password: password)
        return try await identity.startSession(subject: subject)
    }

    private struct RefreshBody: Decodable {
        var refreshToken: String
    }

    private func refresh(_ request: Request, _ context: HearthRequestContext) async throws -> Response {
        let body = try await JSONResponse.decode(RefreshBody.self, from: request, limit: maxBodyBytes)
        return try JSONResponse.make(try await identity.refresh(body.refreshToken))
    }

    private struct TokenBody: Decodable {
        var grantType: String
        var username: String?
        var password: String?
        var refreshToken: String?
        var apiKey: String?

        enum CodingKeys: String, CodingKey {
            case grantType = "grant_type", username, password, refreshToken = "refresh_token", apiKey = "api_key"
        }
    }

    /// An OAuth-style token endpoint. `api_key` trades an API key for a short-lived access token
    /// (no refresh token: present the key again).
    private func token(_ request: Request, _ context: HearthRequestContext) async throws -> Response {
        let body = try await JSONResponse.decode(TokenBody.self, from: request, limit: maxBodyBytes)
        switch body.grantType {
        case "password":
            guard let username = body.username, let password = body.password else {
                throw HearthError.invalid([FieldViolation(field: "username", reason: "username and password are required for grant_type=password")])
            }
            return try JSONResponse.make(try await passwordGrant(username: username, password: password, context: context))
        case "refresh_token":
            guard let token = body.refreshToken else {
                throw HearthError.invalid([FieldViolation(field: "refresh_token", reason: "is required for grant_type=refresh_token")])
            }
            return try JSONResponse.make(try await identity.refresh(token))
        case "api_key":
            guard let key = body.apiKey else {
                throw HearthError.invalid([FieldViolation(field: "api_key", reason: "is required for grant_type=api_key")])
            }
            let (subject, _) = try await identity.authenticateAPIKey(key)
            context.auditNote?.principal = subject
            guard directory.principal(forSubject: subject, sessionID: nil) != nil else {
                throw HearthError(.unauthorized, "the API key's account is disabled or no longer exists")
            }
            let session = try await identity.startKeySession(subject: subject)
            return try JSONResponse.make(session)
        default:
            throw HearthError.invalid([
                FieldViolation(field: "grant_type", reason: "must be password, refresh_token or api_key, not '\(body.grantType)'")
            ])
        }
    }

    private func logout(_ request: Request, _ context: HearthRequestContext) async throws -> Response {
        guard case .authenticated(let caller) = context.identity, caller.method == .accessToken else {
            throw HearthError(.badRequest, "an API key has no session to end; delete the key to revoke it")
        }
        try await identity.endSession(caller.credentialID)
        return Response(status: .noContent)
    }

    private struct WhoAmI: Encodable {
        var subject: String
        var kind: String
        var name: String
        var namespace: String?
        var groups: [String]
        var authenticatedBy: String
        var sessionID: String?
        var apiKeyID: String?
        var expiresAt: String?
        var clusterID: String?
        /// True when a cluster binding grants everything (cluster-admin).
        var clusterAdmin: Bool
    }

    private func whoami(_ request: Request, _ context: HearthRequestContext) async throws -> Response {
        guard case .authenticated(let caller) = context.identity else { throw HearthError(.unauthorized, "not authenticated") }
        let principal = caller.principal
        let admin = directory.decide(principal, AccessRequest(verb: Verbs.delete, resource: BuiltinTypes.namespaceTypeName)).isAllowed
        return try JSONResponse.make(
            WhoAmI(
                subject: principal.text, kind: principal.kind == .user ? "user" : "serviceaccount", name: principal.name,
                namespace: principal.namespace, groups: principal.groups, authenticatedBy: caller.method.rawValue,
                sessionID: caller.method == .accessToken ? caller.credentialID : nil, apiKeyID: caller.method == .apiKey ? caller.credentialID : nil,
                expiresAt: caller.expiresAt, clusterID: store.clusterID, clusterAdmin: admin))
    }

    // MARK: Passwords

    private struct PasswordBody: Decodable {
        var currentPassword: String?
        var newPassword: String
    }

    private func changePassword(_ request: Request, _ context: HearthRequestContext) async throws -> Response {
        let username = context.parameters.get("name") ?? ""
        let body = try await JSONResponse.decode(PasswordBody.self, from: request, limit: maxBodyBytes)
        let principal = context.principal
        let isSelf = principal.kind == .user && principal.name == username
        let mayAdminister = directory.decide(
            principal, AccessRequest(verb: Verbs.update, resource: IdentityTypes.usersTypeName, name: username)
        ).isAllowed
        guard isSelf || mayAdminister else {
            throw HearthError(.forbidden, "\(principal) may change only its own password")
        }
        guard directory.userExists(username) else { throw HearthError(.notFound, "user '\(username)' not found") }
        if isSelf && !mayAdminister {
            guard let current = body.currentPassword else {
                throw HearthError.invalid([FieldViolation(field: "currentPassword", reason: "is required to change your own password")])
            }
            do {
                _ = try await identity.checkPassword(username: username, password: current)
            } catch {
                throw HearthError(.forbidden, "the current password is not right")
            }
        }
        try identity.checkPolicy(body.newPassword, username: username, field: "newPassword")
        try await identity.setPassword(username: username, password: body.newPassword)
        // Every session of the user ends: whoever had the old password is logged out.
        try await identity.endSessions(of: Subject.user(username).text)
        return Response(status: .noContent)
    }

    // MARK: API keys

    private struct CreateKeyBody: Decodable {
        var name: String?
        var serviceAccount: String?
        var expiresIn: String?
    }

    /// The subject whose keys a request manages: the caller, or a service account the caller may
    /// grant permissions for (it can create role bindings in the account's namespace).
    private func keySubject(serviceAccount: String?, context: HearthRequestContext) throws -> String {
        let principal = context.principal
        guard let serviceAccount else {
            guard let subject = principal.subject else { throw HearthError(.unauthorized, "not authenticated") }
            return subject.text
        }
        let subject = try Subject.parse("serviceaccount:" + serviceAccount, field: "serviceAccount")
        let namespace = subject.namespace ?? ""
        let allowed = directory.decide(principal, AccessRequest(verb: Verbs.create, resource: RoleBinding.resourceTypeName, namespace: namespace)).isAllowed
        if !allowed {
            if !directory.canSeeNamespace(principal, namespace) { throw HearthError(.notFound, "namespace '\(namespace)' not found") }
            throw HearthError(.forbidden, "\(principal) may not manage the keys of service accounts in namespace '\(namespace)' (owners may)")
        }
        guard directory.serviceAccountExists(namespace: namespace, name: subject.name) else {
            throw HearthError(.notFound, "service account '\(subject.name)' not found in namespace '\(namespace)'")
        }
        return subject.text
    }

    private func createAPIKey(_ request: Request, _ context: HearthRequestContext) async throws -> Response {
        let body = try await JSONResponse.decode(CreateKeyBody.self, from: request, limit: maxBodyBytes)
        if let name = body.name, name.isEmpty || name.utf8.count > 128 {
            throw HearthError.invalid([FieldViolation(field: "name", reason: "must be 1 to 128 characters long")])
        }
        var expiresAt: Date? = nil
        if let text = body.expiresIn {
            guard let duration = Duration.parse(text), duration > .zero else {
                throw HearthError.invalid([FieldViolation(field: "expiresIn", reason: "must be a duration such as 24h or 720h")])
            }
            expiresAt = Date().addingTimeInterval(duration.secondsDouble)
        }
        let subject = try keySubject(serviceAccount: body.serviceAccount, context: context)
        let (record, key) = try await identity.createAPIKey(subject: subject, name: body.name, expiresAt: expiresAt)
        context.auditNote?.name = record.id
        var summary = record.summary
        summary.key = key
        return try JSONResponse.make(summary, status: .created, headers: [.location: "/v1/apikeys/\(record.id)"])
    }

    private func listAPIKeys(_ request: Request, _ context: HearthRequestContext) async throws -> Response {
        let serviceAccount = request.uri.queryParameters["serviceAccount"].map(String.init)
        let subject = try keySubject(serviceAccount: serviceAccount, context: context)
        let keys = try await identity.apiKeys(of: subject).map(\.summary)
        return try JSONResponse.make(["items": keys])
    }

    private func deleteAPIKey(_ request: Request, _ context: HearthRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        context.auditNote?.name = id
        let notFound = HearthError(.notFound, "API key '\(id)' not found")
        guard id.utf8.count == 12, let record = try await identity.apiKey(id) else { throw notFound }
        let owner = try? Subject.parse(record.subject)
        let mine = record.subject == context.principalText
        if !mine {
            // Someone else's key: only who could make it may revoke it; others learn nothing.
            guard let owner, owner.kind == .serviceAccount,
                (try? keySubject(serviceAccount: "\(owner.namespace ?? "")/\(owner.name)", context: context)) != nil
            else { throw notFound }
        }
        try await identity.deleteAPIKey(id)
        return Response(status: .noContent)
    }

    // MARK: Audit

    private func auditLog(_ request: Request, _ context: HearthRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        var filter = AuditQuery()
        filter.principal = query["principal"].map(String.init)
        filter.verb = query["verb"].map(String.init)
        filter.resource = query["resource"].map(String.init)
        filter.namespace = query["namespace"].map(String.init)
        filter.decision = query["decision"].map(String.init)
        if let decision = filter.decision, decision != AuditEntry.allowed, decision != AuditEntry.denied {
            throw HearthError(.badRequest, "decision must be allowed or denied")
        }
        filter.sinceMillis = try Self.time(query["since"].map(String.init), name: "since")
        filter.untilMillis = try Self.time(query["until"].map(String.init), name: "until")
        if let text = query["before"] {
            guard let id = Int64(text), id > 0 else { throw HearthError(.badRequest, "before must be an entry id") }
            filter.beforeID = id
        }
        if let text = query["limit"] {
            guard let limit = Int(text), limit >= 1, limit <= AuditQuery.maxLimit else {
                throw HearthError(.badRequest, "limit must be an integer from 1 to \(AuditQuery.maxLimit)")
            }
            filter.limit = limit
        }
        let entries = try await store.auditLog(filter)
        let next = entries.count == filter.limit ? entries.last?.id.map(String.init) : nil
        return try JSONResponse.make(AuditPage(items: entries, next: next))
    }
}

extension IdentityRoutes {
    /// An RFC 3339 time, or a duration ago (`1h`), in ms since 1970.
    static func time(_ text: String?, name: String) throws -> Int64? {
        guard let text else { return nil }
        if let date = Timestamp.date(from: text) { return Int64(date.timeIntervalSince1970 * 1000) }
        if let duration = Duration.parse(text) { return Int64((Date().timeIntervalSince1970 - duration.secondsDouble) * 1000) }
        throw HearthError(.badRequest, "\(name) must be an RFC 3339 time or a duration ago such as 1h")
    }
}

/// A page of the audit trail; `next` is the `before` of the following page.
struct AuditPage: Codable, Sendable {
    var items: [AuditEntry]
    var next: String?
}
