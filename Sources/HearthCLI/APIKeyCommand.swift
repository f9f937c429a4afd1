import ArgumentParser
import Foundation
import HearthClient
import HearthCore

/// `hearth apikey ...`: long-lived credentials for scripts and service accounts.
struct APIKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apikey", abstract: "Manage API keys (credentials for scripts and service accounts).",
        discussion: """
            A key acts as its owner: you, or a service account (--sa NAMESPACE/NAME, for owners of \
            that namespace). Use it as HEARTH_TOKEN=<key> with this CLI, or send \
            'Authorization: Bearer <key>'. The key is shown once, when it is made; the server keeps \
            only its digest.

            Examples:
              hearth apikey create --sa shop/deployer --name ci --expires-in 720h
              hearth apikey list --sa shop/deployer
              hearth apikey revoke 836b564ee3c0
            """,
        subcommands: [Create.self, List.self, Revoke.self],
        aliases: ["apikeys"])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an API key, and print it (once).",
            discussion: "The key alone goes to standard output, so `KEY=$(hearth apikey create ...)` captures it; what it is for goes to standard error.")

        @OptionGroup var client: ClientOptions
        @Option(name: .long, help: "A name to recognise the key by (e.g. where it is used).") var name: String?
        @Option(name: .customLong("sa"), help: "Make it for this service account, NAMESPACE/NAME, instead of for you.") var serviceAccount: String?
        @Option(name: .long, help: "Expire after this long, e.g. 24h or 720h (default: never).") var expiresIn: String?
        @Option(name: [.short, .long], help: "table (the key alone), json or yaml (the key and its details).") var output: OutputFormat = .table

        func validate() throws {
            if let expiresIn, Duration.parse(expiresIn) == nil { throw ValidationError("--expires-in must be a duration such as 24h or 720h") }
            if let serviceAccount { _ = try APIKeyCommand.serviceAccount(serviceAccount) }
        }

        func run() async throws {
            var body: [String: JSONValue] = [:]
            if let name { body["name"] = .string(name) }
            if let serviceAccount { body["serviceAccount"] = .string(try APIKeyCommand.serviceAccount(serviceAccount)) }
            if let expiresIn { body["expiresIn"] = .string(expiresIn) }
            let api = try await client.client()
            let (_, _, data) = try await api.send(.POST, "/v1/apikeys", body: try JSONEncoder().encode(JSONValue.object(body)))
            let key = try JSONDecoder().decode(JSONValue.self, from: data)
            guard output == .table else {
                try Output.print(json: data, format: output, table: { [] })
                return
            }
            let expiry = key["expiresAt"]?.stringValue.map { "expires \($0)" } ?? "does not expire"
            FileHandle.standardError.write(
                Data(
                    """
                    API key \(key["id"]?.stringValue ?? "?") for \(key["subject"]?.stringValue ?? "?") (\(expiry)).
                    Copy it now: it is not shown again. Use it as HEARTH_TOKEN=<key>; revoke it with `hearth apikey revoke \(key["id"]?.stringValue ?? "ID")`.

                    """.utf8))
            print(key["key"]?.stringValue ?? "")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List your API keys, or a service account's (the keys themselves are never shown again).")

        @OptionGroup var client: ClientOptions
        @Option(name: .customLong("sa"), help: "The service account's keys, NAMESPACE/NAME, instead of yours.") var serviceAccount: String?
        @Option(name: [.short, .long], help: "table, json or yaml.") var output: OutputFormat = .table

        func run() async throws {
            var path = "/v1/apikeys"
            if let serviceAccount {
                var components = URLComponents()
                components.queryItems = [URLQueryItem(name: "serviceAccount", value: try APIKeyCommand.serviceAccount(serviceAccount))]
                path += "?" + (components.percentEncodedQuery ?? "")
            }
            let (_, _, data) = try await client.client().send(.GET, path)
            let items = try JSONDecoder().decode(JSONValue.self, from: data)["items"]?.arrayValue ?? []
            try Output.print(json: data, format: output) { [["ID", "NAME", "SUBJECT", "PREFIX", "CREATED", "EXPIRES"]] + items.map(APIKeyCommand.row) }
            if output == .table, items.isEmpty { FileHandle.standardError.write(Data("No API keys.\n".utf8)) }
        }
    }

    static func row(_ key: JSONValue) -> [String] {
        let text = { (field: String) -> String in key[field]?.stringValue ?? "-" }
        return [text("id"), text("name"), text("subject"), text("prefix"), text("createdAt"), key["expiresAt"]?.stringValue ?? "never"]
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API key: it stops working at once.")

        @OptionGroup var client: ClientOptions
        @Argument(help: "The key's ID (`hearth apikey list`), or the key itself.") var id: String

        func run() async throws {
            // A whole key (hth_<id>_<secret>) names its ID.
            let parts = id.split(separator: "_")
            let keyID = id.hasPrefix("hth_") && parts.count >= 3 ? String(parts[1]) : id
            _ = try await client.client().send(.DELETE, "/v1/apikeys/" + ResourceAPI.segment(keyID))
            print("API key \(keyID) revoked")
        }
    }

    /// `NAMESPACE/NAME`, or `serviceaccount:NAMESPACE/NAME`, as the API takes it.
    static func serviceAccount(_ text: String) throws -> String {
        let subject = try SubjectText.normalize(text.contains(":") ? text : "serviceaccount:" + text)
        guard subject.hasPrefix("serviceaccount:") else { throw ValidationError("--sa must be NAMESPACE/NAME, not \(text)") }
        return String(subject.dropFirst("serviceaccount:".count))
    }
}
