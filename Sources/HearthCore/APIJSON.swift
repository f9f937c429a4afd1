#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The one JSON encoding of the API: compact, keys sorted, slashes unescaped.
///
/// The store keeps resources in this encoding and `GET` answers with the stored bytes as they
/// are, so everything the API encodes must go through here to look the same.
public enum APIJSON {
    public static func encode(_ value: some Encodable) throws -> Data {
        // Resources are written by hand, to the same bytes (see Resource.json()).
        if let resource = value as? Resource { return Data(try resource.json().utf8) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    /// ``encode(_:)`` as a string, as the store keeps JSON.
    public static func encodeString(_ value: some Encodable) throws -> String {
        if let resource = value as? Resource { return try resource.json() }
        return String(decoding: try encode(value), as: UTF8.self)
    }

    /// A JSON value (e.g. a resource's `spec`) decoded as a typed value.
    public static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try JSONDecoder().decode(type, from: encode(value))
    }
}
