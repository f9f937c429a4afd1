import ArgumentParser
import Foundation
import HearthClient

/// `hearth api-resources`: the types the server knows.
struct APIResourcesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "api-resources", abstract: "List the resource types the server knows.")

    @OptionGroup var client: ClientOptions
    @Option(name: [.short, .long], help: "table, json or yaml.") var output: OutputFormat = .table

    func run() async throws {
        let api = try await client.client()
        let (_, _, data) = try await api.send(.GET, "/v1/resource-types")
        try Output.print(json: data, format: output) {
            let items = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["items"] as? [[String: Any]] ?? []
            return [["NAME", "KIND", "SCOPE", "CONTROLLER", "DESCRIPTION"]]
                + items.map { [$0["name"] as? String ?? "", $0["kind"] as? String ?? "", $0["scope"] as? String ?? "", ($0["hasController"] as? Bool ?? false) ? "yes" : "no", $0["description"] as? String ?? ""] }
        }
    }
}
