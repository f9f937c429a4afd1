import ArgumentParser
import Foundation
import HearthClient

/// `hearth get TYPE [NAME]`.
struct GetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get", abstract: "Show one resource or list resources of a type.",
        discussion: "Examples:\n  hearth get namespaces\n  hearth get widgets -n demo -l app=web -o yaml\n  hearth get namespaces demo -o json")

    @OptionGroup var client: ClientOptions
    @Argument(help: "Resource type, e.g. namespaces.") var type: String
    @Argument(help: "Resource name; omit to list.") var name: String?
    @Option(name: [.short, .long], help: "Namespace (for namespaced types; omit to list every namespace).") var namespace: String?
    @Option(name: [.customShort("l"), .customLong("selector")], help: "Label selector, e.g. app=web,tier!=db.") var selector: String?
    @Option(name: .long, help: "Only names starting with this prefix.") var namePrefix: String?
    @Option(name: [.short, .long], help: "table, json or yaml.") var output: OutputFormat = .table

    func run() async throws {
        let api = try await client.client()
        let paths = try await ResourcePaths.load(api)
        let info = try paths.type(type)
        let namespaced = info.scope == "namespaced"
        if let name {
            let (_, _, data) = try await api.send(.GET, try paths.item(info, namespace: namespace, name: name))
            try Output.print(json: data, format: output) {
                let object = (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
                return [header(namespaced), Output.row(object, namespaced: namespaced)]
            }
            return
        }
        var items: [[String: Any]] = []
        var token: String?
        var revision: Any = 0
        repeat {
            var query = [URLQueryItem(name: "limit", value: "500")]
            if let selector { query.append(URLQueryItem(name: "labelSelector", value: selector)) }
            if let namePrefix { query.append(URLQueryItem(name: "namePrefix", value: namePrefix)) }
            if let token { query.append(URLQueryItem(name: "continue", value: token)) }
            var components = URLComponents()
            components.queryItems = query
            let (_, _, data) = try await api.send(.GET, paths.collection(info, namespace: namespace) + (components.percentEncodedQuery.map { "?\($0)" } ?? ""))
            let page = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
            items += page["items"] as? [[String: Any]] ?? []
            token = page["continue"] as? String
            revision = page["revision"] ?? 0
        } while token != nil
        let all: [String: Any] = ["type": info.name, "items": items, "revision": revision]
        let data = try JSONSerialization.data(withJSONObject: all)
        try Output.print(json: data, format: output) {
            [header(namespaced)] + items.map { Output.row($0, namespaced: namespaced) }
        }
        if output == .table, items.isEmpty {
            FileHandle.standardError.write(Data("No \(info.name) found.\n".utf8))
        }
    }

    private func header(_ namespaced: Bool) -> [String] {
        (namespaced ? ["NAMESPACE"] : []) + ["NAME", "PHASE", "VERSION", "AGE"]
    }
}
