/// One health check of an instance, as written under `spec.checks` of a service (the default for
/// its instances) or of an instance.
public struct HealthCheckSpec: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// An HTTP GET; passing on an expected status, warning on 429, critical otherwise.
        case http
        /// The same over TLS; `verifyTLS` checks the certificate against Hearth's CA.
        case https
        /// A TCP connection that opens.
        case tcp
        /// The gRPC health checking protocol (`grpc.health.v1.Health/Check`): passing on SERVING.
        case grpc
        /// Passing while the instance calls `.../checks/{name}/pass` more often than `ttl`.
        case ttl
    }

    public static let defaultInterval = Duration.seconds(10)
    public static let defaultTimeout = Duration.seconds(2)
    public static let defaultTTL = Duration.seconds(30)
    /// Output kept of the last run.
    public static let maxOutputBytes = 4096

    /// Unique among the instance's checks; defaults to `<type>` or `<type>-<n>`.
    public var name: String?
    public var type: Kind
    /// http/https: a URL (default `<scheme>://<address>:<port>/`); tcp and grpc: `host:port`
    /// (default the instance's address and port).
    public var target: String?
    public var interval: String?
    public var timeout: String?
    /// ttl checks: how long a heartbeat keeps the check passing.
    public var ttl: String?
    /// http/https: the passing status codes, `200-299` by default (`200`, `200-399`, `200,204`).
    public var expectedStatus: String?
    /// https and grpc over TLS: verify the server's certificate against Hearth's CA.
    public var verifyTLS: Bool?
    /// grpc: connect with TLS.
    public var tls: Bool?
    /// grpc: the service name asked about (empty: the whole server).
    public var grpcService: String?
    /// Consecutive passing results before a non-passing check turns passing (default 1).
    public var successesBeforePassing: Int?
    /// Consecutive failing results before a passing check turns warning or critical (default 1).
    public var failuresBeforeCritical: Int?

    public init(type: Kind, name: String? = nil, target: String? = nil, interval: String? = nil, timeout: String? = nil) {
        self.type = type
        self.name = name
        self.target = target
        self.interval = interval
        self.timeout = timeout
    }

    public var intervalDuration: Duration { interval.flatMap(Duration.parse) ?? Self.defaultInterval }
    public var timeoutDuration: Duration { timeout.flatMap(Duration.parse) ?? Self.defaultTimeout }
    public var ttlDuration: Duration { ttl.flatMap(Duration.parse) ?? Self.defaultTTL }
    public var successThreshold: Int { max(1, successesBeforePassing ?? 1) }
    public var failureThreshold: Int { max(1, failuresBeforeCritical ?? 1) }

    /// The status codes `expectedStatus` accepts, as closed ranges; nil if it does not parse.
    public static func statusRanges(_ text: String?) -> [ClosedRange<Int>]? {
        guard let text, !text.isEmpty else { return [200...299] }
        var ranges: [ClosedRange<Int>] = []
        for part in text.split(separator: ",") {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false).map {
                Int($0.filter { $0 != " " })
            }
            switch bounds.count {
            case 1:
                guard let code = bounds[0], (100...599).contains(code) else { return nil }
                ranges.append(code...code)
            case 2:
                guard let low = bounds[0], let high = bounds[1], (100...599).contains(low), (100...599).contains(high), low <= high else {
                    return nil
                }
                ranges.append(low...high)
            default: return nil
            }
        }
        return ranges.isEmpty ? nil : ranges
    }

    /// The checks' names, defaulted: `<type>` when the type occurs once, `<type>-<n>` otherwise.
    public static func names(of checks: [HealthCheckSpec]) -> [String] {
        var counts: [Kind: Int] = [:]
        for check in checks where check.name == nil { counts[check.type, default: 0] += 1 }
        var seen: [Kind: Int] = [:]
        return checks.map { check in
            if let name = check.name { return name }
            seen[check.type, default: 0] += 1
            return counts[check.type] == 1 ? check.type.rawValue : "\(check.type.rawValue)-\(seen[check.type]!)"
        }
    }

    /// The JSON Schema of a check.
    public static let schema = JSONSchema.object(
        [
            "name": .string(description: "Unique among the instance's checks (a DNS label); default the type.", format: "dns-label"),
            "type": .string(description: "http, https, tcp, grpc or ttl.", enum: Kind.allCases.map(\.rawValue)),
            "target": .string(
                description: "http/https: a URL (default <scheme>://<address>:<port>/); tcp/grpc: host:port (default the instance's).",
                maxLength: 2048),
            "interval": .string(description: "Time between runs (default 10s, at least 1s).", format: "duration"),
            "timeout": .string(description: "Time a run may take (default 2s).", format: "duration"),
            "ttl": .string(description: "ttl checks: how long a heartbeat keeps the check passing (default 30s).", format: "duration"),
            "expectedStatus": .string(description: "http/https: passing status codes, e.g. 200-299 (default), 200,204 or 200-399.", maxLength: 64),
            "verifyTLS": .boolean(description: "https and grpc with tls: verify the certificate against Hearth's CA."),
            "tls": .boolean(description: "grpc: connect with TLS."),
            "grpcService": .string(description: "grpc: the service asked about; empty for the whole server.", maxLength: 256),
            "successesBeforePassing": .integer(description: "Consecutive passes before turning passing (default 1).", minimum: 1, maximum: 100),
            "failuresBeforeCritical": .integer(description: "Consecutive failures before turning warning or critical (default 1).", minimum: 1, maximum: 100),
        ], required: ["type"])

    /// What the schema cannot say: durations in range, status ranges, targets, unique names.
    public static func violations(of checks: [HealthCheckSpec], field: String) -> [FieldViolation] {
        var violations: [FieldViolation] = []
        for (index, check) in checks.enumerated() {
            let at = "\(field)[\(index)]"
            if let interval = check.interval.flatMap(Duration.parse), interval < .seconds(1) || interval > .seconds(86_400) {
                violations.append(FieldViolation(field: "\(at).interval", reason: "must be from 1s to 24h"))
            }
            if let timeout = check.timeout.flatMap(Duration.parse), timeout < .milliseconds(10) || timeout > .seconds(300) {
                violations.append(FieldViolation(field: "\(at).timeout", reason: "must be from 10ms to 5m"))
            }
            if let ttl = check.ttl.flatMap(Duration.parse), ttl < .seconds(1) || ttl > .seconds(86_400 * 7) {
                violations.append(FieldViolation(field: "\(at).ttl", reason: "must be from 1s to 7d"))
            }
            if check.ttl != nil, check.type != .ttl {
                violations.append(FieldViolation(field: "\(at).ttl", reason: "applies to ttl checks only"))
            }
            if check.expectedStatus != nil, statusRanges(check.expectedStatus) == nil {
                violations.append(FieldViolation(field: "\(at).expectedStatus", reason: "must be status codes or ranges from 100 to 599, as in 200-299 or 200,204"))
            }
            if let target = check.target {
                switch check.type {
                case .http, .https:
                    let scheme = check.type.rawValue + "://"
                    if !target.hasPrefix(scheme) || target.utf8.count <= scheme.utf8.count {
                        violations.append(FieldViolation(field: "\(at).target", reason: "must be a URL starting with \(scheme)"))
                    }
                case .tcp, .grpc:
                    if HostPort.parse(target) == nil {
                        violations.append(FieldViolation(field: "\(at).target", reason: "must be host:port, e.g. 10.0.0.5:8080 or [::1]:9000"))
                    }
                case .ttl:
                    violations.append(FieldViolation(field: "\(at).target", reason: "ttl checks have no target: the instance reports to Hearth"))
                }
            }
        }
        let names = names(of: checks)
        for (index, name) in names.enumerated() where names[..<index].contains(name) {
            violations.append(FieldViolation(field: "\(field)[\(index)].name", reason: "'\(name)' names two checks"))
        }
        return violations
    }
}
