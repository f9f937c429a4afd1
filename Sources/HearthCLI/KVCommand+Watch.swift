import ArgumentParser
import Foundation
import HearthClient
import HearthCore

extension KVCommand {
    /// `hearth kv watch`: the changes to a key or a prefix, as they happen.
    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the changes to a key, or to every key under a prefix, as they happen.",
            discussion: """
                One line per change, until interrupted:
                  PUT config/db/url v3 (27 bytes)
                  DELETE config/db/url
                  EXPIRE lock/leader            (its --ttl ran out)
                -o json prints each event as a JSON line instead: type, revision, key, version, \
                the value in base64 (puts) and expiresAt.

                --recurse watches every key that starts with KEY_OR_PREFIX (or, without one, the \
                whole namespace). --revision N first replays the changes after index N that the \
                server still keeps (an earlier answer's X-Hearth-Index, or a modifyIndex), so \
                nothing between a read and the watch is missed. After a dropped connection the \
                watch resumes from the last change it printed.

                Examples:
                  hearth kv watch config/db/url -n shop
                  hearth kv watch config/ -n shop --recurse
                  hearth kv watch -n shop --recurse -o json
                """)

        @OptionGroup var client: ClientOptions
        @Argument(help: "The key, or with --recurse the prefix (default: the whole namespace).") var key: String = ""
        @Option(name: [.short, .long], help: "Namespace.") var namespace: String
        @Flag(name: .long, help: "Watch every key that starts with KEY_OR_PREFIX.") var recurse = false
        @Option(name: .long, help: "Start after this index, replaying the kept changes since (default: now).") var revision: Int64?
        @Option(name: [.short, .long], help: "table (one line per change) or json (one event per line).") var output: OutputFormat = .table

        func validate() throws {
            if recurse || key.isEmpty { try KVCommand.validatePrefix(key) } else { try KVCommand.validateKey(key) }
            if let revision, revision < 0 { throw ValidationError("--revision must not be negative") }
            if output == .yaml { throw ValidationError("-o takes table or json for a watch") }
        }

        func run() async throws {
            let api = try await client.client()
            var last = revision
            while true {
                var items: [(String, String?)] = [("watch", "true")]
                if recurse { items.append(("recurse", nil)) }
                if let last { items.append(("revision", String(last))) }
                do {
                    try await api.events(KVCommand.path(namespace, key) + KVCommand.query(items)) { event in
                        if event.event == "error" {
                            FileHandle.standardError.write(Data("watch: \(event.data)\n".utf8))
                            if let data = try? JSONDecoder().decode(JSONValue.self, from: Data(event.data.utf8)), let revision = data["revision"]?.int64Value {
                                last = revision
                            }
                            return
                        }
                        if let id = event.id, let revision = Int64(id) { last = revision }
                        if output == .json {
                            print(event.data)
                        } else {
                            print(Self.line(event))
                        }
                        fflush(nil)
                    }
                } catch let error as HearthAPIError where error.status > 0 {
                    throw error
                } catch {
                    FileHandle.standardError.write(
                        Data("watch: connection lost (\(error)); resuming after index \(last.map(String.init) ?? "now")\n".utf8))
                }
                try await Task.sleep(for: .seconds(1))
            }
        }

        /// `PUT key v3 (12 bytes)`, `DELETE key`, `EXPIRE key`.
        static func line(_ event: ServerSentEvent) -> String {
            guard let data = try? JSONDecoder().decode(JSONValue.self, from: Data(event.data.utf8)) else { return "\(event.event) \(event.data)" }
            let key = data["key"]?.stringValue ?? "?"
            guard event.event == "PUT" else { return "\(event.event) \(key)" }
            let size = data["value"]?.stringValue.flatMap { Data(base64Encoded: $0)?.count } ?? 0
            return "PUT \(key) v\(data["version"]?.int64Value ?? 0) (\(size) byte\(size == 1 ? "" : "s"))"
        }
    }
}
