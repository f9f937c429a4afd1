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
            Then, from another terminal:
              hearth api-resources
              hearth apply -f namespace.yaml
              hearth get namespaces
            """,
        version: HearthServer.version,
        subcommands: [
            ServerCommand.self, GetCommand.self, ApplyCommand.self, DeleteCommand.self, WatchCommand.self,
            APIResourcesCommand.self, VersionCommand.self,
        ]
    )
}
