import ArgumentParser
import Foundation
import HearthClient
import HearthCore

/// `hearth ns ...`: namespaces and who may use them.
struct NamespaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ns", abstract: "Manage namespaces and their owners and members.",
        discussion: """
            A namespace's owners manage everything in it, including who owns it and who is a \
            member; editors read and write its resources; viewers read them. You become an owner \
            of the namespaces you create. Others see a namespace only once they have a role there.

            Subjects are user:NAME, group:NAME or serviceaccount:NAMESPACE/NAME; a bare NAME is a user.

            Examples:
              hearth ns create shop
              hearth ns add-member shop alice                 (editor)
              hearth ns add-member shop group:auditors --role viewer
              hearth ns add-owner shop bob
            """,
        subcommands: [Create.self, List.self, Show.self, Delete.self, AddOwner.self, RemoveOwner.self, AddMember.self, RemoveMember.self],
        aliases: ["namespace", "namespaces"])

    static func path(_ name: String? = nil) -> String {
        "/v1/namespaces" + (name.map { "/" + ResourceAPI.segment($0) } ?? "")
    }

    /// The role a member is added with.
    enum MemberRole: String, ExpressibleByArgument, CaseIterable {
        case editor, viewer

        var field: String { self == .editor ? "editors" : "viewers" }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a namespace (you become an owner).")

        @OptionGroup var client: ClientOptions
        @Argument(help: "Name: lowercase letters, digits and '-'.") var name: String
        @Option(name: .long, help: "What the namespace is for.") var description: String?

        func run() async throws {
            var spec: [String: JSONValue] = [:]
            if let description { spec["description"] = .string(description) }
            _ = try await ResourceAPI(client: try await client.client()).create(NamespaceCommand.path(), ["name": .string(name), "spec": .object(spec)])
            print("namespace/\(name) created")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the namespaces you can see.")

        @OptionGroup var client: ClientOptions
        @Option(name: [.short, .long], help: "table, json or yaml.") var output: OutputFormat = .table

        func run() async throws {
            let items = try await ResourceAPI(client: try await client.client()).list(NamespaceCommand.path())
            try Output.print(json: ResourceAPI.listData(type: "namespaces", items), format: output) {
                [["NAME", "PHASE", "OWNERS", "EDITORS", "VIEWERS", "AGE"]]
                    + items.map { ns in
                        [
                            ns["name"]?.stringValue ?? "-", ns["status"]?["phase"]?.stringValue ?? "-",
                            Output.list(ResourceAPI.strings(ns, "owners")), Output.list(ResourceAPI.strings(ns, "editors")),
                            Output.list(ResourceAPI.strings(ns, "viewers")), Output.age(ns["createdAt"]?.stringValue),
                        ]
                    }
            }
            if output == .table, items.isEmpty { FileHandle.standardError.write(Data("No namespaces you can see.\n".utf8)) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a namespace, its owners and members.")

        @OptionGroup var client: ClientOptions
        @Argument(help: "Namespace.") var name: String
        @Option(name: [.short, .long], help: "table, json or yaml.") var output: OutputFormat = .table

        func run() async throws {
            let (ns, data) = try await ResourceAPI(client: try await client.client()).get(NamespaceCommand.path(name))
            let created = "\(ns["createdAt"]?.stringValue ?? "-") by \(ns["owner"]?.stringValue ?? "-")"
            let details: [(String, String)] = [
                ("Name", name),
                ("Description", ns["spec"]?["description"]?.stringValue ?? "-"),
                ("Phase", ns["status"]?["phase"]?.stringValue ?? "-"),
                ("Owners", Output.list(ResourceAPI.strings(ns, "owners"))),
                ("Editors", Output.list(ResourceAPI.strings(ns, "editors"))),
                ("Viewers", Output.list(ResourceAPI.strings(ns, "viewers"))),
                ("Created", created),
                ("Version", ns["version"]?.int64Value.map(String.init) ?? "-"),
            ]
            try Output.print(json: data, format: output) { details }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a namespace.", discussion: "Only an empty namespace, unless --cascade, which deletes everything in it.")

        @OptionGroup var client: ClientOptions
        @Argument(help: "Namespace.") var name: String
        @Flag(name: .long, help: "Also delete everything in it.") var cascade = false

        func run() async throws {
            for deleted in try await ResourceAPI(client: try await client.client()).delete(NamespaceCommand.path(name), cascade: cascade) {
                print("\(deleted) deleted")
            }
        }
    }

    struct AddOwner: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-owner", abstract: "Make a subject an owner of a namespace.")

        @OptionGroup var client: ClientOptions
        @Argument(help: "Namespace.") var namespace: String
        @Argument(help: "user:NAME, group:NAME, serviceaccount:NAMESPACE/NAME, or a username.") var subject: String

        func run() async throws {
            let subject = try SubjectText.normalize(self.subject)
            let changed = try await NamespaceCommand.edit(namespace, client: client) { lists in
                lists["owners", default: []].append(subject)
            }
            print(changed ? "\(subject) is now an owner of namespace/\(namespace)" : "\(subject) is already an owner of namespace/\(namespace)")
        }
    }

    struct RemoveOwner: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove-owner", abstract: "Remove a subject from a namespace's owners.")

        @OptionGroup var client: ClientOptions
        @Argument(help: "Namespace.") var namespace: String
        @Argument(help: "user:NAME, group:NAME, serviceaccount:NAMESPACE/NAME, or a username.") var subject: String

        func run() async throws {
            let subject = try SubjectText.normalize(self.subject)
            let changed = try await NamespaceCommand.edit(namespace, client: client) { lists in
                lists["owners", default: []].removeAll { $0 == subject }
            }
            print(changed ? "\(subject) is no longer an owner of namespace/\(namespace)" : "\(subject) was not an owner of namespace/\(namespace)")
        }
    }

    struct AddMember: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-member", abstract: "Make a subject an editor or a viewer of a namespace.",
            discussion: "A member has one role: adding an editor as a viewer (or the other way round) changes its role.")

        @OptionGroup var client: ClientOptions
        @Argument(help: "Namespace.") var namespace: String
        @Argument(help: "user:NAME, group:NAME, serviceaccount:NAMESPACE/NAME, or a username.") var subject: String
        @Option(name: .long, help: "editor (reads and writes resources) or viewer (reads them).") var role: MemberRole = .editor

        func run() async throws {
            let subject = try SubjectText.normalize(self.subject)
            let changed = try await NamespaceCommand.edit(namespace, client: client) { lists in
                for other in MemberRole.allCases where other != role { lists[other.field, default: []].removeAll { $0 == subject } }
                lists[role.field, default: []].append(subject)
            }
            print(changed ? "\(subject) is now \(role.rawValue) of namespace/\(namespace)" : "\(subject) is already \(role.rawValue) of namespace/\(namespace)")
        }
    }

    struct RemoveMember: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove-member", abstract: "Remove a subject from a namespace's editors and viewers.",
            discussion: "Owners are removed with remove-owner.")

        @OptionGroup var client: ClientOptions
        @Argument(help: "Namespace.") var namespace: String
        @Argument(help: "user:NAME, group:NAME, serviceaccount:NAMESPACE/NAME, or a username.") var subject: String

        func run() async throws {
            let subject = try SubjectText.normalize(self.subject)
            let changed = try await NamespaceCommand.edit(namespace, client: client) { lists in
                for role in MemberRole.allCases { lists[role.field, default: []].removeAll { $0 == subject } }
            }
            print(changed ? "\(subject) is no longer a member of namespace/\(namespace)" : "\(subject) was not a member of namespace/\(namespace)")
        }
    }

    /// Edits a namespace's `owners`, `editors` and `viewers` lists with a version-checked merge
    /// patch (recomputed if someone else wrote in between). Returns whether anything changed.
    static func edit(_ namespace: String, client: ClientOptions, _ change: (inout [String: [String]]) -> Void) async throws -> Bool {
        let fields = ["owners", "editors", "viewers"]
        let api = ResourceAPI(client: try await client.client())
        let (_, changed) = try await api.update(path(namespace)) { current in
            let before = Dictionary(uniqueKeysWithValues: fields.map { ($0, ResourceAPI.strings(current, $0)) })
            var after = before
            change(&after)
            // Keep each list free of duplicates, in its order.
            for (field, list) in after {
                var seen = Set<String>()
                after[field] = list.filter { seen.insert($0).inserted }
            }
            var spec: [String: JSONValue] = [:]
            for field in fields where after[field] ?? [] != before[field] ?? [] {
                spec[field] = .array((after[field] ?? []).map { .string($0) })
            }
            return spec.isEmpty ? nil : ["spec": .object(spec)]
        }
        return changed
    }
}
