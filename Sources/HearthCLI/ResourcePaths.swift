import ArgumentParser
import Foundation
import HearthClient

/// Builds API paths for a type, knowing which types are namespaced (from `/v1/resource-types`).
struct ResourcePaths {
    struct TypeInfo: Decodable {
        var name: String
        var kind: String
        var scope: String
        var description: String
    }

    let types: [String: TypeInfo]

    static func load(_ client: HearthClient) async throws -> ResourcePaths {
        struct List: Decodable { var items: [TypeInfo] }
        let list: List = try await client.json(.GET, "/v1/resource-types")
        return ResourcePaths(types: Dictionary(uniqueKeysWithValues: list.items.map { ($0.name, $0) }))
    }

    func type(_ name: String) throws -> TypeInfo {
        if let type = types[name] { return type }
        if let type = types[name + "s"] ?? types.values.first(where: { $0.kind.lowercased() == name.lowercased() }) { return type }
        throw CLIFailure("unknown resource type '\(name)'; `hearth api-resources` lists them")
    }

    /// The collection path; `namespace` nil for a namespaced type lists every namespace.
    func collection(_ type: TypeInfo, namespace: String?) -> String {
        if type.scope == "namespaced", let namespace { return "/v1/namespaces/\(namespace)/\(type.name)" }
        return "/v1/\(type.name)"
    }

    func item(_ type: TypeInfo, namespace: String?, name: String) throws -> String {
        if type.scope == "namespaced" {
            guard let namespace else { throw CLIFailure("\(type.name) are namespaced: pass -n NAMESPACE") }
            return "/v1/namespaces/\(namespace)/\(type.name)/\(name)"
        }
        return "/v1/\(type.name)/\(name)"
    }
}
