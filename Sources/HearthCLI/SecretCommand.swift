import ArgumentParser
import Foundation
import HearthClient
import HearthCore

/// `hearth secret ...`: encrypted, versioned secrets in a namespace.
struct SecretCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secret", abstract: "Store and read encrypted, versioned secrets.",
        discussion: """
            A secret is a named value (text, or binary up to 64 KiB) in a namespace. Each write \
            makes a new version; the server keeps the last 10 (--secret-versions). Values are \
            sealed at rest with AES-256-GCM under a per-value data key wrapped by the master key, \
            and never appear in listings, logs or the audit trail.

            Reading a value takes the read-value permission (owners and editors have it, viewers \
            do not); listing and versions show metadata only.

            Examples:
              hearth secret put db-password -n shop --value 'hunter2'
              printf '%s' "$TOKEN" | hearth secret put registry-token -n shop
              hearth secret put tls-key -n shop --from-file key.pem
              hearth secret get db-password -n shop            # the value alone on stdout
              hearth secret get db-password -n shop --version 1
              hearth secret list -n shop
              hearth secret versions db-password -n shop
              hearth secret delete db-password -n shop         # soft-deletes the latest version
              hearth secret delete db-password -n shop --undelete --versions 3
              hearth secret delete db-password -n shop --versions 1,2 --destroy
              hearth secret delete db-password -n shop --destroy   # the secret, every version
            """,
        subcommands: [Put.self, Get.self, List.self, Versions.self, Delete.self],
        aliases: ["secrets"])

    /// `/v1/namespaces/NS/secrets[/NAME]`.
    static func path(_ namespace: String, _ name: String? = nil) -> String {
        "/v1/namespaces/\(ResourceAPI.segment(namespace))/secrets" + (name.map { "/" + ResourceAPI.segment($0) } ?? "")
    }

    /// `1,2,3` as version numbers.
    static func versions(_ text: String?) throws -> [Int64] {
        guard let text else { return [] }
        return try text.split(separator: ",").map { part in
            guard let version = Int64(part.trimmingCharacters(in: .whitespaces)), version >= 1 else {
                throw ValidationError("--versions takes version numbers separated by commas, e.g. 1,2")
            }
            return version
        }
    }

    // MARK: put

    struct Put: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a new version of a secret.",
            discussion: """
                The value comes from --value, from --from-file, or else from standard input (read \
                to its end, as it is: no newline is added or removed). A value that is not UTF-8 \
                is sent as binary. Prefer --from-file or standard input to --value, which other \
                users of this machine may see in the process list.

                --cas N writes only if the latest version is N (0: only if the secret does not \
                exist yet).

                Examples:
                  hearth secret put db-password -n shop --value 'hunter2'
                  hearth secret put tls-key -n shop --from-file key.pem --cas 0
                  openssl rand 32 | hearth secret put session-key -n shop
                """)

        @OptionGroup var client: ClientOptions
        @Argument(help: "Secret name: letters, digits, '.', '_' and '-'.") var name: String
        @Option(name: [.short, .long], help: "Namespace.") var namespace: String
        @Option(name: .long, help: "The value (visible in the process list: prefer --from-file or stdin).") var value: String?
        @Option(name: .customLong("from-file"), help: ArgumentHelp("Read the value from this file.", valueName: "file")) var fromFile: String?
        @Option(name: .long, help: "Write only if the latest version is this one (0: only if the secret does not exist).") var cas: Int64?
        @Option(name: [.short, .long], help: "table (a line saying what was done), json or yaml (the version's metadata).") var output: OutputFormat = .table

        func validate() throws {
            if value != nil, fromFile != nil { throw ValidationError("give --value or --from-file, not both") }
            if let cas, cas < 0 { throw ValidationError("--cas must be 0 or more") }
        }

        func run() async throws {
            let bytes = try ValueInput.read(value: value, fromFile: fromFile)
            let body: JSONValue =
                if let text = String(data: bytes, encoding: .utf8) { .object(["value": .string(text)]) } else {
                    .object(["valueBase64": .string(bytes.base64EncodedString())])
                }
            let api = try await client.client()
            let path = SecretCommand.path(namespace, name) + (cas.map { "?cas=\($0)" } ?? "")
            let (_, _, data) = try await api.send(.PUT, path, body: try JSONEncoder().encode(body))
            if output != .table { return try Output.print(json: data, format: output, table: { [] }) }
            let answer = try JSONDecoder().decode(JSONValue.self, from: data)
            print("secret/\(namespace)/\(name) version \(answer["version"]?.int64Value ?? 0) written")
        }
    }

    // MARK: get

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a secret's value (the latest version, or --version N).",
            discussion: """
                Prints the value alone on standard output, as it is (no newline is added), so it \
                can be piped or captured: PASSWORD=$(hearth secret get db-password -n shop). A \
                binary value is written as its bytes. -o json prints the API's answer instead.

                Exits non-zero, with the reason on standard error, when the secret, the version or \
                the permission is missing (deleted versions: undelete them; destroyed ones are gone).
                """)

        @OptionGroup var client: ClientOptions
        @Argument(help: "Secret name.") var name: String
        @Option(name: [.short, .long], help: "Namespace.") var namespace: String
        @Option(name: .long, help: "The version to read (default: the latest).") var version: Int64?
        @Option(name: [.short, .long], help: "table (the value alone), json or yaml (value and metadata).") var output: OutputFormat = .table

        func run() async throws {
            let api = try await client.client()
            let (_, _, data) = try await api.send(.GET, SecretCommand.path(namespace, name) + (version.map { "?version=\($0)" } ?? ""))
            if output != .table { return try Output.print(json: data, format: output, table: { [] }) }
            let answer = try JSONDecoder().decode(JSONValue.self, from: data)
            let bytes: Data
            if let text = answer["value"]?.stringValue {
                bytes = Data(text.utf8)
            } else if let base64 = answer["valueBase64"]?.stringValue, let data = Data(base64Encoded: base64) {
                bytes = data
            } else {
                throw CLIFailure("the server's answer holds no value")
            }
            FileHandle.standardOutput.write(bytes)
        }
    }

    // MARK: list

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a namespace's secrets: names and metadata, never values.",
            discussion: "Example:\n  hearth secret list -n shop")

        @OptionGroup var client: ClientOptions
        @Option(name: [.short, .long], help: "Namespace.") var namespace: String
        @Option(name: [.short, .long], help: "table, json or yaml.") var output: OutputFormat = .table

        func run() async throws {
            let api = try await client.client()
            let (_, _, data) = try await api.send(.GET, SecretCommand.path(namespace))
            let answer = try JSONDecoder().decode(JSONValue.self, from: data)
            let items = answer["items"]?.arrayValue ?? []
            try Output.print(json: data, format: output) {
                var rows: [[String]] = [["NAME", "VERSION", "VERSIONS", "STATE", "UPDATED"]]
                for item in items {
                    let version: Int64 = item["currentVersion"]?.int64Value ?? 0
                    let count: Int64 = item["versions"]?.int64Value ?? 0
                    let name: String = item["name"]?.stringValue ?? ""
                    let state: String = item["state"]?.stringValue ?? ""
                    rows.append([name, String(version), String(count), state, Output.age(item["updatedAt"]?.stringValue)])
                }
                return rows
            }
        }
    }

    // MARK: versions

    struct Versions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a secret's kept versions: state, dates and master key, never values.",
            discussion: "Example:\n  hearth secret versions db-password -n shop")

        @OptionGroup var client: ClientOptions
        @Argument(help: "Secret name.") var name: String
        @Option(name: [.short, .long], help: "Namespace.") var namespace: String
        @Option(name: [.short, .long], help: "table, json or yaml.") var output: OutputFormat = .table

        func run() async throws {
            let api = try await client.client()
            let (_, _, data) = try await api.send(.GET, SecretCommand.path(namespace, name) + "/versions")
            let answer = try JSONDecoder().decode(JSONValue.self, from: data)
            let versions = answer["versions"]?.arrayValue ?? []
            try Output.print(json: data, format: output) {
                var rows: [[String]] = [["VERSION", "STATE", "CREATED", "MASTER KEY"]]
                for version in versions {
                    let number: Int64 = version["version"]?.int64Value ?? 0
                    let state: String = version["state"]?.stringValue ?? ""
                    let created: String = version["createdAt"]?.stringValue ?? ""
                    let key: String = version["masterKeyId"]?.stringValue ?? "-"
                    rows.append([String(number), state, created, key])
                }
                return rows
            }
        }
    }

    // MARK: delete

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Soft-delete, undelete or destroy versions of a secret, or remove it.",
            discussion: """
                Without options, soft-deletes the latest version: reads of it fail until it is \
                undeleted (--undelete) or a new version is written; the ciphertext stays.
                --versions 1,2 acts on those versions instead.
                --destroy removes ciphertext for good: of the --versions given, or, without \
                --versions, the whole secret with every version.

                Examples:
                  hearth secret delete db-password -n shop
                  hearth secret delete db-password -n shop --versions 2,3
                  hearth secret delete db-password -n shop --undelete --versions 3
                  hearth secret delete db-password -n shop --versions 1 --destroy
                  hearth secret delete db-password -n shop --destroy
                """)

        @OptionGroup var client: ClientOptions
        @Argument(help: "Secret name.") var name: String
        @Option(name: [.short, .long], help: "Namespace.") var namespace: String
        @Option(name: .long, help: ArgumentHelp("Versions to act on, e.g. 1,2 (default: the latest).", valueName: "n,n...")) var versions: String?
        @Flag(name: .long, help: "Destroy for good: the --versions given, or the whole secret.") var destroy = false
        @Flag(name: .long, help: "Undelete the --versions given instead.") var undelete = false

        func validate() throws {
            _ = try SecretCommand.versions(versions)
            if destroy, undelete { throw ValidationError("give --destroy or --undelete, not both") }
            if undelete, versions == nil { throw ValidationError("--undelete needs --versions") }
        }

        func run() async throws {
            let api = try await client.client()
            let named = try SecretCommand.versions(versions)
            let path = SecretCommand.path(namespace, name)
            let list = named.map(String.init).joined(separator: ",")
            let body = try JSONEncoder().encode(JSONValue.object(["versions": .array(named.map { .int($0) })]))
            if undelete {
                _ = try await api.send(.POST, path + "/undelete", body: body)
                print("secret/\(namespace)/\(name) version \(list) undeleted")
            } else if destroy, !named.isEmpty {
                _ = try await api.send(.POST, path + "/destroy", body: body)
                print("secret/\(namespace)/\(name) version \(list) destroyed")
            } else if destroy {
                _ = try await api.send(.DELETE, path + "?destroy=true")
                print("secret/\(namespace)/\(name) destroyed, with every version")
            } else {
                _ = try await api.send(.DELETE, path + (named.isEmpty ? "" : "?versions=\(list)"))
                print("secret/\(namespace)/\(name) \(named.isEmpty ? "latest version" : "version \(list)") deleted")
            }
        }
    }
}
