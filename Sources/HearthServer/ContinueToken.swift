import Foundation
import HearthCore

/// The opaque `continue` token of a list page: the last key returned, base64url-encoded.
enum ContinueToken {
    static func encode(_ key: ResourceKey) -> String {
        let raw = "\(key.type)/\(key.namespace)/\(key.name)"
        return Data(raw.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ token: String, type: String) throws -> ResourceKey {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let raw = String(data: data, encoding: .utf8) else {
            throw HearthError(.badRequest, "the continue token is not valid")
        }
        let parts = raw.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, parts[0] == type, Names.isDNSLabel(parts[2]), parts[1].isEmpty || Names.isDNSLabel(parts[1]) else {
            throw HearthError(.badRequest, "the continue token is not valid for this list")
        }
        return ResourceKey(type: parts[0], namespace: parts[1], name: parts[2])
    }
}
