import ArgumentParser
import Foundation
import HearthClient
import HearthCore

extension AdminCommand {
    /// `hearth admin pki ...`: the certificate authority's hierarchy.
    struct PKI: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pki",
            abstract: "The certificate authority: status, intermediate rotation, root key export and removal.",
            discussion: """
                Hearth's CA has a root (DATA_DIR/ca.pem, the trust anchor) and an intermediate \
                that signs certificates on request. Rotating the intermediate publishes the new \
                one beside the old: certificates from both verify until the old one's last \
                certificate expires, then it is retired. The root key can be exported and removed \
                from the server, to keep offline; the intermediate then signs the server's own \
                certificate, and rotating needs the root key supplied once.

                Examples:
                  hearth admin pki status
                  hearth admin pki rotate-intermediate
                  hearth admin pki export-root --out ./offline-root
                  hearth admin pki remove-root-key --yes
                  hearth admin pki rotate-intermediate --root-key ./offline-root/root-key.pem
                """,
            subcommands: [Status.self, RotateIntermediate.self, ExportRoot.self, RemoveRootKey.self], defaultSubcommand: Status.self)

        static func printStatus(_ data: Data, format: OutputFormat) throws {
            let answer = try JSONDecoder().decode(JSONValue.self, from: data)
            try Output.print(json: data, format: format) {
                let root = answer["root"]
                let exported = root?["exported"]?["exportedAt"]?.stringValue.map { "exported \($0)" } ?? "not exported"
                var rows: [[String]] = [["CA", "SERIAL", "NOT AFTER", "STATE"]]
                rows.append([
                    "root", root?["certificate"]?["serial"]?.stringValue ?? "", root?["certificate"]?["notAfter"]?.stringValue ?? "",
                    (root?["keyOnline"]?.boolValue == true ? "key online" : "key offline") + ", " + exported,
                ])
                for intermediate in answer["intermediates"]?.arrayValue ?? [] {
                    rows.append([
                        "intermediate", intermediate["serial"]?.stringValue ?? "", intermediate["notAfter"]?.stringValue ?? "",
                        intermediate["current"]?.boolValue == true ? "current: signs" : "previous: published",
                    ])
                }
                let server = answer["server"]
                rows.append(["server", server?["serial"]?.stringValue ?? "", server?["notAfter"]?.stringValue ?? "", "issued by " + (server?["issuer"]?.stringValue ?? "")])
                let sharing = answer["sharing"]
                switch sharing?["state"]?.stringValue {
                case "shared": rows.append(["replicas", "", "", "shared (version \(sharing?["version"]?.int64Value ?? 0))"])
                case "local": rows.append(["replicas", "", "", "NOT shared: " + (sharing?["reason"]?.stringValue ?? "")])
                default: rows.append(["replicas", "", "", "not compared yet"])
                }
                return rows
            }
        }
    }
}

extension AdminCommand.PKI {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status", abstract: "Show the root, the intermediates published and the server's certificate.",
            discussion: "Example:\n  hearth admin pki status -o json")

        @OptionGroup var client: ClientOptions
        @Option(name: [.short, .long], help: "table, json or yaml.") var output: OutputFormat = .table

        func run() async throws {
            let api = try await client.client()
            let (_, _, data) = try await api.send(.GET, "/v1/admin/pki")
            try AdminCommand.PKI.printStatus(data, format: output)
        }
    }

    struct RotateIntermediate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-intermediate", abstract: "Make a new intermediate CA; the old one stays published during the overlap.",
            discussion: """
                With the root key offline, give it with --root-key: it is sent once over TLS, \
                used for this one signature and not stored.

                Examples:
                  hearth admin pki rotate-intermediate
                  hearth admin pki rotate-intermediate --root-key ./offline-root/root-key.pem
                """)

        @OptionGroup var client: ClientOptions
        @Option(help: "The root CA's private key (PEM), when it is offline.") var rootKey: String?
        @Option(name: [.short, .long], help: "table, json or yaml.") var output: OutputFormat = .table

        func run() async throws {
            var body = Data()
            if let rootKey {
                guard let pem = FileManager.default.contents(atPath: rootKey) else { throw CLIFailure("cannot read the root key \(rootKey)") }
                body = try JSONEncoder().encode(["rootKey": String(decoding: pem, as: UTF8.self)])
            }
            let api = try await client.client()
            let (_, _, data) = try await api.send(.POST, "/v1/admin/pki/intermediate/rotate", body: body.isEmpty ? nil : body)
            try AdminCommand.PKI.printStatus(data, format: output)
        }
    }

    struct ExportRoot: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export-root", abstract: "Write the root CA's certificate and private key to a directory, to keep offline.",
            discussion: """
                Writes DIR/root.pem and DIR/root-key.pem (0600); refuses to overwrite. The export \
                is recorded and audited, and is what `remove-root-key` requires.

                Example:
                  hearth admin pki export-root --out ./offline-root
                """)

        @OptionGroup var client: ClientOptions
        @Option(help: "The directory to write root.pem and root-key.pem to.") var out: String

        func run() async throws {
            let files = FileManager.default
            let certificatePath = (out as NSString).appendingPathComponent("root.pem")
            let keyPath = (out as NSString).appendingPathComponent("root-key.pem")
            for path in [certificatePath, keyPath] where files.fileExists(atPath: path) {
                throw CLIFailure("\(path) exists; choose another --out directory")
            }
            try files.createDirectory(atPath: out, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let api = try await client.client()
            let (_, _, data) = try await api.send(.POST, "/v1/admin/pki/root/export")
            let answer = try JSONDecoder().decode(JSONValue.self, from: data)
            guard let certificate = answer["certificate"]?.stringValue, let key = answer["privateKey"]?.stringValue else {
                throw CLIFailure("the server's answer holds no root certificate and key")
            }
            try PEMFile.write([key], to: keyPath, mode: 0o600)
            try PEMFile.write([certificate], to: certificatePath, mode: 0o644)
            print("root CA \(answer["fingerprint"]?.stringValue ?? "") exported")
            print("  wrote \(certificatePath)")
            print("  wrote \(keyPath) (keep it offline; `hearth admin pki remove-root-key` removes it from the server)")
        }
    }

    struct RemoveRootKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove-root-key", abstract: "Remove the root CA's private key from the server (after export-root).",
            discussion: """
                The server refuses unless the key was exported. From then on the intermediate \
                signs the server's own certificate, and rotating the intermediate needs \
                --root-key.

                Example:
                  hearth admin pki remove-root-key --yes
                """)

        @OptionGroup var client: ClientOptions
        @Flag(help: "Confirm: the root key is kept offline from now on.") var yes = false
        @Option(name: [.short, .long], help: "table, json or yaml.") var output: OutputFormat = .table

        func run() async throws {
            guard yes else { throw CLIFailure("this removes the root CA's key from the server; run again with --yes once its export is safe") }
            let api = try await client.client()
            let (_, _, data) = try await api.send(.DELETE, "/v1/admin/pki/root/key")
            try AdminCommand.PKI.printStatus(data, format: output)
        }
    }
}
