import Foundation
import HTTPTypes
import HearthCore
import HearthSecurity
import HearthStore
import Hummingbird

/// Secrets: versioned values sealed with the envelope cipher, in a namespace.
///
/// - `PUT …/secrets/{name}` writes a new version (`?cas=N`); the answer is metadata only.
/// - `GET …/secrets/{name}[?version=N]` answers the value: the `read-value` verb, which viewers
///   lack; listing (`list`) and metadata (`get`) never show a value.
/// - `DELETE …/secrets/{name}` soft-deletes the latest version (`?versions=1,2` those;
///   `?destroy=true` removes the secret whole); `POST …/undelete` and `POST …/destroy` take
///   `{"versions": [...]}`.
///
/// Values are sealed for the context `secret:<namespace>/<name>:v<version>`, so a ciphertext moved
/// to another row does not open. They never appear in an answer but the value read, nor in an
/// audit entry, a log line or an error message.
struct SecretRoutes: Sendable {
    let store: Store
    let keys: MasterKeyKeeper
    let audit: AuditTrail
    /// How many versions of a secret are kept.
    let maxVersions: Int

    static let area = "secrets"

    func register(on api: APIRouter) {
        let base = "/v1/namespaces/{namespace}/secrets"
        api.add(.get, base, permission: .namespaced(verb: Verbs.list, area: Self.area), summary: "List a namespace's secrets: names and metadata, never values") {
            try await list($0, $1)
        }
        api.add(
            .put, base + "/{name}", permission: .namespaced(verb: Verbs.update, area: Self.area),
            summary: "Write a new version of a secret ({value} or {valueBase64}; ?cas=N); answers metadata only"
        ) { try await put($0, $1) }
        api.add(
            .get, base + "/{name}", permission: .namespaced(verb: Verbs.readValue, area: Self.area),
            summary: "Read a secret's value, the latest or ?version=N (verb read-value)"
        ) { try await read($0, $1) }
        api.add(
            .delete, base + "/{name}", permission: .namespaced(verb: Verbs.delete, area: Self.area),
            summary: "Soft-delete the latest version (?versions=1,2: those; ?destroy=true: remove the secret and every version)"
        ) { try await delete($0, $1) }
        api.add(
            .get, base + "/{name}/versions", permission: .namespaced(verb: Verbs.get, area: Self.area),
            summary: "A secret's metadata: every kept version, never a value"
        ) { try await versions($0, $1) }
        api.add(
            .post, base + "/{name}/undelete", permission: .namespaced(verb: Verbs.update, area: Self.area),
            summary: "Undelete soft-deleted versions of a secret ({versions: [N...]})"
        ) { try await change($0, $1, undelete: true) }
        api.add(
            .post, base + "/{name}/destroy", permission: .namespaced(verb: Verbs.delete, area: Self.area),
            summary: "Destroy versions of a secret for good: their ciphertext is removed ({versions: [N...]})"
        ) { try await change($0, $1, undelete: false) }
    }

    // MARK: Handlers

    private func list(_ request: Request, _ context: HearthRequestContext) async throws -> Response {
        let namespace = try Self.namespace(context)
        let rows = try await store.secretVersions(namespace: namespace)
        var items: [SecretSummary] = []
        var start = rows.startIndex
        while start < rows.endIndex {
            let name = rows[start].name
            var end = start
            while end < rows.endIndex, rows[end].name == name { end += 1 }
            items.append(SecretSummary(Array(rows[start..<end])))
            start = end
        }
        return try JSONResponse.make(SecretList(namespace: namespace, items: items))
    }

