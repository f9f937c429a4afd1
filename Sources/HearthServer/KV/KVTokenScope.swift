import HearthCore

/// What a key-value token may do: read and/or write keys under one prefix of one namespace.
/// Nothing else: every other route refuses it (``PolicyGuard``), and the KV handlers check each
/// key against the prefix.
struct KVTokenScope: Sendable, Hashable, CustomStringConvertible {
    let tokenID: String
    let namespace: String
    let prefix: String
    let read: Bool
    let write: Bool

    var description: String {
        let verbs = [read ? "read" : nil, write ? "write" : nil].compactMap { $0 }.joined(separator: ", ")
        return "\(verbs) under '\(prefix)' in namespace '\(namespace)'"
    }

    /// Why the scope does not allow touching `key` (a key, or a prefix for listings), or nil.
    func refusal(namespace: String, key: String, write: Bool) -> String? {
        if namespace != self.namespace || !KVKey.key(key, hasPrefix: prefix) {
            return "this token may only touch keys under '\(prefix)' in namespace '\(self.namespace)'"
        }
        if write ? !self.write : !read {
            return "this token may not \(write ? "write" : "read") keys"
        }
        return nil
    }
}

extension KVRoutes {
    /// Refuses (403, audited) a key-value token's request outside its scope; other callers pass.
    func checkScope(_ context: HearthRequestContext, namespace: String, key: String, write: Bool) async throws {
        guard let scope = context.kvScope, let reason = scope.refusal(namespace: namespace, key: key, write: write) else { return }
        let error = HearthError(.forbidden, reason)
        await audit.denied(
            context: context, verb: write ? Verbs.update : Verbs.get, resource: Self.area, namespace: namespace, name: key, error: error)
        throw error
    }
}
