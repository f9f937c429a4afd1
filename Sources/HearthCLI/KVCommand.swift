import ArgumentParser
import Foundation
import HearthClient
import HearthCore
import NIOHTTP1

/// `hearth kv ...`: the key-value store of a namespace. Reads that wait server-side, writes with
/// compare-and-set and TTLs, listings, watches, and scoped tokens for machines.
struct KVCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kv", abstract: "Read, write, wait on and watch keys in a namespace's key-value store.",
        discussion: """
            Keys are paths (config/db/url) in a namespace; values are raw bytes (up to 512 KiB). \
            Every key has a version (1 on creation, +1 per write) and every change an index in the \
            namespace's store: --cas compares versions, --index waits for changes after an index.

            `kv get --wait` holds the request on the server until the key appears: one machine \
            publishes a value, the others wait for it. A wait that ends without it exits with code \
            2 (see `hearth kv get --help`). Machines can use a token limited to a prefix \
            (`hearth kv token create`) as HEARTH_TOKEN.

            Examples:
              hearth kv put cluster/join-token -n deploy "$JOIN_TOKEN"
              hearth kv get cluster/join-token -n deploy --wait 5m     # on each worker
              hearth kv put config/replicas -n shop 3 --cas 0           # only if absent
              hearth kv put lock/leader -n shop node-1 --ttl 30s
              hearth kv list config/ -n shop --recurse
              hearth kv watch config/ -n shop --recurse
              hearth kv delete config/ -n shop --recurse
              TOKEN=$(hearth kv token create -n deploy --prefix cluster/ --verbs read --ttl 1h)
              HEARTH_TOKEN=$TOKEN hearth kv get cluster/join-token -n deploy --wait 5m

            Exit codes: 0 done; 1 failed (refused, not found, CAS conflict...); 2 a --wait ended \
            without the key appearing (or, with --index, changing); 64 bad usage.
            """,
        subcommands: [Get.self, Put.self, Delete.self, List.self, Watch.self, Token.self])

    /// The exit code of a wait that ended without what it waited for.
    static let timeoutExitCode: Int32 = 2
    /// The longest one HTTP request is held: longer waits are made of several requests, so no
    /// read timeout (the HTTP client's is 90 s) or proxy cuts them.
    static let longestRequest: Duration = .seconds(60)
    /// The longest wait the server accepts.
    static let maxWait: Duration = .seconds(600)

    /// `/v1/namespaces/NS/kv[/KEY]`. Keys only use characters a URL path carries as they are.
    static func path(_ namespace: String, _ key: String = "") -> String {
        "/v1/namespaces/\(ResourceAPI.segment(namespace))/kv" + (key.isEmpty ? "" : "/" + key)
    }

    /// `/v1/namespaces/NS/kv-tokens[/ID]`.
    static func tokenPath(_ namespace: String, _ id: String? = nil) -> String {
        "/v1/namespaces/\(ResourceAPI.segment(namespace))/kv-tokens" + (id.map { "/" + ResourceAPI.segment($0) } ?? "")
    }

    static func validateKey(_ key: String) throws {
        if let reason = KVKey.violation(of: key) { throw ValidationError("key '\(key)': \(reason)") }
    }

    static func validatePrefix(_ prefix: String) throws {
        if let reason = KVKey.prefixViolation(of: prefix) { throw ValidationError("prefix '\(prefix)': \(reason)") }
    }

    /// A duration option: parsed, positive, at most `max`.
    static func duration(_ text: String, option: String, max: Duration? = nil) throws -> Duration {
        guard let duration = Duration.parse(text) else { throw ValidationError("\(option) must be a duration such as 30s or 5m, not '\(text)'") }
        if let max, duration > max { throw ValidationError("\(option) may be at most \(max.components.seconds / 60)m") }
        return duration
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    /// `?a=1&b` from query items (nil values are bare flags).
    static func query(_ items: [(String, String?)]) -> String {
        guard !items.isEmpty else { return "" }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~/"))
        return "?" + items.map { name, value in
            value.map { "\(name)=\($0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0)" } ?? name
        }.joined(separator: "&")
    }

    /// The `X-Hearth-Index` of an answer.
    static func index(_ headers: HTTPHeaders) -> Int64? {
        headers.first(name: "X-Hearth-Index").flatMap { Int64($0) }
    }

    /// A key's metadata as `field: value` lines, or JSON/YAML.
    static func printMeta(_ data: Data, format: OutputFormat) throws {
        let meta = try JSONDecoder().decode(JSONValue.self, from: data)
        try Output.print(json: data, format: format) {
            var pairs: [(String, String)] = [
                ("key", meta["key"]?.stringValue ?? ""),
                ("version", String(meta["version"]?.int64Value ?? 0)),
                ("size", "\(meta["size"]?.int64Value ?? 0) bytes"),
                ("createIndex", String(meta["createIndex"]?.int64Value ?? 0)),
                ("modifyIndex", String(meta["modifyIndex"]?.int64Value ?? 0)),
            ]
            if let expires = meta["expiresAt"]?.stringValue { pairs.append(("expiresAt", expires)) }
            let width = (pairs.map(\.0.count).max() ?? 0) + 2
            return pairs.map { [($0.0 + ":").padding(toLength: width, withPad: " ", startingAt: 0) + $0.1] }
        }
    }

    // MARK: get

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a key's value; optionally wait for the key to appear or change.",
            discussion: """
                Prints the value alone on standard output, byte for byte (no newline is added), so \
                it can be captured: URL=$(hearth kv get config/db/url -n shop). --meta (or -o \
                json|yaml) prints the key's metadata instead: version, indexes, size, expiry.

                --wait DURATION (at most 10m): if the key does not exist, the server holds the \
                request until it is written, then answers with its value; a key that exists \
                answers at once. This is how machines wait for a value another one publishes.

                --index N: answer only once the key has changed after index N (the modifyIndex of \
                --meta, or the X-Hearth-Index of an earlier answer), waiting up to --wait (5m by \
                default). A loop of `get --meta`, then `get --index` follows a key's changes.

                Exit codes: 0 the value (or metadata) was printed; 1 an error, such as a key that \
                does not exist (without --wait) or was deleted (with --index), or a refusal; 2 the \
                wait ended without the key appearing (or, with --index, changing): nothing on \
                standard output, the reason on standard error.

                Examples:
                  hearth kv get config/db/url -n shop
                  hearth kv get cluster/join-token -n deploy --wait 5m || echo "no token yet"
                  hearth kv get config/db/url -n shop --meta -o json
                  hearth kv get config/db/url -n shop --index 42 --wait 10m
                """)

        @OptionGroup var client: ClientOptions
        @Argument(help: "The key: a path such as config/db/url.") var key: String
        @Option(name: [.short, .long], help: "Namespace.") var namespace: String
        @Option(
            name: .long,
            help: ArgumentHelp("Wait up to this long (e.g. 30s, 5m; at most 10m) for the key to appear, or with --index to change.", valueName: "duration"))
        var wait: String?
        @Option(name: .long, help: "Answer once the key has changed after this index (waits --wait, 5m by default).") var index: Int64?
        @Flag(name: .long, help: "Print the key's metadata (version, indexes, size, expiry) instead of its value.") var meta = false
        @Option(name: [.short, .long], help: "With --meta: table (a field per line), json or yaml; json and yaml imply --meta.")
        var output: OutputFormat = .table

        func validate() throws {
            try KVCommand.validateKey(key)
            if let wait { _ = try KVCommand.duration(wait, option: "--wait", max: KVCommand.maxWait) }
            if let index, index < 0 { throw ValidationError("--index must not be negative") }
        }

        func run() async throws {
            let api = try await client.client()
            let showMeta = meta || output != .table
            let path = KVCommand.path(namespace, key)
            let waiting = try wait.map { try KVCommand.duration($0, option: "--wait") } ?? (index != nil ? .seconds(300) : nil)
            guard let waiting else {
                let (_, _, data) = try await api.send(.GET, path + KVCommand.query(showMeta ? [("meta", nil)] : []))
                return try emit(data, meta: showMeta)
            }
            let deadline = ContinuousClock.now + waiting
            while true {
                let left = deadline - .now
                let chunk = min(max(left, .zero), KVCommand.longestRequest)
                var items: [(String, String?)] = []
                if let index { items.append(("index", String(index))) }
                items.append(("wait", "\(KVCommand.milliseconds(chunk))ms"))
                if showMeta { items.append(("meta", nil)) }
                let asked = ContinuousClock.now
                do {
                    let (_, headers, data) = try await api.send(
                        .GET, path + KVCommand.query(items), timeout: .milliseconds(KVCommand.milliseconds(chunk) + 30_000))
                    if let index, let answered = KVCommand.index(headers), answered <= index {
                        // Unchanged when this request's wait ended.
                        try await next(deadline: deadline, asked: asked, chunk: chunk)
                        continue
                    }
                    return try emit(data, meta: showMeta)
                } catch let error as HearthAPIError where error.status == 404 {
                    if let index, let answered = error.headers["x-hearth-index"].flatMap({ Int64($0) }), answered > index {
                        throw CLIFailure("key '\(key)' in namespace '\(namespace)' was deleted after index \(index) (now at index \(answered))")
                    }
                    try await next(deadline: deadline, asked: asked, chunk: chunk)
                }
            }
        }

        /// After a request whose wait ended without an answer: returns to ask again, or ends the
        /// command with the timeout exit code when the whole wait is over.
        private func next(deadline: ContinuousClock.Instant, asked: ContinuousClock.Instant, chunk: Duration) async throws {
            if deadline - .now > .milliseconds(50) {
                // A request that came back well before its wait: do not hammer the server.
                if ContinuousClock.now - asked < chunk / 2 { try await Task.sleep(for: .milliseconds(250)) }
                return
            }
            let what =
                if let index { "key '\(key)' in namespace '\(namespace)' did not change after index \(index)" } else {
                    "key '\(key)' did not appear in namespace '\(namespace)'"
                }
            FileHandle.standardError.write(Data("Error: timed out: \(what) within \(wait ?? "5m")\n".utf8))
            throw ExitCode(KVCommand.timeoutExitCode)
        }

        private func emit(_ data: Data, meta: Bool) throws {
            if meta { return try KVCommand.printMeta(data, format: output) }
            FileHandle.standardOutput.write(data)
        }
    }

    // MARK: put

    struct Put: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a key's value; print its new version.",
            discussion: """
                The value comes from the VALUE argument, from --from-file, or else from standard \
                input (read to its end, as it is: no newline is added or removed). Values are raw \
                bytes, up to 512 KiB by default. A value that starts with '-' goes after `--`.

                Prints the key's new version (1 for a new key), alone on a line; -o json or yaml \
                prints its metadata instead.

                --cas N writes only if the key is at version N (0: only if it does not exist); \
                otherwise nothing is written and the command fails with the server's reason. \
                --ttl 30s makes the key disappear 30 seconds after this write (watchers see an \
                EXPIRE event); a write without --ttl keeps it for good.

                Examples:
                  hearth kv put config/db/url -n shop postgres://db:5432/shop
                  hearth kv put config/tls.pem -n shop --from-file tls.pem
                  openssl rand 32 | hearth kv put cluster/secret -n deploy
                  V=$(hearth kv get config/replicas -n shop --meta -o json | jq .version)
                  hearth kv put config/replicas -n shop 4 --cas "$V"
                  hearth kv put lock/leader -n shop node-1 --cas 0 --ttl 30s
                """)

        @OptionGroup var client: ClientOptions
        @Argument(help: "The key: a path such as config/db/url.") var key: String
        @Argument(help: "The value (else --from-file, else standard input).") var value: String?
        @Option(name: [.short, .long], help: "Namespace.") var namespace: String
        @Option(name: .customLong("from-file"), help: ArgumentHelp("Read the value from this file.", valueName: "file")) var fromFile: String?
        @Option(name: .long, help: "Write only if the key is at this version (0: only if it does not exist).") var cas: Int64?
        @Option(name: .long, help: ArgumentHelp("Delete the key this long after the write (e.g. 30s, 10m).", valueName: "duration")) var ttl: String?
        @Option(name: [.short, .long], help: "table (the new version), json or yaml (the key's metadata).") var output: OutputFormat = .table

        func validate() throws {
            try KVCommand.validateKey(key)
            if value != nil, fromFile != nil { throw ValidationError("give a VALUE or --from-file, not both") }
            if let cas, cas < 0 { throw ValidationError("--cas must be 0 or more") }
            if let ttl { _ = try KVCommand.duration(ttl, option: "--ttl") }
        }

        func run() async throws {
            let bytes = try ValueInput.read(value: value, fromFile: fromFile)
            let api = try await client.client()
            var items: [(String, String?)] = []
            if let cas { items.append(("cas", String(cas))) }
            if let ttl { items.append(("ttl", ttl)) }
            let (_, _, data) = try await api.send(
                .PUT, KVCommand.path(namespace, key) + KVCommand.query(items), body: bytes, contentType: "application/octet-stream")
            if output != .table { return try Output.print(json: data, format: output, table: { [] }) }
            let answer = try JSONDecoder().decode(JSONValue.self, from: data)
            print(answer["version"]?.int64Value ?? 0)
        }
    }

    // MARK: delete

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a key, or every key under a prefix.",
            discussion: """
                Deleting a key that does not exist is not an error (it says so). --recurse deletes \
                every key that starts with KEY (a plain string prefix: config/ for the keys under \
                config/; config alone would also take configuration/...). --cas N deletes only if \
                the key is at version N.

                Examples:
                  hearth kv delete config/db/url -n shop
                  hearth kv delete config/db/url -n shop --cas 3
                  hearth kv delete deploy/42/ -n deploy --recurse
                """)

        @OptionGroup var client: ClientOptions
        @Argument(help: "The key, or with --recurse the prefix.") var key: String
        @Option(name: [.short, .long], help: "Namespace.") var namespace: String
        @Flag(name: .long, help: "Delete every key that starts with KEY.") var recurse = false
        @Option(name: .long, help: "Delete only if the key is at this version.") var cas: Int64?
        @Option(name: [.short, .long], help: "table (a line saying what was done), json or yaml (the count).") var output: OutputFormat = .table

        func validate() throws {
            if recurse {
                try KVCommand.validatePrefix(key)
                if key.isEmpty { throw ValidationError("give a prefix to delete under") }
                if cas != nil { throw ValidationError("--cas applies to one key, not with --recurse") }
            } else {
                try KVCommand.validateKey(key)
            }
            if let cas, cas < 0 { throw ValidationError("--cas must be 0 or more") }
        }

        func run() async throws {
            let api = try await client.client()
            var items: [(String, String?)] = []
            if recurse { items.append(("recurse", nil)) }
            if let cas { items.append(("cas", String(cas))) }
            let (_, _, data) = try await api.send(.DELETE, KVCommand.path(namespace, key) + KVCommand.query(items))
            if output != .table { return try Output.print(json: data, format: output, table: { [] }) }
            let count = try JSONDecoder().decode(JSONValue.self, from: data)["deleted"]?.int64Value ?? 0
            if recurse {
                print("\(count) key\(count == 1 ? "" : "s") deleted under kv/\(namespace)/\(key)")
            } else {
                print(count > 0 ? "kv/\(namespace)/\(key) deleted" : "kv/\(namespace)/\(key) did not exist")
            }
        }
    }

    // MARK: list

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the keys under a prefix, one per line.",
            discussion: """
                Without --recurse, lists one level, as `ls` does: the keys right under PREFIX, and \
                each deeper path once, up to its next '/' (config/db/). With --recurse, every key \
                that starts with PREFIX. Without a PREFIX, the whole namespace. PREFIX is a plain \
                string prefix: config/ for what is under config/.

                Examples:
                  hearth kv list -n shop
                  hearth kv list config/ -n shop --recurse
                  hearth kv list config/ -n shop -o json
                """)

        @OptionGroup var client: ClientOptions
        @Argument(help: "List keys that start with this (default: the whole namespace).") var prefix: String = ""
        @Option(name: [.short, .long], help: "Namespace.") var namespace: String
        @Flag(name: .long, help: "Every key under PREFIX, not one level.") var recurse = false
        @Option(name: [.short, .long], help: "table (a key per line), json or yaml (a list of keys).") var output: OutputFormat = .table

        func validate() throws {
            try KVCommand.validatePrefix(prefix)
        }

        func run() async throws {
            let api = try await client.client()
            let page = 10_000
            var keys: [String] = []
            var after: String?
            while true {
                var items: [(String, String?)] = [("keys", nil), ("limit", String(page))]
                if let after { items.append(("after", after)) }
                let (_, _, data) = try await api.send(.GET, KVCommand.path(namespace, prefix) + KVCommand.query(items))
                let batch = try JSONDecoder().decode([String].self, from: data)
                keys += batch
                guard batch.count == page, let last = batch.last else { break }
                after = last
            }
            if !recurse { keys = Self.oneLevel(keys, under: prefix) }
            if output == .table {
                for key in keys { print(key) }
            } else {
                try Output.print(json: try JSONEncoder().encode(keys), format: output, table: { [] })
            }
        }

        /// The keys right under `prefix`, and each deeper path once, up to its next `/`.
        static func oneLevel(_ keys: [String], under prefix: String) -> [String] {
            var seen = Set<String>()
            var listed: [String] = []
            for key in keys {
                let rest = key.dropFirst(prefix.count)
                let shown = rest.firstIndex(of: "/").map { prefix + rest[...$0] } ?? key
                if seen.insert(shown).inserted { listed.append(shown) }
            }
            return listed
        }
    }
}
