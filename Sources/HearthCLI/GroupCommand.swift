import ArgumentParser
import Foundation
import HearthClient
import HearthCore

/// `hearth group ...`: named sets of users.
struct GroupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group", abstract: "Manage groups (named sets of users).",
        discussion: """
            A role binding or a namespace membership naming group:NAME grants every member.

            Examples:
              hearth group create ops --member alice --member bob
              hearth group add-member ops carol
              hearth ns add-member shop group:ops
            """,
        subcommands: [Create.self, List.self, Show.self, Delete.self, AddMember.self, RemoveMember.self],
        aliases: ["groups"])

    static func path(_ name: String? = nil) -> String {
        "/v1/groups" + (name.map { "/" + ResourceAPI.segment($0) } ?? "")
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a group.")

        @OptionGroup var client: ClientOptions
        @Argument(help: "Group name: lowercase letters, digits and '-'.") var name: String
        @Option(name: .long, parsing: .singleValue, help: "A member's username; repeatable.") var member: [String] = []
        @Option(name: .long, help: "What the group is for.") var description: String?

        func run() async throws {
            var spec: [String: JSONValue] = ["members": .array(member.map { .string($0) })]
            if let description { spec["description"] = .string(description) }
            _ = try await ResourceAPI(client: try await client.client()).create(GroupCommand.path(), ["name": .string(name), "spec": .object(spec)])
            print("group/\(name) created")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List groups.")

        @OptionGroup var client: ClientOptions
        @Option(name: [.short, .long], help: "table, json or yaml.") var output: OutputFormat = .table

        func run() async throws {
            let items = try await ResourceAPI(client: try await client.client()).list(GroupCommand.path())
            try Output.print(json: ResourceAPI.listData(type: "groups", items), format: output) {
                [["NAME", "MEMBERS", "DESCRIPTION", "AGE"]]
                    + items.map { group in
                        [
                            group["name"]?.stringValue ?? "-", Output.list(ResourceAPI.strings(group, "members")),
                            group["spec"]?["description"]?.stringValue ?? "-", Output.age(group["createdAt"]?.stringValue),
                        ]
                    }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a group and its members.")

        @OptionGroup var client: ClientOptions
        @Argument(help: "Group name.") var name: String
        @Option(name: [.short, .long], help: "table, json or yaml.") var output: OutputFormat = .table

        func run() async throws {
            let (group, data) = try await ResourceAPI(client: try await client.client()).get(GroupCommand.path(name))
            try Output.print(json: data, format: output) {
                [
                    ("Name", name),
                    ("Description", group["spec"]?["description"]?.stringValue ?? "-"),
                    ("Members", Output.list(ResourceAPI.strings(group, "members"))),
                    ("Created", "\(group["createdAt"]?.stringValue ?? "-") by \(group["owner"]?.stringValue ?? "-")"),
                    ("Version", group["version"]?.int64Value.map(String.init) ?? "-"),
                ]
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a group.")

        @OptionGroup var client: ClientOptions
        @Argument(help: "Group name.") var name: String

        func run() async throws {
            for deleted in try await ResourceAPI(client: try await client.client()).delete(GroupCommand.path(name)) {
                print("\(deleted) deleted")
            }
        }
    }

    struct AddMember: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-member", abstract: "Add a user to a group.")

        @OptionGroup var client: ClientOptions
        @Argument(help: "Group name.") var group: String
        @Argument(help: "Username.") var user: String

        func run() async throws {
            let username = try GroupCommand.username(user)
            let (_, changed) = try await ResourceAPI(client: try await client.client()).update(GroupCommand.path(group)) { current in
                let members = ResourceAPI.strings(current, "members")
                if members.contains(username) { return nil }
                return ["spec": ["members": .array((members + [username]).map { .string($0) })]]
            }
            print(changed ? "\(username) added to group/\(group)" : "\(username) is already in group/\(group)")
        }
    }

    struct RemoveMember: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove-member", abstract: "Remove a user from a group.")

        @OptionGroup var client: ClientOptions
        @Argument(help: "Group name.") var group: String
        @Argument(help: "Username.") var user: String

        func run() async throws {
            let username = try GroupCommand.username(user)
            let (_, changed) = try await ResourceAPI(client: try await client.client()).update(GroupCommand.path(group)) { current in
                let members = ResourceAPI.strings(current, "members")
                if !members.contains(username) { return nil }
                return ["spec": ["members": .array(members.filter { $0 != username }.map { .string($0) })]]
            }
            print(changed ? "\(username) removed from group/\(group)" : "\(username) was not in group/\(group)")
        }
    }

    /// Group members are usernames; `user:alice` is accepted too.
    static func username(_ text: String) throws -> String {
        let subject = try SubjectText.normalize(text)
        guard subject.hasPrefix("user:") else { throw CLIFailure("groups hold users only, not \(subject)") }
        return String(subject.dropFirst("user:".count))
    }
}
