import ArgumentParser
import Foundation
import HearthClient
import HearthCore

/// `hearth user ...`: people who log in with a password.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage users (people who log in with a password).",
        discussion: """
            Examples:
              hearth user create alice --display-name "Alice Liddell" --email alice@example.com
              hearth user list
              hearth user disable alice
              hearth user passwd            (your own password)
              hearth user passwd alice      (an admin sets another user's)
            """,
        subcommands: [Create.self, List.self, Show.self, Delete.self, Disable.self, Enable.self, Passwd.self],
        aliases: ["users"])

    static func path(_ name: String? = nil) -> String {
        "/v1/users" + (name.map { "/" + ResourceAPI.segment($0) } ?? "")
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a user with a password.",
            discussion: "The password (at least 12 characters, not containing the username) is asked for twice on a terminal; otherwise pass --password-stdin. The user has no access until you grant some: `hearth ns add-member NS NAME`, a group, or a role binding.")

        @OptionGroup var client: ClientOptions
        @Argument(help: "Username: lowercase letters, digits and '-'.") var name: String
        @Option(name: .long, help: "A human-friendly name.") var displayName: String?
        @Option(name: .long, help: "A contact address.") var email: String?
        @Flag(name: .long, help: "Read the password from the first line of standard input.") var passwordStdin = false
        @Option(name: [.short, .long], help: "table, json or yaml.") var output: OutputFormat = .table

        func validate() throws {
            if let problem = Names.dnsLabelProblem(name) { throw ValidationError("a username \(problem)") }
        }

        func run() async throws {
            let password = try PasswordInput.read(prompt: "Password for \(name): ", confirm: true, fromStdin: passwordStdin, environment: nil)
            let api = ResourceAPI(client: try await client.client())
            var body: [String: JSONValue] = ["username": .string(name), "password": .string(password)]
            if let displayName { body["displayName"] = .string(displayName) }
            if let email { body["email"] = .string(email) }
            let user = try await api.create(UserCommand.path(), .object(body))
            if output == .table {
                print("user/\(name) created")
            } else {
                try Output.print(json: ResourceAPI.data(user), format: output, table: { [] })
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users.")

        @OptionGroup var client: ClientOptions
        @Option(name: [.short, .long], help: "table, json or yaml.") var output: OutputFormat = .table

        func run() async throws {
            let items = try await ResourceAPI(client: try await client.client()).list(UserCommand.path())
            try Output.print(json: ResourceAPI.listData(type: "users", items), format: output) {
                [["NAME", "DISPLAY NAME", "EMAIL", "DISABLED", "AGE"]]
                    + items.map { user in
                        [
                            user["name"]?.stringValue ?? "-", user["spec"]?["displayName"]?.stringValue ?? "-",
                            user["spec"]?["email"]?.stringValue ?? "-", user["spec"]?["disabled"]?.boolValue == true ? "yes" : "no",
                            Output.age(user["createdAt"]?.stringValue),
                        ]
                    }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a user, with the groups it is in.")

        @OptionGroup var client: ClientOptions
        @Argument(help: "Username.") var name: String
        @Option(name: [.short, .long], help: "table, json or yaml.") var output: OutputFormat = .table

        func run() async throws {
            let api = ResourceAPI(client: try await client.client())
            let (user, data) = try await api.get(UserCommand.path(name))
            // Groups are shown when the caller may list them.
            let groups = (try? await api.list(GroupCommand.path()))?
                .filter { ResourceAPI.strings($0, "members").contains(name) }
                .compactMap { $0["name"]?.stringValue }
            let spec = user["spec"]
            let created = "\(user["createdAt"]?.stringValue ?? "-") by \(user["owner"]?.stringValue ?? "-")"
            let details: [(String, String)] = [
                ("Name", name),
                ("Display name", spec?["displayName"]?.stringValue ?? "-"),
                ("Email", spec?["email"]?.stringValue ?? "-"),
                ("Disabled", spec?["disabled"]?.boolValue == true ? "yes" : "no"),
                ("Groups", groups.map(Output.list) ?? "(not visible to you)"),
                ("Created", created),
                ("Version", user["version"]?.int64Value.map(String.init) ?? "-"),
            ]
            try Output.print(json: data, format: output) { details }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a user.", discussion: "Its password, sessions and API keys go with it.")

        @OptionGroup var client: ClientOptions
        @Argument(help: "Username.") var name: String

        func run() async throws {
            for deleted in try await ResourceAPI(client: try await client.client()).delete(UserCommand.path(name)) {
                print("\(deleted) deleted")
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable a user.", discussion: "A disabled user cannot log in; its sessions and API keys stop working at once.")

        @OptionGroup var client: ClientOptions
        @Argument(help: "Username.") var name: String

        func run() async throws {
            try await UserCommand.setDisabled(true, name: name, client: client)
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled user again.")

        @OptionGroup var client: ClientOptions
        @Argument(help: "Username.") var name: String

        func run() async throws {
            try await UserCommand.setDisabled(false, name: name, client: client)
        }
    }

    static func setDisabled(_ disabled: Bool, name: String, client: ClientOptions) async throws {
        let api = ResourceAPI(client: try await client.client())
        let (_, changed) = try await api.update(path(name)) { user in
            (user["spec"]?["disabled"]?.boolValue ?? false) == disabled ? nil : ["spec": ["disabled": .bool(disabled)]]
        }
        print("user/\(name) \(changed ? "" : "already ")\(disabled ? "disabled" : "enabled")")
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change your password, or (as an admin) another user's.",
            discussion: """
                Your own password needs the current one. Every session of the user ends; for your \
                own password, this command logs you in again with the new one.

                With --password-stdin, standard input holds one password per line: the current \
                one first (for your own password), then the new one.
                """)

        @OptionGroup var client: ClientOptions
        @Argument(help: "Username (default: you).") var name: String?
        @Flag(name: .long, help: "Read the passwords from standard input, one per line.") var passwordStdin = false

        func run() async throws {
            let api = try await client.client()
            let me = try await api.json(.GET, "/v1/auth/whoami", as: JSONValue.self)
            let isSelf = me["kind"]?.stringValue == "user" && (name == nil || name == me["name"]?.stringValue)
            guard let username = name ?? (isSelf ? me["name"]?.stringValue : nil) else {
                throw CLIFailure("you are \(me["subject"]?.stringValue ?? "not a user"), which has no password: name the user")
            }
            var body: [String: String] = [:]
            if isSelf {
                body["currentPassword"] = try PasswordInput.read(prompt: "Current password: ", fromStdin: passwordStdin, environment: nil)
            }
            let newPassword = try PasswordInput.read(prompt: "New password for \(username): ", confirm: true, fromStdin: passwordStdin, environment: nil)
            body["newPassword"] = newPassword
            _ = try await api.send(.POST, UserCommand.path(username) + "/password", body: try JSONEncoder().encode(body))
            print("Password of \(username) changed; its sessions have ended.")
            // The change ended this login too: log in again, unless HEARTH_TOKEN is in use.
            if isSelf, case .session = api.credentials {
                let grant = try await LoginCommand.login(api.with(credentials: .none), username: username, password: newPassword)
                _ = try LoginCommand.store(grant, username: username, server: api.server)
                print("Logged in again as \(username).")
            }
        }
    }
}
