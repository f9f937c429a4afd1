/// The health of a check or an instance, from best to worst.
public enum HealthState: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case passing, warning, critical

    private var rank: Int {
        switch self {
        case .passing: 0
        case .warning: 1
        case .critical: 2
        }
    }

    public static func < (lhs: HealthState, rhs: HealthState) -> Bool { lhs.rank < rhs.rank }

    /// Whether traffic may go to an instance in this state: passing and warning (a warning is a
    /// degraded but serving instance, as in Consul's DNS interface).
    public var isHealthy: Bool { self != .critical }
}
