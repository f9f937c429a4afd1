import ArgumentParser
import Foundation
import HearthClient
import HearthCore

/// `hearth role ...`: user-defined roles (named lists of rules).
struct RoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "role", abstract: "Manage roles (named lists of rules).",
        discussion: """
            The built-in roles cluster-admin, owner, editor and viewer always exist. A role grants \
            nothing until a role binding gives it to someone (`hearth rolebinding create`).

            A rule is written 'verbs=V,...;resources=R,...' with optional ';names=N,...' (only \
            these resource names) and ';excluded=R,...' (resource types left out of a '*'):

              hearth role create widget-reader --rule 'verbs=get,list,watch;resources=widgets'
              hearth role create deployer --rule 'verbs=*;resources=*;excluded=roles,rolebindings'
            """,
        subcommands: [Create.self, List.self, Show.self, Delete.self],
        aliases: ["roles"])

    static func path(_ name: String? = nil) -> String {
        "/v1/roles" + (name.map { "/" + ResourceAPI.segment($0) } ?? "")
    }

    /// Parses `verbs=get,list;resources=widgets;names=a,b;excluded=x`.
    static func parseRule(_ text: String) throws -> JSONValue {
        var rule: [String: JSONValue] = [:]
        for part in text.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { throw ValidationError("--rule '\(text)': '\(part)' is not KEY=VALUE,...") }
            let values = pair[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !values.isEmpty else { throw ValidationError("--rule '\(text)': \(pair[0]) has no values") }
            let key: String
            switch pair[0] {
            case "verbs": key = "verbs"
            case "resources": key = "resources"
            case "names", "resourceNames": key = "resourceNames"
            case "excluded", "excludedResources": key = "excludedResources"
            default: throw ValidationError("--rule '\(text)': '\(pair[0])' is not verbs, resources, names or excluded")
            }
            rule[key] = .array(values.map { .string($0) })
        }
        guard rule["verbs"] != nil, rule["resources"] != nil else {
            throw ValidationError("--rule '\(text)' needs verbs=... and resources=..., e.g. 'verbs=get,list;resources=widgets'")
        }
        return .object(rule)
    }

    /// A rule written back the way --rule takes it.
    static func ruleText(_ rule: JSONValue) -> String {
        [("verbs", "verbs"), ("resources", "resources"), ("resourceNames", "names"), ("excludedResources", "excluded")].compactMap { field, key in
            guard let values = rule[field]?.arrayValue?.compactMap(\.stringValue), !values.isEmpty else { return nil }
            return "\(key)=\(values.joined(separator: ","))"
        }.joined(separator: ";")
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a role.")

        @OptionGroup var client: ClientOptions
        @Argument(help: "Role name: lowercase letters, digits and '-'.") var name: String
        @Option(name: .long, parsing: .singleValue, help: "A rule, 'verbs=get,list;resources=widgets[;names=a,b][;excluded=x]'; repeatable.")
        var rule: [String] = []
        @Option(name: .long, help: "What the role is for.") var description: String?

        func validate() throws {
            if rule.isEmpty { throw ValidationError("a role needs at least one --rule") }
            for text in rule { _ = try RoleCommand.parseRule(text) }
        }

        func run() async throws {
            var spec: [String: JSONValue] = ["rules": .array(try rule.map(RoleCommand.parseRule))]
            if let description { spec["description"] = .string(description) }
            _ = try await ResourceAPI(client: try await client.client()).create(RoleCommand.path(), ["name": .string(name), "spec": .object(spec)])
            print("role/\(name) created")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the user-defined roles (the built-in ones are cluster-admin, owner, editor and viewer).")

        @OptionGroup var client: ClientOptions
        @Option(name: [.short, .long], help: "table, json or yaml.") var output: OutputFormat = .table

        func run() async throws {
            let items = try await ResourceAPI(client: try await client.client()).list(RoleCommand.path())
            try Output.print(json: ResourceAPI.listData(type: "roles", items), format: output) {
                [["NAME", "RULES", "AGE"]]
                    + items.map { role in
                        let rules = (role["spec"]?["rules"]?.arrayValue ?? []).map(RoleCommand.ruleText).joined(separator: " | ")
                        return [role["name"]?.stringValue ?? "-", rules, Output.age(role["createdAt"]?.stringValue)]
                    }
            }
            if output == .table, items.isEmpty { FileHandle.standardError.write(Data("No user-defined roles.\n".utf8)) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a role and its rules.")

        @OptionGroup var client: ClientOptions
        @Argument(help: "Role name.") var name: String
        @Option(name: [.short, .long], help: "table, json or yaml.") var output: OutputFormat = .table

        func run() async throws {
            let (role, data) = try await ResourceAPI(client: try await client.client()).get(RoleCommand.path(name))
            let rules = (role["spec"]?["rules"]?.arrayValue ?? []).enumerated().map { ("Rule \($0.offset + 1)", RoleCommand.ruleText($0.element)) }
            let details: [(String, String)] = [("Name", name), ("Description", role["spec"]?["description"]?.stringValue ?? "-")] + rules
            try Output.print(json: data, format: output) { details }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a role.")

        @OptionGroup var client: ClientOptions
        @Argument(help: "Role name.") var name: String

        func run() async throws {
            for deleted in try await ResourceAPI(client: try await client.client()).delete(RoleCommand.path(name)) {
                print("\(deleted) deleted")
            }
        }
    }
}
