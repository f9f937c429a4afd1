import ArgumentParser
import Foundation
import HearthClient
import HearthCore

/// `hearth whoami`: who the server takes the caller for.
struct WhoAmICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whoami", abstract: "Show who you are logged in as, and how.")

    @OptionGroup var client: ClientOptions
    @Option(name: [.short, .long], help: "table, json or yaml.") var output: OutputFormat = .table

    func run() async throws {
        let api = try await client.client()
        let (_, _, data) = try await api.send(.GET, "/v1/auth/whoami")
        let me = try JSONDecoder().decode(JSONValue.self, from: data)
        try Output.print(json: data, format: output) {
            var credential = me["authenticatedBy"]?.stringValue ?? "-"
            if let session = me["sessionID"]?.stringValue { credential += " (session \(session))" }
            if let key = me["apiKeyID"]?.stringValue { credential += " (key \(key))" }
            if case .token(_, let origin) = api.credentials { credential += " from \(origin)" }
            var details: [(String, String)] = [
                ("Subject", me["subject"]?.stringValue ?? "-"),
                ("Groups", Output.list((me["groups"]?.arrayValue ?? []).compactMap(\.stringValue))),
                ("Cluster admin", me["clusterAdmin"]?.boolValue == true ? "yes" : "no"),
                ("Authenticated by", credential),
            ]
            if let expires = me["expiresAt"]?.stringValue { details.append(("Token expires", expires)) }
            details.append(("Server", api.server))
            if let cluster = me["clusterID"]?.stringValue { details.append(("Cluster", cluster)) }
            return details
        }
    }
}
