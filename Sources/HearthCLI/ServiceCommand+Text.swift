import ArgumentParser
import Foundation
import HearthCore

/// The compact flag forms of `hearth service`: health checks, named ports, KEY=VALUE pairs.
enum ServiceSpecText {
    /// `KEY=VALUE` pairs (`--meta`); the value may contain '='.
    static func keyValues(_ items: [String], flag: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for item in items {
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                throw ValidationError("\(flag) takes KEY=VALUE, not '\(item)'")
            }
            result[String(item[..<equals])] = String(item[item.index(after: equals)...])
        }
        return result
    }

    /// `NAME=PORT` pairs (`register --port-name`).
    static func namedPorts(_ items: [String]) throws -> [String: Int] {
        var result: [String: Int] = [:]
        for (name, text) in try keyValues(items, flag: "--port-name") {
            if let problem = Names.dnsLabelProblem(name) { throw ValidationError("--port-name \(name)=\(text): a port name \(problem)") }
            guard let port = Int(text), (1...65535).contains(port) else {
                throw ValidationError("--port-name \(name)=\(text): the port must be a number from 1 to 65535")
            }
            result[name] = port
        }
        return result
    }

    /// A service port, `NAME[=PORT][/PROTOCOL]` (`define --port`), as the API's object.
    static func servicePort(_ text: String) throws -> JSONValue {
        var rest = Substring(text)
        var object: [String: JSONValue] = [:]
        if let slash = rest.lastIndex(of: "/") {
            let proto = String(rest[rest.index(after: slash)...]).lowercased()
            guard ServicePort.TransportProtocol(rawValue: proto) != nil else {
                throw ValidationError(
                    "--port \(text): the protocol must be one of \(ServicePort.TransportProtocol.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            object["protocol"] = .string(proto)
            rest = rest[..<slash]
        }
        if let equals = rest.firstIndex(of: "=") {
            let number = rest[rest.index(after: equals)...]
            guard let port = Int(number), (1...65535).contains(port) else {
                throw ValidationError("--port \(text): the port must be a number from 1 to 65535")
            }
            object["port"] = .int(Int64(port))
            rest = rest[..<equals]
        }
        let name = String(rest)
        if let problem = Names.dnsLabelProblem(name) { throw ValidationError("--port \(text): a port name \(problem)") }
        object["name"] = .string(name)
        return .object(object)
    }

    /// The checks of `--checks-json` (first) and `--check` (in order); nil when neither was given,
    /// so that the service's checks apply. `--checks-json '[]'` means no checks at all.
    static func checks(_ specs: [String], json: String?) throws -> [JSONValue]? {
        guard json != nil || !specs.isEmpty else { return nil }
        var checks: [JSONValue] = []
        if let json {
            let text: String
            if json.hasPrefix("@") {
                let file = String(json.dropFirst())
                guard let contents = try? String(contentsOfFile: file, encoding: .utf8) else { throw ValidationError("cannot read \(file)") }
                text = contents
            } else {
                text = json
            }
            guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)), let array = value.arrayValue,
                array.allSatisfy({ $0.objectValue != nil })
            else {
                throw ValidationError("--checks-json must be a JSON array of check objects, e.g. [{\"type\":\"tcp\",\"interval\":\"5s\"}]")
            }
            checks += array
        }
        checks += try specs.map(check)
        return checks
    }

    static let checkOptions = """
        name, interval, timeout, ttl, status, verify-tls, tls, service, successes, failures, target
        """

    /// One `--check`: `TYPE[:TARGET][,OPTION=VALUE...]`, or a bare `http://...`/`https://...` URL
    /// (with options after it), as the API's check object.
    static func check(_ text: String) throws -> JSONValue {
        var object: [String: JSONValue] = [:]
        var rest = Substring(text)
        let type: String
        if text.hasPrefix("http://") || text.hasPrefix("https://") {
            type = text.hasPrefix("https://") ? "https" : "http"
        } else {
            let head = rest.prefix { $0 != ":" && $0 != "," }
            type = head.lowercased()
            rest = rest.dropFirst(head.count)
            if rest.first == ":" { rest = rest.dropFirst() }
        }
        guard HealthCheckSpec.Kind(rawValue: type) != nil else {
            throw ValidationError(
                "--check \(text): the type must be one of \(HealthCheckSpec.Kind.allCases.map(\.rawValue).joined(separator: ", ")) (TYPE[:TARGET][,OPTION=VALUE...])")
        }
        object["type"] = .string(type)
        // The target: everything up to the first comma, when the spec has one after TYPE: (or is a URL).
        if !rest.hasPrefix(",") && !rest.isEmpty {
            let target = rest.prefix { $0 != "," }
            object["target"] = .string(String(target))
            rest = rest.dropFirst(target.count)
        }
        for option in rest.split(separator: ",", omittingEmptySubsequences: true) {
            let key: String
            let value: String?
            if let equals = option.firstIndex(of: "=") {
                key = String(option[..<equals])
                value = String(option[option.index(after: equals)...])
            } else {
                key = String(option)
                value = nil
            }
            func required() throws -> String {
                guard let value, !value.isEmpty else { throw ValidationError("--check \(text): \(key) needs a value (\(key)=...)") }
                return value
            }
            func duration() throws -> JSONValue {
                let value = try required()
                guard Duration.parse(value) != nil else {
                    throw ValidationError("--check \(text): \(key) must be a duration such as 500ms, 10s or 1m, not '\(value)'")
                }
                return .string(value)
            }
            func count() throws -> JSONValue {
                let value = try required()
                guard let number = Int(value), number >= 1 else { throw ValidationError("--check \(text): \(key) must be a positive number") }
                return .int(Int64(number))
            }
            func flag() throws -> JSONValue {
                switch value?.lowercased() {
                case nil, "true", "yes", "1": return .bool(true)
                case "false", "no", "0": return .bool(false)
                default: throw ValidationError("--check \(text): \(key) is true or false (or just \(key))")
                }
            }
            switch key {
            case "name": object["name"] = .string(try required())
            case "target": object["target"] = .string(try required())
            case "interval": object["interval"] = try duration()
            case "timeout": object["timeout"] = try duration()
            case "ttl": object["ttl"] = try duration()
            case "status", "expected-status", "expectedStatus": object["expectedStatus"] = .string(try required())
            case "verify-tls", "verifyTLS": object["verifyTLS"] = try flag()
            case "tls": object["tls"] = try flag()
            case "service", "grpc-service", "grpcService": object["grpcService"] = .string(value ?? "")
            case "successes", "successesBeforePassing": object["successesBeforePassing"] = try count()
            case "failures", "failuresBeforeCritical": object["failuresBeforeCritical"] = try count()
            default:
                throw ValidationError("--check \(text): unknown option '\(key)'; the options are \(checkOptions)")
            }
        }
        return .object(object)
    }

    /// `host:port`, with an IPv6 address bracketed; the bare address when there is no port.
    static func hostPort(_ address: String, _ port: Int64?) -> String {
        guard let port else { return address }
        return address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"
    }
}
