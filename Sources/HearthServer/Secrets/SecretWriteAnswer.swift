import HearthStore

/// The answer of `PUT …/secrets/{name}`: the version written, never the value.
struct SecretWriteAnswer: Encodable, Sendable {
    var namespace: String
    var name: String
    var version: Int64
    var createdAt: String
    var masterKeyId: String?

    init(_ stored: StoredSecretVersion) {
        namespace = stored.namespace
        name = stored.name
        version = stored.version
        createdAt = SecretVersionInfo.timestamp(stored.createdMillis)
        masterKeyId = stored.masterKeyID
    }
}
