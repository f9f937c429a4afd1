import ArgumentParser
import Foundation
import HearthClient

/// `hearth delete TYPE NAME`.
struct DeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete a resource.",
        discussion: "A resource that others reference is refused (409) unless --cascade, which deletes them too.")

    @OptionGroup var client: ClientOptions
    @Argument(help: "Resource type.") var type: String
    @Argument(help: "Resource name.") var name: String
    @Option(name: [.short, .long], help: "Namespace (for namespaced types).") var namespace: String?
    @Flag(name: .long, help: "Also delete everything that references it.") var cascade = false

    func run() async throws {
        let api = try await client.client()
        let paths = try await ResourcePaths.load(api)
        let info = try paths.type(type)
        let (_, _, data) = try await api.send(.DELETE, try paths.item(info, namespace: namespace, name: name) + (cascade ? "?cascade=true" : ""))
        let result = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        for object in result["deleted"] as? [[String: Any]] ?? [] {
            let ns = (object["namespace"] as? String).map { "\($0)/" } ?? ""
            print("\(object["type"] ?? "")/\(ns)\(object["name"] ?? "") deleted")
        }
    }
}
