import Foundation
import HTTPTypes
import HearthCore
import HearthStore
import Hummingbird

/// The key-value store's API: `/v1/namespaces/{namespace}/kv/{key...}` with raw values, blocking
/// reads, watches and transactions.
struct KVRoutes: Sendable {
    static let area = "kv"
    static let versionHeader = HTTPField.Name("X-Hearth-Version")!
    /// The most keys a listing answers.
    static let maxListing = 10_000

    let store: Store
    let waiters: KVWaiters
    let audit: AuditTrail
    let maxValueBytes: Int
    let maxBodyBytes: Int

    func register(on api: APIRouter) {
        let base = "/v1/namespaces/{namespace}/kv"
        api.add(
            .get, base, permission: .namespaced(verb: Verbs.list, area: Self.area),
            summary: "List the namespace's keys (?keys) or entries (?recurse); blocking with ?index=N&wait=30s; ?watch=true streams changes"
        ) { try await read($0, $1) }
        api.add(
            .get, base + "/{key}", routerPath: base + "/**", permission: .namespaced(verb: Verbs.get, area: Self.area),
            summary: "Read a key's raw value (?meta for its metadata; ?keys or ?recurse under it as a prefix); blocking with ?index=N&wait=30s; ?watch=true streams changes"
        ) { try await read($0, $1) }
        api.add(
            .put, base + "/{key}", routerPath: base + "/**", permission: .namespaced(verb: Verbs.update, area: Self.area),
            summary: "Store the raw body as the key's value (?cas=N: only at version N, 0: only if absent; ?ttl=30s)"
        ) { try await put($0, $1) }
        api.add(
            .delete, base + "/{key}", routerPath: base + "/**", permission: .namespaced(verb: Verbs.delete, area: Self.area),
            summary: "Delete a key (?cas=N), or every key under it with ?recurse"
        ) { try await delete($0, $1) }
        api.add(
            .post, "/v1/namespaces/{namespace}/kv-txn", permission: .namespaced(verb: Verbs.update, area: Self.area),
            summary: "Apply several puts, deletes and checks atomically: all or none"
        ) { try await transaction($0, $1) }
    }

    // MARK: Handlers

