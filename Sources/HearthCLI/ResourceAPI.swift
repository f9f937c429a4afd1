import Foundation
import HearthClient
import HearthCore
import NIOHTTP1

/// What the identity commands (`user`, `group`, `sa`, `ns`, `role`, `rolebinding`) do with the
/// generic resource API: read, list every page, create, delete, and change with version-checked
/// merge patches.
struct ResourceAPI {
    let client: HearthClient

    /// A resource, decoded, and the bytes the server sent (for `-o json|yaml`).
    func get(_ path: String) async throws -> (object: JSONValue, data: Data) {
        let (_, _, data) = try await client.send(.GET, path)
        return (try JSONDecoder().decode(JSONValue.self, from: data), data)
    }

    /// Every item of a collection, following continue tokens.
    func list(_ path: String, query: [URLQueryItem] = []) async throws -> [JSONValue] {
        var items: [JSONValue] = []
        var token: String?
        repeat {
            var components = URLComponents()
            components.queryItems = query + [URLQueryItem(name: "limit", value: "500")] + (token.map { [URLQueryItem(name: "continue", value: $0)] } ?? [])
            let (_, _, data) = try await client.send(.GET, path + "?" + (components.percentEncodedQuery ?? ""))
            let page = try JSONDecoder().decode(JSONValue.self, from: data)
            items += page["items"]?.arrayValue ?? []
            token = page["continue"]?.stringValue
        } while token != nil
        return items
    }

    func create(_ path: String, _ body: JSONValue) async throws -> JSONValue {
        let (_, _, data) = try await client.send(.POST, path, body: try JSONEncoder().encode(body))
        return try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// Deletes; returns what was deleted (referrers first with `cascade`) as `type/ns/name`.
    func delete(_ path: String, cascade: Bool = false) async throws -> [String] {
        let (_, _, data) = try await client.send(.DELETE, path + (cascade ? "?cascade=true" : ""))
        let result = try JSONDecoder().decode(JSONValue.self, from: data)
        return (result["deleted"]?.arrayValue ?? []).map { object in
            let ns = object["namespace"]?.stringValue.map { "\($0)/" } ?? ""
            return "\(object["type"]?.stringValue ?? "")/\(ns)\(object["name"]?.stringValue ?? "")"
        }
    }

    /// Changes a resource: `change` gets its current state and returns a merge patch, or nil when
    /// nothing needs changing. The patch carries `If-Match` with the version it was computed from;
    /// when someone else wrote in between (409), it is computed again from the new state.
    ///
    /// - Returns: the resource after the change, and whether anything changed.
    @discardableResult
    func update(_ path: String, attempts: Int = 5, _ change: (JSONValue) throws -> JSONValue?) async throws -> (object: JSONValue, changed: Bool) {
        var attempt = 0
        while true {
            attempt += 1
            let (current, _) = try await get(path)
            guard let patch = try change(current) else { return (current, false) }
            let version = current["version"]?.int64Value ?? 0
            do {
                let (_, _, data) = try await client.send(
                    .PATCH, path, body: try JSONEncoder().encode(patch), contentType: "application/merge-patch+json",
                    headers: [("If-Match", "\"\(version)\"")])
                return (try JSONDecoder().decode(JSONValue.self, from: data), true)
            } catch let error as HearthAPIError where error.status == 409 && error.code == "conflict" && attempt < attempts {
                try await Task.sleep(for: .milliseconds(50 * attempt))
            }
        }
    }

    /// A string list of a resource's spec (`members`, `owners`, ...).
    static func strings(_ object: JSONValue, _ field: String) -> [String] {
        (object["spec"]?[field]?.arrayValue ?? []).compactMap(\.stringValue)
    }

    /// Encodes for ``Output/print(json:format:table:)``.
    static func data(_ value: JSONValue) throws -> Data {
        try JSONEncoder().encode(value)
    }

    /// A list answer, as `hearth get` prints it with `-o json|yaml`.
    static func listData(type: String, _ items: [JSONValue]) throws -> Data {
        try JSONEncoder().encode(JSONValue.object(["type": .string(type), "items": .array(items)]))
    }

    /// Path segment for a name typed by the user (names are DNS labels; anything else is escaped
    /// so it cannot change the path).
    static func segment(_ name: String) -> String {
        name.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._"))) ?? name
    }
}
