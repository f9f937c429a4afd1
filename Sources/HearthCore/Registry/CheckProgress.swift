/// The state machine of one health check: results come in, the state moves only when enough
/// consecutive results agree (`successesBeforePassing`, `failuresBeforeCritical`), so a flapping
/// target does not flap what discovery and DNS answer.
public struct CheckProgress: Sendable, Hashable {
    public private(set) var state: HealthState
    public private(set) var consecutiveSuccesses = 0
    public private(set) var consecutiveFailures = 0
    public let successThreshold: Int
    public let failureThreshold: Int

    public init(initial: HealthState, successThreshold: Int = 1, failureThreshold: Int = 1) {
        state = initial
        self.successThreshold = max(1, successThreshold)
        self.failureThreshold = max(1, failureThreshold)
    }

    /// Takes one result; returns whether the state changed.
    @discardableResult
    public mutating func record(_ result: HealthState) -> Bool {
        let before = state
        if result == .passing {
            consecutiveSuccesses += 1
            consecutiveFailures = 0
            if state != .passing, consecutiveSuccesses >= successThreshold { state = .passing }
        } else {
            consecutiveFailures += 1
            consecutiveSuccesses = 0
            // A failing check that is already failing follows the latest severity at once.
            if state != .passing || consecutiveFailures >= failureThreshold { state = result }
        }
        return state != before
    }
}
