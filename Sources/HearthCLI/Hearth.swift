import ArgumentParser
import HearthServer

/// `hearth`: the server and the command-line client, in one binary.
@main
struct Hearth: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hearth",
        abstract: "A self-hosted platform in one binary: run the server, or talk to one.",
        discussion: """
            Start a server on this machine (embedded SQLite, no setup):
              hearth server
            Then, from another terminal, create the first admin with the one-time code the
            server wrote to its data directory, and use it:
              hearth setup --username admin
              hearth api-resources
              hearth apply -f namespace.yaml
              hearth get namespaces
            From other machines (or as other users): `hearth login --server https://HOST:7443`.
            Scripts: HEARTH_TOKEN=<API key> (see `hearth apikey`).
            """,
        version: HearthServer.version,
        subcommands: [
            ServerCommand.self, SetupCommand.self, LoginCommand.self, LogoutCommand.self, WhoAmICommand.self,
            GetCommand.self, ApplyCommand.self, DeleteCommand.self, WatchCommand.self, APIResourcesCommand.self,
            UserCommand.self, GroupCommand.self, ServiceAccountCommand.self, APIKeyCommand.self, NamespaceCommand.self,
            RoleCommand.self, RoleBindingCommand.self, ServiceCommand.self, AuditCommand.self, VersionCommand.self,
            SecretCommand.self, AdminCommand.self, KVCommand.self, CertCommand.self,
        ]
    )
}
