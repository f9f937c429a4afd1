import ArgumentParser
import Foundation
import HearthClient
import HearthCore
import NIOHTTP1

extension ServiceCommand {
    // MARK: list

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List services, with how many of their instances are healthy.",
            discussion: """
                HEALTHY is healthy/registered instances (healthy: passing or warning). With -o json \
                or yaml, the services as `hearth get services` prints them.

                Examples:
                  hearth service list -n shop
                  hearth service list                  (every namespace you can see)
                  hearth service list -n shop -o yaml
                """)

        @OptionGroup var client: ClientOptions
        @Option(name: [.short, .long], help: "Namespace (omit for every namespace).") var namespace: String?
        @Option(name: [.short, .long], help: "table, json or yaml.") var output: OutputFormat = .table

        func run() async throws {
            let api = ResourceAPI(client: try await client.client())
            let services = try await api.list(ServiceCommand.path(namespace))
            if output != .table {
                return try Output.print(json: ResourceAPI.listData(type: RegistryTypes.servicesTypeName, services), format: output, table: { [] })
            }
            // One more request for every instance, rather than one per service.
            let instances = try? await api.list(ServiceCommand.allInstancesPath(namespace))
            let specs = Dictionary(services.map { (ServiceCommand.key($0["namespace"]?.stringValue, $0["name"]?.stringValue), $0["spec"]) }) { a, _ in a }
            var counts: [String: (healthy: Int, total: Int)] = [:]
            for instance in instances ?? [] {
                let key = ServiceCommand.key(instance["namespace"]?.stringValue, instance["spec"]?["service"]?.stringValue)
                let healthy = ServiceCommand.health(of: instance, serviceSpec: specs[key] ?? nil)?.isHealthy == true
                counts[key, default: (0, 0)].total += 1
                if healthy { counts[key, default: (0, 0)].healthy += 1 }
            }
            let all = namespace == nil
            Output.printTable(
                [(all ? ["NAMESPACE"] : []) + ["NAME", "PORTS", "TAGS", "HEALTHY", "AGE"]]
                    + services.map { service in
                        let key = ServiceCommand.key(service["namespace"]?.stringValue, service["name"]?.stringValue)
                        let count = counts[key].map { "\($0.healthy)/\($0.total)" } ?? (instances == nil ? "-" : "0/0")
                        return (all ? [service["namespace"]?.stringValue ?? "-"] : []) + [
                            service["name"]?.stringValue ?? "-", ServiceCommand.portsText(service["spec"]?["ports"]),
                            Output.list(ResourceAPI.strings(service, "tags")), count, Output.age(service["createdAt"]?.stringValue),
                        ]
                    })
            if services.isEmpty { FileHandle.standardError.write(Data("No services found.\n".utf8)) }
        }
    }

    // MARK: show

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a service and its instances, with their health.",
            discussion: """
                Every registered instance is listed, critical ones included, with the state of each \
                of its checks; the output of checks that are not passing follows the table. With -o \
                json or yaml: {service: the service resource, index, instances: as discovery \
                answers them}.

                Examples:
                  hearth service show web -n shop
                  hearth service show web -n shop -o json
                """)

        @OptionGroup var client: ClientOptions
        @Argument(help: "Service name.") var service: String
        @Option(name: [.short, .long], help: "Namespace.") var namespace: String
        @Option(name: [.short, .long], help: "table, json or yaml.") var output: OutputFormat = .table

        func validate() throws {
            try ServiceCommand.validateName(service, "service name")
        }

        func run() async throws {
            let api = try await client.client()
            let (resource, _) = try await ResourceAPI(client: api).get(ServiceCommand.path(namespace, service))
            let (_, _, data) = try await api.send(.GET, ServiceCommand.instancePath(namespace, service))
            let answer = try JSONDecoder().decode(JSONValue.self, from: data)
            let instances = answer["instances"]?.arrayValue ?? []
            if output != .table {
                let combined: JSONValue = ["service": resource, "index": answer["index"] ?? .null, "instances": .array(instances)]
                return try Output.print(json: ResourceAPI.data(combined), format: output, table: { [] })
            }
            let spec = resource["spec"]
            let healthy = instances.filter { ($0["health"]?.stringValue).flatMap(HealthState.init(rawValue:))?.isHealthy == true }.count
            let checks = (spec?["checks"]?.arrayValue ?? []).map(ServiceCommand.checkText)
            try Output.print(json: Data(), format: .table) {
                [
                    ("Service", "\(namespace)/\(service)"),
                    ("Ports", ServiceCommand.portsText(spec?["ports"])),
                    ("Tags", Output.list(ResourceAPI.strings(resource, "tags"))),
                    ("Meta", ServiceCommand.metaText(spec?["meta"])),
                    ("Checks", checks.isEmpty ? "-" : checks.joined(separator: "; ")),
                    ("Instances", "\(instances.count) (\(healthy) healthy)"),
                    ("Index", answer["index"]?.int64Value.map(String.init) ?? "-"),
                    ("Created", "\(resource["createdAt"]?.stringValue ?? "-") by \(resource["owner"]?.stringValue ?? "-")"),
                    ("Version", resource["version"]?.int64Value.map(String.init) ?? "-"),
                ]
            }
            guard !instances.isEmpty else {
                FileHandle.standardError.write(Data("No instances registered.\n".utf8))
                return
            }
            print("")
            Output.printTable(
                [["ID", "ADDRESS", "PORTS", "HEALTH", "WEIGHT", "TAGS", "NODE", "CHECKS"]]
                    + instances.map { instance in
                        let named = (instance["ports"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.int64Value.map(String.init) ?? "?")" }
                        let reports = (instance["checks"]?.arrayValue ?? []).map { "\($0["name"]?.stringValue ?? "?"):\($0["state"]?.stringValue ?? "?")" }
                        return [
                            instance["id"]?.stringValue ?? "-",
                            ServiceSpecText.hostPort(instance["address"]?.stringValue ?? "-", instance["port"]?.int64Value),
                            Output.list(named), instance["health"]?.stringValue ?? "-", instance["weight"]?.int64Value.map(String.init) ?? "1",
                            Output.list((instance["tags"]?.arrayValue ?? []).compactMap(\.stringValue)), instance["node"]?.stringValue ?? "-",
                            Output.list(reports),
                        ]
                    })
            let failing = instances.flatMap { instance in
                (instance["checks"]?.arrayValue ?? []).filter { $0["state"]?.stringValue != "passing" }.map { (instance["id"]?.stringValue ?? "?", $0) }
            }
            if !failing.isEmpty {
                print("\nChecks not passing:")
                for (id, report) in failing {
                    let output = (report["output"]?.stringValue ?? "").split(separator: "\n").first.map(String.init) ?? ""
                    let at = report["checkedAt"]?.stringValue.map { " at \($0)" } ?? ""
                    print("  \(id)/\(report["name"]?.stringValue ?? "?"): \(report["state"]?.stringValue ?? "?")\(at)" + (output.isEmpty ? "" : ": \(output)"))
                }
            }
        }
    }

    // MARK: resolve

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print where a service answers: its healthy instances as address:port lines.",
            discussion: """
                Healthy instances are passing or warning; --all adds critical ones. With --pick, \
                one instance chosen at random in proportion to the weights. Exits with status 1 \
                (and says so on standard error) when there is none.

                --wait makes a blocking query: the answer comes once the service or any of its \
                instances (health included) changes after --index, or when the wait is over (at \
                most 10m). Without --index, it waits for the next change from now. `-o json` shows \
                the index to pass to the next query.

                Examples:
                  hearth service resolve web -n shop
                  hearth service resolve web -n shop --tag canary --port-name metrics
                  curl "http://$(hearth service resolve web -n shop --pick)/"
                  hearth service resolve web -n shop -o json --index 42 --wait 5m
                """)

        @OptionGroup var client: ClientOptions
        @Argument(help: "Service name.") var service: String
        @Option(name: [.short, .long], help: "Namespace.") var namespace: String
        @Flag(name: .long, help: "Include critical instances.") var all = false
        @Option(name: .long, help: "Only instances with this tag.") var tag: String?
        @Option(name: .customLong("port-name"), help: "Print this named port instead of the main port; instances without it are left out.")
        var portName: String?
        @Flag(name: .long, help: "Print one instance, chosen by weight.") var pick = false
        @Option(name: .long, help: ArgumentHelp("Block until something changes after --index, at most this long (e.g. 30s, 5m).", valueName: "duration"))
        var wait: String?
        @Option(name: .long, help: "The index of the last answer, for a blocking query (-o json shows it).") var index: Int64?
        @Option(name: [.short, .long], help: "table (address:port lines), json or yaml (the discovery answer).") var output: OutputFormat = .table

        func validate() throws {
            try ServiceCommand.validateName(service, "service name")
            if let wait {
                guard let duration = Duration.parse(wait) else { throw ValidationError("--wait must be a duration such as 30s or 5m") }
                guard duration <= .seconds(600) else { throw ValidationError("--wait may be at most 10m") }
            }
            if let index, index < 0 { throw ValidationError("--index must not be negative") }
        }

        func run() async throws {
            let api = try await client.client()
            var query: [URLQueryItem] = []
            if !all { query.append(URLQueryItem(name: "healthy", value: "true")) }
            if let tag { query.append(URLQueryItem(name: "tag", value: tag)) }
            var index = self.index
            if wait != nil, index == nil {
                // Wait for the next change from now: first learn where now is.
                index = try await discover(api, query).index
            }
            var timeout = Duration.seconds(60)
            if let index {
                query.append(URLQueryItem(name: "index", value: String(index)))
                if let wait { query.append(URLQueryItem(name: "wait", value: wait)) }
                // The server holds the request for the wait (300s when none is given).
                timeout = (wait.flatMap(Duration.parse) ?? .seconds(300)) + .seconds(30)
            }
            let (answer, number) = try await discover(api, query, timeout: timeout)
            var instances = answer["instances"]?.arrayValue ?? []
            var targets: [(instance: JSONValue, port: Int64?)] = instances.map { ($0, $0["port"]?.int64Value) }
            if let portName {
                targets = instances.compactMap { instance in instance["ports"]?[portName]?.int64Value.map { (instance, $0) } }
            }
            if pick, let chosen = WeightedSelection(targets.map { ($0, Int($0.instance["weight"]?.int64Value ?? 1)) }).pick() {
                targets = [chosen]
            }
            instances = targets.map(\.instance)
            if output == .table {
                for target in targets { print(ServiceSpecText.hostPort(target.instance["address"]?.stringValue ?? "", target.port)) }
            } else {
                var filtered = answer.objectValue ?? [:]
                filtered["instances"] = .array(instances)
                filtered["index"] = .int(number)
                try Output.print(json: ResourceAPI.data(.object(filtered)), format: output, table: { [] })
            }
            if targets.isEmpty {
                var what = all ? "no instances of service/\(namespace)/\(service)" : "no healthy instances of service/\(namespace)/\(service)"
                if let tag { what += " tagged \(tag)" }
                if let portName { what += " with a port named \(portName)" }
                throw CLIFailure(what)
            }
        }

        /// One discovery request: the answer and its index (`X-Hearth-Index`, else the body's).
        private func discover(_ api: HearthClient, _ query: [URLQueryItem], timeout: Duration = .seconds(60)) async throws -> (answer: JSONValue, index: Int64) {
            var components = URLComponents()
            components.queryItems = query
            let suffix = components.percentEncodedQuery.map { "?\($0)" } ?? ""
            let (_, headers, data) = try await api.send(
                .GET, ServiceCommand.instancePath(namespace, service) + suffix, timeout: .milliseconds(timeout.components.seconds * 1000))
            let answer = try JSONDecoder().decode(JSONValue.self, from: data)
            let index = headers.first(name: "X-Hearth-Index").flatMap { Int64($0) } ?? answer["index"]?.int64Value ?? 0
            return (answer, index)
        }
    }

    // MARK: Shared

    /// `namespace/name`, to match instances to their service.
    static func key(_ namespace: String?, _ name: String?) -> String {
        "\(namespace ?? "")/\(name ?? "")"
    }

    /// An instance's health, as discovery sees it (the checker's last report, or before the first
    /// one, its initial state); nil if the resource cannot be read as an instance.
    static func health(of instance: JSONValue, serviceSpec: JSONValue?) -> HealthState? {
        guard let resource = try? APIJSON.decode(Resource.self, from: instance) else { return nil }
        let spec = try? APIJSON.decode(InstanceSpec.self, from: resource.spec)
        let service = serviceSpec.flatMap { try? APIJSON.decode(ServiceSpec.self, from: $0) }
        return InstanceHealth.state(of: resource, spec: spec, service: service)
    }

    /// A service's ports for a table cell: `http=8080/http,metrics/tcp`.
    static func portsText(_ ports: JSONValue?) -> String {
        Output.list(
            (ports?.arrayValue ?? []).map { port in
                (port["name"]?.stringValue ?? "?") + (port["port"]?.int64Value.map { "=\($0)" } ?? "") + "/" + (port["protocol"]?.stringValue ?? "tcp")
            })
    }

    static func metaText(_ meta: JSONValue?) -> String {
        Output.list((meta?.objectValue ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.stringValue ?? "?")" })
    }

    /// A check in the compact form `--check` takes: `http:URL,interval=10s`.
    static func checkText(_ check: JSONValue) -> String {
        var text = check["type"]?.stringValue ?? "?"
        if let target = check["target"]?.stringValue { text += ":" + target }
        let options: [(String, String)] = [
            ("name", "name"), ("interval", "interval"), ("timeout", "timeout"), ("ttl", "ttl"), ("expectedStatus", "status"),
            ("grpcService", "service"), ("successesBeforePassing", "successes"), ("failuresBeforeCritical", "failures"),
        ]
        for (field, option) in options {
            if let value = check[field] {
                text += ",\(option)=" + (value.stringValue ?? value.int64Value.map(String.init) ?? "?")
            }
        }
        if check["verifyTLS"]?.boolValue == true { text += ",verify-tls" }
        if check["tls"]?.boolValue == true { text += ",tls" }
        return text
    }
}
