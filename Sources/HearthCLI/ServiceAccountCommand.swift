import ArgumentParser
import Foundation
import HearthClient
import HearthCore

/// `hearth sa ...`: identities for programs, in a namespace.
struct ServiceAccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sa", abstract: "Manage service accounts (identities for programs, in a namespace).",
        discussion: """
            A service account authenticates with API keys. Grant it access as \
            serviceaccount:NAMESPACE/NAME, then give the program a key:

              hearth sa create deployer -n shop
              hearth ns add-member shop serviceaccount:shop/deployer
              hearth apikey create --sa shop/deployer --name ci
              HEARTH_TOKEN=<key> hearth get serviceaccounts -n shop
            """,
        subcommands: [Create.self, List.self, Show.self, Delete.self],
        aliases: ["serviceaccount", "serviceaccounts"])

    static func path(_ namespace: String?, _ name: String? = nil) -> String {
        guard let namespace else { return "/v1/serviceaccounts" }
        return "/v1/namespaces/\(ResourceAPI.segment(namespace))/serviceaccounts" + (name.map { "/" + ResourceAPI.segment($0) } ?? "")
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a service account.")

        @OptionGroup var client: ClientOptions
        @Argument(help: "Name: lowercase letters, digits and '-'.") var name: String
        @Option(name: [.short, .long], help: "Namespace.") var namespace: String
        @Option(name: .long, help: "What the account is for.") var description: String?

        func run() async throws {
            var spec: [String: JSONValue] = [:]
            if let description { spec["description"] = .string(description) }
            _ = try await ResourceAPI(client: try await client.client())
                .create(ServiceAccountCommand.path(namespace), ["name": .string(name), "spec": .object(spec)])
            print("serviceaccount/\(namespace)/\(name) created")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List service accounts.")

        @OptionGroup var client: ClientOptions
        @Option(name: [.short, .long], help: "Namespace (omit for every namespace).") var namespace: String?
        @Option(name: [.short, .long], help: "table, json or yaml.") var output: OutputFormat = .table

        func run() async throws {
            let items = try await ResourceAPI(client: try await client.client()).list(ServiceAccountCommand.path(namespace))
            try Output.print(json: ResourceAPI.listData(type: "serviceaccounts", items), format: output) {
                [["NAMESPACE", "NAME", "DISABLED", "DESCRIPTION", "AGE"]]
                    + items.map { account in
                        [
                            account["namespace"]?.stringValue ?? "-", account["name"]?.stringValue ?? "-",
                            account["spec"]?["disabled"]?.boolValue == true ? "yes" : "no",
                            account["spec"]?["description"]?.stringValue ?? "-", Output.age(account["createdAt"]?.stringValue),
                        ]
                    }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a service account.")

        @OptionGroup var client: ClientOptions
        @Argument(help: "Name.") var name: String
        @Option(name: [.short, .long], help: "Namespace.") var namespace: String
        @Option(name: [.short, .long], help: "table, json or yaml.") var output: OutputFormat = .table

        func run() async throws {
            let (account, data) = try await ResourceAPI(client: try await client.client()).get(ServiceAccountCommand.path(namespace, name))
            try Output.print(json: data, format: output) {
                [
                    ("Subject", "serviceaccount:\(namespace)/\(name)"),
                    ("Description", account["spec"]?["description"]?.stringValue ?? "-"),
                    ("Disabled", account["spec"]?["disabled"]?.boolValue == true ? "yes" : "no"),
                    ("Created", "\(account["createdAt"]?.stringValue ?? "-") by \(account["owner"]?.stringValue ?? "-")"),
                    ("API keys", "hearth apikey list --sa \(namespace)/\(name)"),
                ]
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a service account.")

        @OptionGroup var client: ClientOptions
        @Argument(help: "Name.") var name: String
        @Option(name: [.short, .long], help: "Namespace.") var namespace: String

        func run() async throws {
            for deleted in try await ResourceAPI(client: try await client.client()).delete(ServiceAccountCommand.path(namespace, name)) {
                print("\(deleted) deleted")
            }
        }
    }
}
