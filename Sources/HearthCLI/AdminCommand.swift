import ArgumentParser
import Foundation
import HearthClient
import HearthCore

/// `hearth admin ...`: cluster administration (cluster-admins only).
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin", abstract: "Cluster administration: the master key and the certificate authority.",
        subcommands: [MasterKey.self, RotateMasterKey.self, PKI.self])

    struct MasterKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "master-key",
            abstract: "Show the master key ring: key ids (never keys), what each seals, the rewrap job.",
            discussion: "Example:\n  hearth admin master-key")

        @OptionGroup var client: ClientOptions
        @Option(name: [.short, .long], help: "table, json or yaml.") var output: OutputFormat = .table

        func run() async throws {
            let api = try await client.client()
            let (_, _, data) = try await api.send(.GET, "/v1/admin/master-key")
            try AdminCommand.printStatus(data, format: output)
        }
    }

    struct RotateMasterKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-master-key",
            abstract: "Rotate the master key without downtime.",
            discussion: """
                The server makes a new current master key (in DATA_DIR/master-key.json), then \
                rewraps the data key of every stored secret and its sealed CA and server keys in \
                the background, and retires the old key once nothing uses it. Reads keep working \
                throughout. `hearth admin master-key` shows the progress.

                A master key supplied with --master-key-file or HEARTH_MASTER_KEY is not rotated \
                by the server: supply a JSON ring with the new key as current and the old one \
                beside it, restart (the server rewraps at start), then drop the old key once \
                `hearth admin master-key` shows it seals nothing.

                Example:
                  hearth admin rotate-master-key
                """)

        @OptionGroup var client: ClientOptions
        @Option(name: [.short, .long], help: "table, json or yaml.") var output: OutputFormat = .table

        func run() async throws {
            let api = try await client.client()
            let (_, _, data) = try await api.send(.POST, "/v1/admin/master-key/rotate")
            if output == .table {
                let answer = try JSONDecoder().decode(JSONValue.self, from: data)
                print("master key rotated: current key \(answer["current"]?.stringValue ?? "?"); rewrapping in the background")
                return
            }
            try AdminCommand.printStatus(data, format: output)
        }
    }

    static func printStatus(_ data: Data, format: OutputFormat) throws {
        let answer = try JSONDecoder().decode(JSONValue.self, from: data)
        let keys = answer["keys"]?.arrayValue ?? []
        let foreign = (answer["foreignKeys"]?.objectValue ?? [:]).sorted { $0.key < $1.key }
        try Output.print(json: data, format: format) {
            var rows: [[String]] = [["KEY", "CURRENT", "CREATED", "SECRETS"]]
            for key in keys {
                let id: String = key["id"]?.stringValue ?? ""
                let current: String = key["current"]?.boolValue == true ? "yes" : ""
                let created: String = key["createdAt"]?.stringValue ?? ""
                let secrets: Int64 = key["secrets"]?.int64Value ?? 0
                rows.append([id, current, created, String(secrets)])
            }
            for (id, count) in foreign {
                let secrets: Int64 = count.int64Value ?? 0
                rows.append([id, "(not held by this replica)", "", String(secrets)])
            }
            return rows
        }
    }
}
