import HearthStore

/// A secret's metadata: every kept version, never a value. The answer of writes, deletes and
/// `GET …/secrets/{name}/versions`.
struct SecretMetadata: Encodable, Sendable {
    var namespace: String
    var name: String
    /// The latest version (0 once the secret is removed).
    var currentVersion: Int64
    /// How many versions the server keeps per secret.
    var maxVersions: Int
    var versions: [SecretVersionInfo]

    init(namespace: String, name: String, versions: [StoredSecretVersion], maxVersions: Int) {
        self.namespace = namespace
        self.name = name
        self.currentVersion = versions.last?.version ?? 0
        self.maxVersions = maxVersions
        self.versions = versions.map(SecretVersionInfo.init)
    }
}
