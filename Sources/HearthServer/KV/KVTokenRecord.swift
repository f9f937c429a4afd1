/// A key-value token as stored (a private record of kind `kv-token`) and as listed: everything
/// but the token, of which only the digest is kept.
struct KVTokenRecord: Codable, Sendable {
    var id: String
    /// The token's visible start, `hkv_<id>_`.
    var prefixShown: String
    var namespace: String
    /// The key prefix it may touch.
    var prefix: String
    /// `read` and/or `write`.
    var verbs: [String]
    var description: String?
    /// Who made it (subject text); their roles must still allow what the token does.
    var createdBy: String
    var createdAt: String
    var expiresAt: String
    /// Its lifetime: what a renewal grants again.
    var ttlSeconds: Int64
    /// SHA-256 of the token; never listed.
    var digest: String?

    /// The record without its digest, for answers.
    var listed: KVTokenRecord {
        var copy = self
        copy.digest = nil
        return copy
    }
}
