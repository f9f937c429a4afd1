import ArgumentParser
import Foundation
import HearthClient
import HearthCore
import NIOHTTP1

/// `hearth service ...`: the service registry. Services and their instances, health, discovery.
struct ServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service", abstract: "Register, discover and inspect services and their instances (the service registry).",
        discussion: """
            A service is a name in a namespace (with ports, tags and default health checks); its \
            instances are the running copies: an address, ports, tags, a weight and health checks \
            that Hearth runs (http, https, tcp, grpc) or that the instance reports itself (ttl). \
            Discovery answers with the healthy ones (passing or warning), over this API and DNS \
            (<service>.<namespace>.svc.<domain>).

            An instance without checks is passing at once; one with checks starts critical (or \
            at --initial-state) until its first check result.

            Examples:
              hearth service register web -n shop --id web-1 --address 10.0.0.5 \\
                  --port 8080 --check http://10.0.0.5:8080/healthz,interval=10s
              hearth service list -n shop
              hearth service show web -n shop
              hearth service resolve web -n shop --pick
              curl "http://$(hearth service resolve web -n shop --pick)/"
              hearth service deregister web web-1 -n shop
            """,
        subcommands: [Register.self, Deregister.self, List.self, Show.self, Resolve.self, Define.self, Heartbeat.self],
        aliases: ["services", "svc"])

    /// `/v1/namespaces/NS/services[/SERVICE]`, or `/v1/services` (every namespace) without a namespace.
    static func path(_ namespace: String?, _ service: String? = nil) -> String {
        guard let namespace else { return "/v1/services" }
        return "/v1/namespaces/\(ResourceAPI.segment(namespace))/services" + (service.map { "/" + ResourceAPI.segment($0) } ?? "")
    }

    /// `/v1/namespaces/NS/services/SERVICE/instances[/ID]`: discovery, or one instance.
    static func instancePath(_ namespace: String, _ service: String, _ id: String? = nil) -> String {
        path(namespace, service) + "/instances" + (id.map { "/" + ResourceAPI.segment($0) } ?? "")
    }

    /// Every instance of a namespace (or of every namespace), as generic resources.
    static func allInstancesPath(_ namespace: String?) -> String {
        guard let namespace else { return "/v1/instances" }
        return "/v1/namespaces/\(ResourceAPI.segment(namespace))/instances"
    }

    static func validateName(_ name: String, _ what: String) throws {
        if let problem = Names.dnsLabelProblem(name) { throw ValidationError("a \(what) \(problem)") }
    }

    /// The health an instance starts in, before its first check result.
    enum InitialState: String, ExpressibleByArgument, CaseIterable {
        case passing, warning, critical
    }

    // MARK: register

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register an instance of a service (creating the service if it does not exist).",
            discussion: """
                Creates or replaces the instance ID: registering again with the same flags changes \
                nothing, so it is safe to run at every start. If the service does not exist yet it is \
                created (with the port names of --port-name and nothing else); an existing service \
                is left as it is (`hearth service define` changes it).

                --check takes TYPE[:TARGET][,OPTION=VALUE...]; repeat it for several checks:
                  TYPE    http, https, tcp, grpc or ttl
                  TARGET  http/https: a URL; tcp/grpc: host:port. Default: the
                          instance's address and port. A bare http://URL or
                          https://URL names the type too.
                  OPTION  name=NAME       the check's name (default: type, or type-N)
                          interval=10s    time between runs (default 10s)
                          timeout=2s      time a run may take (default 2s)
                          ttl=30s         ttl: how long a heartbeat keeps it passing
                          status=200-299  http/https: passing codes (or 200,204)
                          verify-tls      https, grpc+tls: verify with Hearth's CA
                          tls             grpc: connect with TLS
                          service=NAME    grpc: the service asked about
                          successes=N     passes in a row to turn passing (1)
                          failures=N      failures in a row to turn critical (1)

                A target containing commas must be given with --checks-json, which takes the \
                checks as the API's JSON array (or @FILE to read it from a file); \
                --checks-json '[]' gives the instance no checks even if the service has some.

                Without checks of its own, an instance uses the service's checks; without any, it is \
                passing at once. With checks, it is critical until the first result unless \
                --initial-state says otherwise.

                Examples:
                  hearth service register web -n shop --id web-1 \\
                      --address 10.0.0.5 --port 8080
                  hearth service register web -n shop --id web-2 \\
                      --address 10.0.0.6 --port 8080 --port-name metrics=9100 \\
                      --tag canary --meta version=2.1 --weight 3 \\
                      --check http://10.0.0.6:8080/healthz,interval=5s,timeout=1s
                  hearth service register db -n shop --id db-1 \\
                      --address 10.0.0.7 --port 5432 --check tcp
                  hearth service register api -n shop --id api-1 \\
                      --address 10.0.0.8 --port 9000 \\
                      --check grpc:10.0.0.8:9000,service=api.v1.Api,tls
                  hearth service register job -n shop --id job-1 \\
                      --address 10.0.0.9 --check ttl,ttl=30s \\
                      --initial-state passing --deregister-after 10m
                """)

        @OptionGroup var client: ClientOptions
        @Argument(help: "Service name.") var service: String
        @Option(name: [.short, .long], help: "Namespace.") var namespace: String
        @Option(name: .long, help: "Instance id, unique in the namespace (a DNS label), e.g. web-1.") var id: String
        @Option(name: .long, help: "The instance's IP address or host name.") var address: String
        @Option(name: .long, help: "The instance's main port.") var port: Int?
        @Option(name: .customLong("port-name"), parsing: .singleValue, help: ArgumentHelp("A named port, NAME=PORT (e.g. metrics=9100); repeatable.", valueName: "name=port"))
        var portNames: [String] = []
        @Option(name: .long, parsing: .singleValue, help: "A tag; repeatable.") var tag: [String] = []
        @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("Metadata KEY=VALUE; repeatable.", valueName: "key=value")) var meta: [String] = []
        @Option(name: .long, help: "Relative share of traffic, 1 to 65535 (default 1).") var weight: Int?
        @Option(name: .long, help: "The node the instance runs on.") var node: String?
        @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("A health check, TYPE[:TARGET][,OPTION=VALUE...] (see above); repeatable.", valueName: "spec"))
        var check: [String] = []
        @Option(name: .long, help: ArgumentHelp("Health checks as a JSON array of the API's check objects, or @FILE.", valueName: "json"))
        var checksJson: String?
        @Option(name: .long, help: "State before the first check result: passing, warning or critical (default critical).")
        var initialState: InitialState?
        @Option(name: .long, help: ArgumentHelp("Remove the instance once it has been critical this long, e.g. 10m.", valueName: "duration"))
        var deregisterAfter: String?
        @Option(name: [.short, .long], help: "table (a line saying what was done), json or yaml (the instance).") var output: OutputFormat = .table

        func validate() throws {
            try ServiceCommand.validateName(service, "service name")
            try ServiceCommand.validateName(id, "instance id")
            if let port, !(1...65535).contains(port) { throw ValidationError("--port must be from 1 to 65535") }
            if let weight, !(1...65535).contains(weight) { throw ValidationError("--weight must be from 1 to 65535") }
            if let deregisterAfter, Duration.parse(deregisterAfter) == nil {
                throw ValidationError("--deregister-after must be a duration such as 90s, 10m or 1h")
            }
            _ = try spec()
        }

        func spec() throws -> JSONValue {
            var spec: [String: JSONValue] = ["address": .string(address)]
            if let port { spec["port"] = .int(Int64(port)) }
            let ports = try ServiceSpecText.namedPorts(portNames)
            if !ports.isEmpty { spec["ports"] = .object(ports.mapValues { .int(Int64($0)) }) }
            if !tag.isEmpty { spec["tags"] = .array(tag.map { .string($0) }) }
            let meta = try ServiceSpecText.keyValues(self.meta, flag: "--meta")
            if !meta.isEmpty { spec["meta"] = .object(meta.mapValues { .string($0) }) }
            if let weight { spec["weight"] = .int(Int64(weight)) }
            if let node { spec["node"] = .string(node) }
            if let checks = try ServiceSpecText.checks(check, json: checksJson) { spec["checks"] = .array(checks) }
            if let initialState { spec["initialState"] = .string(initialState.rawValue) }
            if let deregisterAfter { spec["deregisterAfter"] = .string(deregisterAfter) }
            return .object(spec)
        }

        func run() async throws {
            let spec = try spec()
            let api = try await client.client()
            let serviceCreated = try await ServiceCommand.ensureService(
                api, namespace: namespace, service: service, portNames: try ServiceSpecText.namedPorts(portNames).keys.sorted())
            let (status, _, data) = try await api.send(
                .PUT, ServiceCommand.instancePath(namespace, service, id), body: try JSONEncoder().encode(JSONValue.object(["spec": spec])))
            if output != .table { return try Output.print(json: data, format: output, table: { [] }) }
            if serviceCreated { print("service/\(namespace)/\(service) created") }
            print("instance \(id) of service/\(namespace)/\(service) \(status == 201 ? "registered" : "updated")")
        }
    }

    /// Creates the service with a minimal spec unless it exists (an existing service's spec is
    /// kept). Returns whether it was created here.
    static func ensureService(_ api: HearthClient, namespace: String, service: String, portNames: [String]) async throws -> Bool {
        do {
            _ = try await api.send(.GET, path(namespace, service))
            return false
        } catch let error as HearthAPIError where error.status == 404 {
            // The service, or its namespace, is not there; the create below says which.
        }
        var spec: [String: JSONValue] = [:]
        if !portNames.isEmpty { spec["ports"] = .array(portNames.map { .object(["name": .string($0)]) }) }
        do {
            // POST, not PUT: if someone else creates it in between, theirs is kept.
            _ = try await api.send(
                .POST, path(namespace), body: try JSONEncoder().encode(JSONValue.object(["name": .string(service), "spec": .object(spec)])))
            return true
        } catch let error as HearthAPIError where error.status == 409 && error.code == "already-exists" {
            return false
        }
    }

    // MARK: deregister

    struct Deregister: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deregister an instance of a service.",
            discussion: """
                Removes the instance at once: discovery and DNS stop answering with it. The service \
                stays (delete it with `hearth delete services NAME -n NS` once it has no instances).

                Examples:
                  hearth service deregister web web-1 -n shop
                  hearth service deregister web web-1 -n shop --ignore-not-found
                """)

        @OptionGroup var client: ClientOptions
        @Argument(help: "Service name.") var service: String
        @Argument(help: "Instance id.") var id: String
        @Option(name: [.short, .long], help: "Namespace.") var namespace: String
        @Flag(name: .long, help: "Succeed (quietly) when the instance is not registered.") var ignoreNotFound = false

        func validate() throws {
            try ServiceCommand.validateName(service, "service name")
            try ServiceCommand.validateName(id, "instance id")
        }

        func run() async throws {
            let api = try await client.client()
            do {
                _ = try await api.send(.DELETE, ServiceCommand.instancePath(namespace, service, id))
            } catch let error as HearthAPIError where error.status == 404 && ignoreNotFound {
                FileHandle.standardError.write(Data("instance \(id) of service/\(namespace)/\(service) was not registered\n".utf8))
                return
            }
            print("instance \(id) of service/\(namespace)/\(service) deregistered")
        }
    }

    // MARK: define

    struct Define: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or replace a service: its ports, tags, metadata and default checks.",
            discussion: """
                Writes the whole spec: what is not given is removed (instances are not touched). \
                Instances that declare no checks of their own use the service's checks; the \
                service's named ports apply to every instance that does not name its own.

                --port takes NAME[=PORT][/PROTOCOL], PROTOCOL one of tcp (default), udp, http, https \
                or grpc. DNS answers SRV queries for each named port, at \
                _NAME._PROTO.<service>.<namespace>.svc.<domain> (PROTO udp for udp ports, tcp \
                for the rest). \
                --check is as in `hearth service register --help`; a check's target defaults to each \
                instance's address and port.

                Examples:
                  hearth service define web -n shop --port http=8080/http \\
                      --port metrics=9100 --check http,interval=10s --tag frontend
                  hearth service define dns -n infra --port dns=53/udp
                """)

        @OptionGroup var client: ClientOptions
        @Argument(help: "Service name.") var service: String
        @Option(name: [.short, .long], help: "Namespace.") var namespace: String
        @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("A named port NAME[=PORT][/PROTOCOL]; repeatable.", valueName: "port"))
        var port: [String] = []
        @Option(name: .long, parsing: .singleValue, help: "A tag; repeatable.") var tag: [String] = []
        @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("Metadata KEY=VALUE; repeatable.", valueName: "key=value")) var meta: [String] = []
        @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("A default health check of its instances; repeatable.", valueName: "spec"))
        var check: [String] = []
        @Option(name: .long, help: ArgumentHelp("Default health checks as a JSON array, or @FILE.", valueName: "json")) var checksJson: String?
        @Option(name: [.short, .long], help: "table (a line saying what was done), json or yaml (the service).") var output: OutputFormat = .table

        func validate() throws {
            try ServiceCommand.validateName(service, "service name")
            _ = try port.map(ServiceSpecText.servicePort)
            _ = try ServiceSpecText.keyValues(meta, flag: "--meta")
            _ = try ServiceSpecText.checks(check, json: checksJson)
        }

        func run() async throws {
            var spec: [String: JSONValue] = [:]
            let ports = try port.map(ServiceSpecText.servicePort)
            if !ports.isEmpty { spec["ports"] = .array(ports) }
            if !tag.isEmpty { spec["tags"] = .array(tag.map { .string($0) }) }
            let meta = try ServiceSpecText.keyValues(self.meta, flag: "--meta")
            if !meta.isEmpty { spec["meta"] = .object(meta.mapValues { .string($0) }) }
            if let checks = try ServiceSpecText.checks(check, json: checksJson) { spec["checks"] = .array(checks) }
            let api = try await client.client()
            let (status, _, data) = try await api.send(
                .PUT, ServiceCommand.path(namespace, service), body: try JSONEncoder().encode(JSONValue.object(["spec": .object(spec)])))
            if output != .table { return try Output.print(json: data, format: output, table: { [] }) }
            print("service/\(namespace)/\(service) \(status == 201 ? "created" : "updated")")
        }
    }

    // MARK: heartbeat

    struct Heartbeat: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report the result of an instance's ttl check: pass (default), warn or fail.",
            discussion: """
                A ttl check stays passing while results arrive more often than its ttl; without one \
                it turns critical. Run this from the instance (or a cron job, or a sidecar) at an \
                interval well below the ttl. An API key of a service account with the `heartbeat` \
                verb on instances is enough.

                Examples:
                  hearth service register job -n shop --id job-1 \\
                      --address 10.0.0.9 --check ttl,ttl=30s
                  hearth service heartbeat job job-1 ttl -n shop
                  hearth service heartbeat job job-1 ttl -n shop --warn --note "queue 90% full"
                  hearth service heartbeat job job-1 ttl -n shop --fail --note "db unreachable"
                """)

        @OptionGroup var client: ClientOptions
        @Argument(help: "Service name.") var service: String
        @Argument(help: "Instance id.") var id: String
        @Argument(help: "The ttl check's name (its type, ttl, unless it was named).") var check: String
        @Option(name: [.short, .long], help: "Namespace.") var namespace: String
        @Flag(name: .long, help: "Report a warning (still healthy) instead of a pass.") var warn = false
        @Flag(name: .long, help: "Report a failure (critical) instead of a pass.") var fail = false
        @Option(name: .long, help: "What the check saw (shown by `hearth service show`).") var note: String?

        func validate() throws {
            try ServiceCommand.validateName(service, "service name")
            try ServiceCommand.validateName(id, "instance id")
            if warn, fail { throw ValidationError("--warn and --fail exclude each other") }
        }

        func run() async throws {
            let result = fail ? "fail" : warn ? "warn" : "pass"
            let api = try await client.client()
            let path = ServiceCommand.instancePath(namespace, service, id) + "/checks/\(ResourceAPI.segment(check))/\(result)"
            let (_, _, data) = try await api.send(.PUT, path, body: note.map { Data($0.utf8) }, contentType: "text/plain; charset=utf-8")
            let instance = try? JSONDecoder().decode(JSONValue.self, from: data)
            let health = instance?["status"]?["details"]?["health"]?.stringValue
            print("check \(check) of instance \(id): \(fail ? "critical" : warn ? "warning" : "passing")" + (health.map { " (instance \($0))" } ?? ""))
        }
    }
}
