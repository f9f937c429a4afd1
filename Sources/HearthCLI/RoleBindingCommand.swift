import ArgumentParser
import Foundation
import HearthClient
import HearthCore

/// `hearth rolebinding ...`: who has which role, in a namespace or cluster-wide.
struct RoleBindingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rolebinding", abstract: "Manage role bindings (who has which role, in a namespace or everywhere).",
        discussion: """
            A binding in a namespace (-n) grants its role there only; a cluster binding (--cluster, \
            the clusterrolebindings type) grants it in every namespace and on cluster-wide types. \
            For the built-in owner, editor and viewer roles in one namespace, `hearth ns add-member` \
            is simpler.

            Examples:
              hearth rolebinding create readers --role widget-reader --subject group:ops -n shop
              hearth rolebinding create admins --role cluster-admin --subject user:alice --cluster
            """,
        subcommands: [Create.self, List.self, Show.self, Delete.self],
        aliases: ["rolebindings", "rb"])

    /// Where the bindings are: one namespace, the cluster, or (for listing) both.
    struct Scope: ParsableArguments {
        @Option(name: [.short, .long], help: "Namespace of the binding.") var namespace: String?
        @Flag(name: .long, help: "A cluster-wide binding (clusterrolebindings).") var cluster = false

        func validate() throws {
            if namespace != nil, cluster { throw ValidationError("pass -n NAMESPACE or --cluster, not both") }
        }

        func path(_ name: String? = nil) throws -> String {
            let suffix = name.map { "/" + ResourceAPI.segment($0) } ?? ""
            if cluster { return "/v1/clusterrolebindings" + suffix }
            guard let namespace else { throw CLIFailure("pass -n NAMESPACE for a binding in a namespace, or --cluster") }
            return "/v1/namespaces/\(ResourceAPI.segment(namespace))/rolebindings" + suffix
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Grant a role to subjects.")

        @OptionGroup var client: ClientOptions
        @OptionGroup var scope: Scope
        @Argument(help: "Binding name: lowercase letters, digits and '-'.") var name: String
        @Option(name: .long, help: "The role: cluster-admin, owner, editor, viewer, or a role of `hearth role list`.") var role: String
        @Option(name: .long, parsing: .singleValue, help: "user:NAME, group:NAME, serviceaccount:NAMESPACE/NAME or a username; repeatable.")
        var subject: [String] = []

        func validate() throws {
            if subject.isEmpty { throw ValidationError("a binding needs at least one --subject") }
        }

        func run() async throws {
            let subjects = try subject.map(SubjectText.normalize)
            let spec: JSONValue = ["role": .string(role), "subjects": .array(subjects.map { .string($0) })]
            _ = try await ResourceAPI(client: try await client.client()).create(try scope.path(), ["name": .string(name), "spec": spec])
            print("\(scope.cluster ? "clusterrolebinding" : "rolebinding/\(scope.namespace ?? "")")/\(name) created")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List role bindings.", discussion: "With neither -n nor --cluster: the cluster's and every namespace's you can read.")

        @OptionGroup var client: ClientOptions
        @OptionGroup var scope: Scope
        @Option(name: [.short, .long], help: "table, json or yaml.") var output: OutputFormat = .table

        func run() async throws {
            let api = ResourceAPI(client: try await client.client())
            var items: [JSONValue] = []
            if scope.cluster || scope.namespace == nil { items += try await api.list("/v1/clusterrolebindings") }
            if !scope.cluster { items += try await api.list(scope.namespace.map { "/v1/namespaces/\(ResourceAPI.segment($0))/rolebindings" } ?? "/v1/rolebindings") }
            try Output.print(json: ResourceAPI.listData(type: "rolebindings", items), format: output) {
                [["NAMESPACE", "NAME", "ROLE", "SUBJECTS", "AGE"]]
                    + items.map { binding in
                        [
                            binding["namespace"]?.stringValue ?? "(cluster)", binding["name"]?.stringValue ?? "-",
                            binding["spec"]?["role"]?.stringValue ?? "-", Output.list(ResourceAPI.strings(binding, "subjects")),
                            Output.age(binding["createdAt"]?.stringValue),
                        ]
                    }
            }
            if output == .table, items.isEmpty { FileHandle.standardError.write(Data("No role bindings.\n".utf8)) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a role binding.")

        @OptionGroup var client: ClientOptions
        @OptionGroup var scope: Scope
        @Argument(help: "Binding name.") var name: String
        @Option(name: [.short, .long], help: "table, json or yaml.") var output: OutputFormat = .table

        func run() async throws {
            let (binding, data) = try await ResourceAPI(client: try await client.client()).get(try scope.path(name))
            let details: [(String, String)] = [
                ("Name", name),
                ("Scope", scope.cluster ? "cluster-wide" : "namespace \(scope.namespace ?? "")"),
                ("Role", binding["spec"]?["role"]?.stringValue ?? "-"),
                ("Subjects", Output.list(ResourceAPI.strings(binding, "subjects"))),
                ("Created", "\(binding["createdAt"]?.stringValue ?? "-") by \(binding["owner"]?.stringValue ?? "-")"),
            ]
            try Output.print(json: data, format: output) { details }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a role binding: its subjects lose the role.")

        @OptionGroup var client: ClientOptions
        @OptionGroup var scope: Scope
        @Argument(help: "Binding name.") var name: String

        func run() async throws {
            for deleted in try await ResourceAPI(client: try await client.client()).delete(try scope.path(name)) {
                print("\(deleted) deleted")
            }
        }
    }
}
