import Foundation
import HearthCore

/// A key's metadata as the API answers it (`?meta`, and after a put). With a value, an item of a
/// `?recurse` listing (the value in base64, as Consul does).
struct KVEntryJSON: Codable, Sendable {
    var key: String
    var version: Int64
    var createIndex: Int64
    var modifyIndex: Int64
    var size: Int
    var expiresAt: String?
    var value: String?

    init(_ entry: KVEntry, value: Bool = false) {
        key = entry.key
        version = entry.version
        createIndex = entry.createRevision
        modifyIndex = entry.modifyRevision
        size = entry.value.count
        expiresAt = entry.expiresAtMillis.map { Timestamp.string(from: Date(timeIntervalSince1970: Double($0) / 1000)) }
        self.value = value ? Data(entry.value).base64EncodedString() : nil
    }
}

/// The `data` of a KV watch event.
struct KVEventJSON: Codable, Sendable {
    var type: String
    var revision: Int64
    var key: String
    var version: Int64
    /// The value written, in base64 (puts only).
    var value: String?
    var expiresAt: String?

    init(_ event: KVEvent) {
        type = event.kind.rawValue
        revision = event.revision
        key = event.key
        version = event.version
        value = event.value.map { Data($0).base64EncodedString() }
        expiresAt = event.expiresAtMillis.map { Timestamp.string(from: Date(timeIntervalSince1970: Double($0) / 1000)) }
    }
}
