import HearthCore

/// How a put treats an existing or missing resource.
public enum PutMode: Sendable {
    /// Fails with 409 if the resource exists.
    case create
    /// Fails with 404 if the resource does not exist.
    case update
    /// Creates or replaces.
    case upsert
}

/// A change to apply atomically to the store.
public enum Mutation: Sendable {
    /// Computes the new resource from the stored one (nil if none). The store assigns uid,
    /// timestamps, version and revision, and refuses references to missing resources.
    case put(ResourceKey, mode: PutMode, transform: @Sendable (Resource?) throws -> Resource)
    /// Deletes a resource; with `cascade`, also everything that references it, transitively.
    case delete(ResourceKey, expectedVersion: Int64?, cascade: Bool)
}

/// What a mutation did.
public enum MutationOutcome: Sendable {
    case created(Resource)
    case updated(Resource)
    /// The transform produced what was already stored: nothing was written.
    case unchanged(Resource)
    /// Everything deleted, the target last.
    case deleted([Resource])
}

/// A committed mutation: its outcome and, for a resource written, the JSON stored for it (the
/// API's own encoding, so an answer can send it as it is instead of encoding the resource again).
public struct MutationResult: Sendable {
    public let outcome: MutationOutcome
    /// The stored JSON of the created or updated resource; nil for a deletion or no change.
    public let json: String?
}

extension MutationOutcome {
    /// The HTTP status that answers this outcome: 201 for a creation, else 200.
    public var httpStatus: Int {
        if case .created = self { return 201 }
        return 200
    }
}

extension Mutation {
    /// The rows applying this mutation reads first: its own, and its namespace.
    var prefetchKeys: [ResourceKey] {
        let key: ResourceKey
        switch self {
        case .put(let k, _, _): key = k
        case .delete(let k, _, _): key = k
        }
        return [key] + (key.namespaceKey.map { [$0] } ?? [])
    }
}
