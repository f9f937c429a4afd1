/// A private record: state that is not a resource and never appears in the API, the change feed
/// or a watch (password hashes, sessions, API key digests, signing keys, setup state).
///
/// Records are addressed by `kind` and `key`; `subject` groups them by owner (all sessions of a
/// user, all API keys of a service account) so they can be found and revoked together. A record
/// with an expiry is deleted by the store once it has passed.
import Foundation

public struct StoredRecord: Sendable, Hashable {
    public let kind: String
    public let key: String
    public let subject: String
    public let value: String
    /// Milliseconds since 1970 after which the record is pruned; nil keeps it.
    public let expiresAtMillis: Int64?

    public init(kind: String, key: String, subject: String = "", value: String, expiresAtMillis: Int64? = nil) {
        self.kind = kind
        self.key = key
        self.subject = subject
        self.value = value
        self.expiresAtMillis = expiresAtMillis
    }

    /// The value decoded as JSON of `type`; nil when it is not.
    public func decoded<T: Decodable>(as type: T.Type) -> T? {
        try? JSONDecoder().decode(type, from: Data(value.utf8))
    }
}
