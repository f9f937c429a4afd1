import ArgumentParser
import Foundation
import HearthClient
import HearthCore

extension KVCommand {
    /// `hearth kv token ...`: tokens for machines, limited to a prefix and to reading and/or writing.
    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "token", abstract: "Make, list, renew and revoke KV tokens: bearer tokens limited to a key prefix.",
            discussion: """
                A KV token (hkv_...) may only read and/or write keys under one prefix of one \
                namespace, until it expires; it can do nothing else. Hand it to a machine as \
                HEARTH_TOKEN and the CLI uses it:
                  TOKEN=$(hearth kv token create -n deploy --prefix deploy/42/ --verbs read --ttl 1h)
                  HEARTH_TOKEN=$TOKEN hearth kv get deploy/42/join-token -n deploy --wait 5m \\
                      --server https://hearth.example:7443 --ca ca.pem
                A token never does more than its maker may; making one takes the kv-tokens create \
                permission in the namespace (owners and editors).
                """,
            subcommands: [Create.self, List.self, Renew.self, Revoke.self],
            aliases: ["tokens"])

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Make a KV token and print it (it is shown once).",
                discussion: """
                    Prints the token alone on standard output, for scripts: \
                    TOKEN=$(hearth kv token create -n deploy --prefix deploy/42/ --verbs read,write). \
                    -o json or yaml prints every field instead: token, id, namespace, prefix, verbs, \
                    expiresAt. The token cannot be read again; `hearth kv token list` shows its id.

                    --prefix is a plain string prefix: deploy/42/ for the keys under deploy/42/; \
                    an empty --prefix '' allows the whole namespace.
                    """)

            @OptionGroup var client: ClientOptions
            @Option(name: [.short, .long], help: "Namespace.") var namespace: String
            @Option(name: .long, help: "The token may only touch keys that start with this ('' for every key).") var prefix: String
            @Option(name: .long, help: ArgumentHelp("What it may do: read, write, or read,write.", valueName: "verbs")) var verbs: String
            @Option(name: .long, help: ArgumentHelp("Its lifetime, from 1s to 720h (default 1h); renewable.", valueName: "duration")) var ttl: String?
            @Option(name: .long, help: "A note on what it is for, shown in listings and the audit trail.") var description: String?
            @Option(name: [.short, .long], help: "table (the token alone), json or yaml (every field).") var output: OutputFormat = .table

            var verbList: [String] {
                verbs.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            }

            func validate() throws {
                try KVCommand.validatePrefix(prefix)
                let list = verbList
                guard !list.isEmpty, Set(list).isSubset(of: ["read", "write"]) else {
                    throw ValidationError("--verbs takes read, write, or read,write, not '\(verbs)'")
                }
                if let ttl { _ = try KVCommand.duration(ttl, option: "--ttl") }
            }

            func run() async throws {
                let api = try await client.client()
                var body: [String: JSONValue] = ["prefix": .string(prefix), "verbs": .array(Array(Set(verbList)).sorted().map { .string($0) })]
                if let ttl { body["ttl"] = .string(ttl) }
                if let description { body["description"] = .string(description) }
                let (_, _, data) = try await api.send(.POST, KVCommand.tokenPath(namespace), body: try ResourceAPI.data(.object(body)))
                if output != .table { return try Output.print(json: data, format: output, table: { [] }) }
                let answer = try JSONDecoder().decode(JSONValue.self, from: data)
                guard let token = answer["token"]?.stringValue else { throw CLIFailure("the server's answer holds no token") }
                print(token)
                if isatty(STDERR_FILENO) == 1 {
                    FileHandle.standardError.write(
                        Data("kv token \(answer["id"]?.stringValue ?? "?") expires at \(answer["expiresAt"]?.stringValue ?? "?"); it is not shown again\n".utf8))
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List a namespace's live KV tokens (never the tokens themselves).",
                discussion: "Example:\n  hearth kv token list -n deploy")

            @OptionGroup var client: ClientOptions
            @Option(name: [.short, .long], help: "Namespace.") var namespace: String
            @Option(name: [.short, .long], help: "table, json or yaml.") var output: OutputFormat = .table

            func run() async throws {
                let api = try await client.client()
                let (_, _, data) = try await api.send(.GET, KVCommand.tokenPath(namespace))
                let items = try JSONDecoder().decode(JSONValue.self, from: data).arrayValue ?? []
                try Output.print(json: data, format: output) {
                    var rows: [[String]] = [["ID", "PREFIX", "VERBS", "EXPIRES", "CREATED BY", "DESCRIPTION"]]
                    for item in items {
                        let prefix = item["prefix"]?.stringValue ?? ""
                        let verbs = (item["verbs"]?.arrayValue ?? []).compactMap(\.stringValue)
                        rows.append([
                            item["id"]?.stringValue ?? "", prefix.isEmpty ? "''" : prefix, Output.list(verbs),
                            item["expiresAt"]?.stringValue ?? "-", item["createdBy"]?.stringValue ?? "-", item["description"]?.stringValue ?? "",
                        ])
                    }
                    return rows
                }
            }
        }

        struct Renew: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Extend a live KV token: by its lifetime (or --ttl) from now.",
                discussion: """
                    A token may renew itself: with HEARTH_TOKEN=hkv_... and no ID, the command \
                    renews that token. An expired or revoked token cannot be renewed.

                    Examples:
                      hearth kv token renew 0123456789ab -n deploy --ttl 2h
                      HEARTH_TOKEN=$TOKEN hearth kv token renew -n deploy
                    """)

            @OptionGroup var client: ClientOptions
            @Argument(help: "The token's id (default: the KV token in HEARTH_TOKEN).") var id: String?
            @Option(name: [.short, .long], help: "Namespace.") var namespace: String
            @Option(name: .long, help: ArgumentHelp("The new lifetime from now (default: the token's own).", valueName: "duration")) var ttl: String?
            @Option(name: [.short, .long], help: "table (a line saying until when), json or yaml (the token's record).") var output: OutputFormat = .table

            func validate() throws {
                if let ttl { _ = try KVCommand.duration(ttl, option: "--ttl") }
            }

            func run() async throws {
                guard let id = id ?? Token.idInEnvironment() else {
                    throw ValidationError("give the token's id (see `hearth kv token list`), or set HEARTH_TOKEN to the KV token")
                }
                let api = try await client.client()
                let body: [String: JSONValue] = ttl.map { ["ttl": .string($0)] } ?? [:]
                let (_, _, data) = try await api.send(.POST, KVCommand.tokenPath(namespace, id) + "/renew", body: try ResourceAPI.data(.object(body)))
                if output != .table { return try Output.print(json: data, format: output, table: { [] }) }
                let answer = try JSONDecoder().decode(JSONValue.self, from: data)
                print("kv token \(id) renewed until \(answer["expiresAt"]?.stringValue ?? "?")")
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Revoke a KV token: refused from now on.",
                discussion: "Example:\n  hearth kv token revoke 0123456789ab -n deploy")

            @OptionGroup var client: ClientOptions
            @Argument(help: "The token's id (see `hearth kv token list`).") var id: String
            @Option(name: [.short, .long], help: "Namespace.") var namespace: String

            func run() async throws {
                let api = try await client.client()
                _ = try await api.send(.DELETE, KVCommand.tokenPath(namespace, id))
                print("kv token \(id) revoked")
            }
        }

        /// The id of the KV token in HEARTH_TOKEN (`hkv_<id>_<secret>`), if it holds one.
        static func idInEnvironment() -> String? {
            guard let token = ProcessInfo.processInfo.environment["HEARTH_TOKEN"]?.trimmingCharacters(in: .whitespacesAndNewlines),
                token.hasPrefix("hkv_")
            else { return nil }
            let id = token.dropFirst(4).prefix { $0 != "_" }
            return id.isEmpty ? nil : String(id)
        }
    }
}
