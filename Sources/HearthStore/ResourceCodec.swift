import Foundation
import HearthCore

/// How resources and change events are stored: compact JSON, keys sorted so that equal resources
/// store equal bytes.
enum ResourceCodec {
    static func encode(_ resource: Resource) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(resource), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> Resource {
        do {
            return try JSONDecoder().decode(Resource.self, from: Data(text.utf8))
        } catch {
            throw StoreError("stored resource is not readable: \(error)")
        }
    }
}