    private func put(_ request: Request, _ context: HearthRequestContext) async throws -> Response {
        let (namespace, name) = try Self.path(context, forWrite: true)
        let cas = try request.uri.queryParameters.integer("cas")
        let value = try await SecretValueBody.read(request)
        let keys = self.keys
        let written = try await store.putSecret(
            namespace: namespace, name: name, expectedVersion: cas, keep: maxVersions, audit: auditEntry(context, verb: Verbs.update, namespace, name)
        ) { version in
            let sealed = try keys.cipher.seal(value, context: StoredSecretVersion.context(namespace: namespace, name: name, version: version))
            return (sealed.encoded, sealed.masterKeyID)
        }
        context.auditNote?.recorded = true
        return try JSONResponse.make(SecretWriteAnswer(written))
    }

    private func read(_ request: Request, _ context: HearthRequestContext) async throws -> Response {
        let (namespace, name) = try Self.path(context, forWrite: false)
        let wanted = try request.uri.queryParameters.integer("version", minimum: 1)
        let versions = try await store.secretVersions(namespace: namespace, name: name)
        guard let latest = versions.last else { throw HearthError(.notFound, "secret '\(name)' not found in namespace '\(namespace)'") }
        let number = wanted ?? latest.version
        guard let meta = versions.first(where: { $0.version == number }) else {
            throw HearthError(
                .notFound,
                "secret '\(name)' in namespace '\(namespace)' has no version \(number) (kept: \(versions.map { String($0.version) }.joined(separator: ", ")); "
                    + "the server keeps the last \(maxVersions))")
        }
        if let destroyed = meta.destroyedMillis {
            throw HearthError(
                .gone, "version \(number) of secret '\(name)' in namespace '\(namespace)' was destroyed at \(SecretVersionInfo.timestamp(destroyed)); its value is gone")
        }
        if let deleted = meta.deletedMillis {
            throw HearthError(
                .notFound,
                "version \(number) of secret '\(name)' in namespace '\(namespace)' was deleted at \(SecretVersionInfo.timestamp(deleted)); "
                    + #"undelete it (POST …/secrets/\#(name)/undelete {"versions": [\#(number)]}) or write a new version"#)
        }
        guard let row = try await store.sealedSecretVersion(namespace: namespace, name: name, version: number), let text = row.sealed,
            row.destroyedMillis == nil, row.deletedMillis == nil
        else {
            throw HearthError(.notFound, "version \(number) of secret '\(name)' in namespace '\(namespace)' changed while it was read; retry")
        }
        let value = try Self.open(text, row: row, cipher: keys.cipher)
        var answer = SecretValueAnswer(
            namespace: namespace, name: name, version: number, createdAt: SecretVersionInfo.timestamp(row.createdMillis))
        if let utf8 = String(validating: value, as: UTF8.self) {
            answer.value = utf8
        } else {
            answer.valueBase64 = Data(value).base64EncodedString()
        }
        return try JSONResponse.make(answer, headers: [.cacheControl: "no-store"])
    }

    private func versions(_ request: Request, _ context: HearthRequestContext) async throws -> Response {
        let (namespace, name) = try Self.path(context, forWrite: false)
        let versions = try await store.secretVersions(namespace: namespace, name: name)
        guard !versions.isEmpty else { throw HearthError(.notFound, "secret '\(name)' not found in namespace '\(namespace)'") }
        return try JSONResponse.make(SecretMetadata(namespace: namespace, name: name, versions: versions, maxVersions: maxVersions))
    }

    private func delete(_ request: Request, _ context: HearthRequestContext) async throws -> Response {
        let (namespace, name) = try Self.path(context, forWrite: false)
        let query = request.uri.queryParameters
        let destroy = try query.flag("destroy")
        let named = try Self.versionList(query["versions"].map(String.init))
        let change: SecretChange
        switch (destroy, named.isEmpty) {
        case (true, true): change = .destroyAll
        case (true, false): change = .destroy(versions: named)
        case (false, _): change = .delete(versions: named)
        }
        return try await apply(change, context, namespace, name, verb: Verbs.delete)
    }

    private func change(_ request: Request, _ context: HearthRequestContext, undelete: Bool) async throws -> Response {
        let (namespace, name) = try Self.path(context, forWrite: false)
        let body = try await JSONResponse.decode(SecretVersionsBody.self, from: request, limit: 64 * 1024)
        guard !body.versions.isEmpty else {
            throw HearthError.invalid([FieldViolation(field: "versions", reason: "must name at least one version")])
        }
        guard body.versions.allSatisfy({ $0 >= 1 }) else {
            throw HearthError.invalid([FieldViolation(field: "versions", reason: "versions are numbered from 1")])
        }
        return try await apply(
            undelete ? .undelete(versions: body.versions) : .destroy(versions: body.versions), context, namespace, name,
            verb: undelete ? Verbs.update : Verbs.delete)
    }

    private func apply(_ change: SecretChange, _ context: HearthRequestContext, _ namespace: String, _ name: String, verb: String) async throws -> Response {
        let left = try await store.changeSecret(namespace: namespace, name: name, change, audit: auditEntry(context, verb: verb, namespace, name))
        context.auditNote?.recorded = true
        return try JSONResponse.make(SecretMetadata(namespace: namespace, name: name, versions: left, maxVersions: maxVersions))
    }

    // MARK: Helpers

    /// The audit entry a write commits with (nil without an audit trail).
    private func auditEntry(_ context: HearthRequestContext, verb: String, _ namespace: String, _ name: String) -> AuditEntry? {
        guard audit.store != nil, context.auditNote != nil else { return nil }
        return audit.entry(
            context: context, verb: verb, resource: Self.area, namespace: namespace, name: name, decision: AuditEntry.allowed,
            reason: context.access?.reason ?? "")
    }

    /// Opens a stored value. Errors name the secret, its version and the master key id, never
    /// the value.
    static func open(_ text: String, row: StoredSecretVersion, cipher: EnvelopeCipher) throws -> [UInt8] {
        let what = "version \(row.version) of secret '\(row.name)' in namespace '\(row.namespace)'"
        let sealed: SealedValue
        do {
            sealed = try SealedValue(encoded: text)
        } catch {
            throw HearthError(.internalError, "the stored value of \(what) is not a sealed value")
        }
        guard cipher.ring.key(id: sealed.masterKeyID) != nil else {
            throw HearthError(
                .unavailable,
                "\(what) was sealed with master key '\(sealed.masterKeyID)', which this replica does not hold: give every replica the same "
                    + "master key with --master-key-file or HEARTH_MASTER_KEY")
        }
        do {
            return try cipher.open(sealed, context: row.context)
        } catch {
            throw HearthError(
                .internalError, "\(what) does not open: its stored value was altered, or moved from another secret or version")
        }
    }

    static func namespace(_ context: HearthRequestContext) throws -> String {
        let namespace = context.parameters.get("namespace") ?? ""
        if let problem = Names.dnsLabelProblem(namespace) {
            throw HearthError(.notFound, "namespace '\(namespace)' not found: a namespace name \(problem)")
        }
        return namespace
    }

    static func path(_ context: HearthRequestContext, forWrite: Bool) throws -> (namespace: String, name: String) {
        let namespace = try namespace(context)
        let name = context.parameters.get("name") ?? ""
        if let problem = SecretName.problem(name) {
            if forWrite { throw HearthError.invalid([FieldViolation(field: "name", reason: "a secret name \(problem)")]) }
            throw HearthError(.notFound, "secret '\(name)' not found: a secret name \(problem)")
        }
        return (namespace, name)
    }

    /// `?versions=1,2,3`.
    static func versionList(_ text: String?) throws -> [Int64] {
        guard let text, !text.isEmpty else { return [] }
        return try text.split(separator: ",").map { part in
            guard let version = Int64(part.trimmingCharacters(in: .whitespaces)), version >= 1 else {
                throw HearthError(.badRequest, "versions must be a comma-separated list of version numbers, e.g. versions=1,2")
            }
            return version
        }
    }
}
