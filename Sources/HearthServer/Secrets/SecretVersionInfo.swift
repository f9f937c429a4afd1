import Foundation
import HearthCore
import HearthStore

/// One version of a secret as the API shows it: metadata only, never the value.
struct SecretVersionInfo: Encodable, Sendable {
    var version: Int64
    /// `live`, `deleted` (soft, may be undeleted) or `destroyed` (the value is gone for good).
    var state: String
    var createdAt: String
    var deletedAt: String?
    var destroyedAt: String?
    /// The master key that wraps the value's data key (absent once destroyed).
    var masterKeyId: String?

    init(_ stored: StoredSecretVersion) {
        version = stored.version
        state = stored.destroyedMillis != nil ? "destroyed" : stored.deletedMillis != nil ? "deleted" : "live"
        createdAt = Self.timestamp(stored.createdMillis)
        deletedAt = stored.deletedMillis.map(Self.timestamp)
        destroyedAt = stored.destroyedMillis.map(Self.timestamp)
        masterKeyId = stored.masterKeyID
    }

    static func timestamp(_ millis: Int64) -> String {
        Timestamp.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }
}
