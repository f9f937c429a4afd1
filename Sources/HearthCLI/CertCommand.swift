import ArgumentParser
import Foundation
import HearthClient
import HearthCore

/// `hearth cert ...`: certificates from Hearth's certificate authority.
struct CertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cert", abstract: "Issue, list, show, revoke and renew certificates from Hearth's CA.",
        discussion: """
            Certificates are signed by Hearth's intermediate CA; the trust bundle (root, then \
            intermediate) is GET /v1/pki/ca.pem. A request is judged by an issuance policy of the \
            namespace (--policy, an issuancepolicies resource), or, for a service account's SPIFFE \
            identity (--service-account), by its default policy.

            Examples:
              hearth cert issue -n demo --service-account w1 --out ./w1          # key made by Hearth
              hearth cert issue -n demo --user --out ~/.hearth-cert              # mTLS as yourself
              hearth cert issue -n demo --policy web --dns web.svc.hearth.internal --csr web.csr --out .
              hearth cert list -n demo
              hearth cert show 5A3F… -n demo
              hearth cert revoke 5A3F… -n demo --reason "key lost"
              hearth cert renew 5A3F… -n demo --out ./w1
            """,
        subcommands: [Issue.self, List.self, Show.self, Revoke.self, Renew.self],
        aliases: ["certs", "certificate", "certificates"])

    static func path(_ namespace: String, _ serial: String? = nil) -> String {
        "/v1/namespaces/\(ResourceAPI.segment(namespace))/certificates" + (serial.map { "/" + ResourceAPI.segment($0) } ?? "")
    }

    /// What a request asks for, shared by issue and renew.
    struct Request {
        var dnsNames: [String] = []
        var ipAddresses: [String] = []
        var uris: [String] = []
        var serviceAccount: String?
        var user = false
        var usage: [String]?
        var ttl: String?
        var policy: String?
        var commonName: String?
    }

    /// Sends the request (with the CSR file's contents, or generate: true), writes the files, and
    /// prints what it did.
    static func issue(
        _ request: Request, namespace: String, csrFile: String?, out: String?, name: String?, output: OutputFormat, client: ClientOptions
    ) async throws {
        var body: [String: JSONValue] = [:]
        if let csrFile {
            guard let data = FileManager.default.contents(atPath: csrFile), let csr = String(data: data, encoding: .utf8) else {
                throw CLIFailure("cannot read the CSR \(csrFile)")
            }
            body["csr"] = .string(csr)
        } else {
            body["generate"] = .bool(true)
        }
        func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }
        if !request.dnsNames.isEmpty { body["dnsNames"] = strings(request.dnsNames) }
        if !request.ipAddresses.isEmpty { body["ipAddresses"] = strings(request.ipAddresses) }
        if !request.uris.isEmpty { body["uris"] = strings(request.uris) }
        if let value = request.serviceAccount { body["serviceAccount"] = .string(value) }
        if request.user { body["user"] = .bool(true) }
        if let value = request.usage { body["usage"] = strings(value) }
        if let value = request.ttl { body["ttl"] = .string(value) }
        if let value = request.policy { body["policy"] = .string(value) }
        if let value = request.commonName { body["commonName"] = .string(value) }
        let api = try await client.client()
        let (_, _, data) = try await api.send(.POST, path(namespace), body: try JSONEncoder().encode(JSONValue.object(body)))
        let answer = try JSONDecoder().decode(JSONValue.self, from: data)
        let certificate = answer["certificate"]?.stringValue ?? ""
        let chain = answer["chain"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let key = answer["privateKey"]?.stringValue
        if out == nil, key != nil { throw CLIFailure("internal: a key was made but there is no --out directory") }
        guard let out else {
            // A CSR and no --out: the certificate and its chain on standard output.
            if output != .table { return try Output.print(json: data, format: output, table: { [] }) }
            print(PEMFile.text([certificate] + chain), terminator: "")
            return
        }
        let base = name ?? request.serviceAccount ?? (request.user ? "user" : nil) ?? request.dnsNames.first ?? request.ipAddresses.first ?? "certificate"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        func write(_ blocks: [String], _ file: String, mode: Int) throws -> String {
            try PEMFile.write(blocks, to: (out as NSString).appendingPathComponent(file), mode: mode)
        }
        var written = [
            try write([certificate], base + ".pem", mode: 0o644),
            try write([certificate] + chain.prefix(1), base + "-fullchain.pem", mode: 0o644),
            try write(chain.reversed(), "ca-bundle.pem", mode: 0o644),
        ]
        if let key { written.append(try write([key], base + "-key.pem", mode: 0o600)) }
        if output != .table {
            var redacted = answer.objectValue ?? [:]
            redacted["privateKey"] = nil
            return try Output.print(json: try JSONEncoder().encode(JSONValue.object(redacted)), format: output, table: { [] })
        }
        print("certificate \(answer["serial"]?.stringValue ?? "") issued in namespace \(namespace), valid until \(answer["notAfter"]?.stringValue ?? "")")
        for path in written { print("  wrote \(path)") }
    }

    // MARK: issue

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a certificate, from a CSR or with a key made by Hearth.",
            discussion: """
                With --csr FILE (PEM, e.g. from openssl req -new) the certificate is for that CSR's \
                key; without it Hearth makes a P-256 key, sent once and written to --out only.

                With --out DIR it writes NAME.pem (the certificate), NAME-fullchain.pem \
                (certificate and intermediate, for servers), ca-bundle.pem (root and intermediate, \
                for clients) and, for a key made by Hearth, NAME-key.pem (mode 0600). NAME is \
                --name, else the service account, else the first DNS name or address. With --csr \
                and no --out the certificate and its chain go to standard output.

                Examples:
                  hearth cert issue -n demo --service-account w1 --out ./w1
                  hearth cert issue -n demo --policy web --dns web.svc.hearth.internal --ip 10.0.0.7 --usage server --ttl 24h --out ./web
                  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout web.key -out web.csr -subj /CN=web
                  hearth cert issue -n demo --policy web --dns web.svc.hearth.internal --csr web.csr > web.pem
                """)

        @OptionGroup var client: ClientOptions
        @Option(name: [.short, .long], help: "Namespace.") var namespace: String
        @Option(name: .long, help: "File name base for --out, and the certificate's common name.") var name: String?
        @Option(name: .customLong("dns"), help: "A DNS name (repeatable).") var dnsNames: [String] = []
        @Option(name: .customLong("ip"), help: "An IP address (repeatable).") var ipAddresses: [String] = []
        @Option(name: .customLong("uri"), help: "A URI SAN (repeatable).") var uris: [String] = []
        @Option(name: .customLong("service-account"), help: "A service account of the namespace: its SPIFFE ID becomes a URI SAN.") var serviceAccount: String?
        @Flag(name: .long, help: "A client certificate for your own user ID (mTLS as yourself).") var user = false
        @Option(name: .long, help: "server, client or server,client (default: what the policy allows).") var usage: String?
        @Option(name: .long, help: "Lifetime, such as 24h (default 72h).") var ttl: String?
        @Option(name: .long, help: "The issuancepolicies resource the request is judged by.") var policy: String?
        @Option(name: .long, help: ArgumentHelp("A PEM certificate signing request.", valueName: "file")) var csr: String?
        @Option(name: .long, help: ArgumentHelp("Write the certificate (and key) here.", valueName: "dir")) var out: String?
        @Option(name: [.short, .long], help: "table (what was written), json or yaml (the answer, without the key).") var output: OutputFormat = .table

        func validate() throws {
            if csr == nil, out == nil { throw ValidationError("without --csr Hearth makes the key: give --out DIR to write it to") }
        }

        func run() async throws {
            let request = Request(
                dnsNames: dnsNames, ipAddresses: ipAddresses, uris: uris, serviceAccount: serviceAccount, user: user,
                usage: usage.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }, ttl: ttl, policy: policy,
                commonName: name)
            try await CertCommand.issue(request, namespace: namespace, csrFile: csr, out: out, name: name, output: output, client: client)
        }
    }

    // MARK: list

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the certificates issued in a namespace.", discussion: "Example:\n  hearth cert list -n demo")

        @OptionGroup var client: ClientOptions
        @Option(name: [.short, .long], help: "Namespace.") var namespace: String
        @Option(name: [.short, .long], help: "table, json or yaml.") var output: OutputFormat = .table

        func run() async throws {
            let api = try await client.client()
            let (_, _, data) = try await api.send(.GET, CertCommand.path(namespace))
            let items = try JSONDecoder().decode(JSONValue.self, from: data)["items"]?.arrayValue ?? []
            try Output.print(json: data, format: output) {
                var rows: [[String]] = [["SERIAL", "NAMES", "USAGE", "NOT AFTER", "STATE"]]
                for item in items {
                    let names = ["dnsNames", "ipAddresses", "uris"].flatMap { item[$0]?.arrayValue?.compactMap(\.stringValue) ?? [] }
                    let usages = item["usages"]?.arrayValue?.compactMap(\.stringValue) ?? []
                    let notAfter = item["notAfter"]?.stringValue ?? ""
                    let state = item["revokedAt"] != nil ? "revoked" : (notAfter < Timestamp.now() ? "expired" : "valid")
                    rows.append([item["serial"]?.stringValue ?? "", names.joined(separator: ","), usages.joined(separator: ","), notAfter, state])
                }
                return rows
            }
        }
    }

    // MARK: show

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one certificate's record.", discussion: "Example:\n  hearth cert show 5A3F… -n demo")

        @OptionGroup var client: ClientOptions
        @Argument(help: "The serial, in hex as openssl x509 -serial prints it.") var serial: String
        @Option(name: [.short, .long], help: "Namespace.") var namespace: String
        @Option(name: [.short, .long], help: "table, json or yaml.") var output: OutputFormat = .table

        func run() async throws {
            let api = try await client.client()
            let (_, _, data) = try await api.send(.GET, CertCommand.path(namespace, serial))
            let record = try JSONDecoder().decode(JSONValue.self, from: data)
            try Output.print(json: data, format: output) {
                func list(_ key: String) -> String { (record[key]?.arrayValue?.compactMap(\.stringValue) ?? []).joined(separator: ", ") }
                var pairs: [(String, String)] = [
                    ("serial", record["serial"]?.stringValue ?? ""), ("namespace", record["namespace"]?.stringValue ?? ""),
                    ("common name", record["commonName"]?.stringValue ?? ""), ("dns names", list("dnsNames")), ("ip addresses", list("ipAddresses")),
                    ("uris", list("uris")), ("usages", list("usages")), ("key type", record["keyType"]?.stringValue ?? ""),
                    ("policy", record["policy"]?.stringValue ?? ""), ("issued by", record["issuedBy"]?.stringValue ?? ""),
                    ("not before", record["notBefore"]?.stringValue ?? ""), ("not after", record["notAfter"]?.stringValue ?? ""),
                ]
                if let account = record["serviceAccount"]?.stringValue { pairs.append(("service account", account)) }
                if let revoked = record["revokedAt"]?.stringValue {
                    pairs.append(("revoked", "\(revoked) by \(record["revokedBy"]?.stringValue ?? "?")"))
                    if let reason = record["revocationReason"]?.stringValue { pairs.append(("reason", reason)) }
                }
                return pairs
            }
        }
    }

    // MARK: revoke

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a certificate: it is in the CRL from now on, and refused as a client certificate.",
            discussion: "Example:\n  hearth cert revoke 5A3F… -n demo --reason \"key lost\"")

        @OptionGroup var client: ClientOptions
        @Argument(help: "The serial, in hex as openssl x509 -serial prints it.") var serial: String
        @Option(name: [.short, .long], help: "Namespace.") var namespace: String
        @Option(name: .long, help: "Why (kept in the record).") var reason: String?

        func run() async throws {
            let api = try await client.client()
            let body = try JSONEncoder().encode(JSONValue.object(reason.map { ["reason": .string($0)] } ?? [:]))
            let (_, _, data) = try await api.send(.POST, CertCommand.path(namespace, serial) + "/revoke", body: body)
            let record = try JSONDecoder().decode(JSONValue.self, from: data)
            print("certificate \(record["serial"]?.stringValue ?? serial) revoked")
        }
    }

    // MARK: renew

    struct Renew: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a new certificate with the names, usages and policy of an existing one.",
            discussion: """
                The old certificate stays valid until it expires (revoke it if it must not). \
                --csr uses a CSR's key; otherwise Hearth makes a new key, written to --out.

                Example:
                  hearth cert renew 5A3F… -n demo --out ./w1
                """)

        @OptionGroup var client: ClientOptions
        @Argument(help: "The serial of the certificate to renew.") var serial: String
        @Option(name: [.short, .long], help: "Namespace.") var namespace: String
        @Option(name: .long, help: "Lifetime, such as 24h (default 72h).") var ttl: String?
        @Option(name: .long, help: "File name base for --out.") var name: String?
        @Option(name: .long, help: ArgumentHelp("A PEM certificate signing request.", valueName: "file")) var csr: String?
        @Option(name: .long, help: ArgumentHelp("Write the certificate (and key) here.", valueName: "dir")) var out: String?
        @Option(name: [.short, .long], help: "table, json or yaml.") var output: OutputFormat = .table

        func validate() throws {
            if csr == nil, out == nil { throw ValidationError("without --csr Hearth makes the key: give --out DIR to write it to") }
        }

        func run() async throws {
            let api = try await client.client()
            let (_, _, data) = try await api.send(.GET, CertCommand.path(namespace, serial))
            let record = try JSONDecoder().decode(JSONValue.self, from: data)
            func list(_ key: String) -> [String] { record[key]?.arrayValue?.compactMap(\.stringValue) ?? [] }
            let account = record["serviceAccount"]?.stringValue
            let policy = record["policy"]?.stringValue.flatMap { $0.hasPrefix("issuancepolicies/") ? String($0.dropFirst(17)) : nil }
            var uris = list("uris")
            let user = record["user"]?.stringValue != nil
            if account != nil || user, !uris.isEmpty { uris.removeFirst() }  // the identity, added again by the server
            let request = Request(
                dnsNames: list("dnsNames"), ipAddresses: list("ipAddresses"), uris: uris, serviceAccount: account, user: user, usage: list("usages"),
                ttl: ttl, policy: policy, commonName: record["commonName"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 })
            try await CertCommand.issue(request, namespace: namespace, csrFile: csr, out: out, name: name, output: output, client: client)
        }
    }
}
