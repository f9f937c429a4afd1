/// One stored version of a secret: its sealed value (never the plaintext) and its life.
///
/// The sealed text is what ``EnvelopeCipher`` made for the context `secret:<namespace>/<name>:v<version>`;
/// the store neither seals nor opens it. A destroyed version keeps its row (metadata) without
/// the ciphertext; versions beyond the server's limit lose their rows when a new one is written.
public struct StoredSecretVersion: Sendable, Hashable {
    public var namespace: String
    public var name: String
    /// 1, 2, 3... per secret.
    public var version: Int64
    /// The sealed value's text form; nil once destroyed, or when read without values.
    public var sealed: String?
    /// The id of the master key that wraps the value's data key; nil once destroyed.
    public var masterKeyID: String?
    public var createdMillis: Int64
    /// When the version was soft-deleted (it may be undeleted); nil when it is not.
    public var deletedMillis: Int64?
    /// When the value was destroyed for good; nil when it is not.
    public var destroyedMillis: Int64?

    public init(
        namespace: String, name: String, version: Int64, sealed: String?, masterKeyID: String?, createdMillis: Int64,
        deletedMillis: Int64? = nil, destroyedMillis: Int64? = nil
    ) {
        self.namespace = namespace
        self.name = name
        self.version = version
        self.sealed = sealed
        self.masterKeyID = masterKeyID
        self.createdMillis = createdMillis
        self.deletedMillis = deletedMillis
        self.destroyedMillis = destroyedMillis
    }

    /// True when the value can be read: neither deleted nor destroyed.
    public var isLive: Bool { deletedMillis == nil && destroyedMillis == nil }

    /// The context the value is sealed for: `secret:<namespace>/<name>:v<version>`.
    public static func context(namespace: String, name: String, version: Int64) -> String {
        "secret:\(namespace)/\(name):v\(version)"
    }

    /// ``context(namespace:name:version:)`` of this version.
    public var context: String { Self.context(namespace: namespace, name: name, version: version) }
}
