/// A change to an existing secret's versions, applied by ``Store/changeSecret(namespace:name:_:audit:)``.
public enum SecretChange: Sendable, Hashable {
    /// Soft-deletes these versions (the latest when empty): reads answer that they are deleted,
    /// the ciphertext stays until they are destroyed or pruned.
    case delete(versions: [Int64])
    /// Clears the soft delete of these versions (destroyed ones stay destroyed).
    case undelete(versions: [Int64])
    /// Removes the ciphertext of these versions for good; their metadata stays.
    case destroy(versions: [Int64])
    /// Removes the secret: every version, ciphertext and metadata.
    case destroyAll
}