    private func read(_ request: Request, _ context: HearthRequestContext) async throws -> Response {
        let namespace = context.parameters.get("namespace") ?? ""
        let key = try Self.key(of: request, namespace: namespace)
        let query = request.uri.queryParameters
        let keysOnly = try query.flag("keys")
        let recurse = try query.flag("recurse")
        let listing = keysOnly || recurse || key.isEmpty
        if let reason = listing ? KVKey.prefixViolation(of: key) : KVKey.violation(of: key) {
            throw HearthError(.invalid, "\(listing ? "prefix" : "key") '\(key)': \(reason)")
        }
        try await checkScope(context, namespace: namespace, key: key, write: false)
        if try query.flag("watch") {
            return try await watch(namespace: namespace, key: key, prefix: listing, request: request)
        }
        let blocking = try BlockingQuery(request)
        let limit = try query["limit"].map { text -> Int in
            guard let limit = Int(text), limit > 0, limit <= Self.maxListing else {
                throw HearthError(.badRequest, "limit must be a number from 1 to \(Self.maxListing)")
            }
            return limit
        }
        let after = query["after"].map(String.init)
        if let after, let reason = KVKey.violation(of: after) { throw HearthError(.invalid, "after '\(after)': \(reason)") }

        // Blocking: register, then look. With an index, wait for a change after it; with only a
        // wait, wait while the key is missing (a worker waiting for the master's token).
        let deadline = ContinuousClock.now + blocking.timeout
        if let index = blocking.index {
            let ticket = waiters.register(namespace: namespace, key: key, prefix: listing, after: index)
            if try await changed(namespace: namespace, key: key, prefix: listing, after: index) {
                waiters.cancel(ticket)
            } else {
                await waiters.wait(ticket, timeout: blocking.timeout)
            }
        }
        let waitingForKey = blocking.index == nil && blocking.wait != nil && !listing
        while true {
            let ticket = waitingForKey ? waiters.register(namespace: namespace, key: key, prefix: false, after: -1) : nil
            if listing {
                let index = try await store.kvIndex(namespace: namespace, key: key, prefix: true)
                let entries = try await store.kvList(
                    namespace: namespace, prefix: key, after: after, limit: limit ?? Self.maxListing, values: recurse && !keysOnly)
                let newest = entries.map { (entry: KVEntry) in entry.modifyRevision }.max() ?? 0
                let headers: HTTPFields = [BlockingQuery.indexHeader: String(max(index, newest))]
                if keysOnly || !recurse { return try JSONResponse.make(entries.map { (entry: KVEntry) in entry.key }, headers: headers) }
                return try JSONResponse.make(entries.map { KVEntryJSON($0, value: true) }, headers: headers)
            }
            // A key that exists: its last change is its last write, so its index is that write's.
            if let entry = try await store.kvGet(namespace: namespace, key: key) {
                if let ticket { waiters.cancel(ticket) }
                var headers: HTTPFields = [BlockingQuery.indexHeader: String(entry.modifyRevision), Self.versionHeader: String(entry.version)]
                if try query.flag("meta") { return try JSONResponse.make(KVEntryJSON(entry), headers: headers) }
                headers[.contentType] = "application/octet-stream"
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: entry.value)))
            }
            let left = deadline - .now
            // Not found once the wait ends, or once the server begins to stop.
            guard let ticket, left > .zero, !waiters.draining.hasBegun else {
                if let ticket { waiters.cancel(ticket) }
                let index = try await store.kvIndex(namespace: namespace, key: key, prefix: false)
                let problem = ProblemDetails(
                    error: HearthError(.notFound, "key '\(key)' not found in namespace '\(namespace)'"), instance: request.uri.path,
                    requestID: context.requestID)
                return problem.response(headers: [BlockingQuery.indexHeader: String(index)])
            }
            await waiters.wait(ticket, timeout: left)
        }
    }

    /// True if the key (or anything under the prefix) changed after `index`. A key that exists
    /// changed last at its last write; a missing one, or a prefix, asks the change log.
    private func changed(namespace: String, key: String, prefix: Bool, after index: Int64) async throws -> Bool {
        if !prefix, let entry = try await store.kvGet(namespace: namespace, key: key) {
            return entry.modifyRevision > index
        }
        return try await store.kvIndex(namespace: namespace, key: key, prefix: prefix) > index
    }

    private func watch(namespace: String, key: String, prefix: Bool, request: Request) async throws -> Response {
        let revision = try EventStream<KVEvent>.requestedRevision(request)
        let store = self.store
        return try await EventStream(
            feed: store.kvFeed,
            revisions: { try await store.kvRevisions() },
            backlog: { try await store.kvChanges(after: $0, limit: EventStream<KVEvent>.backlogPage) },
            matches: { $0.concerns(namespace: namespace, key: key, prefix: prefix) },
            frame: { try EventStream<KVEvent>.frame(revision: $0.revision, kind: $0.kind.rawValue, json: KVEventJSON($0)) },
            subject: prefix ? "keys under '\(key)'" : "key '\(key)'",
            draining: waiters.draining
        ).response(from: revision)
    }

    private func put(_ request: Request, _ context: HearthRequestContext) async throws -> Response {
        let namespace = context.parameters.get("namespace") ?? ""
        let key = try Self.key(of: request, namespace: namespace)
        if let reason = KVKey.violation(of: key) { throw HearthError(.invalid, "key '\(key)': \(reason)") }
        try await checkScope(context, namespace: namespace, key: key, write: true)
        let query = request.uri.queryParameters
        let cas = try query.integer("cas")
        let ttl = try query["ttl"].map { text -> Int64 in
            guard let ttl = Duration.parse(String(text)), ttl > .zero, ttl <= .seconds(365 * 86_400) else {
                throw HearthError(.badRequest, "ttl must be a positive duration such as 30s or 10m (at most a year), not '\(text)'")
            }
            return Int64(ttl.secondsDouble * 1000)
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxValueBytes)
        } catch {
            throw HearthError(.payloadTooLarge, "a value may be at most \(maxValueBytes) bytes")
        }
        let outcome = try await store.kvApply(
            namespace: namespace, [.put(key: key, value: Array(body.readableBytesView), cas: cas, ttlMillis: ttl)],
            audit: auditEntry(context, verb: Verbs.update, namespace: namespace, key: key))
        guard case .put(let entry) = outcome.results.first else { throw HearthError(.internalError, "the put answered nothing") }
        return try JSONResponse.make(
            KVEntryJSON(entry), headers: [BlockingQuery.indexHeader: String(outcome.revision), Self.versionHeader: String(entry.version)])
    }

    private func delete(_ request: Request, _ context: HearthRequestContext) async throws -> Response {
        let namespace = context.parameters.get("namespace") ?? ""
        let key = try Self.key(of: request, namespace: namespace)
        let query = request.uri.queryParameters
        let recurse = try query.flag("recurse")
        if let reason = recurse ? KVKey.prefixViolation(of: key) : KVKey.violation(of: key) {
            throw HearthError(.invalid, "\(recurse ? "prefix" : "key") '\(key)': \(reason)")
        }
        try await checkScope(context, namespace: namespace, key: key, write: true)
        let cas = try query.integer("cas")
        if recurse, cas != nil { throw HearthError(.badRequest, "cas applies to one key, not with recurse") }
        let operation: KVOperation = recurse ? .deletePrefix(prefix: key) : .delete(key: key, cas: cas)
        let outcome = try await store.kvApply(
            namespace: namespace, [operation], audit: auditEntry(context, verb: Verbs.delete, namespace: namespace, key: key))
        guard case .deleted(let count) = outcome.results.first else { throw HearthError(.internalError, "the delete answered nothing") }
        return try JSONResponse.make(["deleted": count], headers: [BlockingQuery.indexHeader: String(outcome.revision)])
    }

    private func transaction(_ request: Request, _ context: HearthRequestContext) async throws -> Response {
        let namespace = context.parameters.get("namespace") ?? ""
        let body = try await JSONResponse.decode(KVTransactionBody.self, from: request, limit: max(maxBodyBytes, maxValueBytes * 2))
        let operations = try body.operations(maxValueBytes: maxValueBytes)
        for operation in operations {
            try await checkScope(context, namespace: namespace, key: operation.key, write: operation.writes)
        }
        let outcome = try await store.kvApply(
            namespace: namespace, operations, audit: auditEntry(context, verb: Verbs.update, namespace: namespace, key: nil))
        return try JSONResponse.make(
            KVTransactionAnswer(index: outcome.revision, results: outcome.results.map(KVTransactionAnswer.Result.init)),
            headers: [BlockingQuery.indexHeader: String(outcome.revision)])
    }

    // MARK: Helpers

    /// The entry a write hands to the store, to commit with it; names the key, never the value.
    private func auditEntry(_ context: HearthRequestContext, verb: String, namespace: String, key: String?) -> AuditEntry? {
        guard audit.store != nil, let note = context.auditNote else { return nil }
        note.recorded = true
        var entry = audit.entry(
            context: context, verb: verb, resource: Self.area, namespace: namespace, name: key, decision: AuditEntry.allowed,
            reason: context.access?.reason ?? "")
        if let scope = context.kvScope { entry.reason = "kv token \(scope.tokenID) (\(scope.description))" }
        return entry
    }

    /// The key (or prefix) a request addresses: the path after `/kv/`, percent-decoded; empty for
    /// the namespace's root.
    static func key(of request: Request, namespace: String) throws -> String {
        let path = request.uri.path
        let marker = "/v1/namespaces/\(namespace)/kv"
        guard path.hasPrefix(marker) else { throw HearthError(.badRequest, "not a key-value path") }
        var rest = path.dropFirst(marker.count)
        if rest.hasPrefix("/") { rest = rest.dropFirst() }
        guard let decoded = String(rest).removingPercentEncoding else {
            throw HearthError(.badRequest, "the key is not valid percent-encoded UTF-8")
        }
        return decoded
    }
}
