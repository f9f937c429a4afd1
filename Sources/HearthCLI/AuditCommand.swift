import ArgumentParser
import Foundation
import HearthClient
import HearthCore

/// `hearth audit`: reads the audit trail.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Show the audit trail: every write and every refusal, newest first.",
        discussion: """
            Each entry says who (principal) did what (verb, resource, namespace/name), whether it \
            was allowed, why, and the answer's status. Reading it needs the list verb on audit \
            (cluster admins have it).

            Examples:
              hearth audit --decision denied --since 1h
              hearth audit --principal alice -n shop --limit 20
            """)

    @OptionGroup var client: ClientOptions
    @Option(name: .long, help: "Only this principal: user:NAME, serviceaccount:NS/NAME, or a username.") var principal: String?
    @Option(name: .long, help: "Only this verb, e.g. create, delete, login.") var verb: String?
    @Option(name: .long, help: "Only this resource type or API area, e.g. namespaces, auth.") var resource: String?
    @Option(name: [.short, .long], help: "Only this namespace.") var namespace: String?
    @Option(name: .long, help: "allowed or denied.") var decision: Decision?
    @Option(name: .long, help: "Only entries since then: a duration ago (1h, 30m) or an RFC 3339 time.") var since: String?
    @Option(name: .long, help: "Only entries before then: a duration ago or an RFC 3339 time.") var until: String?
    @Option(name: .long, help: "At most this many entries.") var limit: Int = 100
    @Option(name: [.short, .long], help: "table, json or yaml.") var output: OutputFormat = .table

    enum Decision: String, ExpressibleByArgument, CaseIterable {
        case allowed, denied
    }

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
        for (flag, value) in [("--since", since), ("--until", until)] {
            if let value, Duration.parse(value) == nil, Timestamp.date(from: value) == nil {
                throw ValidationError("\(flag) must be a duration ago such as 1h, or an RFC 3339 time")
            }
        }
    }

    func run() async throws {
        var query: [URLQueryItem] = []
        if let principal {
            let text = principal == "anonymous" ? principal : try SubjectText.normalize(principal)
            query.append(URLQueryItem(name: "principal", value: text))
        }
        if let verb { query.append(URLQueryItem(name: "verb", value: verb)) }
        if let resource { query.append(URLQueryItem(name: "resource", value: resource)) }
        if let namespace { query.append(URLQueryItem(name: "namespace", value: namespace)) }
        if let decision { query.append(URLQueryItem(name: "decision", value: decision.rawValue)) }
        if let since { query.append(URLQueryItem(name: "since", value: since)) }
        if let until { query.append(URLQueryItem(name: "until", value: until)) }
        let api = try await client.client()
        var entries: [JSONValue] = []
        var before: String?
        repeat {
            var components = URLComponents()
            components.queryItems = query + [URLQueryItem(name: "limit", value: String(min(limit - entries.count, 1000)))]
                + (before.map { [URLQueryItem(name: "before", value: $0)] } ?? [])
            let (_, _, data) = try await api.send(.GET, "/v1/audit?" + (components.percentEncodedQuery ?? ""))
            let page = try JSONDecoder().decode(JSONValue.self, from: data)
            entries += page["items"]?.arrayValue ?? []
            before = page["next"]?.stringValue
        } while before != nil && entries.count < limit
        let data = try JSONEncoder().encode(JSONValue.object(["items": .array(entries)]))
        try Output.print(json: data, format: output) {
            [["TIME", "PRINCIPAL", "VERB", "RESOURCE", "NAMESPACE/NAME", "DECISION", "STATUS", "REASON"]] + entries.map(Self.row)
        }
        if output == .table, entries.isEmpty { FileHandle.standardError.write(Data("No audit entries match.\n".utf8)) }
    }

    static func row(_ entry: JSONValue) -> [String] {
        let text = { (field: String) -> String in entry[field]?.stringValue ?? "-" }
        let namespace = entry["namespace"]?.stringValue
        let name = entry["name"]?.stringValue
        let target = [namespace, name].compactMap { $0 }.joined(separator: "/")
        return [
            text("time"), text("principal"), text("verb"), text("resource"), target.isEmpty ? "-" : target, text("decision"),
            entry["status"]?.int64Value.map(String.init) ?? "-", text("reason"),
        ]
    }
}
