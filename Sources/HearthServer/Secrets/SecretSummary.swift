import HearthStore

/// One secret in a listing: its name and metadata, never a value.
struct SecretSummary: Encodable, Sendable {
    var name: String
    /// The latest version.
    var currentVersion: Int64
    /// How many versions are kept.
    var versions: Int
    /// When the oldest kept version was written.
    var createdAt: String
    /// When the latest version was written.
    var updatedAt: String
    /// `live`, `deleted` or `destroyed`: the state of the latest version.
    var state: String

    /// `versions` of one secret, oldest first (not empty).
    init(_ versions: [StoredSecretVersion]) {
        let first = versions[0]
        let latest = versions[versions.count - 1]
        name = first.name
        currentVersion = latest.version
        self.versions = versions.count
        createdAt = SecretVersionInfo.timestamp(first.createdMillis)
        updatedAt = SecretVersionInfo.timestamp(latest.createdMillis)
        state = SecretVersionInfo(latest).state
    }
}
