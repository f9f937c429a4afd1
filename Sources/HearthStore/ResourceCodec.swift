import Foundation
import HearthCore

/// How resources and change events are stored: in the API's own JSON encoding (``APIJSON``), so
/// equal resources store equal bytes and a read can serve them as they are.
enum ResourceCodec {
    static func encode(_ resource: Resource) throws -> String {
        try resource.json()
    }

    static func decode(_ text: String) throws -> Resource {
        do {
            return try Resource(parsingJSON: text)
        } catch {
            throw StoreError("stored resource is not readable: \(error)")
        }
    }
}
