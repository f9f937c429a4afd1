import ArgumentParser
import Foundation
import HearthClient
import HearthServer

/// `hearth version`: this binary's version, and the server's if one answers.
struct VersionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the client's and the server's version.")

    @OptionGroup var client: ClientOptions
    @Flag(name: .long, help: "Only the client's version; do not contact a server.") var clientOnly = false

    func run() async throws {
        print("client: \(HearthServer.version)")
        if clientOnly { return }
        let api = try await client.client()
        let (_, _, data) = try await api.send(.GET, "/v1/cluster")
        let info = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        print("server: \(info["version"] ?? "?") (cluster \(info["clusterId"] ?? "?"), store \(info["store"] ?? "?"), CA \(info["caFingerprint"] ?? "?"))")
    }
}
