import Foundation

/// What the health checker reports of an instance, under `status.details`.
public struct InstanceHealth: Sendable, Hashable, Codable {
    /// The worst state of the instance's checks; passing when it has none.
    public var health: HealthState
    public var checks: [CheckReport]
    /// When the instance last turned critical (RFC 3339), while it is critical.
    public var criticalSince: String?

    public init(health: HealthState, checks: [CheckReport] = [], criticalSince: String? = nil) {
        self.health = health
        self.checks = checks
        self.criticalSince = criticalSince
    }

    public struct CheckReport: Sendable, Hashable, Codable {
        public var name: String
        public var type: HealthCheckSpec.Kind
        public var state: HealthState
        /// What the last run saw (at most 4 KB).
        public var output: String
        /// When the last run ended (RFC 3339), nil before the first.
        public var checkedAt: String?

        public init(name: String, type: HealthCheckSpec.Kind, state: HealthState, output: String, checkedAt: String?) {
            self.name = name
            self.type = type
            self.state = state
            self.output = output
            self.checkedAt = checkedAt
        }
    }

    /// The health recorded in an instance's status, or nil if the checker has not reported yet.
    public static func of(_ resource: Resource) -> InstanceHealth? {
        guard let details = resource.status.details, details["health"] != nil else { return nil }
        return try? APIJSON.decode(InstanceHealth.self, from: details)
    }

    /// The health of an instance as discovery and DNS see it: the recorded health, or before the
    /// checker's first report, the instance's initial state (critical unless it says otherwise,
    /// passing when it has no checks at all).
    public static func state(of resource: Resource, spec: InstanceSpec?, service: ServiceSpec?) -> HealthState {
        if let text = resource.status.details?["health"]?.stringValue, let recorded = HealthState(rawValue: text) { return recorded }
        let checks = spec?.checks ?? service?.checks ?? []
        if checks.isEmpty { return .passing }
        return spec?.initialState ?? .critical
    }

    /// The health after `report` (for one of the instance's checks, named `checkNames`): the other
    /// reports kept, checks not yet run at `initial`, the worst state overall, and since when it
    /// has been critical.
    public static func merging(
        _ report: CheckReport, into previous: InstanceHealth?, checkNames: [String], initial: HealthState, now: String
    ) -> InstanceHealth {
        let previousReports = Dictionary((previous?.checks ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var reports: [CheckReport] = []
        for name in checkNames {
            if name == report.name {
                reports.append(report)
            } else if let kept = previousReports[name] {
                reports.append(kept)
            }
        }
        let pending = checkNames.count - reports.count
        var health = reports.map(\.state).max() ?? .passing
        if pending > 0 { health = max(health, initial) }
        let criticalSince = health == .critical ? (previous?.health == .critical ? previous?.criticalSince : nil) ?? now : nil
        return InstanceHealth(health: health, checks: reports, criticalSince: criticalSince)
    }

    /// The status that carries `health`, with a `Healthy` condition.
    public func status(from current: ResourceStatus, now: String) -> ResourceStatus {
        var status = current
        status.details = try? JSONDecoder().decode(JSONValue.self, from: APIJSON.encode(self))
        let summary = checks.filter { $0.state != .passing }.map { "\($0.name): \($0.state.rawValue)" }.joined(separator: ", ")
        status.message = health == .passing ? nil : summary
        status.setCondition(
            Condition(type: "Healthy", status: health.isHealthy ? "True" : "False", reason: health.rawValue.capitalized), now: now)
        return status
    }

    /// Truncates check output to ``HealthCheckSpec/maxOutputBytes`` on a character boundary.
    public static func truncate(_ output: String) -> String {
        if output.utf8.count <= HealthCheckSpec.maxOutputBytes { return output }
        var result = ""
        var used = 0
        for character in output {
            let size = character.utf8.count
            if used + size > HealthCheckSpec.maxOutputBytes - 3 { break }
            result.append(character)
            used += size
        }
        return result + "..."
    }
}
